#!/usr/bin/env bash
# replay.sh KMDCTL.exe DEVICE ARGS...: runs `kmdctl fuzz DEVICE ARGS` under Wine (it must find
# something: exit 1), then the replay line printed under its first finding, which must send that
# one request and get the same error back. Prints both outputs, then "replay: request 1 (...): N
# (NAME)" and "replay: passed", or "replay: FAILED: why" (exit 1).
set -uo pipefail

kmdctl=${1:?KMDCTL.exe}
shift
if setarch "$(uname -m)" -R true 2>/dev/null; then
    wine=(setarch "$(uname -m)" -R "$KMDKIT_WINE")
else
    wine=("$KMDKIT_WINE")
fi
fail() {
    echo "replay: FAILED: $*"
    exit 1
}

out=$(timeout 60 "${wine[@]}" "$kmdctl" fuzz "$@" </dev/null 2>&1 | tr -d '\r')
rc=${PIPESTATUS[0]}
printf '%s\n' "$out"
[ "$rc" = 1 ] || fail "the run exited with $rc, not 1 (findings)"
finding=$(grep -m1 -E ': FINDING, not an expected error$' <<<"$out") || fail "no finding in the run"
error=$(sed -E 's/^ *[0-9]+  ([0-9]+ \([A-Z_]+\)).*/\1/' <<<"$finding")
line=$(grep -m1 -A1 -F "$finding" <<<"$out" | tail -n 1)
[[ $line =~ replay:\ kmdctl\ fuzz\ (.*)$ ]] || fail "no replay line under '$finding'"
read -ra words <<<"${BASH_REMATCH[1]}"
echo "---- replay: kmdctl fuzz ${words[*]}"
out=$(timeout 60 "${wine[@]}" "$kmdctl" fuzz "${words[@]}" </dev/null 2>&1 | tr -d '\r')
rc=${PIPESTATUS[0]}
printf '%s\n' "$out"
[ "$rc" = 1 ] || fail "the replay exited with $rc, not 1"
request=$(grep -m1 -E '^request 1 \(' <<<"$out") || fail "the replay printed no request line"
[[ $request == *": $error" ]] || fail "the replay's request did not end with $error"
echo "replay: $request"
echo "replay: passed"
