"""Accuracy and time of aihwkit (reference analog-AI simulator) on real Fashion-MNIST.

Workload W2: MLP 784-256-128-10, sigmoid hidden, log-softmax output, batch 64, lr 0.1,
inputs scaled to [0, 1], no augmentation, fixed seed. For each configuration it trains
EPOCHS epochs on the 60,000 training images and reports test accuracy on the 10,000 test
images and wall seconds per epoch. Data: the Debian package dataset-fashion-mnist.
Run: VENV/bin/python aihwkit_fashion.py [epochs] [config ...]
Configs: digital, fp_tile, constant_step, soft_bounds, ttv2, hwa_pcm
Environment: SEED (default 0), BATCH (default 64), LR (default 0.1) — used by
benchmarks/analog/w2_side_by_side.sh for the seed and batch-1 comparisons of issue 19.
"""
import os
import gzip, struct, sys, time
import numpy as np
import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist"


def idx(path):
    with gzip.open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = struct.unpack(">" + "I" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def load():
    xtr = torch.tensor(idx(f"{DATA}/train-images-idx3-ubyte.gz").reshape(-1, 784) / 255.0, dtype=torch.float32)
    ytr = torch.tensor(idx(f"{DATA}/train-labels-idx1-ubyte.gz"), dtype=torch.long)
    xte = torch.tensor(idx(f"{DATA}/t10k-images-idx3-ubyte.gz").reshape(-1, 784) / 255.0, dtype=torch.float32)
    yte = torch.tensor(idx(f"{DATA}/t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
    return xtr, ytr, xte, yte


def build(name):
    if name == "digital":
        m = nn.Sequential(nn.Linear(784, 256), nn.Sigmoid(), nn.Linear(256, 128), nn.Sigmoid(),
                          nn.Linear(128, 10), nn.LogSoftmax(dim=1))
        return m, torch.optim.SGD(m.parameters(), lr=float(os.environ.get("LR", "0.1")))
    from aihwkit.nn import AnalogLinear, AnalogSequential
    from aihwkit.optim import AnalogSGD
    from aihwkit.simulator.configs import (SingleRPUConfig, ConstantStepDevice, SoftBoundsDevice,
                                           FloatingPointRPUConfig, InferenceRPUConfig)
    from aihwkit.simulator.presets import TTv2ReRamSBPreset
    cfg = {
        "fp_tile": lambda: FloatingPointRPUConfig(),
        "constant_step": lambda: SingleRPUConfig(device=ConstantStepDevice()),
        "soft_bounds": lambda: SingleRPUConfig(device=SoftBoundsDevice()),
        "ttv2": lambda: TTv2ReRamSBPreset(),
        "hwa_pcm": lambda: InferenceRPUConfig(),
    }[name]()
    m = AnalogSequential(AnalogLinear(784, 256, True, rpu_config=cfg), nn.Sigmoid(),
                         AnalogLinear(256, 128, True, rpu_config=cfg), nn.Sigmoid(),
                         AnalogLinear(128, 10, True, rpu_config=cfg), nn.LogSoftmax(dim=1))
    opt = AnalogSGD(m.parameters(), lr=float(os.environ.get("LR", "0.1")))
    opt.regroup_param_groups(m)
    return m, opt


def run(name, epochs, data):
    seed = int(os.environ.get("SEED", "0"))
    batch = int(os.environ.get("BATCH", "64"))
    torch.manual_seed(seed)
    xtr, ytr, xte, yte = data
    m, opt = build(name)
    loss = nn.NLLLoss()
    g = torch.Generator().manual_seed(seed)
    for ep in range(epochs):
        m.train()
        t = time.perf_counter()
        perm = torch.randperm(len(xtr), generator=g)
        for i in range(0, len(xtr), batch):
            b = perm[i:i + batch]
            opt.zero_grad()
            loss(m(xtr[b]), ytr[b]).backward()
            opt.step()
        dt = time.perf_counter() - t
        m.eval()
        with torch.no_grad():
            acc = (m(xte).argmax(1) == yte).float().mean().item()
        print(f"{name:14s} epoch {ep + 1}: test acc {acc * 100:6.2f} %   {dt:8.1f} s/epoch", flush=True)


if __name__ == "__main__":
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    names = sys.argv[2:] or ["digital", "fp_tile", "constant_step", "soft_bounds"]
    print("torch", torch.__version__, "threads", torch.get_num_threads(), flush=True)
    data = load()
    for n in names:
        run(n, epochs, data)
