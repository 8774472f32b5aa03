#!/usr/bin/env bash
# The Wine side of kmdkit's tests: one prefix per build tree, one wineserver session per test run,
# DbgPrint captured to a log, drivers handled with Wine's sc. Called by the CTest fixtures that
# KmdKitWine.cmake registers; usable by hand with the same environment:
#   KMDKIT_WINE=/usr/lib/wine/wine64 WINEPREFIX=<build>/wine/prefix KMDKIT_WINE_LOG=<build>/wine/driver.log
#   [KMDKIT_WINE_TEMPLATE=~/.cache/kmdkit/wine-8.0-x64]
#
#   kmdkit-wine.sh prefix                       create the prefix once (reused afterwards); with
#                                               KMDKIT_WINE_TEMPLATE, link it to that shared prefix
#   kmdkit-wine.sh session-start | session-stop
#   kmdkit-wine.sh load NAME FILE.sys [--expect-log RE]...
#   kmdkit-wine.sh load-fails NAME FILE.sys WIN32_ERROR [--expect-log RE]...
#   kmdkit-wine.sh unload NAME [--expect-log RE]...
#   kmdkit-wine.sh expect-log RE                (anywhere in this session's log)
#   kmdkit-wine.sh run [--exit N] [--expect RE]... [--reject RE]... [--expect-log RE]...
#                      [--timeout S] -- PROGRAM [ARGS...]
#       runs PROGRAM (a .exe under Wine, anything else as is), then checks its exit code (default
#       0), its output and the driver log. A pattern is an extended regex matched line by line; one
#       with a line break is matched against the whole output. A Wine process that fails to START
#       is retried once, and the retry is printed.
set -uo pipefail

wine_bin=${KMDKIT_WINE:?KMDKIT_WINE must name the wine64 binary}
: "${WINEPREFIX:?WINEPREFIX must be set}" "${KMDKIT_WINE_LOG:?KMDKIT_WINE_LOG must be set}"
wineserver=$(dirname "$wine_bin")/wineserver
[ -x "$wineserver" ] || wineserver=$(command -v wineserver || echo /usr/lib/wine/wineserver)
state=$(dirname "$KMDKIT_WINE_LOG")
export WINEPREFIX WINEDLLOVERRIDES="mscoree,mshtml=" WINEDEBUG=-all
unset DISPLAY WAYLAND_DISPLAY
mkdir -p "$state"

die() { echo "kmdkit-wine: $*" >&2; exit 1; }

# Debian's wine64 has no preloader, the part of Wine that reserves the fixed addresses Windows
# programs expect before the system can put anything there. With address-space randomisation a
# library now and then lands on 0x7ffe0000 and the process dies at start with "failed to map the
# shared user data: c0000018" (or prints nothing). Every Wine process of the harness therefore
# starts with randomisation off for itself (setarch -R): the same layout every time.
if setarch "$(uname -m)" -R true 2>/dev/null; then
    wine=(setarch "$(uname -m)" -R "$wine_bin")
else
    wine=("$wine_bin")
fi
winpath() { local p; p=$(realpath -m "$1"); printf 'Z:%s' "${p//\//\\}"; }
log_size() { stat -c %s "$KMDKIT_WINE_LOG" 2>/dev/null || echo 0; }

# Runs Wine's sc; its own errors (the Win32 code of a failed call) come on the err:sc channel.
sc() {
    WINEDEBUG=-all,err+sc timeout 60 "${wine[@]}" sc "$@" </dev/null >"$state/sc.out" 2>"$state/sc.err"
    local rc=$?
    cat "$state/sc.out" "$state/sc.err" | grep -v '^$' | sed 's/^/  sc: /'
    return $rc
}
sc_error() { sed -n 's/.*failed to [a-z ]* \([0-9][0-9]*\).*/\1/p' "$state/sc.err" | tail -n 1; }

# A pattern without a line break matches per line (grep -E); with one, the whole text (bash =~,
# where . also matches a line break).
matches() {
    if [[ "$2" == *$'\n'* ]]; then [[ "$1" =~ $2 ]]; else grep -Eq -- "$2" <<<"$1"; fi
}

# Waits (up to 10 s: DbgPrint from winedevice lands asynchronously) for RE in the log past byte $1.
expect_log() {
    local from=$1 re=$2 i text
    for i in $(seq 1 200); do
        text=$(tail -c +"$((from + 1))" "$KMDKIT_WINE_LOG" 2>/dev/null)
        if matches "$text" "$re"; then
            echo "log: found /$re/"
            return 0
        fi
        sleep 0.05
    done
    echo "kmdkit-wine: /$re/ not in the driver log $KMDKIT_WINE_LOG since byte $from; it has:" >&2
    tail -c +"$((from + 1))" "$KMDKIT_WINE_LOG" | tail -n 20 >&2
    return 1
}

