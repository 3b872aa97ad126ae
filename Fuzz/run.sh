#!/usr/bin/env bash
# Fuzz one reader of user files, or all of them, for a bounded time.
#
#   Fuzz/run.sh TARGET SECONDS      e.g. Fuzz/run.sh npy 60
#   Fuzz/run.sh all SECONDS         every target in turn (what `make fuzz` runs)
#   Fuzz/run.sh build               only build Fuzz/.bin/neuromorph-fuzz
#   FUZZ_RUNS=N Fuzz/run.sh all     N executions per target from seed FUZZ_SEED (default 1):
#                                   repeatable, what CI runs
#
# The library modules are built with libFuzzer coverage and AddressSanitizer
# (`swift build --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address`, no linking),
# then Fuzz/Harnesses/*.swift is compiled with swiftc against them into one libFuzzer binary;
# NEUROMORPH_FUZZ_TARGET picks the harness. Seeds come from Fuzz/corpus/TARGET (committed);
# inputs libFuzzer finds go to .build-fuzz/corpus/TARGET (not committed). A crash writes
# crash-* into Fuzz/crashes/ and the script exits non-zero: fix the reader, then commit the
# input as a regression file under Tests/ with a test that expects a thrown error.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=.build-fuzz
BIN=Fuzz/.bin/neuromorph-fuzz
TARGETS="spec-yaml spec-json cost-spec mapping-json idx idx-gzip npy checkpoint-manifest state movielens csv inference-times onnx"

build() {
    # One `--target` per call: swift build honours only the last one given.
    for target in NeuromorphSpec NeuromorphCost NeuromorphMapping NeuromorphONNX; do
        swift build --scratch-path "$SCRATCH" --target "$target" -Xswiftc -sanitize=fuzzer,address >&2
    done
    local debug="$SCRATCH/debug"
    local objects=() maps=()
    while IFS= read -r o; do objects+=("$o"); done < <(
        find "$debug"/ -maxdepth 3 -name '*.o' -path '*.build/*' ! -path '*Tests.build/*' ! -path '*NeuromorphCLI.build/*' \
            ! -path '*/Neuromorph.build/*' | sort)
    while IFS= read -r m; do maps+=(-Xcc "-fmodule-map-file=$m"); done < <(
        { find "$debug"/ -maxdepth 2 -name module.modulemap; find "$SCRATCH/checkouts" -name module.modulemap -path '*include*';
          ls Sources/C*/module.modulemap; } | sort -u)
    mkdir -p "$(dirname "$BIN")"
    local stamp="$BIN.inputs"
    local inputs; inputs=$( (ls -l --time-style=+%s.%N "${objects[@]}" Fuzz/Harnesses/*.swift) | md5sum)
    if [ -x "$BIN" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ]; then return; fi
    echo "linking $BIN from ${#objects[@]} objects" >&2
    swiftc -sanitize=fuzzer,address -parse-as-library -g -I "$debug/Modules" "${maps[@]}" \
        Fuzz/Harnesses/*.swift "${objects[@]}" -L /usr/lib/x86_64-linux-gnu -lopenblas -lz -lm -o "$BIN" 2>&1 \
        | grep -v "warning: Cannot export local symbol" >&2 || true
    [ -x "$BIN" ] || { echo "Fuzz/run.sh: linking $BIN failed" >&2; exit 1; }
    echo "$inputs" > "$stamp"
}

run_target() {
    local target=$1 seconds=$2
    [ -d "Fuzz/corpus/$target" ] || { echo "Fuzz/run.sh: no seed corpus Fuzz/corpus/$target; targets: $TARGETS" >&2; exit 2; }
    mkdir -p "$SCRATCH/corpus/$target" Fuzz/crashes
    local log="$SCRATCH/fuzz-$target.log"
    echo "== $target: ${seconds}s" >&2
    set +e
    # FUZZ_RUNS (CI): a fixed number of executions from a fixed seed, so a pass is repeatable;
    # otherwise a time budget with a fresh seed (exploration).
    local budget=(-max_total_time="$seconds")
    if [ -n "${FUZZ_RUNS:-}" ]; then budget=(-runs="$FUZZ_RUNS" -seed="${FUZZ_SEED:-1}"); fi
    NEUROMORPH_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
        "$BIN" "$SCRATCH/corpus/$target" "Fuzz/corpus/$target" "${budget[@]}" -max_len=8192 \
        -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 -artifact_prefix="Fuzz/crashes/$target-" > "$log" 2>&1
    local status=$?
    set -e
    local runs; runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "$target: $runs executions, exit $status" >&2
    if [ $status -ne 0 ]; then tail -60 "$log" >&2; return 1; fi
}

case "${1:-}" in
    build) build ;;
    all)
        build
        failed=""
        for t in $TARGETS; do run_target "$t" "${2:-20}" || failed="$failed $t"; done
        [ -z "$failed" ] || { echo "Fuzz/run.sh: crashes in:$failed (inputs in Fuzz/crashes/)" >&2; exit 1; } ;;
    "") echo "usage: Fuzz/run.sh TARGET|all SECONDS | build; targets: $TARGETS" >&2; exit 2 ;;
    *) build; run_target "$1" "${2:-20}" ;;
esac
