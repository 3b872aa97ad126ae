#!/usr/bin/env python3
"""`neuromorph predict MODEL.onnx --hardware SPEC` on the golden inputs, against PyTorch's outputs
(issue 18; the analog-tile table of docs/onnx.md).

    swift build --product neuromorph
    /work/aihwkit-venv/bin/python benchmarks/onnx/predict_on_tiles.py [path/to/neuromorph] [SPEC] [SEED]

SPEC defaults to examples/fashion-mlp-w2-constant-step.yaml (hardware.analog: constant-step
devices, aihwkit's forward periphery: 7-bit DAC, 9-bit ADC, output noise 0.06). For each golden
model: max |tiles − PyTorch|, mean |tiles| / mean |PyTorch| and how many of the 4 samples keep
PyTorch's argmax. Prints a Markdown table.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOLDEN = os.path.join(ROOT, "Tests", "NeuromorphONNXTests", "Golden")
MODELS = ["mlp", "cnn", "resblock", "projblock", "mlpblock", "transformer", "transformer20"]


def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "neuromorph")
    spec = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "examples", "fashion-mlp-w2-constant-step.yaml")
    seed = sys.argv[3] if len(sys.argv) > 3 else "0"
    print(f"spec {os.path.relpath(spec, ROOT)}, seed {seed}")
    print("| model | max abs diff to PyTorch | mean abs output / PyTorch's | argmax as PyTorch |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in MODELS:
            x = os.path.join(GOLDEN, f"{name}.input.npy")
            ref = np.load(os.path.join(GOLDEN, f"{name}.output.npy"))
            out = os.path.join(tmp, f"{name}.npy")
            result = subprocess.run([exe, "predict", os.path.join(GOLDEN, f"{name}.onnx"), "--input", x, "--output", out,
                                     "--hardware", spec, "--seed", seed, "--threads", "1"], capture_output=True, text=True)
            if result.returncode != 0:
                raise SystemExit(f"{name}: {result.stderr}")
            y = np.load(out)
            agree = int(np.sum(np.argmax(y, axis=1) == np.argmax(ref, axis=1)))
            print(f"| {name} | {np.max(np.abs(y - ref)):.3f} | {np.mean(np.abs(y)) / np.mean(np.abs(ref)):.3f} | {agree}/{len(ref)} |")


if __name__ == "__main__":
    main()
