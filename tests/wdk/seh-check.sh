#!/bin/bash
# seh-check.sh CMAKE BUILD_DIR TARGET HAS_SEH TRIES: builds TARGET (a WDK-style driver with TRIES
# try statements). With SEH (clang for x64) the build must succeed; without, it must fail with
# exactly TRIES errors, each naming the clang preset, and no other error or warning.
set -u
cmake=$1 bindir=$2 target=$3 has_seh=$4 tries=$5
out=$("$cmake" --build "$bindir" --target "$target" 2>&1)
rc=$?
case "$has_seh" in
TRUE | ON | 1)
    if [ "$rc" = 0 ]; then
        echo "seh: ok: $target builds with real SEH"
        exit 0
    fi
    printf '%s\n' "$out"
    echo "seh: $target should build with SEH but the build failed ($rc)"
    exit 1
    ;;
esac
diagnostics=$(grep -E ': (fatal )?(error|warning):' <<<"$out")
seh=$(grep -cE ': error: __try needs structured exception handling, which only kmdkit.s x64 clang toolchain has: configure with --preset x64-clang' <<<"$diagnostics")
total=$(grep -c . <<<"$diagnostics")
printf '%s\n' "$diagnostics"
if [ "$rc" != 0 ] && [ "$seh" = "$tries" ] && [ "$total" = "$tries" ]; then
    echo "seh: ok: $tries errors for $tries try statements, nothing else"
    exit 0
fi
echo "seh: expected the build to fail with $tries try errors and nothing else: exit $rc, $seh try errors, $total diagnostics"
exit 1
