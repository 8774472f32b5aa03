#!/usr/bin/env bash
# Bounded libFuzzer run of kmdpe's parser, rules and fix under ASan+UBSan (label fuzz).
#   fuzz.sh HOST_ASAN_BUILD DIST WORKDIR SECONDS
# Seeds: the unit tests' in-memory images plus every driver in dist/.
set -euo pipefail
asan=$1 dist=$2 work=$3 secs=$4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
"$asan/kmdpe_unit" --write-seeds "$work/corpus" "$dist"/*.sys >/dev/null
echo "seeds: $(ls "$work/corpus" | wc -l) files"
"$asan/kmdpe_fuzz" -max_total_time="$secs" -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
    "$work/corpus" >"$work/fuzz.log" 2>&1 || { tail -n 40 "$work/fuzz.log"; echo "FAIL: the fuzzer found a crash (see $work/artifacts)"; exit 1; }
grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$work/fuzz.log" | tail -n 2
echo "PASS: ${secs} s of fuzzing, no crash"
