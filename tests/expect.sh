#!/usr/bin/env bash
# Runs a command and checks both its exit code and its output (stdout+stderr).
#   expect.sh EXIT_CODE REGEX -- command [args...]
# Prints the output, then PASS or FAIL with the reason.
set -uo pipefail
want=$1 re=$2
shift 2
[ "${1:-}" = "--" ] && shift
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
echo "---- exit code: $rc"
[ "$rc" -eq "$want" ] || { echo "FAIL: exit code $rc, expected $want"; exit 1; }
grep -Eq -- "$re" <<<"$out" || { echo "FAIL: output does not match /$re/"; exit 1; }
echo "PASS: exit $rc, output matches /$re/"
