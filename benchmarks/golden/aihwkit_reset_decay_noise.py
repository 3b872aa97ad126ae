"""aihwkit 1.1 reference moments for device decay (`lifetime`), diffusion (`diffusion`), column
reset (`reset`, `reset_dtod`, `reset_std`) and forward weight noise (`w_noise`, `w_noise_type`
additive constant), for Neuromorph's parity tests (issue 19, golden list).

Run once in the aihwkit virtual environment (benchmarks/peers/setup-aihwkit.sh DIR):
    DIR/bin/python benchmarks/golden/aihwkit_reset_decay_noise.py Tests/Golden/aihwkit_reset_decay_noise.json
aihwkit's generator cannot be seeded from Python: every case records means and standard
deviations over many devices or reads; the Swift tests
(Tests/NeuromorphAnalogTests/AihwkitResetDecayNoiseTests.swift) compare within standard errors.
"""
import json, sys
import numpy as np
import torch
from aihwkit.simulator.configs import SingleRPUConfig
from aihwkit.simulator.configs.devices import ConstantStepDevice
from aihwkit.simulator.parameters.enums import BoundManagementType, NoiseManagementType, WeightNoiseType
from aihwkit.simulator.tiles import AnalogTile

torch.manual_seed(21)
NOISE_FREE = dict(dw_min_dtod=0.0, dw_min_std=0.0, up_down_dtod=0.0, w_max_dtod=0.0, w_min_dtod=0.0, reset_std=0.0)
DEVICES = 4000
out = {"aihwkit": "1.1.0", "torch": torch.__version__, "devices": DEVICES}

def tile(params, rows=DEVICES, cols=1):
    p = dict(NOISE_FREE); p.update(params)
    cfg = SingleRPUConfig(device=ConstantStepDevice(**p))
    cfg.forward.is_perfect = True
    cfg.backward.is_perfect = True
    return AnalogTile(rows, cols, cfg)

def moments(t):
    w = t.get_weights()[0].numpy().astype(np.float64).flatten()
    return dict(mean=float(w.mean()), std=float(w.std()))

# 1. Decay toward the per-device reset value: w ← (w − r)(1 − 1/lifetime_ij) + r.
#    lifetime_dtod 0.1, not larger: with 0.3 about 1 device in 2,000 draws lifetime_ij ≤ 1 and
#    jumps to its reset value in one call, and those few devices dominate the spread of a
#    4,000-device sample (checked: the decay factors' quantiles match 1 − 1/(50(1 + 0.3ξ))).
decay_params = dict(lifetime=50.0, lifetime_dtod=0.1, reset=0.2, reset_dtod=0.1)
t = tile(decay_params)
t.set_weights(torch.full((DEVICES, 1), 0.5))
decay = {}
for i in range(1, 201):
    t.decay_weights(1.0)
    if i in (1, 10, 50, 200):
        decay[str(i)] = moments(t)
out["decay"] = dict(parameters=decay_params, start=0.5, checkpoints=decay)

# 2. Diffusion: w ← w + diffusion_ij ξ, diffusion_ij = |diffusion (1 + diffusion_dtod ξ')|.
diffusion_params = dict(diffusion=0.01, diffusion_dtod=0.5)
t = tile(diffusion_params)
t.set_weights(torch.zeros(DEVICES, 1))
diffusion = {}
for i in range(1, 101):
    t.diffuse_weights()
    if i in (1, 10, 100):
        diffusion[str(i)] = moments(t)
out["diffusion"] = dict(parameters=diffusion_params, start=0.0, checkpoints=diffusion)

# 3. Column reset: w ← reset_ij + reset_std ξ.
reset_params = dict(reset=0.1, reset_dtod=0.2, reset_std=0.05)
t = tile(reset_params)
t.set_weights(torch.full((DEVICES, 1), 0.5))
t.reset_columns(0, 1, 1.0)
out["reset"] = dict(parameters=reset_params, start=0.5, after=moments(t))

# 4. Forward weight noise, additive constant: y = W x + w_noise ‖x‖₂ ξ per output and read;
#    DAC/ADC ideal, no output noise, no noise or bound management.
rows, cols, reads = 16, 32, 4000
cfg = SingleRPUConfig(device=ConstantStepDevice())
f = cfg.forward
f.is_perfect = False
f.inp_res = -1; f.out_res = -1; f.out_noise = 0.0; f.inp_bound = 10.0; f.out_bound = 100.0
f.noise_management = NoiseManagementType.NONE
f.bound_management = BoundManagementType.NONE
f.w_noise = 0.02
f.w_noise_type = WeightNoiseType.ADDITIVE_CONSTANT
wt = AnalogTile(rows, cols, cfg)
gen = torch.Generator().manual_seed(5)
w = (torch.rand(rows, cols, generator=gen) - 0.5) * 0.8
x = (torch.rand(1, cols, generator=gen) - 0.5) * 1.6
wt.set_weights(w)
w = wt.get_weights()[0]   # as programmed: the default device clips to its own bounds
with torch.no_grad():
    ys = torch.cat([wt.forward(x) for _ in range(reads)]).double()
out["weight_noise"] = dict(w_noise=0.02, rows=rows, cols=cols, reads=reads, weights=w.flatten().tolist(),
                           x=x.flatten().tolist(), mean=ys.mean(0).tolist(), std=ys.std(0).tolist())
print("decay", decay["200"], "diffusion", diffusion["100"], "reset", out["reset"]["after"],
      "w_noise std", float(ys.std(0).mean().detach()), "expected", 0.02 * float(x.norm()), file=sys.stderr)
with open(sys.argv[1], "w") as fh:
    json.dump(out, fh, indent=1)
