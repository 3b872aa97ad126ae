#!/usr/bin/env python3
"""Trains the CNN of examples/fashion-cnn.yaml in PyTorch on Fashion-MNIST and exports it
to ONNX, for the "bring your own model" walkthrough of docs/onnx.md (issue 18).

    /work/aihwkit-venv/bin/python benchmarks/onnx/train_fashion_cnn.py [--epochs 1] [--out results/onnx]

Pixels are scaled to [0, 1] as Neuromorph's Fashion-MNIST loader does (no mean/std
normalization), so the imported model sees the same inputs. Prints PyTorch's test accuracy
and writes OUT/fashion_cnn.onnx (opset 17, dynamic batch).
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist"


def idx(name):
    with gzip.open(os.path.join(DATA, name)) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--out", default="results/onnx")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    x_train = torch.from_numpy(idx("train-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
    y_train = torch.from_numpy(idx("train-labels-idx1-ubyte.gz").astype(np.int64))
    x_test = torch.from_numpy(idx("t10k-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
    y_test = torch.from_numpy(idx("t10k-labels-idx1-ubyte.gz").astype(np.int64))
    # examples/fashion-cnn.yaml: conv 16 (3×3, pad 1) → relu → max pool 2 → conv 32 → relu →
    # max pool 2 → flatten → linear 128 → relu → linear 10.
    model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    started = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(x_train))
        for i in range(0, len(order), 64):
            batch = order[i:i + 64]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
        print(f"epoch {epoch + 1}: PyTorch test accuracy {accuracy * 100:.2f} % ({time.time() - started:.0f} s)")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "fashion_cnn.onnx")
    torch.onnx.export(model, (x_test[:1],), path, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "N"}, "output": {0: "N"}}, opset_version=17, dynamo=False)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
