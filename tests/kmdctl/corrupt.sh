#!/usr/bin/env bash
# Makes a damaged copy of dist/ for the checksums test: corrupt.sh DIST_DIR OUT_DIR
# OUT_DIR gets SHA256SUMS and every file it lists, then skeleton.sys gets one byte changed
# (-> MISMATCH) and simplest.sys is deleted (-> MISSING). OUT_DIR/unreadable/SHA256SUMS lists a
# folder, which exists but cannot be read as a file (-> ERROR).
set -euo pipefail
dist=${1:?dist folder} out=${2:?output folder}
rm -rf "$out"
mkdir -p "$out"
cp "$dist/SHA256SUMS" "$out/"
while read -r _ name; do
    name=${name#\*}
    mkdir -p "$out/$(dirname "$name")" # symbols/... in clang trees
    cp "$dist/$name" "$out/$name"
done <"$dist/SHA256SUMS"
# Flip the lowest bit of the byte at offset 64 of skeleton.sys.
byte=$(od -An -tu1 -j64 -N1 "$out/skeleton.sys" | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 1)))" |
    dd of="$out/skeleton.sys" bs=1 seek=64 count=1 conv=notrunc status=none
cmp -s "$dist/skeleton.sys" "$out/skeleton.sys" && { echo "corrupt.sh: byte not changed" >&2; exit 1; }
rm -f "$out/simplest.sys"
mkdir -p "$out/unreadable/sub"
printf '%064d  sub\n' 0 >"$out/unreadable/SHA256SUMS"
echo "corrupt.sh: $out: skeleton.sys changed at byte 64, simplest.sys removed; unreadable/ lists a folder"
