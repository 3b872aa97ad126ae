#!/usr/bin/env bash
# A real Slurm in CI (issue 17): installs Debian's slurm-wlm and munge, starts munged, slurmctld
# and slurmd as a one-node cluster on localhost (config: ci/slurm/slurm.conf.in, state under a
# temporary folder), submits a 12-point sweep of a seconds-long spec as one `sbatch --array`,
# waits for it, collects, runs the same sweep locally with --jobs 2, and checks that every
# point's results are identical. Stops every daemon it started. If Slurm cannot start here,
# it says exactly why and checks the sharded path (--shard i/4, the way an array task runs it)
# against --jobs 2 instead, and exits 0.
# Usage: scripts/slurm-ci.sh [NEUROMORPH_BINARY]   (default .build/debug/neuromorph)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-.build/debug/neuromorph}")
[ -x "$BIN" ] || { echo "slurm-ci: $BIN is not built (run make test first)" >&2; exit 1; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
for p in slurm-wlm munge; do
  dpkg -s "$p" >/dev/null 2>&1 || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq slurm-wlm munge >/dev/null; break; }
done

WORK=$(mktemp -d /tmp/neuromorph-slurm.XXXXXX)
STARTED=()
MUNGE_STARTED=""
cleanup() {
  for pidfile in "${STARTED[@]}"; do
    [ -f "$pidfile" ] && $SUDO kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  [ -n "$MUNGE_STARTED" ] && $SUDO pkill -x munged 2>/dev/null || true
  sleep 1
}
trap cleanup EXIT

# The 12-point grid: a two-epoch MLP on synthetic blobs, 3 learning rates × 4 seeds.
SPEC=$WORK/tiny.yaml
cat > "$SPEC" <<'YAML'
name: slurm-ci
data: {dataset: blobs}
model:
  layers:
    - {type: linear, out: 8}
    - {type: activation, function: tanh}
    - {type: linear, out: 3}
training:
  optimizer: {kind: sgd, learning_rate: 0.1}
  epochs: 2
  batch_size: 16
YAML
SETS=(--set training.optimizer.learning_rate=0.01,0.03,0.1 --set training.seed=0,1,2,3)
compare() {  # two sweep folders: identical test loss and accuracy per point
  "$BIN" collect "$1" >/dev/null
  "$BIN" collect "$2" >/dev/null
  if diff <(cut -d, -f1-7 "$1/collect.csv") <(cut -d, -f1-7 "$2/collect.csv") >/dev/null; then
    echo "slurm-ci: $(($(wc -l < "$1/collect.csv") - 1)) points identical in $1 and $2"
  else
    echo "slurm-ci: results differ between $1 and $2:" >&2
    diff <(cut -d, -f1-7 "$1/collect.csv") <(cut -d, -f1-7 "$2/collect.csv") >&2 || true
    exit 1
  fi
}
"$BIN" sweep "$SPEC" "${SETS[@]}" --jobs 2 --output "$WORK/local" >/dev/null

fallback() {  # the reason Slurm could not run, then the sharded path
  echo "slurm-ci: Slurm could not start here: $1" >&2
  for log in "$WORK"/slurmctld.log "$WORK"/slurmd.log; do [ -f "$log" ] && tail -5 "$log" >&2; done
  for i in 0 1 2 3; do "$BIN" sweep "$SPEC" "${SETS[@]}" --shard "$i/4" --output "$WORK/sharded" >/dev/null; done
  compare "$WORK/local" "$WORK/sharded"
  echo "slurm-ci: checked the sharded path without Slurm"
  exit 0
}

# munged must run as the munge user; a key is created if the package did not make one.
if [ ! -s /etc/munge/munge.key ]; then
  $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  $SUDO chown munge:munge /etc/munge/munge.key && $SUDO chmod 400 /etc/munge/munge.key
fi
$SUDO mkdir -p /run/munge /var/log/munge /var/lib/munge
$SUDO chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! pgrep -x munged >/dev/null; then
  $SUDO su -s /bin/sh munge -c "/usr/sbin/munged --force" || fallback "munged exited with status $?"
  MUNGE_STARTED=yes
fi

HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
mkdir -p "$WORK/state" "$WORK/spool"
sed -e "s#@HOST@#$HOST#g" -e "s#@DIR@#$WORK#g" -e "s#@CPUS@#$CPUS#g" -e "s#@MEM@#$MEM#g" \
    -e "s#@CTLD_PORT@#$((16817 + RANDOM % 1000))#g" -e "s#@D_PORT@#$((17818 + RANDOM % 1000))#g" \
    ci/slurm/slurm.conf.in > "$WORK/slurm.conf"
export SLURM_CONF=$WORK/slurm.conf

$SUDO /usr/sbin/slurmctld -f "$SLURM_CONF" || fallback "slurmctld exited with status $?"
STARTED+=("$WORK/slurmctld.pid")
$SUDO /usr/sbin/slurmd -f "$SLURM_CONF" || fallback "slurmd exited with status $?"
STARTED+=("$WORK/slurmd.pid")
state=""
for _ in $(seq 1 30); do
  state=$(sinfo -h -o %t 2>/dev/null | head -1 || true)
  [ "$state" = "idle" ] && break
  sleep 1
done
[ "$state" = "idle" ] || fallback "the node did not become idle within 30 s (sinfo state '${state:-none}')"

"$BIN" sweep "$SPEC" "${SETS[@]}" --slurm --output "$WORK/slurm" | tail -1
for _ in $(seq 1 300); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  sleep 1
done
[ -z "$(squeue -h)" ] || { echo "slurm-ci: the array job did not finish within 300 s" >&2; squeue >&2; exit 1; }
compare "$WORK/local" "$WORK/slurm"
echo "slurm-ci: a 12-task Slurm array and --jobs 2 agree"
