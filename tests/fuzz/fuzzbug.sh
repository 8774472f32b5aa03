#!/usr/bin/env bash
# kmdctl fuzz against fuzzbug's planted bugs (README.md), under the harness's Wine session:
#   fuzzbug.sh WINE_SCRIPT KMDCTL.exe FUZZBUG.sys crash|hang
# crash: a run finds the NULL write (exit 6, "THE HOST DIED", the seed, the request), the log
#   shows the planted bug, and its replay line run on a fresh load kills the host again with the
#   same request. The dead host's services are deleted; its link stays until the next load of
#   fuzzbug, which replaces it.
# hang: a run finds the stall (exit 6, "THE HOST HUNG"); the driver is unloaded once the stall
#   has ended, without leaks.
# Each load has its own service name (fuzzbug_crash, fuzzbug_hang), after the fixture's unload.
# A crashing winedevice would start winedbg (AeDebug): the Debugger value is emptied for the
# test and put back after it. Prints "<case>: passed" when every check holds; exit 1 otherwise.
set -uo pipefail

wine_sh=${1:?WINE_SCRIPT} kmdctl=${2:?KMDCTL.exe} sys=${3:?FUZZBUG.sys} case=${4:?crash|hang}
if setarch "$(uname -m)" -R true 2>/dev/null; then
    wine=(setarch "$(uname -m)" -R "$KMDKIT_WINE")
else
    wine=("$KMDKIT_WINE")
fi
service=fuzzbug_$case
aedebug='HKLM\Software\Microsoft\Windows NT\CurrentVersion\AeDebug'
failed=0

check() { # check WHAT CONDITION...
    local what=$1
    shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failed=1; fi
}
log_since() { tail -c +"$(($1 + 1))" "$KMDKIT_WINE_LOG" 2>/dev/null; }
log_size() { stat -c %s "$KMDKIT_WINE_LOG" 2>/dev/null || echo 0; }
wait_log() { # wait_log FROM REGEX: up to 10 s
    local i
    for i in $(seq 200); do
        log_since "$1" | grep -Eq -- "$2" && return 0
        sleep 0.05
    done
    return 1
}
fuzz() { # fuzz ARGS...: kmdctl fuzz, output in $out, exit code in $rc
    out=$(timeout 60 "${wine[@]}" "$kmdctl" fuzz "$@" </dev/null 2>&1 | tr -d '\r')
    rc=${PIPESTATUS[0]}
    printf '%s\n' "$out" | sed 's/^/  | /'
}
load() { bash "$wine_sh" load "$service" "$sys" --expect-log "fuzzbug: DriverEntry: device .*KmdFuzzBug ready" >/dev/null; }
# After a crash the service still says RUNNING and cannot be stopped: delete it.
forget() { WINEDEBUG=-all timeout 60 "${wine[@]}" sc delete "$service" </dev/null >/dev/null 2>&1; }
unload() { bash "$wine_sh" unload "$service" --expect-log "fuzzbug: pool: no leaks" >/dev/null; }

old_debugger=$("${wine[@]}" reg query "$aedebug" /v Debugger </dev/null 2>/dev/null | tr -d '\r' |
    sed -n 's/^ *Debugger *REG_SZ *//p')
restore() { "${wine[@]}" reg add "$aedebug" /v Debugger /d "$old_debugger" /f </dev/null >/dev/null 2>&1; }
trap restore EXIT
"${wine[@]}" reg add "$aedebug" /v Debugger /d "" /f </dev/null >/dev/null 2>&1 ||
    { echo "FAIL: cannot empty the AeDebug Debugger value"; exit 1; }

