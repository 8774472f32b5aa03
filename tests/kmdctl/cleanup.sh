#!/usr/bin/env bash
# Removes the services an interrupted earlier run may have left in the reused Wine prefix (its
# registry keeps them across wineserver sessions): cleanup.sh KMDCTL.EXE NAME...
# Each `kmdctl remove NAME` must exit 0 (it was there) or 3 (it was not); anything else fails.
set -uo pipefail
kmdctl=${1:?kmdctl.exe}
shift
rc=0
for name in "$@"; do
    out=$("${KMDKIT_WINE:?KMDKIT_WINE must name the wine64 binary}" "$kmdctl" remove "$name" </dev/null 2>&1)
    code=$?
    case $code in
    0) echo "$name: removed (left over from an earlier run)" ;;
    3) echo "$name: not there" ;;
    *)
        echo "$name: kmdctl remove exited with $code, expected 0 or 3: ${out//$'\r'/}"
        rc=1
        ;;
    esac
done
exit $rc
