"""Reference values from aihwkit 1.1 for Neuromorph's parity tests (issue 19).

Run once in the aihwkit virtual environment (benchmarks/peers/setup-aihwkit.sh DIR):
    DIR/bin/python benchmarks/golden/aihwkit_parity.py Tests/Golden/aihwkit_parity.json
The Swift tests (Tests/NeuromorphAnalogTests/AihwkitGoldenParityTests.swift) read the JSON; no
Python is needed at test time. aihwkit's C++ generator cannot be seeded from Python, so the
stochastic cases record means and standard errors, and the tests compare with tolerances from
the sample size. Noise-free cases record exact traces.
"""
import json, sys, math
import numpy as np
import torch
from aihwkit.simulator.configs import SingleRPUConfig
from aihwkit.simulator.configs.devices import (ConstantStepDevice, LinearStepDevice, SoftBoundsDevice,
                                               ExpStepDevice, PowStepDevice, PiecewiseStepDevice)
from aihwkit.simulator.parameters.enums import BoundManagementType, NoiseManagementType
from aihwkit.simulator.tiles import AnalogTile
from aihwkit.inference import PCMLikeNoiseModel

torch.manual_seed(19)
np.random.seed(19)
out = {"aihwkit": "1.1.0", "torch": torch.__version__}

NOISE_FREE = dict(dw_min_dtod=0.0, dw_min_std=0.0, up_down_dtod=0.0, w_max_dtod=0.0, w_min_dtod=0.0,
                  reset_std=0.0)

def device(kind, params):
    cls = dict(constant_step=ConstantStepDevice, linear_step=LinearStepDevice, soft_bounds=SoftBoundsDevice,
               exp_step=ExpStepDevice, pow_step=PowStepDevice, piecewise_step=PiecewiseStepDevice)[kind]
    return cls(**params)

def single_pulse_tile(dev, rows, cols=1):
    cfg = SingleRPUConfig(device=dev)
    cfg.update.update_bl_management = False
    cfg.update.update_management = False
    cfg.update.desired_bl = 1
    cfg.forward.is_perfect = True
    cfg.backward.is_perfect = True
    tile = AnalogTile(rows, cols, cfg)
    tile.set_learning_rate(1)
    return tile

# 1. Noise-free pulse responses: `up` single up pulses then `down` single down pulses from w = 0.
pulse_cases = [
    ("constant_step", {}),
    ("constant_step", dict(dw_min=0.02, up_down=0.2, w_max=0.8, w_min=-0.5)),
    ("linear_step", dict(gamma_up=0.1, gamma_down=0.2, gamma_up_dtod=0.0, gamma_down_dtod=0.0)),
    ("linear_step", dict(dw_min=0.005, gamma_up=0.5, gamma_down=0.3, up_down=-0.1, gamma_up_dtod=0.0,
                         gamma_down_dtod=0.0, mean_bound_reference=False)),
    ("soft_bounds", {}),
    ("soft_bounds", dict(dw_min=0.005, up_down=0.3, w_max=1.0, w_min=-0.4)),
    ("exp_step", {}),
    ("exp_step", dict(dw_min=0.002, A_up=0.002, A_down=0.3, gamma_up=10.0, gamma_down=14.0, a=0.2, b=0.3)),
    ("pow_step", dict(pow_gamma_dtod=0.0)),
    ("pow_step", dict(dw_min=0.004, pow_gamma=0.7, pow_up_down=0.2, pow_gamma_dtod=0.0)),
    ("piecewise_step", {}),
    ("piecewise_step", dict(dw_min=0.003, piecewise_up=[2.0, 1.0, 0.5], piecewise_down=[0.4, 1.0, 1.8])),
]
pulses = []
for kind, params in pulse_cases:
    p = dict(NOISE_FREE); p.update(params)
    if kind == "pow_step":
        p.setdefault("pow_up_down_dtod", 0.0)
    dev = device(kind, p)
    tile = single_pulse_tile(dev, 1)
    tile.set_weights(torch.zeros(1, 1))
    up, down = 700, 700
    trace = []
    x = -torch.ones(1, 1)
    for i in range(up + down):
        direction = 1.0 if i < up else -1.0
        tile.update(x, torch.ones(1, 1) * direction)
        trace.append(float(tile.get_weights()[0][0, 0]))
    effective = {k: v for k, v in vars(dev).items()
                 if isinstance(v, (int, float, bool)) or (isinstance(v, list) and all(isinstance(e, (int, float)) for e in v))}
    pulses.append(dict(device=kind, parameters=effective, up=up, down=down, trace=trace))
