#!/usr/bin/env bash
# Installs NeuroSim V1.3 (Lu et al. 2021, Front. Artif. Intell. 4:659060; DNN_NeuroSim_V1.3 by
# Peng, Huang, Lu, Yu, Georgia Tech) from the PyPI wheel `hwcomponents-neurosim` 1.0.43, which ships
# the V1.3 C++ sources unchanged, and builds its C++ core with g++.
#
# NeuroSim is CC BY-NC 4.0. Nothing of it is committed here: the wheel, the unpacked sources and the
# build live outside git (NEUROSIM_HOME, default /work/neurosim-build); settings are applied at run
# time by run.sh with sed on a per-configuration copy of Param.cpp.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
NEUROSIM_HOME="${NEUROSIM_HOME:-/work/neurosim-build}"
VENV="${NEUROSIM_VENV:-/work/neurosim-venv}"
VERSION=1.0.43
mkdir -p "$NEUROSIM_HOME/dl"
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
# The wheel is tagged py3-none-manylinux but declares Requires-Python >= 3.12; the C++ sources inside
# do not care about the Python version, so download it for 3.12 when the local Python is older.
if ! "$VENV/bin/pip" install -q "hwcomponents-neurosim==$VERSION" 2>/dev/null; then
  "$VENV/bin/pip" download -q --no-deps --python-version 3.12 --only-binary=:all: \
      -d "$NEUROSIM_HOME/dl" "hwcomponents-neurosim==$VERSION"
fi
"$VENV/bin/pip" install -q numpy
WHEEL="$(ls "$NEUROSIM_HOME"/dl/hwcomponents_neurosim-$VERSION-*.whl 2>/dev/null | head -1 || true)"
if [ -z "$WHEEL" ]; then
  # installed into the venv: take the sources from site-packages
  SRC="$("$VENV/bin/python" -c 'import hwcomponents_neurosim,os;print(os.path.dirname(hwcomponents_neurosim.__file__))')"
else
  rm -rf "$NEUROSIM_HOME/whl" && mkdir -p "$NEUROSIM_HOME/whl"
  "$VENV/bin/python" -m zipfile -e "$WHEEL" "$NEUROSIM_HOME/whl"
  SRC="$(dirname "$(find "$NEUROSIM_HOME/whl" -path '*DNN_NeuroSim_V1.3/Inference_pytorch/NeuroSIM/Param.cpp' | head -1)")"
  SRC="$(dirname "$(dirname "$(dirname "$SRC")")")"
fi
CORE="$(find "$SRC" -path '*DNN_NeuroSim_V1.3/Inference_pytorch/NeuroSIM' -type d | head -1)"
[ -f "$CORE/Param.cpp" ] || { echo "setup.sh: NeuroSIM sources not found under $SRC" >&2; exit 1; }
rm -rf "$NEUROSIM_HOME/src" && cp -r "$CORE" "$NEUROSIM_HOME/src"
echo "$NEUROSIM_HOME/src" > "$NEUROSIM_HOME/SOURCE_DIR"
# Build the objects that do not depend on Param.cpp once; run.sh relinks per configuration.
( cd "$NEUROSIM_HOME/src" && make -s -j"${JOBS:-2}" main )
echo "NeuroSim V1.3 built in $NEUROSIM_HOME/src"
