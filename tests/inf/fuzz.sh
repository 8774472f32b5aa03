#!/usr/bin/env bash
# Bounded libFuzzer run of kmdinf (decode, parse, every rule, output, stamp) under ASan+UBSan.
#   fuzz.sh KMDINF_FUZZ WORKDIR SECONDS SEED_DIR...
# inf.fuzz runs it for seconds in the default suite, inf.fuzz_long (label long) for minutes.
set -euo pipefail
fuzz=$1 work=$2 secs=$3
shift 3
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
for d in "$@"; do cp "$d"/* "$work/corpus/"; done
seeds=$(find "$work/corpus" -type f | wc -l)
echo "seeds: $seeds files"
[ "$seeds" -ge 10 ] || { echo "FAIL: only $seeds seed files"; exit 1; }
"$fuzz" -max_total_time="$secs" -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
    "$work/corpus" >"$work/fuzz.log" 2>&1 ||
    { tail -n 40 "$work/fuzz.log"; echo "FAIL: the fuzzer found a crash (see $work/artifacts)"; exit 1; }
# A run that exited 0 without fuzzing (wrong flags, a stub binary) must not pass.
runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9][0-9]*\).*/\1/p' "$work/fuzz.log" | tail -n 1)
[ -n "$runs" ] && [ "$runs" -gt $((seeds * 10)) ] ||
    { tail -n 20 "$work/fuzz.log"; echo "FAIL: only '${runs:-no}' inputs executed for $seeds seeds"; exit 1; }
echo "PASS: ${secs} s of fuzzing, $runs inputs, no crash"