out["pulse_responses"] = pulses
print("pulse responses:", len(pulses), file=sys.stderr)

# 2. Mean pulsed update of a tile (device-to-device variation and cycle noise off, so the mean
#    is a function of the pulse probabilities only): unclipped and clipped regimes.
def mean_update(rows, cols, lr, desired_bl, x, d, repeats, dw_min=0.001):
    p = dict(NOISE_FREE); p.update(dw_min=dw_min, w_max=10.0, w_min=-10.0)
    cfg = SingleRPUConfig(device=ConstantStepDevice(**p))
    cfg.update.desired_bl = desired_bl
    cfg.update.update_bl_management = True
    cfg.update.update_management = True
    cfg.forward.is_perfect = True
    cfg.backward.is_perfect = True
    tile = AnalogTile(rows, cols, cfg)
    tile.set_learning_rate(lr)
    total = np.zeros((rows, cols)); total2 = np.zeros((rows, cols))
    xt = torch.tensor(x, dtype=torch.float32).reshape(1, cols)
    dt = torch.tensor(d, dtype=torch.float32).reshape(1, rows)
    for _ in range(repeats):
        tile.set_weights(torch.zeros(rows, cols))
        tile.update(xt, dt)
        w = tile.get_weights()[0].numpy().astype(np.float64)
        total += w; total2 += w * w
    mean = total / repeats
    std = np.sqrt(np.maximum(total2 / repeats - mean * mean, 0))
    return mean, std

update_cases = []
for name, rows, cols, lr, bl, dstd, repeats in [
        ("unclipped_32", 32, 32, 0.01, 31, 0.3, 400),
        ("clipped_32", 32, 32, 0.5, 31, 0.3, 400),
        ("clipped_16_bl10", 16, 24, 0.1, 10, 1.0, 400),
        ("scalar_clipped", 1, 1, 0.5, 31, None, 4000)]:
    if dstd is None:
        x = [0.7]; d = [-0.9]
    else:
        x = list(np.random.uniform(-1, 1, cols)); d = list(np.random.normal(0, dstd, rows))
    mean, std = mean_update(rows, cols, lr, bl, x, d, repeats)
    update_cases.append(dict(name=name, rows=rows, columns=cols, learning_rate=lr, desired_bl=bl, dw_min=0.001,
                             x=[float(v) for v in x], d=[float(v) for v in d], repeats=repeats,
                             mean=mean.flatten().tolist(), std=std.flatten().tolist()))
out["mean_updates"] = update_cases
print("mean updates:", len(update_cases), file=sys.stderr)

# 3. Forward and backward periphery with every noise off (DAC, ADC, noise and bound management):
#    exact outputs, weights x1 and x10.
def periphery(weights, inputs, backward):
    p = dict(NOISE_FREE); p.update(w_max=100.0, w_min=-100.0)   # no clipping of the x10 weights
    cfg = SingleRPUConfig(device=ConstantStepDevice(**p))
    io = cfg.backward if backward else cfg.forward
    io.out_noise = 0.0
    io.w_noise = 0.0
    io.inp_noise = 0.0
    io.ir_drop = 0.0
    tile = AnalogTile(weights.shape[0], weights.shape[1], cfg)
    tile.set_weights(torch.tensor(weights, dtype=torch.float32))
    x = torch.tensor(inputs, dtype=torch.float32)
    with torch.no_grad():
        y = tile.backward(x) if backward else tile.forward(x)
    return y.numpy().astype(np.float64), dict(inp_res=io.inp_res, out_res=io.out_res, inp_bound=io.inp_bound,
        out_bound=io.out_bound, bound_management=str(io.bound_management), noise_management=str(io.noise_management),
        max_bm_res=io.max_bm_res, max_bm_factor=io.max_bm_factor)

