#!/usr/bin/env bash
# `make fuzz FUZZ_SECONDS=N`: builds the libFuzzer harnesses in Fuzz/ (AddressSanitizer + coverage) and runs every
# target for N seconds, starting from its committed seed corpus (Fuzz/Corpus/<target>, replayed first, so every
# past crash is a regression test). New interesting inputs go to .build-fuzz/corpus/<target>; crash, leak and
# timeout inputs to .build-fuzz/crashes/ (both git-ignored). Exits non-zero when any target fails.
#
# Flags, and why (Swift 6.3.1 on Linux):
# - SwiftPM's own --sanitize=fuzzer, so it leaves the executable's entry point to libFuzzer (with only
#   `-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library` the link fails: undefined <Target>_main);
# - and -Xswiftc -sanitize=fuzzer,address as well: the driver keeps only the LAST -sanitize= option, so
#   `--sanitize=fuzzer --sanitize=address` instruments Swift code for one of the two (which one depends on
#   SwiftPM's set order); the -Xswiftc option comes last, so both apply. -Xcc does the same for C (Yams' libyaml);
# - lld: with the default gold linker the coverage counters of Swift code never reach libFuzzer.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
scratch=${FUZZ_SCRATCH:-.build-fuzz}
targets=${FUZZ_TARGETS:-"FuzzHTTP1Parser FuzzJSON FuzzAdmissionReview FuzzManifest FuzzKubeconfig"}

flags=(--package-path Fuzz --scratch-path "$scratch" -c debug --sanitize=fuzzer
       -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address -Xswiftc -use-ld=lld)
nice -n 10 swift build "${flags[@]}"
bin=$(swift build "${flags[@]}" --show-bin-path)

crashes="$scratch/crashes"
mkdir -p "$crashes"
failed=()
for target in $targets; do
    corpus="$scratch/corpus/$target"
    mkdir -p "$corpus"
    echo "fuzz: $target for ${seconds}s (seeds: Fuzz/Corpus/$target)"
    # The Swift backtracer would hold a crashing process for seconds; libFuzzer reports the crash itself.
    # stdin is /dev/null: a fuzzed kubeconfig may name /dev/stdin as a token file.
    if ! SWIFT_BACKTRACE=enable=no nice -n 10 "$bin/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$crashes/$target-" "$corpus" "Fuzz/Corpus/$target" \
        </dev/null >"$scratch/$target.log" 2>&1; then
        failed+=("$target")
        echo "fuzz: $target FAILED; log: $scratch/$target.log"
        grep -E "^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*Test unit written)" "$scratch/$target.log" | head -5 || true
    else
        grep -E "^stat::number_of_executed_units" "$scratch/$target.log" | sed "s/^/fuzz: $target /" || true
    fi
done

if ((${#failed[@]})); then
    echo "fuzz: failures in: ${failed[*]}; inputs in $crashes (reproduce: $bin/<target> <input>)"
    exit 1
fi
echo "fuzz: no crash in any target ($seconds s each)"
