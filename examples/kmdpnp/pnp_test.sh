#!/usr/bin/env bash
# The steps of kmdpnp's Wine tests that need more than one kmdctl call (CMakeLists.txt here):
#   pnp_test.sh STEP KMDCTL.EXE DIST_DIR STATE_DIR
# with the Wine test environment (KMDKIT_WINE, WINEPREFIX, KMDKIT_WINE_LOG: cmake/KmdKitWine.cmake).
#   setup    remove what an interrupted earlier run left in the reused prefix (the device, the
#            kmdpnp service, the package in the store), then the placeholder below
#   add      kmdctl pnp-add dist/kmdpnp.inf; keeps the published name (STATE_DIR/published)
#   create   kmdctl pnp-create --inf dist/kmdpnp.inf, then where the driver runs from
#   list     kmdctl pnp-list
#   devices  kmdctl pnp-devices Root\KmdPnpSample
#   remove   kmdctl pnp-remove Root\KmdPnpSample, and which removal IRPs the driver saw
#   unload   the driver's unload: by itself (Windows), else by stopping the service (Wine)
#   delete   kmdctl pnp-delete with the published name (and --force under Wine)
#   cleanup  what setup removes, and the placeholder
# Each prints kmdctl's output (the test's patterns match it) and "not checked under Wine: ..." for
# what the system here did not show; it exits with 1 when kmdctl's answer was not the one it must
# be (a wrong exit code, a missing line), naming it.
#
# The placeholder: Wine 8's SetupCopyOEMInf publishes an INF under its own name when %windir%\inf
# has no file of that name (Windows always publishes oem<N>.inf). A placeholder kmdpnp.inf makes
# Wine publish the package as oem<N>.inf too, so that pnp-delete (which takes only oem<N>.inf)
# is tested as on Windows.
set -uo pipefail

step=${1:?step} kmdctl=${2:?kmdctl.exe} dist=${3:?dist folder} state=${4:?state folder}
wine_bin=${KMDKIT_WINE:?KMDKIT_WINE must name the wine64 binary}
: "${WINEPREFIX:?}" "${KMDKIT_WINE_LOG:?}"
infdir=$WINEPREFIX/drive_c/windows/inf
package=$dist/kmdpnp.inf
placeholder_mark='; kmdkit test placeholder'
hwid='Root\KmdPnpSample'
mkdir -p "$state"

if setarch "$(uname -m)" -R true 2>/dev/null; then
    wine=(setarch "$(uname -m)" -R "$wine_bin")
else
    wine=("$wine_bin")
fi
winpath() { local p; p=$(realpath -m "$1"); printf 'Z:%s' "${p//\//\\}"; }
fail() { echo "FAIL: $*"; exit 1; }

# k ARGS...: kmdctl under Wine; its output in $out (printed), its exit code in $rc.
k() {
    out=$(timeout 60 "${wine[@]}" "$kmdctl" "$@" </dev/null 2>&1 | tr -d '\r')
    rc=${PIPESTATUS[0]}
    echo "\$ kmdctl $* -> exit $rc"
    [ -n "$out" ] && printf '%s\n' "$out"
    return 0
}
# want CODES...: $rc must be one of them.
want() {
    local c
    for c in "$@"; do [ "$rc" = "$c" ] && return 0; done
    fail "kmdctl exited with $rc, expected ${*// / or }"
}

log_size() { stat -c %s "$KMDKIT_WINE_LOG" 2>/dev/null || echo 0; }
# log_wait FROM RE [SECONDS]: RE in the driver log past byte FROM (DbgPrint lands asynchronously).
log_wait() {
    local from=$1 re=$2 tries=$((${3:-10} * 20))
    while [ $tries -gt 0 ]; do
        tail -c +"$((from + 1))" "$KMDKIT_WINE_LOG" | grep -Eq -- "$re" && return 0
        sleep 0.05
        tries=$((tries - 1))
    done
    return 1
}
log_has() { tail -c +"$(($1 + 1))" "$KMDKIT_WINE_LOG" | grep -Eq -- "$2"; }

# The device, the service and the package, whatever an earlier run left of them.
tidy() {
    local f name
    k pnp-remove "$hwid"
    want 0 3
    k stop kmdpnp
    want 0 3 4
    k remove kmdpnp
    want 0 3
    for f in "$infdir"/oem*.inf; do
        [ -f "$f" ] && cmp -s "$f" "$package" || continue
        name=$(basename "$f")
        k pnp-delete "$name" --force
        want 0
        rm -f "${f%.inf}.pnf" # Wine's SetupUninstallOEMInf leaves it
    done
    # Published under its own name by a run without the placeholder.
    if cmp -s "$infdir/kmdpnp.inf" "$package"; then
        rm -f "$infdir/kmdpnp.inf" "$infdir/kmdpnp.pnf"
        echo "removed kmdpnp.inf, which Wine had published under its own name"
    fi
    rm -f "$state/published"
}

# The name the add step published the package under (stderr and exit 1 without one).
published() {
    [ -s "$state/published" ] && cat "$state/published" && return 0
    echo "FAIL: no published name in $state/published: the add step did not run or failed" >&2
    exit 1
}

case $step in
setup)
    tidy
    if [ ! -e "$infdir/kmdpnp.inf" ]; then
        printf '%s (examples/kmdpnp/pnp_test.sh): Wine publishes an INF under its own\r\n; name when %%windir%%\\inf has none of that name; this file takes the name kmdpnp.inf, so\r\n; that Wine publishes the kmdpnp package as oem<N>.inf, as Windows always does.\r\n[Version]\r\nSignature = "$Windows NT$"\r\n' \
            "$placeholder_mark" >"$infdir/kmdpnp.inf"
        echo "placeholder $infdir/kmdpnp.inf written"
    fi
    grep -q "^$placeholder_mark" "$infdir/kmdpnp.inf" || fail "$infdir/kmdpnp.inf is there and is not the placeholder"
    echo "setup: done"
    ;;
