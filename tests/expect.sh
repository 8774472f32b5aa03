#!/usr/bin/env bash
# Runs a command and checks both its exit code and its output (stdout+stderr).
#   expect.sh [--wine] EXIT[,EXIT...] REGEX... -- COMMAND [ARGS...]
# EXIT lists the accepted exit codes; every REGEX (grep -E) must match the output.
# --wine runs COMMAND (a Windows program) under $KMDKIT_WINE, the Wine of kmdkit's Wine tests.
# Prints the output, then PASS or FAIL with the reason.
set -uo pipefail
usage() { sed -n '2,6s/^# \{0,1\}//p' "$0" >&2; exit 2; }
wine=()
if [ "${1:-}" = "--wine" ]; then
    wine=("${KMDKIT_WINE:?KMDKIT_WINE must name the wine64 binary}")
    shift
fi
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

out=$(timeout 50 "${wine[@]}" "$@" </dev/null 2>&1 | tr -d '\r')
rc=${PIPESTATUS[0]}
printf '%s\n' "$out"
echo "---- exit code: $rc"
fail=0
if [[ ",$want," != *",$rc,"* ]]; then
    echo "FAIL: exit code $rc, expected $want"
    fail=1
fi
# A pattern with a line break must match across lines as one pattern (grep -E would split it
# into alternatives), so it is matched against the whole output with bash's =~ instead.
matches() {
    if [[ "$1" == *$'\n'* ]]; then [[ "$out" =~ $1 ]]; else grep -Eq -- "$1" <<<"$out"; fi
}
for re in "${regexes[@]}"; do
    if ! matches "$re"; then
        echo "FAIL: output does not match /$re/"
        fail=1
    fi
done
[ $fail -eq 0 ] && echo "PASS: exit $rc, output matches every pattern"
exit $fail
