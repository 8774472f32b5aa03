#!/usr/bin/env bash
# Runs a Windows program under Wine and checks both its exit code and its output:
#   expect.sh EXIT[,EXIT...] [REGEX...] -- PROGRAM.exe [ARGS...]
# EXIT lists the accepted exit codes; every REGEX (grep -E) must match the combined stdout and
# stderr. Wine comes from $KMDKIT_WINE (the environment of kmdkit's Wine tests).
set -uo pipefail

usage() { sed -n '2,5s/^# \{0,1\}//p' "$0" >&2; exit 2; }
[ $# -ge 3 ] || usage
want=$1
shift
regexes=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    regexes+=("$1")
    shift
done
[ "${1:-}" = "--" ] || usage
shift
[ $# -ge 1 ] || usage
wine=${KMDKIT_WINE:?KMDKIT_WINE must name the wine64 binary}

out=$(timeout 50 "$wine" "$@" </dev/null 2>&1 | tr -d '\r')
rc=${PIPESTATUS[0]}
printf '%s\n' "$out"
echo "expect.sh: exit code $rc"

fail=0
if [[ ",$want," != *",$rc,"* ]]; then
    echo "expect.sh: FAIL: exit code $rc, expected $want" >&2
    fail=1
fi
for re in "${regexes[@]}"; do
    if ! grep -Eq -- "$re" <<<"$out"; then
        echo "expect.sh: FAIL: output does not match /$re/" >&2
        fail=1
    fi
done
[ $fail -eq 0 ] && echo "expect.sh: passed"
exit $fail
