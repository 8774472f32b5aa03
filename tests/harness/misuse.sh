#!/usr/bin/env bash
# Configures misuse/ with one misuse of the Wine harness API; the configure must fail with an
# error matching REGEX.
#   misuse.sh KMDKIT_ROOT WORKDIR CASE REGEX
set -uo pipefail
root=$1 work=$2 case=$3 re=$4
rm -rf "$work"
out=$(cmake -S "$(dirname "$0")/misuse" -B "$work" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$root/toolchain-mingw.cmake" \
    -DKMDKIT_KMDPE=/bin/true -DMISUSE="$case" 2>&1)
rc=$?
printf '%s\n' "$out"
[ $rc -ne 0 ] || { echo "FAIL: the configure succeeded"; exit 1; }
# CMake wraps its messages: match against the text with line breaks and runs of blanks folded.
flat=$(tr -s ' \n' '  ' <<<"$out")
grep -Eq -- "$re" <<<"$flat" || { echo "FAIL: no error matching /$re/"; exit 1; }
echo "PASS: the configure stopped with /$re/"
