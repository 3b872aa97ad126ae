"""Device-level statistics of aihwkit 1.1's step devices at their DEFAULT parameters (device-to-
device variations, cycle-to-cycle noise, multiplicative noise all on), for Neuromorph's parity
tests (issue 19: "find the stage behind the soft-bounds gap").

Run once in the aihwkit virtual environment (benchmarks/peers/setup-aihwkit.sh DIR):
    DIR/bin/python benchmarks/golden/aihwkit_device_trajectories.py Tests/Golden/aihwkit_device_trajectories.json
For each device: 4,000 devices (a 4,000 × 1 tile) start at w = 0 and receive 1,000 single up
pulses then 1,500 single down pulses (update management off, BL 1, lr 1, |x| = |d| = 1: exactly
one pulse per device and step). The mean and standard deviation over devices are recorded at
checkpoints; aihwkit's generator cannot be seeded from Python, so the tests compare within the
standard errors of the two samples. Tests/NeuromorphAnalogTests/AihwkitDeviceTrajectoryTests.swift
reads the JSON; no Python is needed at test time.
"""
import json, sys
import numpy as np
import torch
from aihwkit.simulator.configs import SingleRPUConfig
from aihwkit.simulator.configs.devices import ConstantStepDevice, SoftBoundsDevice, ExpStepDevice, PowStepDevice
from aihwkit.simulator.tiles import AnalogTile

torch.manual_seed(20)
DEVICES, UP, DOWN = 4000, 1000, 1500
CHECKPOINTS = [1, 10, 100, 300, 1000, 1001, 1010, 1100, 1300, 2000, 2500]
out = {"aihwkit": "1.1.0", "torch": torch.__version__, "devices": DEVICES, "up": UP, "down": DOWN, "cases": []}
for name, dev in (("soft_bounds", SoftBoundsDevice()), ("constant_step", ConstantStepDevice()),
                  ("exp_step", ExpStepDevice()), ("pow_step", PowStepDevice())):
    cfg = SingleRPUConfig(device=dev)
    cfg.update.update_bl_management = False
    cfg.update.update_management = False
    cfg.update.desired_bl = 1
    cfg.forward.is_perfect = True
    cfg.backward.is_perfect = True
    tile = AnalogTile(DEVICES, 1, cfg)
    tile.set_learning_rate(1)
    tile.set_weights(torch.zeros(DEVICES, 1))
    x = -torch.ones(1, 1)
    points = {}
    for i in range(UP + DOWN):
        direction = 1.0 if i < UP else -1.0
        tile.update(x, torch.full((1, DEVICES), direction))
        if (i + 1) in CHECKPOINTS:
            w = tile.get_weights()[0].numpy().astype(np.float64).flatten()
            points[str(i + 1)] = dict(mean=float(w.mean()), std=float(w.std()))
    out["cases"].append(dict(device=name, checkpoints=points))
    print(name, points["1000"], points["2500"], file=sys.stderr)
with open(sys.argv[1], "w") as f:
    json.dump(out, f, indent=1)