add)
    k pnp-add "$(winpath "$package")"
    want 0
    name=$(sed -n 's/^published: \(oem[0-9]*\.inf\)$/\1/p' <<<"$out")
    [ -n "$name" ] || fail "no line 'published: oem<N>.inf'"
    echo "$name" >"$state/published"
    [ -f "$infdir/$name" ] && cmp -s "$infdir/$name" "$package" || fail "$infdir/$name is not a copy of $package"
    cat=$(find "$WINEPREFIX/drive_c/windows/system32/catroot" -iname kmdpnp.cat 2>/dev/null | head -n 1)
    [ -n "$cat" ] && cmp -s "$cat" "$dist/kmdpnp.cat" && echo "the catalog travelled with it: $cat"
    echo "not checked under Wine: the catalog's signature (Wine 8's SetupCopyOEMInf copies kmdpnp.cat without checking it) and the driver store (Wine keeps no DriverStore\\FileRepository copy of the package)"
    ;;
create)
    from=$(log_size)
    k pnp-create --inf "$(winpath "$package")"
    want 0
    grep -Eq '^device: ROOT\\SYSTEM\\[0-9]{4}$' <<<"$out" || fail "no line 'device: ROOT\\SYSTEM\\NNNN'"
    if grep -q '^driver: .* installed; state: unknown' <<<"$out"; then
        log_wait "$from" 'kmdpnp: START_DEVICE: started' || fail "kmdctl could not tell whether the device started, and the driver log has no START_DEVICE"
        echo "not checked under Wine: pnp-create waiting until the device has started (Wine 8's configuration manager reports no device status; the driver log shows START_DEVICE)"
    fi
    k status kmdpnp
    want 0
    if grep -Eiq '^image path +C:\\windows\\system32\\unknown\\kmdpnp\.sys$' <<<"$out"; then
        echo "not checked under Wine: DIRID 13, the driver store (Wine 8 does not know it: kmdpnp.sys was copied to and runs from C:\\windows\\system32\\unknown)"
    fi
    ;;
list)
    name=$(published) || exit 1
    k pnp-list
    want 0
    line=$(grep -E "^$name  " <<<"$out") || fail "pnp-list does not list $name"
    if grep -q "^$name  ?  " <<<"$line"; then
        echo "not checked under Wine: the original INF name in pnp-list (Wine 8's SetupQueryInfOriginalFileInformation gives back the published name)"
    fi
    ;;
devices)
    k pnp-devices "$hwid"
    want 0
    if grep -Eq '^ROOT\\SYSTEM\\[0-9]{4}: unknown \(' <<<"$out"; then
        echo "not checked under Wine: pnp-devices reporting the device started (Wine 8's CM_Get_DevNode_Status reports no status; START_DEVICE in the driver log and the client's report show it started)"
    elif ! grep -Eq '^ROOT\\SYSTEM\\[0-9]{4}: started$' <<<"$out"; then
        fail "the device is neither started nor of unknown state"
    fi
    ;;
remove)
    from=$(log_size)
    echo "$from" >"$state/removed_at"
    k pnp-remove "$hwid"
    want 0
    log_wait "$from" 'kmdpnp: REMOVE_DEVICE: ' || fail "no REMOVE_DEVICE in the driver log"
    if log_has "$from" 'kmdpnp: SURPRISE_REMOVAL' && ! log_has "$from" 'kmdpnp: QUERY_REMOVE_DEVICE'; then
        echo "not checked under Wine: QUERY_REMOVE_DEVICE and its veto while a handle is open (Wine 8 sends SURPRISE_REMOVAL, then REMOVE_DEVICE)"
    fi
    ;;
unload)
    from=$(cat "$state/removed_at" 2>/dev/null || echo 0)
    if ! log_wait "$from" 'kmdpnp: DriverUnload: ' 2; then
        k status kmdpnp
        want 0
        if grep -Eq '^state +running$' <<<"$out"; then
            echo "not checked under Wine: the driver unloading by itself once its last device is gone (Wine 8 keeps the kmdpnp service running); stopping the service"
            k stop kmdpnp
            want 0
        fi
    fi
    ;;
delete)
    name=$(published) || exit 1
    k pnp-delete "$name"
    if [ "$rc" = 1 ] && grep -q "deletes only with --force" <<<"$out"; then
        echo "not checked under Wine: pnp-delete without --force (Wine 8's SetupUninstallOEMInf deletes nothing without SUOI_FORCEDELETE)"
        k pnp-delete "$name" --force
    fi
    want 0
    grep -q "^deleted: $name" <<<"$out" || fail "no line 'deleted: $name'"
    [ ! -e "$infdir/$name" ] || fail "$infdir/$name is still there"
    rm -f "$infdir/${name%.inf}.pnf" "$state/published" # Wine leaves the .pnf
    k pnp-list
    want 0
    ! grep -q "^$name  " <<<"$out" || fail "pnp-list still lists $name"
    ;;
cleanup)
    tidy
    if [ -f "$infdir/kmdpnp.inf" ] && grep -q "^$placeholder_mark" "$infdir/kmdpnp.inf"; then
        rm -f "$infdir/kmdpnp.inf" "$infdir/kmdpnp.pnf"
        echo "placeholder removed"
    fi
    echo "cleanup: done"
    ;;
*)
    sed -n '2,16s/^# \{0,1\}//p' "$0" >&2
    exit 2
    ;;
esac
exit 0
