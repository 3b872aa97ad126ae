#!/usr/bin/env bash
# Neuromorph vs its peers as interleaved pairs (Neuromorph, peer, Neuromorph, peer, …): each
# pair's two runs are back to back, so slow drifts of the machine's speed cancel in the pair's
# ratio; the median ratio over the pairs is the result.
#
#   workload          Neuromorph                                  peer (benchmarks/perf/peer.py)
#   cnn               bench --workload cnn (demo CNN train step)  PyTorch 2.10
#   mlp               bench --workload mlp (W1 digital step)      PyTorch 2.10
#   w1-constant-step  W1 analog step, ConstantStep tiles          aihwkit 1.1.0 SingleRPUConfig(ConstantStepDevice())
#   w1-soft-bounds    W1 analog step, SoftBounds tiles            aihwkit 1.1.0 SingleRPUConfig(SoftBoundsDevice())
#   pcm-forward       PCM inference forward, batch 1,000          aihwkit 1.1.0 InferenceRPUConfig()
#
# Usage: benchmarks/perf/pairs.sh [-n PAIRS] [-t THREADS] [-r REPEATS] [-i ITERATIONS] [-o CSV] [-v VENV] [WORKLOAD ...]
#   PAIRS    pairs per workload (default 5, at least 5 for a published number)
#   THREADS  threads on both sides (default 2): neuromorph --threads, torch.set_num_threads, OMP_NUM_THREADS
#   REPEATS  timed repeats inside each run (default 5; each run reports its median repeat)
#   ITERATIONS  iterations per repeat on both sides (default: each workload's own, 10 steps, 100 for mlp, 5 for pcm-forward)
#   CSV      output file (default benchmarks/perf/results/pairs-<UTC date>.csv)
#   VENV     the peers' venv (default $AIHWKIT_VENV or $HOME/.cache/aihwkit-venv; created by setup-peers.sh if missing)
# Prints every pair (ms per step or batch, ratio Neuromorph/peer) and per workload the median
# ratio and the median speed-up (peer/Neuromorph). The CSV has one row per pair plus one
# `median` row per workload, each with the date, machine and the 1-minute load average.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
pairs=5; threads=2; repeats=5; iterations=""; csv=""; venv=${AIHWKIT_VENV:-$HOME/.cache/aihwkit-venv}
while getopts "n:t:r:i:o:v:h" opt; do
  case $opt in
    n) pairs=$OPTARG ;; t) threads=$OPTARG ;; r) repeats=$OPTARG ;; i) iterations=$OPTARG ;; o) csv=$OPTARG ;; v) venv=$OPTARG ;;
    *) sed -n '2,23p' "$0"; exit 64 ;;
  esac
done
shift $((OPTIND - 1))
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(cnn mlp w1-constant-step w1-soft-bounds pcm-forward)

nm="$here/.build/release/neuromorph"
[ -x "$nm" ] || (cd "$here" && swift build -c release --product neuromorph)
[ -x "$venv/bin/python" ] || "$here/benchmarks/perf/setup-peers.sh" "$venv"
py="$venv/bin/python"
export OMP_NUM_THREADS=$threads
iter=(); [ -z "$iterations" ] || iter=(--iterations "$iterations")

date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
machine="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//' || echo unknown CPU), $(getconf _NPROCESSORS_ONLN) cores"   # not nproc: it honours OMP_NUM_THREADS
machine=${machine//,/;}
if [ -z "$csv" ]; then mkdir -p "$here/benchmarks/perf/results"; csv="$here/benchmarks/perf/results/pairs-$(date -u +%Y%m%dT%H%M%SZ).csv"; fi
echo "date,machine,load1,workload,pair,neuromorph_ms,peer,peer_ms,ratio_neuromorph_over_peer,speedup_peer_over_neuromorph" > "$csv"
load() { cut -d' ' -f1 /proc/loadavg; }
peer_name() { case $1 in cnn|mlp) echo "pytorch-$("$py" -c 'import torch; print(torch.__version__.split("+")[0])')" ;; *) echo "aihwkit-$("$py" -c 'import aihwkit; print(aihwkit.__version__)' 2>/dev/null)" ;; esac; }

echo "pairs.sh  $date  $machine  threads $threads  pairs $pairs  repeats $repeats  iterations ${iterations:-default}  load $(cat /proc/loadavg | cut -d' ' -f1-3)"
printf "%-18s %4s %12s %12s %8s %8s\n" workload pair "neuromorph" peer ratio load
for w in "${workloads[@]}"; do
  peer=$(peer_name "$w")
  ratios=(); speedups=()
  for i in $(seq 1 "$pairs"); do
    l=$(load)
    a=$("$nm" bench --workload "$w" --threads "$threads" --repeats "$repeats" ${iter[@]+"${iter[@]}"} | awk '{print $2}')
    b=$("$py" "$here/benchmarks/perf/peer.py" "$w" --threads "$threads" --repeats "$repeats" ${iter[@]+"${iter[@]}"} 2>/dev/null | tail -1 | awk '{print $2}')
    r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')
    s=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')
    ratios+=("$r"); speedups+=("$s")
    printf "%-18s %4d %9.3f ms %9.3f ms %8.3f %8s\n" "$w" "$i" "$a" "$b" "$r" "$l"
    echo "$date,$machine,$l,$w,$i,$a,$peer,$b,$r,$s" >> "$csv"
  done
  median() { printf "%s\n" "$@" | sort -g | awk '{v[NR]=$1} END { if (NR % 2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2 }'; }
  mr=$(median "${ratios[@]}"); ms=$(median "${speedups[@]}")
  printf "%-18s median ratio Neuromorph/%s %s  (speed-up %s×)\n" "$w" "$peer" "$mr" "$ms"
  echo "$date,$machine,$(load),$w,median,,$peer,,$mr,$ms" >> "$csv"
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CSV: $csv"
