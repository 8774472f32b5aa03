#!/usr/bin/env bash
# Runs the Wine harness's runner (kmdkit-wine.sh run) on a case and checks its verdict:
#   runner-verdict.sh WANT_EXIT KMDKIT-WINE.SH [runner options...] -- PROGRAM [ARGS...]
# Prints the runner's output, then "verdict: runner exit N (expected WANT_EXIT)".
set -uo pipefail
want=$1 script=$2
shift 2
out=$(bash "$script" run "$@" 2>&1)
rc=$?
printf '%s\n' "$out"
echo "verdict: runner exit $rc (expected $want)"
[ "$rc" = "$want" ]
