#!/usr/bin/env bash
# klib.skeleton_no_leaks: loads skeleton.sys under its own service name, unloads it, and expects
# the clean pool report of kmdkit_klib: "skeleton: pool: no leaks".
#   skeleton-no-leaks.sh KMDKIT-WINE.SH SKELETON.sys
set -uo pipefail
script=$1 file=$2
bash "$script" load klib_skeleton "$file" --expect-log "skeleton: DriverEntry: device" || exit 1
bash "$script" unload klib_skeleton --expect-log "skeleton: pool: no leaks"
