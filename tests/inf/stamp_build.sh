#!/usr/bin/env bash
# The INF the build stamped from good/kmdpnp.inx: DriverVer carries the date of kmdkit's
# SOURCE_DATE_EPOCH (UTC, as GNU date computes it) and the INF passes kmdinf check.
#   stamp_build.sh KMDINF STAMPED_INF EPOCH ARCH
set -uo pipefail
k=$1 inf=$2 epoch=$3 arch=$4
want=$(date -u -d "@$epoch" +%m/%d/%Y)
dec=$([ "$arch" = x64 ] && echo NTamd64 || echo NTx86)
fail=0
grep -Eq "^DriverVer   = $want,1\.0\.0\.0 ; set by kmdinf stamp\$" "$inf" ||
    { echo "FAIL: DriverVer is not $want,1.0.0.0:"; grep -n DriverVer "$inf"; fail=1; }
grep -q "^\[KmdPnp\.$dec\]\$" "$inf" || { echo "FAIL: no [KmdPnp.$dec]"; fail=1; }
out=$("$k" check "$inf" --arch "$arch" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] && grep -q "0 errors, 0 warnings" <<<"$out" || { echo "FAIL: kmdinf check (exit $rc)"; fail=1; }
[ $fail -eq 0 ] && echo "PASS: DriverVer = $want,1.0.0.0 (SOURCE_DATE_EPOCH $epoch), [KmdPnp.$dec], clean"
exit $fail
