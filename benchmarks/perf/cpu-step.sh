#!/usr/bin/env bash
# CPU milliseconds per step of one workload, by difference: the process CPU time (`perf stat
# -e task-clock`, all threads) of a run with B iterations minus one with A iterations, over B − A.
# Start-up (imports, model set-up, warm-up) cancels out. CPU time is far less sensitive to other
# processes than wall-clock time, so this is the measure to use on a loaded machine; it is not
# a wall-clock speed (with 2 threads it adds both threads' time, spinning included).
#
# Usage: benchmarks/perf/cpu-step.sh neuromorph|pytorch WORKLOAD [THREADS] [VENV]
#   WORKLOAD  cnn or mlp (the workloads of pairs.sh with a PyTorch peer)
#   THREADS   default 1
#   VENV      the peers' venv (default $AIHWKIT_VENV or $HOME/.cache/aihwkit-venv)
# Prints `TOOL WORKLOAD THREADS MS`.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
tool=${1:?neuromorph or pytorch}; workload=${2:?cnn or mlp}; threads=${3:-1}
venv=${4:-${AIHWKIT_VENV:-$HOME/.cache/aihwkit-venv}}
case $workload in mlp) a=20; b=220 ;; cnn) a=5; b=65 ;; *) echo "workload must be cnn or mlp" >&2; exit 64 ;; esac
command -v perf >/dev/null || { echo "cpu-step.sh needs perf (apt-get install linux-perf)" >&2; exit 69; }
cpu_ms() {
  case $tool in
    neuromorph) perf stat -x, -e task-clock "$here/.build/release/neuromorph" bench --workload "$workload" \
                  --threads "$threads" --repeats 1 --iterations "$1" --warmup 2 2>&1 >/dev/null ;;
    pytorch) OMP_NUM_THREADS=$threads perf stat -x, -e task-clock "$venv/bin/python" "$here/benchmarks/perf/peer.py" \
                  "$workload" --threads "$threads" --repeats 1 --iterations "$1" 2>&1 >/dev/null ;;
    *) echo "tool must be neuromorph or pytorch" >&2; exit 64 ;;
  esac | grep task-clock | cut -d, -f1
}
ta=$(cpu_ms $a); tb=$(cpu_ms $b)
awk -v t="$tool" -v w="$workload" -v n="$threads" -v ta="$ta" -v tb="$tb" -v a=$a -v b=$b \
  'BEGIN { printf "%s %s %s %.3f\n", t, w, n, (tb - ta) / (b - a) }'
