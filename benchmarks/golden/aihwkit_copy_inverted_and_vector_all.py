"""What aihwkit 1.1 does for OneSidedUnitCell(copy_inverted=True) and VectorUnitCell(ALL).

Checks the two statements docs/analog-training.md makes about aihwkit (issue 11, helper cp11):

1. copy_inverted: device 1's linear-step slopes are device 0's swapped and negated
   (slope_up_1 = -slope_down_0), but device 1's dw_min and bounds are its *own* draws (swapped
   and mirrored), not device 0's; Neuromorph takes all of them from device 0.
2. update_policy ALL: every device of a cross-point receives the same coincidences. With two
   identical noise-free devices, stochastic pulses leave them equal weight by weight (with
   independent trains they would differ).

Run with the aihwkit 1.1 virtual environment:  python aihwkit_copy_inverted_and_vector_all.py
Prints the checks; exits non-zero if one fails. Not used by the test suite.
"""
import sys

import torch
from aihwkit.simulator.configs import UnitCellRPUConfig
from aihwkit.simulator.configs.compounds import OneSidedUnitCell, VectorUnitCell
from aihwkit.simulator.configs.devices import ConstantStepDevice, LinearStepDevice
from aihwkit.simulator.parameters.enums import VectorUnitCellUpdatePolicy
from aihwkit.simulator.tiles import AnalogTile

torch.manual_seed(0)
ok = True


def check(name, condition):
    global ok
    ok &= bool(condition)
    print(("PASS " if condition else "FAIL ") + name)


# 1. copy_inverted
device = LinearStepDevice(dw_min_dtod=0.3, up_down_dtod=0.1, gamma_up=0.5, gamma_down=0.2,
                          gamma_up_dtod=0.05, gamma_down_dtod=0.05)
tile = AnalogTile(8, 6, UnitCellRPUConfig(device=OneSidedUnitCell(unit_cell_devices=[device], copy_inverted=True)))
h = tile.get_hidden_parameters()
check("slope_up_1 == -slope_down_0", torch.equal(h["slope_up_1"], -h["slope_down_0"]))
check("slope_down_1 == -slope_up_0", torch.equal(h["slope_down_1"], -h["slope_up_0"]))
check("dwmin_up_1 != dwmin_down_0 (device 1 keeps its own step draws)",
      not torch.allclose(h["dwmin_up_1"], h["dwmin_down_0"]))
check("max_bound_1 != -min_bound_0 (device 1 keeps its own bound draws)",
      not torch.allclose(h["max_bound_1"], -h["min_bound_0"]))

# 2. VectorUnitCell, update_policy ALL: shared coincidences
exact = ConstantStepDevice(dw_min=0.01, dw_min_dtod=0.0, dw_min_std=0.0, up_down_dtod=0.0,
                           w_max_dtod=0.0, w_min_dtod=0.0)
config = UnitCellRPUConfig(device=VectorUnitCell(unit_cell_devices=[exact, exact],
                                                 update_policy=VectorUnitCellUpdatePolicy.ALL))
tile = AnalogTile(16, 12, config)
tile.set_weights(torch.zeros(16, 12))
tile.set_learning_rate(0.1)
for _ in range(20):
    tile.update(torch.rand(4, 12) * 2 - 1, torch.randn(4, 16) * 0.3)
h = tile.get_hidden_parameters()
w0, w1 = h["hidden_weights_0"], h["hidden_weights_1"]
check("ALL: the two identical devices stay equal weight by weight", torch.equal(w0, w1))
check("ALL: and they moved", bool((w0 != 0).any()))
sys.exit(0 if ok else 1)