w = np.random.uniform(-0.6, 0.6, (8, 16)).astype(np.float32)
xin = np.random.uniform(-1, 1, (256, 16)).astype(np.float32)
din = np.random.uniform(-1, 1, (256, 8)).astype(np.float32)
periphery_cases = []
for scale in (1.0, 10.0):
    ws = (w * scale).astype(np.float32)
    y, io = periphery(ws, xin, False)
    periphery_cases.append(dict(name=f"forward_x{int(scale)}", backward=False, weights=ws.flatten().tolist(),
                                rows=8, columns=16, inputs=xin.flatten().tolist(), batch=256,
                                outputs=y.flatten().tolist(), io=io))
    y, io = periphery(ws, din, True)
    periphery_cases.append(dict(name=f"backward_x{int(scale)}", backward=True, weights=ws.flatten().tolist(),
                                rows=8, columns=16, inputs=din.flatten().tolist(), batch=256,
                                outputs=y.flatten().tolist(), io=io))
out["periphery"] = periphery_cases
print("periphery:", len(periphery_cases), file=sys.stderr)

# 4. PCM (Joshi 2020 / aihwkit PCMLikeNoiseModel): programming noise, drift and read noise at
#    several g/g_max, t = 1 month, with moments over n devices.
pcm = PCMLikeNoiseModel(g_max=25.0)
pcm_cases = []
n = 200000
t_inf = 2.592e6
for x in (1.0, 0.5, 0.1, 0.05, 0.01):
    g_target = torch.full((n,), x * 25.0)
    g_prog = pcm.apply_programming_noise_to_conductance(g_target)
    nu = pcm.generate_drift_coefficients(g_target)
    t = t_inf + pcm.t_0
    g_drift = g_prog * ((t / pcm.t_0) ** (-nu))
    q_s = (0.0088 / ((g_prog.abs() / pcm.g_max) ** 0.65).clamp(min=1e-3)).clamp(max=0.2)
    sig = q_s * math.sqrt(math.log((t + pcm.t_read) / (2 * pcm.t_read)))
    read = g_drift.abs() * pcm.read_noise_scale * sig * torch.randn_like(g_prog)
    g_final = pcm.apply_drift_noise_to_conductance(g_prog, nu, t_inf)
    def mom(v):
        v = v.double(); return dict(mean=float(v.mean()), std=float(v.std()))
    pcm_cases.append(dict(normalized_target=x, time=t_inf, programmed=mom(g_prog), nu=mom(nu),
                          read_noise=mom(read), final=mom(g_final), devices=n))
out["pcm"] = dict(g_max=25.0, t_0=pcm.t_0, t_read=pcm.t_read, prog_noise_scale=pcm.prog_noise_scale,
                  read_noise_scale=pcm.read_noise_scale, drift_scale=pcm.drift_scale, cases=pcm_cases)
print("pcm:", len(pcm_cases), file=sys.stderr)

# 5. LinearStepDevice at aihwkit's defaults (gamma_up = gamma_down = 0, gamma_*_dtod 0.05, every
#    other default too): the mean weight after 600 single down pulses from 0, over many devices.
devices = 4000
tile = single_pulse_tile(LinearStepDevice(), devices)
tile.set_weights(torch.zeros(devices, 1))
x = -torch.ones(1, 1)
checkpoints = {}
for i in range(600):
    tile.update(x, -torch.ones(1, devices))
    if (i + 1) in (100, 300, 600):
        w = tile.get_weights()[0].numpy().astype(np.float64).flatten()
        checkpoints[str(i + 1)] = dict(mean=float(w.mean()), std=float(w.std()), devices=devices)
out["linear_step_default"] = checkpoints
print("linear step:", checkpoints, file=sys.stderr)

with open(sys.argv[1], "w") as f:
    json.dump(out, f)
