#!/usr/bin/env bash
# klib.log: has klibtest log its check lines, then reads the driver log:
#   log-check.sh KMDKIT-WINE.SH CLIENT.exe Release|Debug
# The error line (KmdLogError: always on) must be there with its %d/%ws/%.*ws arguments; the
# verbose line (KmdLogVerbose: debug build only) must be absent in release and present in debug.
set -uo pipefail
script=$1 client=$2 config=$3
bash "$script" run -- "$client" run log || exit 1
bash "$script" expect-log "klibtest: log check: error line 42 wide counted-string end" || exit 1
if grep -q "klibtest: log check: verbose line" "$KMDKIT_WINE_LOG"; then
    verbose=present
else
    verbose=absent
fi
if [ "$config" = Debug ]; then want=present; else want=absent; fi
echo "log: verbose line $verbose ($config build: expected $want)"
[ "$verbose" = "$want" ] && echo "log: checks passed"
