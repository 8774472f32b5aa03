#!/usr/bin/env bash
# The Wine side of kmdkit's tests: one prefix per build tree, one wineserver session per test run,
# DbgPrint captured to a log, drivers handled with Wine's sc. Called by the CTest fixtures that
# KmdKitWine.cmake registers; usable by hand with the same environment:
#   KMDKIT_WINE=/usr/lib/wine/wine64 WINEPREFIX=<build>/wine/prefix KMDKIT_WINE_LOG=<build>/wine/driver.log
#
#   kmdkit-wine.sh prefix                       create the prefix once (reused afterwards)
#   kmdkit-wine.sh session-start | session-stop
#   kmdkit-wine.sh load NAME FILE.sys [--expect-log RE]
#   kmdkit-wine.sh load-fails NAME FILE.sys WIN32_ERROR [--expect-log RE]
#   kmdkit-wine.sh unload NAME [--expect-log RE]
#   kmdkit-wine.sh expect-log RE                (anywhere in this session's log)
set -uo pipefail

wine=${KMDKIT_WINE:?KMDKIT_WINE must name the wine64 binary}
: "${WINEPREFIX:?WINEPREFIX must be set}" "${KMDKIT_WINE_LOG:?KMDKIT_WINE_LOG must be set}"
wineserver=$(dirname "$wine")/wineserver
[ -x "$wineserver" ] || wineserver=$(command -v wineserver || echo /usr/lib/wine/wineserver)
state=$(dirname "$KMDKIT_WINE_LOG")
export WINEPREFIX WINEDLLOVERRIDES="mscoree,mshtml=" WINEDEBUG=-all
unset DISPLAY WAYLAND_DISPLAY
mkdir -p "$state"

die() { echo "kmdkit-wine: $*" >&2; exit 1; }
winpath() { local p; p=$(realpath -m "$1"); printf 'Z:%s' "${p//\//\\}"; }
log_size() { stat -c %s "$KMDKIT_WINE_LOG" 2>/dev/null || echo 0; }

# Runs Wine's sc; its own errors (the Win32 code of a failed call) come on the err:sc channel.
sc() {
    WINEDEBUG=-all,err+sc timeout 60 "$wine" sc "$@" </dev/null >"$state/sc.out" 2>"$state/sc.err"
    local rc=$?
    cat "$state/sc.out" "$state/sc.err" | grep -v '^$' | sed 's/^/  sc: /'
    return $rc
}
sc_error() { sed -n 's/.*failed to [a-z ]* \([0-9][0-9]*\).*/\1/p' "$state/sc.err" | tail -n 1; }

# Waits (up to 10 s: DbgPrint from winedevice lands asynchronously) for RE in the log past byte $1.
expect_log() {
    local from=$1 re=$2 i
    for i in $(seq 1 50); do
        # A pattern with a line break must match as a whole (grep -E would split it).
        if [[ "$re" == *$'\n'* ]]; then
            [[ "$(tail -c +"$((from + 1))" "$KMDKIT_WINE_LOG" 2>/dev/null)" =~ $re ]] && found=1 || found=0
        else
            tail -c +"$((from + 1))" "$KMDKIT_WINE_LOG" 2>/dev/null | grep -Eq -- "$re" && found=1 || found=0
        fi
        if [ $found = 1 ]; then
            echo "log: found /$re/"
            return 0
        fi
        sleep 0.2
    done
    echo "kmdkit-wine: /$re/ not in the driver log $KMDKIT_WINE_LOG since byte $from; it has:" >&2
    tail -c +"$((from + 1))" "$KMDKIT_WINE_LOG" | tail -n 20 >&2
    return 1
}

opt_log() { if [ "${1:-}" = "--expect-log" ]; then echo "${2:?--expect-log needs a pattern}"; fi; }

