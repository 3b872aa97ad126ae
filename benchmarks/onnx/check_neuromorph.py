#!/usr/bin/env python3
"""Checks Neuromorph's ONNX import and export against PyTorch and ONNX Runtime (issue 18).

    swift build --product neuromorph
    /work/aihwkit-venv/bin/python benchmarks/onnx/check_neuromorph.py [path/to/neuromorph]

For each golden model of Tests/NeuromorphONNXTests/Golden:
1. `neuromorph predict MODEL.onnx` on the golden input: max |Neuromorph − PyTorch| (absolute
   and relative to max(1, max |output|));
2. `neuromorph import` (spec + checkpoint), then `neuromorph export CHECKPOINT --onnx`, then
   ONNX Runtime on the exported file: max |ONNX Runtime(exported) − PyTorch| (the checkpoint's
   model outputs logits, so a final Softmax of the original is applied here for comparison).
Prints a Markdown table (the one in docs/onnx.md).
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOLDEN = os.path.join(ROOT, "Tests", "NeuromorphONNXTests", "Golden")
# Golden models and the data set whose samples have their input size (for `import`).
# None: an IDX folder whose (empty) training images have the model's sample size stands in
# for a data set, so `import` can write a spec and `export` can run.
MODELS = {"mlp": "fashion-mnist", "cnn": "fashion-mnist", "convbn": None, "view": None, "activations": None,
          "resblock": "fashion-mnist", "mlpblock": None, "transformer": None, "transformer20": None,
          "projblock": None, "dwsep": None, "concat": None}


def idx_folder(tmp, name, elements):
    """A folder with an IDX images header of `elements` pixels per image (1 × elements, 0 images)."""
    folder = os.path.join(tmp, f"{name}-idx")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "train-images-idx3-ubyte"), "wb") as f:
        f.write(bytes([0, 0, 8, 3]) + (0).to_bytes(4, "big") + (1).to_bytes(4, "big") + elements.to_bytes(4, "big"))
    return folder


def run(*args):
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "neuromorph")
    print("| model | operators | max abs diff (predict) | relative | exported → ONNX Runtime max abs diff |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, dataset in MODELS.items():
            model = os.path.join(GOLDEN, f"{name}.onnx")
            x = np.load(os.path.join(GOLDEN, f"{name}.input.npy"))
            ref = np.load(os.path.join(GOLDEN, f"{name}.output.npy"))
            out = os.path.join(tmp, f"{name}.y.npy")
            run(exe, "predict", model, "--input", os.path.join(GOLDEN, f"{name}.input.npy"), "--output", out, "--threads", "1")
            y = np.load(out)
            diff = float(np.max(np.abs(y - ref)))
            rel = diff / max(1.0, float(np.max(np.abs(ref))))
            spec = os.path.join(tmp, f"{name}.yaml")
            if dataset:
                run(exe, "import", model, "--output", spec, "--dataset", dataset)
            else:
                folder = idx_folder(tmp, name, int(np.prod(x.shape[1:])))
                run(exe, "import", model, "--output", spec, "--dataset", "idx", "--data-path", folder)
            # every model: import → export → ONNX Runtime
            onnx_out = os.path.join(tmp, f"{name}.exported.onnx")
            run(exe, "export", os.path.join(tmp, f"{name}.checkpoint"), "--onnx", onnx_out)
            onnx.checker.check_model(onnx.load(onnx_out))
            session = ort.InferenceSession(onnx_out, providers=["CPUExecutionProvider"])
            inp = session.get_inputs()[0]
            shape = [x.shape[0]] + [d for d in inp.shape[1:]]
            got = session.run(None, {inp.name: x.reshape(shape)})[0]
            if onnx.load(model).graph.node[-1].op_type == "Softmax":   # not part of the checkpoint's model
                e = np.exp(got - got.max(axis=1, keepdims=True))
                got = e / e.sum(axis=1, keepdims=True)
            exported = f"{float(np.max(np.abs(got - ref))):.2e}"
            ops = sorted({n.op_type for n in onnx.load(model).graph.node})
            print(f"| {name} | {', '.join(ops)} | {diff:.2e} | {rel:.2e} | {exported} |")


if __name__ == "__main__":
    main()