# Every pattern of the --expect-log options in "$@", in the log past byte $1.
expect_logs() {
    local from=$1 rc=0
    shift
    while [ $# -gt 0 ]; do
        case "$1" in
        --expect-log) expect_log "$from" "${2:?--expect-log needs a pattern}" || rc=1; shift 2 ;;
        *) die "unknown option '$1'" ;;
        esac
    done
    return $rc
}

# True when output $2 with exit code $1 means the Wine process never started: no output at all,
# or the loader's own start-up failure (seen: "wine: failed to map the shared user data:
# c0000018", an address-space clash at start). A crash of a started program is not one of them.
did_not_start() {
    local rc=$1 out=$2
    [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || return 1
    [ -z "${out//[[:space:]]/}" ] && return 0
    grep -Eq '^wine: (failed to map the shared user data|could not load kernel32\.dll|failed to start|could not exec|cannot (find|get))' <<<"$out"
}

run_checked() {
    local want=0 limit=50 expects=() rejects=() logs=() prog out rc tries from fail=0 re
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        case "$1" in
        --exit) want=${2:?--exit needs a number}; shift 2 ;;
        --expect) expects+=("${2?}"); shift 2 ;;
        --reject) rejects+=("${2?}"); shift 2 ;;
        --expect-log) logs+=("${2?}"); shift 2 ;;
        --timeout) limit=${2:?--timeout needs seconds}; shift 2 ;;
        *) die "run: unknown option '$1'" ;;
        esac
    done
    [ "${1:-}" = "--" ] && [ $# -ge 2 ] || die "run: usage: run [options] -- PROGRAM [ARGS...]"
    shift
    prog=()
    # Windows programs run under Wine; scripts and host tools run as they are, with this
    # environment (they can call "$KMDKIT_WINE" themselves).
    if [[ "${1,,}" == *.exe ]]; then prog=("${wine[@]}"); fi
    from=$(log_size)
    for tries in 1 2; do
        out=$(timeout "$limit" "${prog[@]}" "$@" </dev/null 2>&1 | tr -d '\r')
        rc=${PIPESTATUS[0]}
        if [ $tries = 1 ] && did_not_start "$rc" "$out"; then
            printf '%s\n' "$out"
            echo "kmdkit-wine: $(basename "$1") did not start (exit code $rc, output above); retrying once"
            continue
        fi
        break
    done
    printf '%s\n' "$out"
    echo "---- exit code: $rc"
    if [ "$rc" = 124 ]; then
        echo "FAIL: timed out after $limit s"
        fail=1
    elif [ "$rc" != "$want" ]; then
        echo "FAIL: exit code $rc, expected $want"
        fail=1
    fi
    for re in "${expects[@]}"; do
        matches "$out" "$re" || { echo "FAIL: output does not match /$re/"; fail=1; }
    done
    for re in "${rejects[@]}"; do
        ! matches "$out" "$re" || { echo "FAIL: output matches /$re/, which it must not"; fail=1; }
    done
    for re in "${logs[@]}"; do
        expect_log "$from" "$re" || { echo "FAIL: driver log does not match /$re/"; fail=1; }
    done
    [ $fail = 0 ] && echo "PASS: exit code $rc, every pattern found"
    exit $fail
}

# wineboot FOLDER: a new prefix in FOLDER (about 6 s and 700 MB), marked ready when complete.
wineboot_prefix() {
    local dir=$1 start
    start=$(date +%s)
    rm -rf "$dir"
    mkdir -p "$(dirname "$dir")"
    WINEPREFIX=$dir timeout 300 "${wine[@]}" wineboot -i </dev/null >"$state/wineboot.log" 2>&1 ||
        { cat "$state/wineboot.log" >&2; die "wineboot -i failed for $dir"; }
    WINEPREFIX=$dir timeout 60 "$wineserver" -w
    touch "$dir/.kmdkit-ready"
    echo "wine prefix $dir: created in $(($(date +%s) - start)) s"
}

