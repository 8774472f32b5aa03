#!/usr/bin/env bash
# Configures (and, when it should succeed, builds) the out-of-tree project in tests/outoftree.
#   configure.sh ok|fail REGEX WORKDIR [cmake -D arguments...]
# ok: configure and build must succeed and their output match REGEX;
# fail: configure or build must fail and its output match REGEX (the error names the problem).
# Environment: REJECT, a regex the output must not match; ALSO_EXPECT, one more it must match;
# FORBID_OUTPUT, a secret never printed; STAGED, files that must be in dist/ and SHA256SUMS;
# NOT_STAGED, files that must be in neither after the failed build nor after a second one.
# Builds run with -k 0: a failing build shows every failing step.
set -uo pipefail
want=$1 re=$2 work=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
kmdkit=$(cd "$here/../.." && pwd)
rm -rf "$work"
mkdir -p "$work"
{
    cmake -S "$here" -B "$work/build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$kmdkit/toolchain-mingw.cmake" \
        -DKMDKIT_DIR="$kmdkit" -DCMAKE_BUILD_TYPE=Release -DKMDKIT_WINE_TESTS=OFF "$@" &&
        cmake --build "$work/build" -- -k 0 # every failing step, not only the first
} >"$work/output.txt" 2>&1
rc=$?
cat "$work/output.txt"
echo "---- configure/build exit code: $rc"
if [ "$want" = ok ] && [ $rc -ne 0 ]; then echo "FAIL: expected success"; exit 1; fi
if [ "$want" = fail ] && [ $rc -eq 0 ]; then echo "FAIL: expected a failure"; exit 1; fi
# CMake wraps long messages: match against the output with all whitespace runs made one space.
tr -s ' \n' '  ' <"$work/output.txt" >"$work/output.flat"
if ! grep -Eq -- "$re" "$work/output.flat"; then echo "FAIL: output does not match /$re/"; exit 1; fi
# ALSO_EXPECT: a second regex the output must match (its order against REGEX is free).
if [ -n "${ALSO_EXPECT:-}" ] && ! grep -Eq -- "$ALSO_EXPECT" "$work/output.flat"; then echo "FAIL: output does not match /$ALSO_EXPECT/"; exit 1; fi
if [ -n "${REJECT:-}" ] && grep -Eq -- "$REJECT" "$work/output.flat"; then echo "FAIL: output matches /$REJECT/ but must not"; exit 1; fi
# A secret (a password) must never be printed.
if [ -n "${FORBID_OUTPUT:-}" ] && grep -qF -- "$FORBID_OUTPUT" "$work/output.txt"; then echo "FAIL: the output shows a secret"; exit 1; fi
# Idiomatic driver code (pool tags, UNREFERENCED_PARAMETER, ...) must build without a warning.
if [ "$want" = ok ] && grep -q "warning:" "$work/output.txt"; then echo "FAIL: the build printed warnings"; exit 1; fi
# STAGED: files that must be in dist/ and in dist/SHA256SUMS, with the right hash.
for f in ${STAGED:-}; do
    [ -f "$work/build/dist/$f" ] || { echo "FAIL: $f is not in dist/"; exit 1; }
    (cd "$work/build/dist" && grep " $f\$" SHA256SUMS | sha256sum -c --quiet) ||
        { echo "FAIL: $f is not listed (rightly) in dist/SHA256SUMS"; exit 1; }
    echo "staged: $f, listed in SHA256SUMS"
done
# SMOKETESTS: the pairs dist/SMOKETESTS must list, in order (|-separated).
if [ -n "${SMOKETESTS:-}" ]; then
    want=$(tr '|' '\n' <<<"$SMOKETESTS")
    got=$(grep -v '^#' "$work/build/dist/SMOKETESTS")
    [ "$got" = "$want" ] || { echo "FAIL: dist/SMOKETESTS lists:"; echo "$got"; echo "expected:"; echo "$want"; exit 1; }
    echo "SMOKETESTS: $(tr '\n' ',' <<<"$got")"
fi
# NOT_STAGED: files (space-separated) that must be neither in dist/ nor in dist/SHA256SUMS after
# the failed build, nor after a second build (a failed step must not leave a file the next build
# takes as done).
if [ -n "${NOT_STAGED:-}" ]; then
    for pass in first second; do
        for f in $NOT_STAGED; do
            if [ -e "$work/build/dist/$f" ] || grep -q " $f\$" "$work/build/dist/SHA256SUMS" 2>/dev/null; then
                echo "FAIL: $f reached dist/ after the $pass build"; exit 1
            fi
        done
        [ $pass = second ] && break
        if cmake --build "$work/build" -- -k 0 >"$work/output2.txt" 2>&1; then
            cat "$work/output2.txt"; echo "FAIL: the second build succeeded"; exit 1
        fi
    done
    echo "not staged: $NOT_STAGED: not in dist/ nor in SHA256SUMS, after two builds"
fi
echo "PASS: $want, output matches /$re/"
