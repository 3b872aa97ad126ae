"""The peers' side of benchmarks/perf/pairs.sh: one workload, timed the way `neuromorph bench
--workload NAME` times it (warm-up, then REPEATS repeats of ITERATIONS iterations; the median
repeat's seconds per iteration), printed as one line `NAME MS` (milliseconds per step/batch).

Workloads (the same models, sizes and optimizers as Neuromorph's `bench`):
  cnn                the demo CNN train step: two 3x3 conv+ReLU+2x2 max-pool blocks (16, 32
                     channels), FC 128, batch 64, SGD lr 0.05 momentum 0.9 (PyTorch)
  mlp                W1 digital: MLP 784-256-128-10 sigmoid, log-softmax, NLL, SGD lr 0.1, batch 64 (PyTorch)
  w1-constant-step   W1 on aihwkit AnalogLinear tiles, SingleRPUConfig(ConstantStepDevice()), AnalogSGD lr 0.1
  w1-soft-bounds     the same with SoftBoundsDevice()
  pcm-forward        W1 MLP on InferenceRPUConfig() (PCM noise model), eval forward of a batch of 1,000

Run with the aihwkit venv's python (benchmarks/perf/setup-peers.sh):
  $VENV/bin/python benchmarks/perf/peer.py cnn [--threads 2] [--repeats 5] [--iterations N]
"""
import argparse, os, sys, time

WORKLOADS = ["cnn", "mlp", "w1-constant-step", "w1-soft-bounds", "pcm-forward"]
DEFAULT_ITERATIONS = {"cnn": 10, "mlp": 100, "w1-constant-step": 10, "w1-soft-bounds": 10, "pcm-forward": 5}

parser = argparse.ArgumentParser()
parser.add_argument("workload", choices=WORKLOADS)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--repeats", type=int, default=5)
parser.add_argument("--iterations", type=int, default=0)
args = parser.parse_args()
os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))

import torch
from torch import nn
torch.set_num_threads(args.threads)
torch.manual_seed(0)
iterations = args.iterations or DEFAULT_ITERATIONS[args.workload]


def measure(body, warmup=2):
    for _ in range(warmup):
        body()
    samples = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        for _ in range(iterations):
            body()
        samples.append((time.perf_counter() - t) / iterations)
    samples.sort()
    return samples[len(samples) // 2]


def train_step(model, opt, loss, x, y):
    def step():
        opt.zero_grad()
        loss(model(x), y).backward()
        opt.step()
    return step


x = torch.rand(64, 784)
y = torch.randint(0, 10, (64,))
if args.workload == "cnn":
    m = nn.Sequential(nn.Unflatten(1, (1, 28, 28)),
                      nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9)
    seconds = measure(train_step(m, opt, nn.CrossEntropyLoss(), x, y))
elif args.workload == "mlp":
    m = nn.Sequential(nn.Linear(784, 256), nn.Sigmoid(), nn.Linear(256, 128), nn.Sigmoid(),
                      nn.Linear(128, 10), nn.LogSoftmax(dim=1))
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    seconds = measure(train_step(m, opt, nn.NLLLoss(), x, y), warmup=20)
else:
    from aihwkit.nn import AnalogLinear, AnalogSequential
    from aihwkit.optim import AnalogSGD
    from aihwkit.simulator.configs import SingleRPUConfig, ConstantStepDevice, SoftBoundsDevice, InferenceRPUConfig

    def mlp(cfg):
        return AnalogSequential(AnalogLinear(784, 256, True, rpu_config=cfg), nn.Sigmoid(),
                                AnalogLinear(256, 128, True, rpu_config=cfg), nn.Sigmoid(),
                                AnalogLinear(128, 10, True, rpu_config=cfg), nn.LogSoftmax(dim=1))
    if args.workload == "pcm-forward":
        m = mlp(InferenceRPUConfig())
        m.eval()
        xb = torch.rand(1000, 784)
        with torch.no_grad():
            seconds = measure(lambda: m(xb))
    else:
        device = ConstantStepDevice() if args.workload == "w1-constant-step" else SoftBoundsDevice()
        m = mlp(SingleRPUConfig(device=device))
        opt = AnalogSGD(m.parameters(), lr=0.1)
        opt.regroup_param_groups(m)
        seconds = measure(train_step(m, opt, nn.NLLLoss(), x, y), warmup=3)

print(f"{args.workload} {seconds * 1000:.3f}", flush=True)
