#!/usr/bin/env bash
# Runs NeuroSim V1.3 (Lu et al. 2021) on VGG-8 / CIFAR-10 next to `neuromorph estimate`.
#   benchmarks/neurosim/run.sh CONFIG      CONFIG = rram22 | sram22 | rram32 | sram32 | all
# Environment: NEUROSIM_HOME (default /work/neurosim-build: sources, build, traces, logs, outside git),
#   NEUROSIM_ONLY=1 (run NeuroSim and parse, skip the comparison), NEUROSIM_FORCE=1 (rerun even
#   when a log exists), NEUROSIM_BUILD_ONLY=1 (build the binaries only), ORDER (configs for 'all'), DENSITIES (default "0.5 0.17"), NEUROMORPH (the CLI binary).
# Settings are applied at run time with sed on a per-configuration copy of Param.cpp (NeuroSim is
# CC BY-NC 4.0; no source, patched file or diff is committed):
#   pipeline=false, validated=true, synchronous=true, technode 22/32 (featuresize and wireWidth
#   40/56 nm, the wire widths Param.cpp lists for those nodes), memcelltype 1 (SRAM) / 2 (RRAM);
#   RRAM: cellBit 2, resistanceOn 6 kOhm, resistanceOff 150 x Ron, levelOutput 32 (5-bit ADC).
# Exit status: 0 all headline metrics within tolerance, 1 some outside, 2 usage, 77 NeuroSim absent
# (skipped cleanly) when it cannot be installed.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
NEUROSIM_HOME="${NEUROSIM_HOME:-/work/neurosim-build}"
VENV="${NEUROSIM_VENV:-/work/neurosim-venv}"
PY="$VENV/bin/python"; [ -x "$PY" ] || PY=python3
DENSITIES="${DENSITIES:-0.5 0.17}"
CONFIG="${1:-}"
case "$CONFIG" in
  rram22|sram22|rram32|sram32) CONFIGS="$CONFIG" ;;
  all) CONFIGS="${ORDER:-rram22 sram22 rram32 sram32}" ;;
  *) echo "usage: $0 rram22|sram22|rram32|sram32|all" >&2; exit 2 ;;
esac

if [ ! -f "$NEUROSIM_HOME/SOURCE_DIR" ]; then
  "$HERE/setup.sh" || { echo "run.sh: NeuroSim could not be installed; skipping" >&2; exit 77; }
fi
SRC="$(cat "$NEUROSIM_HOME/SOURCE_DIR")"
[ -f "$SRC/Param.cpp" ] || { echo "run.sh: NeuroSim sources absent ($SRC); skipping" >&2; exit 77; }

dtag() { case "$1" in 0.5) echo d050 ;; 0.17) echo d017 ;; *) echo "d$(echo "$1" | tr -d .)" ;; esac; }

build_config() {  # $1 = config; builds $NEUROSIM_HOME/cfg/$1/main
  local c="$1" dir="$NEUROSIM_HOME/cfg/$1"
  [ -x "$dir/main" ] && [ -z "${NEUROSIM_FORCE:-}" ] && return 0
  rm -rf "$dir" && mkdir -p "$(dirname "$dir")" && cp -r "$SRC" "$dir" && rm -f "$dir/main" "$dir/Param.o"
  local cell node
  case "$c" in sram*) cell=1 ;; *) cell=2 ;; esac
  node="${c: -2}"
  local fs=40 ; [ "$node" = 32 ] && fs=56
  local P="$dir/Param.cpp"
  sed -i -E \
    -e "s/^(\s*)pipeline = [a-z]+;/\1pipeline = false;/" \
    -e "s/^(\s*)validated = [a-z]+;/\1validated = true;/" \
    -e "s/^(\s*)synchronous = [a-z]+;/\1synchronous = true;/" \
    -e "s/^(\s*)memcelltype = [0-9]+;/\1memcelltype = $cell;/" \
    -e "s/^(\s*)technode = [0-9]+;/\1technode = $node;/" \
    -e "s/^(\s*)featuresize = [0-9e.-]+;/\1featuresize = ${fs}e-9;/" \
    -e "s/^(\s*)wireWidth = [0-9]+;/\1wireWidth = $fs;/" \
    -e "s/^(\s*)cellBit = [0-9]+;( *\/\/ precision of memory device)/\1cellBit = 2;\2/" \
    -e "s/^(\s*)resistanceOn = [0-9e.]+;/\1resistanceOn = 6e3;/" \
    -e "s/^(\s*)resistanceOff = [0-9e.*]+;/\1resistanceOff = 6e3*150;/" \
    -e "s/^(\s*)levelOutput = [0-9]+;/\1levelOutput = 32;/" \
    "$P"
  for kv in "pipeline = false" "validated = true" "synchronous = true" "memcelltype = $cell" \
            "technode = $node" "featuresize = ${fs}e-9" "wireWidth = $fs" "cellBit = 2" \
            "resistanceOn = 6e3" "resistanceOff = 6e3\*150" "levelOutput = 32"; do
    grep -qE "^\s*$kv;" "$P" || { echo "run.sh: could not set '$kv' in Param.cpp" >&2; return 1; }
  done
  ( cd "$dir" && make -s main ) > "$dir/build.log" 2>&1 || { cat "$dir/build.log" >&2; return 1; }
}

