#!/usr/bin/env bash
# Instruction counts (callgrind `Ir`) of one `neuromorph bench --workload` run: 1 thread, three
# steps without warm-up; prints the training step's inclusive count per step and writes the
# inclusive and self profiles (demangled) next to OUT.
#
# Usage: benchmarks/perf/callgrind.sh WORKLOAD OUT [BINARY]
# valgrind 3.19 cannot read Swift's DWARF 5, so the binary is copied with its debug info
# stripped (the symbol table stays). Valgrind's virtual CPU has no AVX-512: OpenBLAS runs its
# Haswell (AVX2) kernels under it whatever it picks natively, so the GEMM counts are those of
# the AVX2 kernels. `rep stosb` (glibc's memset for large blocks) counts one instruction per
# byte, which overstates memset against its real cost.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
workload=${1:?cnn, mlp, ...}; out=${2:?output prefix}; bin=${3:-$here/.build/release/neuromorph}
strip --strip-debug -o "$out.bin" "$bin"
OPENBLAS_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$out.callgrind" "$out.bin" bench \
  --workload "$workload" --threads 1 --repeats 1 --iterations 3 --warmup 0 > "$out.txt" 2>&1
callgrind_annotate --inclusive=yes "$out.callgrind" 2>/dev/null | swift demangle --simplified > "$out.inclusive"
callgrind_annotate "$out.callgrind" 2>/dev/null | swift demangle --simplified > "$out.self"
grep -m1 "Trainer.step" "$out.inclusive" | awk '{ gsub(",", "", $1); printf "Trainer.step: %.1f M instructions per step\n", $1 / 3e6 }'
