"""Reference values from PyTorch for Neuromorph's digital parity tests (issue 19).

Run once in a virtual environment with torch (benchmarks/peers/setup-aihwkit.sh DIR has it):
    DIR/bin/python benchmarks/golden/pytorch_parity.py Tests/Golden/pytorch_parity.json
Read by Tests/NeuromorphNNTests/PyTorchGoldenParityTests.swift; no Python at test time.
"""
import json, sys
import torch
from torch import nn

torch.manual_seed(19)
out = {"torch": torch.__version__}

# Activations (float32): values and derivatives.
xs = torch.tensor([-4.0, -3.0, -2.5, -1.0, -1e-6, 0.0, 1e-7, 1e-5, 1e-3, 0.124, 0.126, 0.5, 1.0, 2.5, 3.0, 4.0],
                  dtype=torch.float32, requires_grad=True)
acts = {}
for name, fn in [("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("relu", torch.relu),
                 ("hard_sigmoid_torch", nn.functional.hardsigmoid),
                 ("leaky_relu", lambda v: nn.functional.leaky_relu(v, 0.01))]:
    x = xs.detach().clone().requires_grad_(True)
    y = fn(x)
    y.sum().backward()
    acts[name] = dict(x=x.detach().tolist(), y=y.detach().tolist(), dy=x.grad.tolist())
out["activations"] = acts

# Softmax cross-entropy (mean reduction): ordinary and huge logit gaps.
ce = []
for logits, labels in [([[0.0, 90.0], [120.0, 0.0]], [0, 1]),
                       ([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.2]], [1, 2]),
                       ([[200.0, -200.0, 0.0]], [1])]:
    z = torch.tensor(logits, requires_grad=True)
    loss = nn.functional.cross_entropy(z, torch.tensor(labels))
    loss.backward()
    ce.append(dict(logits=[v for row in logits for v in row], rows=len(logits), columns=len(logits[0]),
                   labels=labels, loss=loss.item(), gradient=z.grad.flatten().tolist()))
out["cross_entropy"] = ce

# Optimizer trajectories: Linear(3 -> 2) with MSE (mean) on a fixed batch, 20 steps. PyTorch
# decays every parameter of a group, biases included (Neuromorph: decay_biases: true).
w0 = torch.randn(2, 3); b0 = torch.randn(2)
x = torch.randn(4, 3); t = torch.randn(4, 2)
runs = []
for name, make in [
        ("sgd_momentum_nesterov_wd", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
        ("sgd_wd", lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.05)),
        ("adam_wd", lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.01)),
        ("adamw", lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.01)),
        ("rmsprop_wd", lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.01))]:
    layer = nn.Linear(3, 2)
    with torch.no_grad():
        layer.weight.copy_(w0); layer.bias.copy_(b0)
    opt = make(layer.parameters())
    losses = []
    for _ in range(20):
        opt.zero_grad()
        loss = nn.functional.mse_loss(layer(x), t)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    runs.append(dict(name=name, weight=layer.weight.detach().flatten().tolist(), bias=layer.bias.detach().tolist(),
                     losses=losses))
out["optimizers"] = dict(weight0=w0.flatten().tolist(), bias0=b0.tolist(), x=x.flatten().tolist(),
                         target=t.flatten().tolist(), runs=runs)

# Cosine annealing within its horizon: T_max 10, eta_min 1e-3, base 0.1, one step per epoch.
p = nn.Parameter(torch.zeros(1))
opt = torch.optim.SGD([p], lr=0.1)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=1e-3)
rates = []
for epoch in range(11):
    rates.append(opt.param_groups[0]["lr"])
    opt.step(); sched.step()
out["cosine"] = dict(base=0.1, epochs=10, minimum=1e-3, rates=rates)

with open(sys.argv[1], "w") as f:
    json.dump(out, f)