run_neurosim() {  # $1 config, $2 density -> $NEUROSIM_HOME/out/<config>_<dtag>.log
  local c="$1" d="$2" t; t="$(dtag "$2")"
  local tr="$NEUROSIM_HOME/traces/$t" log="$NEUROSIM_HOME/out/${c}_$t.log"
  mkdir -p "$NEUROSIM_HOME/out"
  if [ -s "$log" ] && grep -q "Throughput TOPS" "$log" && [ -z "${NEUROSIM_FORCE:-}" ]; then return 0; fi
  # another run.sh is producing this log (parallel invocations share NEUROSIM_HOME): leave it
  if [ -e "$log.tmp" ] && [ -z "${NEUROSIM_FORCE:-}" ]; then echo "run.sh: $c $d in progress elsewhere ($log.tmp); skipped" >&2; return 3; fi
  [ -f "$tr/input8.csv" ] || "$PY" "$HERE/write_traces.py" --out "$tr" --density "$d" >&2 || return 1
  build_config "$c" || return 1
  local args=() l
  for l in 1 2 3 4 5 6 7 8; do args+=("$tr/weight$l.csv" "$tr/input$l.csv"); done
  echo "run.sh: NeuroSim $c density $d (one core, a few minutes)" >&2
  local t0=$SECONDS
  ( cd "$NEUROSIM_HOME/cfg/$c" && OMP_NUM_THREADS=1 ./main "$tr/NetWork.csv" 8 8 "${args[@]}" ) > "$log.tmp" 2>&1 \
    && mv "$log.tmp" "$log" || { echo "run.sh: NeuroSim failed, see $log.tmp" >&2; return 1; }
  echo "run.sh: $c $d done in $((SECONDS - t0)) s" >&2
}

if [ -n "${NEUROSIM_BUILD_ONLY:-}" ]; then  # build the per-configuration binaries, run nothing
  for c in $CONFIGS; do build_config "$c" || exit 1; done; exit 0
fi
status=0
for c in $CONFIGS; do
  for d in $DENSITIES; do
    run_neurosim "$c" "$d"; rc=$?
    [ $rc = 3 ] && continue
    [ $rc = 0 ] || { status=1; continue; }
    t="$(dtag "$d")"
    "$PY" "$HERE/parse.py" "$NEUROSIM_HOME/out/${c}_$t.log" --config "$c" --density "$d" \
        --out "$HERE/reference/${c}_$t.csv" || status=1
    if [ -z "${NEUROSIM_ONLY:-}" ]; then
      "$PY" "$HERE/compare.py" --config "$c" --density "$d" --reference "$HERE/reference/${c}_$t.csv" \
          --csv "$NEUROSIM_HOME/out/compare_${c}_$t.csv" ${NEUROMORPH:+--neuromorph "$NEUROMORPH"} || status=1
    fi
  done
done
exit $status