case $case in
crash)
    load || { echo "FAIL: cannot load fuzzbug as $service"; exit 1; }
    from=$(log_size)
    rm -f crash.journal
    echo "run: kmdctl fuzz KmdFuzzBug --code 0x83022000 --code 0x83022004 --count 2000 --journal crash.journal"
    fuzz KmdFuzzBug --code 0x83022000 --code 0x83022004 --count 2000 --journal crash.journal
    check "exit code 6 (host died), got $rc" test "$rc" = 6
    died=$(grep -E '^fuzz: THE HOST DIED at request [0-9]+ of this run \(0x83022004, its request [0-9]+: in 13 bytes' <<<"$out")
    check "the death names the request: the sum code with 13 bytes in" test -n "$died"
    check "the report names the seed and the request" grep -Eq '^fuzz: seed 1, request [0-9]+; replay that request alone:$' <<<"$out"
    check "the driver log shows the planted bug" wait_log "$from" "fuzzbug: SUM: 13 bytes in: the planted bug writes through NULL"
    replay=$(grep -A1 'replay that request alone:' <<<"$out" | sed -n 's/^  kmdctl fuzz //p')
    check "a replay line: --code --seed --first --count 1" grep -Eq '^KmdFuzzBug --code 0x83022004 --seed 1 --first [0-9]+ --count 1$' <<<"$replay"
    # The journal (what a Windows machine that bug-checks keeps): the verdict and the replay.
    journal=$(tr -d '\r' <crash.journal 2>/dev/null)
    printf '%s\n' "$journal" | sed 's/^/  journal| /'
    check "the journal names the request" grep -Eq '^kmdctl fuzz: the host died at request [0-9]+: ' <<<"$journal"
    check "the journal has the replay line" grep -Fqx "replay: kmdctl fuzz $replay" <<<"$journal"
    forget
    # The replay, on a fresh load (the driver replaces the link the dead host left).
    load || { echo "FAIL: cannot load fuzzbug again after the crash"; exit 1; }
    check "the reload replaced the dead host's link" wait_log "$from" "fuzzbug: DriverEntry: replaced the link a dead host left behind"
    echo "replay: kmdctl fuzz $replay"
    read -ra words <<<"$replay"
    fuzz "${words[@]}"
    check "the replay: exit code 6, got $rc" test "$rc" = 6
    first=${died#*(}
    again=$(grep -F "fuzz: THE HOST DIED at request 1 of this run (${first}" <<<"$out")
    check "the replay kills the host with the same request (${first%%)*})" test -n "$again"
    forget # the stale link stays: the next load of fuzzbug replaces it
    ;;
hang)
    load || { echo "FAIL: cannot load fuzzbug as $service"; exit 1; }
    from=$(log_size)
    echo "run: kmdctl fuzz KmdFuzzBug --code 0x83022008 --count 500 --timeout 600 --cancel-after 100"
    fuzz KmdFuzzBug --code 0x83022008 --count 500 --timeout 600 --cancel-after 100
    check "exit code 6 (host hung), got $rc" test "$rc" = 6
    check "the hang names the request: the stall code with 7 bytes in" grep -Eq '^fuzz: THE HOST HUNG at request [0-9]+ of this run \(0x83022008, its request [0-9]+: in 7 bytes' <<<"$out"
    check "it says why: not done after the timeout, the cancel did not end it" grep -Eq '^fuzz: the request was not done after [0-9]+ ms \(CancelIoEx did not end it\)$' <<<"$out"
    check "a replay line" grep -Eq '^  kmdctl fuzz KmdFuzzBug --code 0x83022008 --seed 1 --first [0-9]+ --count 1 --timeout 600 --cancel-after 100$' <<<"$out"
    check "the driver log shows the planted hang" wait_log "$from" "fuzzbug: STALL: 7 bytes in: the planted hang"
    check "the stall ends" wait_log "$from" "fuzzbug: STALL: done"
    unload
    check "unload after the stall: no leaks" test $? = 0
    ;;
*)
    echo "fuzzbug.sh: unknown case '$case'" >&2
    exit 2
    ;;
esac
if [ $failed = 0 ]; then echo "$case: passed"; else echo "$case: FAILED"; fi
exit $failed
