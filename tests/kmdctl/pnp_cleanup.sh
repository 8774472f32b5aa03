#!/usr/bin/env bash
# Removes the root-enumerated test devices an interrupted earlier run may have left in the reused
# Wine prefix (its registry keeps them across wineserver sessions): pnp_cleanup.sh KMDCTL.EXE HWID...
# Each `kmdctl pnp-remove HWID` must exit 0 (there were some) or 3 (there were none).
set -uo pipefail
kmdctl=${1:?kmdctl.exe}
shift
rc=0
for hwid in "$@"; do
    out=$("${KMDKIT_WINE:?KMDKIT_WINE must name the wine64 binary}" "$kmdctl" pnp-remove "$hwid" </dev/null 2>&1)
    code=$?
    case $code in
    0) echo "$hwid: removed (left over from an earlier run): ${out//$'\r'/}" ;;
    3) echo "$hwid: none" ;;
    *)
        echo "$hwid: kmdctl pnp-remove exited with $code, expected 0 or 3: ${out//$'\r'/}"
        rc=1
        ;;
    esac
done
exit $rc
