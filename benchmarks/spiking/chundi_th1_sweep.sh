#!/bin/sh
# Chundi et al.'s first-threshold sweep (digest CH §3.3, paper Fig. 7B): the first hidden
# layer's threshold TH1 is swept with TH2 = 16 and TH3 = 8, on 300 test images, with the
# neuron and arbiter model: fixed-priority arbiters (N_cyc = 3 at 17 kHz, 0.5 s frame) and
# spikes missed while a neuron waits for Ack (--retrigger drop). One BNN per seed, trained at
# TH = (24, 16, 8), the paper's fixed TH1 of Figs. 7C-D.
#
# Usage: benchmarks/spiking/chundi_th1_sweep.sh [DATA] [L] [SEED ...]
#   DATA  IDX folder (default ../shared/data/mnist-5k; Fashion: /usr/share/datasets/fashion-mnist)
#   L     input spikes per frame at pixel value 1 (default 24)
#   SEED  default 1 2 3
# Environment: NEUROMORPH (default .build/release/neuromorph), EXTRA (more snn flags,
# e.g. "--train-images 10000" for Fashion-MNIST). docs/spiking-systems.md's 3-seed table:
#   EXTRA="--hidden-arbiter-clock 4000" benchmarks/spiking/chundi_th1_sweep.sh ../shared/data/mnist-5k 24 1 2 3
# Prints each seed's table, then the mean over seeds per TH1.
set -eu
BIN=${NEUROMORPH:-.build/release/neuromorph}
DATA=${1:-../shared/data/mnist-5k}
L=${2:-24}
[ $# -ge 2 ] && shift 2 || shift $#
SEEDS=${*:-1 2 3}
TH1S="1 2 3 4 6 8 12 16 24 32 40 48 64 96"
TMP=$(mktemp)
for s in $SEEDS; do
  # shellcheck disable=SC2086
  "$BIN" snn --preset chundi-mnist --data "$DATA" --seed "$s" --images 300 --input-levels "$L" \
    --retrigger drop --hidden-thresholds 24 16 8 --first-thresholds $TH1S ${EXTRA:-} | tee -a "$TMP"
done
echo
echo "Mean over seeds $SEEDS (L = $L, TH2/TH3 = 16/8, drop while waiting for Ack, 300 test images):"
echo "TH1   BNN      SNN (frame)  SNN (all served)  drops/image  SOPs/image"
awk '/^[0-9]+ / { n[$1]++; b[$1]+=$2; f[$1]+=$4; u[$1]+=$6; d[$1]+=$8; s[$1]+=$NF; if (!($1 in seen)) { seen[$1]=1; order[++k]=$1 } }
     END { for (i=1;i<=k;i++) { t=order[i]; printf "%-5d %5.1f %%  %8.1f %%  %12.1f %%  %11.0f  %10.0f\n", t, b[t]/n[t], f[t]/n[t], u[t]/n[t], d[t]/n[t], s[t]/n[t] } }' "$TMP"
rm -f "$TMP"
