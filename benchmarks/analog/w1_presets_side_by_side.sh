#!/usr/bin/env bash
# aihwkit's W1 MLP training step with aihwkit algorithm presets: Neuromorph vs aihwkit 1.1,
# interleaved pairs, one thread each (THREADS=N in the environment: N threads each, torch's
# set_num_threads and Neuromorph's --threads). Usage: w1_presets_side_by_side.sh [PAIRS] [VENV] [PRESET ...]
# (default presets: TikiTakaEcRamPreset MixedPrecisionEcRamPreset TTv2CapacitorPreset TTv2ReRamSBPreset)
set -euo pipefail
pairs=${1:-5}
venv=${2:-$HOME/.cache/aihwkit-venv}
here=$(cd "$(dirname "$0")/../.." && pwd)
nm="$here/.build/release/neuromorph"
[ -x "$nm" ] || (cd "$here" && swift build -c release --product neuromorph)
[ -x "$venv/bin/python" ] || "$here/benchmarks/peers/setup-aihwkit.sh" "$venv"
threads=${THREADS:-1}
export OMP_NUM_THREADS=$threads
shift $(( $# < 2 ? $# : 2 ))
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(TikiTakaEcRamPreset MixedPrecisionEcRamPreset TTv2CapacitorPreset TTv2ReRamSBPreset)
for preset in "${presets[@]}"; do
  for i in $(seq 1 "$pairs"); do
    "$nm" w1 --preset "$preset" --steps 10 --threads "$threads"
    "$venv/bin/python" "$here/benchmarks/peers/aihwkit_presets.py" "$preset" 10 2>/dev/null | tail -1
  done
done
