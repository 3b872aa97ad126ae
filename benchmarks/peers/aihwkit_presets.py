"""Time aihwkit 1.1 on the W1 workload (MLP 784-256-128-10, sigmoid, log-softmax, NLL, batch 64,
AnalogSGD lr 0.1) with one algorithm preset per call, for interleaved pairs against
`neuromorph w1 --preset NAME` (benchmarks/analog/w1_presets_side_by_side.sh).
Run: VENV/bin/python aihwkit_presets.py PRESET [steps]   (after setup-aihwkit.sh)
"""
import os, sys, time, torch
from torch import nn
from aihwkit.nn import AnalogLinear, AnalogSequential
from aihwkit.optim import AnalogSGD
import aihwkit.simulator.presets as presets
torch.manual_seed(0)
# one thread unless OMP_NUM_THREADS says otherwise (w1_presets_side_by_side.sh sets it)
torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
name = sys.argv[1]
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
cfg = getattr(presets, name)()
x = torch.rand(64, 784); y = torch.randint(0, 10, (64,))
m = AnalogSequential(AnalogLinear(784, 256, True, rpu_config=cfg), nn.Sigmoid(),
                     AnalogLinear(256, 128, True, rpu_config=cfg), nn.Sigmoid(),
                     AnalogLinear(128, 10, True, rpu_config=cfg), nn.LogSoftmax(dim=1))
opt = AnalogSGD(m.parameters(), lr=0.1); opt.regroup_param_groups(m)
loss = nn.NLLLoss()
for _ in range(2):
    opt.zero_grad(); loss(m(x), y).backward(); opt.step()
t = time.perf_counter()
for _ in range(steps):
    opt.zero_grad(); loss(m(x), y).backward(); opt.step()
print(f"aihwkit {name} {(time.perf_counter() - t) / steps * 1000:9.2f} ms/step", flush=True)