case "${1:-}" in
prefix)
    exec 9>"$WINEPREFIX.lock"
    flock 9
    if [ -f "$WINEPREFIX/.kmdkit-ready" ]; then
        echo "wine prefix $WINEPREFIX: reused"
        exit 0
    fi
    rm -rf "$WINEPREFIX"
    mkdir -p "$(dirname "$WINEPREFIX")"
    start=$(date +%s)
    timeout 300 "$wine" wineboot -i </dev/null >"$state/wineboot.log" 2>&1 ||
        { cat "$state/wineboot.log" >&2; die "wineboot -i failed for $WINEPREFIX"; }
    timeout 60 "$wineserver" -w
    touch "$WINEPREFIX/.kmdkit-ready"
    echo "wine prefix $WINEPREFIX: created in $(($(date +%s) - start)) s"
    ;;
session-start)
    "$wineserver" -k >/dev/null 2>&1
    timeout 30 "$wineserver" -w
    [ -f "$KMDKIT_WINE_LOG" ] && mv -f "$KMDKIT_WINE_LOG" "$KMDKIT_WINE_LOG.prev"
    : >"$KMDKIT_WINE_LOG"
    # -p keeps the server (and so the loaded drivers) alive between the tests of this run.
    "$wineserver" -p </dev/null >/dev/null 2>&1 || die "wineserver -p failed"
    # The first process of the session starts services.exe and winedevice.exe; they inherit its
    # stderr and WINEDEBUG, which is how DbgPrint (warn+debugstr) reaches the log.
    WINEDEBUG=-all,warn+debugstr,err+all timeout 120 "$wine" cmd /c echo kmdkit-session-up \
        </dev/null >"$state/session.out" 2>>"$KMDKIT_WINE_LOG"
    grep -q kmdkit-session-up "$state/session.out" || die "the Wine session did not start (see $KMDKIT_WINE_LOG)"
    echo "wine session up: prefix $WINEPREFIX, driver log $KMDKIT_WINE_LOG"
    ;;
session-stop)
    "$wineserver" -k >/dev/null 2>&1
    timeout 30 "$wineserver" -w
    echo "wine session stopped; driver log kept at $KMDKIT_WINE_LOG"
    ;;
load | load-fails)
    verb=$1 name=${2:?service name} file=${3:?driver file}
    shift 3
    want_error=
    if [ "$verb" = load-fails ]; then want_error=${1:?expected Win32 error}; shift; fi
    re=$(opt_log "$@")
    [ -f "$file" ] || die "$file: no such driver file"
    sc stop "$name" >/dev/null 2>&1
    sc delete "$name" >/dev/null 2>&1
    from=$(log_size)
    sc create "$name" type= kernel binPath= "$(winpath "$file")" || die "sc create $name failed (error $(sc_error))"
    if sc start "$name"; then
        if [ -n "$want_error" ]; then
            sc stop "$name"; sc delete "$name"
            die "$name started, but it should have failed with Win32 error $want_error"
        fi
        echo "$name: started"
    else
        err=$(sc_error)
        sc delete "$name"
        if [ -z "$want_error" ]; then die "$name failed to start: Win32 error ${err:-unknown}"; fi
        [ "$err" = "$want_error" ] || die "$name failed to start with Win32 error ${err:-unknown}, expected $want_error"
        echo "$name: failed to start with Win32 error $err, as expected"
    fi
    [ -z "$re" ] || expect_log "$from" "$re"
    ;;
unload)
    name=${2:?service name}
    shift 2
    re=$(opt_log "$@")
    from=$(log_size)
    sc stop "$name" || die "sc stop $name failed (error $(sc_error))"
    rc=0
    [ -z "$re" ] || expect_log "$from" "$re" || rc=1
    sc delete "$name" || die "sc delete $name failed (error $(sc_error))"
    echo "$name: stopped and deleted"
    exit $rc
    ;;
expect-log)
    expect_log 0 "${2:?pattern}"
    ;;
*)
    sed -n '2,12s/^# \{0,1\}//p' "$0" >&2
    exit 2
    ;;
esac
