#!/usr/bin/env bash
# kmdinf stamp on good/kmdpnp.inx: the golden files in stamp/, byte for byte; only DriverVer and
# the two $ARCH$ lines change; SOURCE_DATE_EPOCH gives the same bytes as --date; stamping again
# (in place) changes nothing; UTF-16LE stays UTF-16LE; a refused stamp leaves OUT as it was and no
# temporary file behind.
#   stamp.sh KMDINF TESTS_INF_DIR WORKDIR
set -uo pipefail
k=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
inx=$src/good/kmdpnp.inx
fail=0
bad() { echo "FAIL: $*"; fail=1; }
for arch in x64 x86; do
    out=$work/kmdpnp-$arch.inf
    "$k" stamp "$inx" "$out" --arch $arch --version 1.0.0.0 --date 01/01/2024 || bad "stamp $arch"
    cmp "$out" "$src/stamp/kmdpnp-$arch.inf" || bad "$arch output differs from stamp/kmdpnp-$arch.inf"
    changed=$(diff "$inx" "$out" | grep -c '^[<>]')
    [ "$changed" = 6 ] || { diff "$inx" "$out"; bad "$arch: $changed lines differ from the INX (want 3 changed)"; }
    "$k" check "$out" --arch $arch --quiet || bad "$arch: the stamped INF does not pass check"
    # the date from SOURCE_DATE_EPOCH (2024-01-01T12:00:00Z) without --date: the same bytes
    SOURCE_DATE_EPOCH=1704110400 "$k" stamp "$inx" "$work/epoch.inf" --arch $arch --version 1.0.0.0 >/dev/null ||
        bad "stamp with SOURCE_DATE_EPOCH"
    cmp "$out" "$work/epoch.inf" || bad "$arch: SOURCE_DATE_EPOCH and --date 01/01/2024 differ"
    # again, in place: nothing changes
    cp "$out" "$work/again.inf"
    "$k" stamp "$work/again.inf" "$work/again.inf" --arch $arch --version 1.0.0.0 --date 01/01/2024 >/dev/null ||
        bad "stamp in place"
    cmp "$out" "$work/again.inf" || bad "$arch: stamping a stamped INF changed it"
done
grep -qx 'DriverVer   = 01/01/2024,1.0.0.0 ; set by kmdinf stamp' "$work/kmdpnp-x64.inf" || bad "no DriverVer line"
grep -qx '%ManufacturerName% = KmdPnp, NTamd64' "$work/kmdpnp-x64.inf" || bad "no NTamd64 decoration"
grep -qx '\[KmdPnp.NTx86\]' "$work/kmdpnp-x86.inf" || bad "no [KmdPnp.NTx86]"

# UTF-16LE with BOM and CRLF in, the same out
{ printf '\xff\xfe'; sed 's/$/\r/' "$inx" | iconv -f UTF-8 -t UTF-16LE; } >"$work/u16.inx"
"$k" stamp "$work/u16.inx" "$work/u16.inf" --arch x64 --version 1.0.0.0 --date 01/01/2024 >/dev/null || bad "stamp UTF-16"
[ "$(head -c 2 "$work/u16.inf" | od -An -tx1 | tr -d ' ')" = fffe ] || bad "UTF-16 output has no BOM"
tail -c +3 "$work/u16.inf" | iconv -f UTF-16LE -t UTF-8 | tr -d '\r' >"$work/u16-back.inf"
cmp "$work/u16-back.inf" "$src/stamp/kmdpnp-x64.inf" || bad "UTF-16 output is not the golden file"
"$k" check "$work/u16.inf" | grep -q "0 errors, 0 warnings (UTF-16LE with BOM, x64)" || bad "check UTF-16 output"

# refusals: exit 2, OUT untouched (or not created), no temporary file left
cp "$work/kmdpnp-x64.inf" "$work/keep.inf"
sum=$(sha256sum <"$work/keep.inf")
for args in "--date 02/30/2024 --version 1.0.0.0" "--date 01/01/2024 --version 1.0.0.65535" \
            "--date 2024-01-01 --version 1.0.0.0"; do
    # shellcheck disable=SC2086
    msg=$("$k" stamp "$inx" "$work/keep.inf" --arch x64 $args 2>&1)
    rc=$?
    [ $rc = 2 ] || bad "stamp $args: exit $rc, want 2"
    echo "refused ($args): $msg"
done
[ "$(sha256sum <"$work/keep.inf")" = "$sum" ] || bad "a refused stamp changed OUT"
printf '[Strings]\nA=1\n' >"$work/noversion.inx"
msg=$("$k" stamp "$work/noversion.inx" "$work/nv.inf" --arch x64 --version 1.0.0.0 --date 01/01/2024 2>&1)
[ $? = 2 ] && grep -q "no \[Version\] section" <<<"$msg" || bad "no [Version]: $msg"
[ ! -e "$work/nv.inf" ] || bad "a refused stamp created OUT"
msg=$(env -u SOURCE_DATE_EPOCH "$k" stamp "$inx" "$work/nd.inf" --arch x64 --version 1.0.0.0 2>&1)
[ $? = 2 ] && grep -q "give --date MM/DD/YYYY or set SOURCE_DATE_EPOCH" <<<"$msg" || bad "no date: $msg"
msg=$("$k" stamp "$inx" "$work/no/such/dir/o.inf" --arch x64 --version 1.0.0.0 --date 01/01/2024 2>&1)
[ $? = 2 ] && grep -q "cannot create a temporary file" <<<"$msg" || bad "missing folder: $msg"
chmod 0555 "$work"
if [ "$(id -u)" != 0 ]; then
    msg=$("$k" stamp "$inx" "$work/ro.inf" --arch x64 --version 1.0.0.0 --date 01/01/2024 2>&1)
    [ $? = 2 ] || bad "read-only folder: $msg"
fi
chmod 0755 "$work"
left=$(find "$work" -name '*.kmdinf-*')
[ -z "$left" ] || bad "temporary files left: $left"
[ $fail -eq 0 ] && echo "PASS: golden files, SOURCE_DATE_EPOCH, idempotence, UTF-16LE, refusals"
exit $fail
