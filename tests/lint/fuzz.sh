#!/usr/bin/env bash
# Bounded libFuzzer run of kmdpe's parser, rules and fix under ASan+UBSan (label fuzz).
#   fuzz.sh HOST_ASAN_BUILD DIST WORKDIR SECONDS
# Seeds: the unit tests' in-memory images plus every driver in dist/. kmdpe.fuzz runs it for a few
# seconds in the default suite, kmdpe.fuzz_long (label long) for minutes.
set -euo pipefail
asan=$1 dist=$2 work=$3 secs=$4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
"$asan/kmdpe_unit" --write-seeds "$work/corpus" "$dist"/*.sys >/dev/null
seeds=$(find "$work/corpus" -type f | wc -l)
echo "seeds: $seeds files"
# No seed would leave the fuzzer guessing from empty input: not the run this test stands for.
[ "$seeds" -ge 2 ] || { echo "FAIL: only $seeds seed files (no driver in $dist?)"; exit 1; }
"$asan/kmdpe_fuzz" -max_total_time="$secs" -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
    "$work/corpus" >"$work/fuzz.log" 2>&1 || { tail -n 40 "$work/fuzz.log"; echo "FAIL: the fuzzer found a crash (see $work/artifacts)"; exit 1; }
grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$work/fuzz.log" | tail -n 2
# A run that exited 0 without fuzzing (wrong flags, a stub binary) must not pass: it has to have
# gone through the seeds and well beyond them.
runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9][0-9]*\).*/\1/p' "$work/fuzz.log" | tail -n 1)
[ -n "$runs" ] && [ "$runs" -gt $((seeds * 10)) ] ||
    { tail -n 20 "$work/fuzz.log"; echo "FAIL: only '${runs:-no}' inputs executed for $seeds seeds"; exit 1; }
echo "PASS: ${secs} s of fuzzing, $runs inputs, no crash"