case "${1:-}" in
prefix)
    exec 9>"$WINEPREFIX.lock"
    flock 9
    if [ -f "$WINEPREFIX/.kmdkit-ready" ]; then
        echo "wine prefix $WINEPREFIX: reused"
        exit 0
    fi
    template=${KMDKIT_WINE_TEMPLATE:-}
    if [ -z "$template" ]; then
        wineboot_prefix "$WINEPREFIX"
        exit 0
    fi
    # A prefix shared by every build tree of this user: made once (under its own lock), then each
    # tree's prefix is a copy made of hard links to its DLLs, programs and other read-only files
    # (nearly all of the 700 MB), so that a new build tree costs no wineboot and no disk. Every
    # other file is a real copy: wineserver rewrites the registry files in place, and a hard link
    # would carry one tree's services into the shared prefix and every other tree.
    exec 8>"$template.lock"
    flock 8
    if [ ! -f "$template/.kmdkit-ready" ]; then
        wineboot_prefix "$template"
    fi
    tmp=$WINEPREFIX.linking.$$
    rm -rf "$tmp" "$WINEPREFIX"
    mkdir -p "$(dirname "$WINEPREFIX")"
    cp -al "$template" "$tmp" || die "cannot link $template to $tmp"
    find "$tmp" -type f ! \( -iname '*.dll' -o -iname '*.exe' -o -iname '*.nls' -o -iname '*.sys' \
        -o -iname '*.drv' -o -iname '*.ocx' -o -iname '*.acm' -o -iname '*.cpl' -o -iname '*.tlb' \
        -o -iname '*.ds' -o -iname '*.msstyles' -o -iname '*.ttf' \) \
        -exec sh -c 'for f; do cp -p "$f" "$f.copy" && mv -f "$f.copy" "$f" || exit 1; done' sh {} + ||
        die "cannot copy the writable files of $template"
    mv "$tmp" "$WINEPREFIX" || die "cannot move $tmp to $WINEPREFIX"
    echo "wine prefix $WINEPREFIX: linked to the shared prefix $template (no wineboot)"
    ;;
session-start)
    # -p keeps the server (and so the loaded drivers) alive between the tests of this run. The
    # server of an earlier run (session-stop does not wait for it) is ended first, before the log
    # is rotated. It can outlive "wineserver -k; wineserver -w" for a moment, and -p then fails
    # (exit 2: one is running): kill and wait again, a few times, and say so.
    "$wineserver" -k >/dev/null 2>&1
    timeout 30 "$wineserver" -w
    [ -f "$KMDKIT_WINE_LOG" ] && mv -f "$KMDKIT_WINE_LOG" "$KMDKIT_WINE_LOG.prev"
    : >"$KMDKIT_WINE_LOG"
    for try in 1 2 3 4 5; do
        "$wineserver" -p </dev/null >/dev/null 2>&1 && break
        [ $try = 5 ] && die "wineserver -p failed 5 times: a server for $WINEPREFIX will not go away"
        echo "wineserver -p failed (try $try): an earlier server is still running; killing it again"
        sleep 0.5
        "$wineserver" -k >/dev/null 2>&1
        timeout 30 "$wineserver" -w
    done
    # The first process of the session starts services.exe and winedevice.exe; they inherit its
    # stderr and WINEDEBUG, which is how DbgPrint (warn+debugstr) reaches the log.
    WINEDEBUG=-all,warn+debugstr,err+all timeout 120 "${wine[@]}" cmd /c echo kmdkit-session-up \
        </dev/null >"$state/session.out" 2>>"$KMDKIT_WINE_LOG"
    grep -q kmdkit-session-up "$state/session.out" || die "the Wine session did not start (see $KMDKIT_WINE_LOG)"
    echo "wine session up: prefix $WINEPREFIX, driver log $KMDKIT_WINE_LOG"
    ;;
session-stop)
    # Ends the server and every process of the session. That takes most of a second, spent
    # waiting: it goes on in the background, and the next session-start waits for it.
    setsid "$wineserver" -k </dev/null >/dev/null 2>&1 &
    echo "wine session stopped; driver log kept at $KMDKIT_WINE_LOG"
    ;;
load | load-fails)
    verb=$1 name=${2:?service name} file=${3:?driver file}
    shift 3
    want_error=
    if [ "$verb" = load-fails ]; then want_error=${1:?expected Win32 error}; shift; fi
    [ -f "$file" ] || die "$file: no such driver file"
    from=$(log_size)
    if ! sc create "$name" type= kernel binPath= "$(winpath "$file")" >/dev/null; then
        # 1073 (ERROR_SERVICE_EXISTS): left by a run that was stopped half-way; replace it.
        [ "$(sc_error)" = 1073 ] || die "sc create $name failed (error $(sc_error))"
        echo "$name: a service of that name was left behind; stopping and deleting it"
        sc stop "$name" >/dev/null 2>&1
        sc delete "$name" >/dev/null 2>&1
        sc create "$name" type= kernel binPath= "$(winpath "$file")" || die "sc create $name failed (error $(sc_error))"
    fi
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
    expect_logs "$from" "$@"
    ;;
unload)
    name=${2:?service name}
    shift 2
    from=$(log_size)
    sc stop "$name" || die "sc stop $name failed (error $(sc_error))"
    rc=0
    expect_logs "$from" "$@" || rc=1
    sc delete "$name" || die "sc delete $name failed (error $(sc_error))"
    echo "$name: stopped and deleted"
    exit $rc
    ;;
expect-log)
    expect_log 0 "${2:?pattern}"
    ;;
run)
    shift
    run_checked "$@"
    ;;
*)
    sed -n '2,18s/^# \{0,1\}//p' "$0" >&2
    exit 2
    ;;
esac
