#!/usr/bin/env bash
# seh.needs_clang: where kmdkit has no SEH, a driver source with one __try must fail to compile
# with exactly one error, and that error must name the way out (--preset x64-clang).
#   needs_clang.sh CMAKE BUILD_DIR TARGET OBJECT...
# The target's objects are deleted first, so the source is compiled on every run: the test can
# never pass on an earlier build's state.
set -u
cmake=$1 build=$2 target=$3
shift 3
rm -f -- "$@"
for obj in "$@"; do
    if [ -e "$obj" ]; then
        echo "seh.needs_clang: FAILED: cannot delete $obj"
        exit 1
    fi
done
out=$("$cmake" --build "$build" --target "$target" 2>&1)
rc=$?
printf '%s\n' "$out"
echo "--- cmake --build --target $target: exit code $rc"
errors=$(printf '%s\n' "$out" | grep -c 'error:')
line=$(printf '%s\n' "$out" | grep 'error:')
fail() {
    echo "seh.needs_clang: FAILED: $*"
    exit 1
}
[ "$rc" -ne 0 ] || fail "the build of $target succeeded: a __try compiled without SEH"
[ "$errors" -eq 1 ] || fail "$errors lines with 'error:' (expected exactly 1)"
case $line in
*"__try needs structured exception handling"*"--preset x64-clang"*) ;;
*) fail "the error does not name --preset x64-clang: $line" ;;
esac
echo "seh.needs_clang: passed: one error, naming --preset x64-clang"
