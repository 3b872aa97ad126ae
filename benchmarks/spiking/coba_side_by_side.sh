#!/usr/bin/env bash
# Brette 2007 COBA (spiking note §5, W1) side by side: Neuromorph vs Brian2 cpp_standalone
# (Euler class) and Neuromorph vs NEST 3 (RKF45 class), interleaved pairs on one thread.
# Usage: benchmarks/spiking/coba_side_by_side.sh [PAIRS] [VENV]   (VENV from benchmarks/peers/setup-snn-peers.sh)
set -euo pipefail
pairs=${1:-5}
venv=${2:-$HOME/.cache/snn-peers-venv}
here=$(cd "$(dirname "$0")/../.." && pwd)
nm="$here/.build/release/neuromorph"
[ -x "$nm" ] || (cd "$here" && swift build -c release --product neuromorph)
[ -x "$venv/bin/python" ] || "$here/benchmarks/peers/setup-snn-peers.sh" "$venv"
export OMP_NUM_THREADS=1
# Brian2's first standalone build compiles for ~40 s; do it once before timing.
"$venv/bin/python" "$here/benchmarks/peers/brian_coba.py" standalone 1 >/dev/null 2>&1 || true
for i in $(seq 1 "$pairs"); do
  echo "pair $i"
  "$nm" coba --integrator euler | head -1
  "$venv/bin/python" "$here/benchmarks/peers/brian_coba.py" standalone 1 2>/dev/null | tail -1
  "$nm" coba --integrator exponential_euler | head -1
  "$nm" coba --integrator rkf45 | head -1
  "$venv/bin/python" "$here/benchmarks/peers/nest_coba.py" 1 2>/dev/null | tail -1
done
