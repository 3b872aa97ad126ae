#!/usr/bin/env bash
# Installs the peers of benchmarks/perf/pairs.sh into one virtual environment: PyTorch 2.10 (the
# CNN and MLP peers) and IBM aihwkit 1.1.0 (the analog training and PCM inference peers), CPU
# builds. About 7 GB and a few minutes; a venv that already imports both is left as it is.
# Usage: benchmarks/perf/setup-peers.sh [VENV_DIR]   (default: $AIHWKIT_VENV or $HOME/.cache/aihwkit-venv)
set -euo pipefail
venv=${1:-${AIHWKIT_VENV:-$HOME/.cache/aihwkit-venv}}
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import aihwkit, torch" 2>/dev/null; then
  "$venv/bin/python" -c "import aihwkit, torch; print('aihwkit', aihwkit.__version__, 'torch', torch.__version__, 'ok (already installed)')"
  exit 0
fi
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
# The same steps as benchmarks/peers/setup-aihwkit.sh: torch 2.10 from PyPI (aihwkit 1.1.0's
# wheel is built against it; 1.1.0 is the newest aihwkit with a cp311 wheel), aihwkit without
# its pinned dependencies.
"$venv/bin/pip" install -q torch==2.10.0 numpy scipy scikit-learn tqdm protobuf requests
"$venv/bin/pip" install -q --no-deps aihwkit==1.1.0
"$venv/bin/python" -c "import aihwkit, torch; from aihwkit.simulator import rpu_base; print('aihwkit', aihwkit.__version__, 'torch', torch.__version__, 'ok')"
