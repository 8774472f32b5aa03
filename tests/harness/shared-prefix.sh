#!/usr/bin/env bash
# harness.shared_prefix: a second build tree's prefix is made from the user's shared prefix
# (KMDKIT_WINE_TEMPLATE) without a wineboot, shares its DLLs on disk (hard links), and keeps a
# registry of its own: a key written in the second prefix must not reach the shared one.
#   shared-prefix.sh WINE_SCRIPT WORKDIR
set -uo pipefail
script=$1 work=$2
fail() { echo "FAIL: $*"; exit 1; }
[ -n "${KMDKIT_WINE_TEMPLATE:-}" ] || { echo "PASS: skipped: KMDKIT_WINE_TEMPLATE is empty (one prefix per tree)"; exit 0; }
rm -rf "$work"
mkdir -p "$work"
# The first tree makes the shared prefix if this user has none yet (a tree made before there was
# one keeps its own); the second must only link to it.
export WINEPREFIX=$work/first-tree/prefix KMDKIT_WINE_LOG=$work/first-tree/driver.log
bash "$script" prefix || fail "kmdkit-wine.sh prefix failed for the first tree"
export WINEPREFIX=$work/second-tree/prefix KMDKIT_WINE_LOG=$work/second-tree/driver.log
out=$(bash "$script" prefix 2>&1) || { echo "$out"; fail "kmdkit-wine.sh prefix failed"; }
echo "$out"
grep -q "linked to the shared prefix $KMDKIT_WINE_TEMPLATE (no wineboot)" <<<"$out" || fail "the second tree's prefix was not linked"
[ ! -e "$work/second-tree/wineboot.log" ] || fail "the second tree ran wineboot"
dll=drive_c/windows/system32/ntdll.dll
[ "$(stat -c %i "$WINEPREFIX/$dll")" = "$(stat -c %i "$KMDKIT_WINE_TEMPLATE/$dll")" ] ||
    fail "$dll is a copy, not the shared file"
for reg in system.reg user.reg userdef.reg; do
    [ "$(stat -c %h "$WINEPREFIX/$reg")" = 1 ] || fail "$reg is shared (hard link), not the tree's own"
done
before=$(sha256sum <"$KMDKIT_WINE_TEMPLATE/system.reg")
wine=(setarch "$(uname -m)" -R "$KMDKIT_WINE")
WINEDEBUG=-all "${wine[@]}" reg add 'HKLM\Software\KmdKitSharedPrefixTest' /v tree /d second /f >/dev/null 2>&1 ||
    fail "reg add in the second prefix failed"
wineserver=$(dirname "$KMDKIT_WINE")/wineserver
"$wineserver" -k >/dev/null 2>&1
timeout 30 "$wineserver" -w
grep -q KmdKitSharedPrefixTest "$WINEPREFIX/system.reg" || fail "the key did not reach the second prefix's registry"
[ "$(sha256sum <"$KMDKIT_WINE_TEMPLATE/system.reg")" = "$before" ] || fail "the shared prefix's registry changed"
rm -rf "$work"
echo "PASS: linked without wineboot, DLLs shared, registry private"
