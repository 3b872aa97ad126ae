#!/bin/bash
# W2 (Fashion-MNIST, MLP 784-256-128-10 sigmoid, SGD) side by side with aihwkit 1.1 after the
# issue-19 parity fixes: per-epoch test accuracy for constant step and soft bounds over seeds,
# and the batch-1 clipped-update case (constant step, lr 0.05).
#
# Usage: benchmarks/analog/w2_side_by_side.sh VENV [EPOCHS] [SEEDS] [BATCH1_EPOCHS]
#   VENV: a virtual environment from benchmarks/peers/setup-aihwkit.sh
#   defaults: EPOCHS 10, SEEDS "0 1 2", BATCH1_EPOCHS 2 (0 skips the batch-1 case)
# Writes results/w2-side-by-side/w2.csv (tool, config, seed, epoch, test accuracy %).
# Needs the Debian package dataset-fashion-mnist and a release build of neuromorph.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${1:?usage: w2_side_by_side.sh VENV [EPOCHS] [SEEDS] [BATCH1_EPOCHS]}
EPOCHS=${2:-10}
SEEDS=${3:-"0 1 2"}
BATCH1_EPOCHS=${4:-2}
OUT=results/w2-side-by-side
mkdir -p "$OUT"
swift build -c release --product neuromorph >/dev/null
BIN=$(swift build -c release --show-bin-path)/neuromorph
CSV=$OUT/w2.csv
echo "tool,config,seed,epoch,test_accuracy" > "$CSV"

neuromorph_run() {  # config spec seed epochs
  local dir="$OUT/neuromorph-$1-$3"
  "$BIN" train "$2" --seed "$3" --epochs "$4" --threads 1 --output "$dir" >/dev/null
  tail -n +2 "$dir/metrics.csv" | awk -F, -v c="$1" -v s="$3" '{printf "neuromorph,%s,%s,%d,%.2f\n", c, s, $1, $10 * 100}' >> "$CSV"
}
aihwkit_run() {  # config aihwkit-config seed epochs batch lr
  local log="$OUT/aihwkit-$1-$3.log"
  SEED=$3 BATCH=$5 LR=$6 OMP_NUM_THREADS=1 "$VENV/bin/python" benchmarks/peers/aihwkit_fashion.py "$4" "$2" > "$log"
  # "constant_step  epoch 1: test acc  78.12 %   30.1 s/epoch"
  awk -v c="$1" -v s="$3" '/epoch/ {sub(":", "", $3); printf "aihwkit,%s,%s,%d,%s\n", c, s, $3, $6}' "$log" >> "$CSV"
}

for seed in $SEEDS; do
  for config in constant_step soft_bounds; do
    spec=examples/fashion-mlp-w2-${config//_/-}.yaml
    neuromorph_run "$config" "$spec" "$seed" "$EPOCHS"
    aihwkit_run "$config" "$config" "$seed" "$EPOCHS" 64 0.1
  done
done
if [ "$BATCH1_EPOCHS" -gt 0 ]; then
  spec=$OUT/w2-constant-step-batch1.yaml
  sed -e 's/^  batch_size: 64/  batch_size: 1/' -e 's/learning_rate: 1e-1/learning_rate: 5e-2/' \
      -e 's/^name: .*/name: w2-constant-step-batch1/' examples/fashion-mlp-w2-constant-step.yaml > "$spec"
  for seed in 0 1; do
    neuromorph_run constant_step_batch1 "$spec" "$seed" "$BATCH1_EPOCHS"
    aihwkit_run constant_step_batch1 constant_step "$seed" "$BATCH1_EPOCHS" 1 0.05
  done
fi
# Mean and spread per tool, config and epoch.
python3 - "$CSV" <<'PY'
import csv, sys, statistics
rows = list(csv.DictReader(open(sys.argv[1])))
keys = sorted({(r["config"], int(r["epoch"])) for r in rows})
print(f"{'config':22s} {'epoch':>5s} {'Neuromorph':>16s} {'aihwkit':>16s}")
for config, epoch in keys:
    cell = []
    for tool in ("neuromorph", "aihwkit"):
        v = [float(r["test_accuracy"]) for r in rows if r["tool"] == tool and r["config"] == config and int(r["epoch"]) == epoch]
        cell.append(f"{statistics.mean(v):6.2f} ± {statistics.stdev(v) if len(v) > 1 else 0:4.2f} ({len(v)})" if v else "-")
    print(f"{config:22s} {epoch:5d} {cell[0]:>16s} {cell[1]:>16s}")
PY
