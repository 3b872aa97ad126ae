#!/usr/bin/env python3
"""Exports the ONNX golden models of Tests/NeuromorphONNXTests/Golden (issue 18).

Run once in the PyTorch virtual environment (torch 2.10, onnx, onnxruntime):

    /work/aihwkit-venv/bin/pip install onnx onnxruntime
    /work/aihwkit-venv/bin/python benchmarks/onnx/export_goldens.py

For every model it writes `<name>.onnx`, `<name>.input.npy` (a fixed input batch drawn
from a seeded NumPy stream) and `<name>.output.npy` (PyTorch's output on it, checked
against ONNX Runtime here). `export_goldens.py NAME …` re-exports only the named models
(`mlpblock`, `resblock`, `transformer`, `transformer20`, `projblock`, `dwsep`, `concat`). The Swift tests (ONNXGoldenTests) import each model and compare
Neuromorph's outputs with these. Models are small so each file stays well under 1 MB.
"""
import math
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "NeuromorphONNXTests", "Golden")
BATCH = 4


def randomize_batchnorm(model, rng):
    """Non-trivial running statistics and affine parameters, so folding is really tested."""
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            m.running_mean.copy_(torch.from_numpy(rng.normal(0, 0.5, n).astype(np.float32)))
            m.running_var.copy_(torch.from_numpy(rng.uniform(0.5, 2.0, n).astype(np.float32)))
            m.weight.data.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, n).astype(np.float32)))
            m.bias.data.copy_(torch.from_numpy(rng.normal(0, 0.2, n).astype(np.float32)))


def check_with_onnxruntime(path, x, y):
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    got = session.run(None, {session.get_inputs()[0].name: x})[0]
    diff = float(np.max(np.abs(got - y)))
    assert diff < 1e-4, f"{path}: ONNX Runtime differs from PyTorch by {diff}"
    return diff


def save(name, x, y):
    np.save(os.path.join(OUT, f"{name}.input.npy"), x.astype(np.float32))
    np.save(os.path.join(OUT, f"{name}.output.npy"), y.astype(np.float32))


def export_torch(name, model, input_shape, opset, seed, keep_batchnorm=False):
    """PyTorch's initialization (built after `torch.manual_seed(seed)` by the caller)."""
    rng = np.random.default_rng(seed)
    randomize_batchnorm(model, rng)
    model.eval()
    x = rng.normal(0, 1, (BATCH, *input_shape)).astype(np.float32)
    with torch.no_grad():
        y = model(torch.from_numpy(x)).numpy()
    path = os.path.join(OUT, f"{name}.onnx")
    torch.onnx.export(model, (torch.from_numpy(x),), path, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "N"}, "output": {0: "N"}}, opset_version=opset,
                      do_constant_folding=True, dynamo=False,
                      # PRESERVE keeps BatchNormalization nodes (EVAL folds them in the exporter).
                      training=torch.onnx.TrainingMode.PRESERVE if keep_batchnorm else torch.onnx.TrainingMode.EVAL)
    save(name, x, y)
    diff = check_with_onnxruntime(path, x, y)
    ops = [n.op_type for n in onnx.load(path).graph.node]
    print(f"{name}: opset {opset}, ops {ops}, ONNX Runtime vs PyTorch max |diff| {diff:.2e}, "
          f"{os.path.getsize(path)} bytes")


class ViewNet(nn.Module):
    """`x.view(x.size(0), -1)`: exported with a dynamic batch as Shape → Gather → Unsqueeze →
    Concat → Reshape."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3, stride=2)
        self.fc = nn.Linear(3 * 3 * 3, 4)

    def forward(self, x):
        x = torch.tanh(self.conv(x))
        return self.fc(x.view(x.size(0), -1))


class Flat(nn.Module):
    """`x.reshape(-1, features)`: exported as Reshape with a constant shape."""

    def __init__(self, features):
        super().__init__()
        self.features = features

    def forward(self, x):
        return x.reshape(-1, self.features)


class BasicBlock(nn.Module):
    """ResNet's basic block with an identity shortcut (He et al. 2016):
    relu(bn2(conv2(relu(bn1(conv1(x))))) + x)."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + x)


class DownsampleBlock(nn.Module):
    """torchvision's BasicBlock with a projection shortcut (He et al. 2016, Eq. 2):
    relu(bn2(conv2(relu(bn1(conv1(x))))) + downsample(x)), conv1 strided, downsample a strided
    1×1 conv + BatchNorm."""

    def __init__(self, inputs, outputs, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, outputs, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(outputs)
        self.conv2 = nn.Conv2d(outputs, outputs, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(outputs)
        self.downsample = nn.Sequential(nn.Conv2d(inputs, outputs, 1, stride=stride, bias=False), nn.BatchNorm2d(outputs))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + self.downsample(x))


class ResNetDownsample(nn.Module):
    """Stem conv-bn-relu (4 channels), a downsampling block 4 → 8 (stride 2), an identity block,
    global average pool, linear."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU())
        self.block1 = DownsampleBlock(4, 8, 2)
        self.block2 = BasicBlock(8)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 5))

    def forward(self, x):
        return self.head(self.block2(self.block1(self.stem(x))))


class DepthwiseSeparable(nn.Module):
    """MobileNet's block (Howard et al. 2017): stem conv-bn-relu (1 → 6), a depthwise 3×3 conv
    (groups = 6) + bn + relu, a pointwise 1×1 conv (6 → 8) + bn + relu, a grouped 3×3 conv
    (8 → 8, groups = 2, stride 2) with bias, global average pool, linear."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6), nn.ReLU(),
                                 nn.Conv2d(6, 6, 3, padding=1, groups=6, bias=False), nn.BatchNorm2d(6), nn.ReLU(),
                                 nn.Conv2d(6, 8, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                                 nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=2), nn.ReLU(),
                                 nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 5))

    def forward(self, x):
        return self.net(x)


class ConcatNet(nn.Module):
    """Concat on the channel axis (an Inception/DenseNet-style block: a 1×1 branch, a 3×3 conv-bn
    branch and the identity, `cat([a(x), b(x), x], 1)`) and on the feature axis of flat vectors
    (`cat([relu(fc1(h)), tanh(fc2(h))], 1)`)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU())
        self.a = nn.Sequential(nn.Conv2d(4, 3, 1), nn.ReLU())
        self.b = nn.Sequential(nn.Conv2d(4, 5, 3, padding=1, bias=False), nn.BatchNorm2d(5), nn.ReLU())
        self.pool = nn.Sequential(nn.MaxPool2d(2), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc1 = nn.Linear(12, 6)
        self.fc2 = nn.Linear(12, 4)
        self.head = nn.Linear(10, 3)

    def forward(self, x):
        x = self.stem(x)
        x = torch.cat([self.a(x), self.b(x), x], 1)
        h = self.pool(x)
        return self.head(torch.cat([torch.relu(self.fc1(h)), torch.tanh(self.fc2(h))], 1))


class ResNetSmall(nn.Module):
    """Stem conv-bn-relu, two basic blocks (identity shortcuts: ONNX `Add` of two computed
    tensors), max pool, global average pool, linear."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6), nn.ReLU())
        self.block1 = BasicBlock(6)
        self.pool = nn.MaxPool2d(2)
        self.block2 = BasicBlock(6)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 10))

    def forward(self, x):
        return self.head(self.block2(self.pool(self.block1(self.stem(x)))))


class PreLNMLP(nn.Module):
    """The MLP half of Neuromorph's pre-LN encoder block (TransformerEncoderBlock) on flat
    samples: h = fc(x); h = h + W2·GELU(W1·LN(h)); y = head(LN_f(h)). nn.GELU() is the exact
    (erf) GELU, exported at opset 17 as Div, Erf, Add, Mul, Mul; nn.LayerNorm as
    LayerNormalization."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(12, 16)
        self.norm = nn.LayerNorm(16)
        self.expand = nn.Linear(16, 32)
        self.gelu = nn.GELU()
        self.contract = nn.Linear(32, 16)
        self.final_norm = nn.LayerNorm(16)
        self.head = nn.Linear(16, 5)

    def forward(self, x):
        h = self.fc(x)
        h = h + self.contract(self.gelu(self.expand(self.norm(h))))
        return self.head(self.final_norm(h))


class SelfAttention(nn.Module):
    """Neuromorph's MultiHeadSelfAttention: Q, K, V, O linear layers, heads split from the
    feature axis, softmax(Q Kᵀ/√d_h) V. `scale_query` applies 1/√d_h to Q before the product
    and transposes K on the head axes (another export shape of the same function)."""

    def __init__(self, dim, heads, scale_query=False):
        super().__init__()
        self.heads, self.scale_query = heads, scale_query
        self.query, self.key, self.value, self.output = (nn.Linear(dim, dim) for _ in range(4))

    def forward(self, x):
        n, t, d = x.shape
        dh = d // self.heads

        def split(z):
            return z.view(n, t, self.heads, dh).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        if self.scale_query:
            scores = (q * dh ** -0.5) @ k.transpose(-2, -1)
        else:
            scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
        mixed = torch.softmax(scores, dim=-1) @ v
        return self.output(mixed.transpose(1, 2).reshape(n, t, d))


class EncoderBlock(nn.Module):
    """Neuromorph's TransformerEncoderBlock (pre-LN): h = x + MHSA(LN1(x)); y = h + W2·GELU(W1·LN2(h)),
    with the tanh GELU Neuromorph uses."""

    def __init__(self, dim, heads, mlp, scale_query=False):
        super().__init__()
        self.attention_norm = nn.LayerNorm(dim)
        self.attention = SelfAttention(dim, heads, scale_query)
        self.mlp_norm = nn.LayerNorm(dim)
        self.expand = nn.Linear(dim, mlp)
        self.gelu = nn.GELU(approximate="tanh")
        self.contract = nn.Linear(mlp, dim)

    def forward(self, x):
        h = x + self.attention(self.attention_norm(x))
        return h + self.contract(self.gelu(self.expand(self.mlp_norm(h))))


class TransformerNet(nn.Module):
    """Neuromorph's TransformerClassifier ({type: transformer}, rows tokenization): image rows as
    tokens, linear embedding + learned positions, pre-LN blocks, final LayerNorm, mean over the
    tokens, linear head."""

    def __init__(self, side=8, dim=16, heads=2, mlp=32, blocks=2, classes=5, scale_query=False):
        super().__init__()
        self.side = side
        self.embedding = nn.Linear(side, dim)
        self.positional_embedding = nn.Parameter(torch.randn(side, dim) * 0.5)
        self.blocks = nn.ModuleList(EncoderBlock(dim, heads, mlp, scale_query) for _ in range(blocks))
        self.final_norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.embedding(x.reshape(x.shape[0], self.side, self.side)) + self.positional_embedding
        for block in self.blocks:
            x = block(x)
        return self.head(self.final_norm(x).mean(dim=1))


def randomize_layernorm(model, rng):
    for m in model.modules():
        if isinstance(m, nn.LayerNorm):
            m.weight.data.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, m.weight.shape).astype(np.float32)))
            m.bias.data.copy_(torch.from_numpy(rng.normal(0, 0.2, m.bias.shape).astype(np.float32)))


def hand_built_activations():
    """A model PyTorch's exporter does not produce: MatMul + Add, HardSigmoid with ONNX's
    default alpha 0.2, Identity, Dropout (inference), LeakyRelu, Reshape [0, -1], Softmax;
    outputs from ONNX Runtime. Opset 13."""
    rng = np.random.default_rng(7)
    w1 = rng.normal(0, 0.4, (12, 16)).astype(np.float32)   # MatMul B is [in, out]
    b1 = rng.normal(0, 0.1, 16).astype(np.float32)
    w2 = rng.normal(0, 0.4, (16, 8)).astype(np.float32)
    b2 = rng.normal(0, 0.1, 8).astype(np.float32)
    w3 = rng.normal(0, 0.4, (5, 8)).astype(np.float32)     # Gemm transB = 1: [out, in]
    b3 = rng.normal(0, 0.1, 5).astype(np.float32)
    nodes = [
        helper.make_node("Reshape", ["input", "flat_shape"], ["x0"], name="flatten_input"),
        helper.make_node("MatMul", ["x0", "w1"], ["m1"], name="matmul1"),
        helper.make_node("Add", ["m1", "b1"], ["a1"], name="add1"),
        helper.make_node("HardSigmoid", ["a1"], ["h1"], name="hard_sigmoid"),
        helper.make_node("Identity", ["h1"], ["i1"], name="identity"),
        helper.make_node("Dropout", ["i1"], ["d1"], name="dropout"),
        helper.make_node("MatMul", ["d1", "w2"], ["m2"], name="matmul2"),
        helper.make_node("Add", ["b2", "m2"], ["a2"], name="add2"),   # bias first: Add is commutative
        helper.make_node("LeakyRelu", ["a2"], ["l2"], name="leaky", alpha=0.01),
        helper.make_node("Gemm", ["l2", "w3", "b3"], ["g3"], name="gemm3", transB=1),
        helper.make_node("Softmax", ["g3"], ["output"], name="softmax", axis=-1),
    ]
    initializers = [
        numpy_helper.from_array(np.array([0, -1], dtype=np.int64), "flat_shape"),
        numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"),
        numpy_helper.from_array(w2, "w2"), numpy_helper.from_array(b2, "b2"),
        numpy_helper.from_array(w3, "w3"), numpy_helper.from_array(b3, "b3"),
    ]
    graph = helper.make_graph(
        nodes, "activations",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 4])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 5])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="export_goldens.py")
    onnx.checker.check_model(model)
    path = os.path.join(OUT, "activations.onnx")
    onnx.save(model, path)
    x = rng.normal(0, 2, (BATCH, 3, 4)).astype(np.float32)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    y = session.run(None, {"input": x})[0]
    save("activations", x, y)
    print(f"activations: opset 13, ops {[n.op_type for n in nodes]}, outputs from ONNX Runtime, "
          f"{os.path.getsize(path)} bytes")


def export_mlpblock():
    torch.manual_seed(6)
    model = PreLNMLP()
    randomize_layernorm(model, np.random.default_rng(60))
    export_torch("mlpblock", model, (12,), opset=17, seed=6)


def export_transformer():
    """Neuromorph's transformer classifier: [1, 8, 8] images as 8 row tokens, d 16, 2 heads,
    MLP 32, 2 blocks, 5 classes; opset 17 (tanh GELU as its Mul/Tanh decomposition, ReduceMean
    with an axes attribute)."""
    torch.manual_seed(8)
    model = TransformerNet()
    randomize_layernorm(model, np.random.default_rng(80))
    export_torch("transformer", model, (1, 8, 8), opset=17, seed=8)


def export_transformer20():
    """The same classifier with 1 block and 4 heads on flat [64] samples, the scale on Q and
    Kᵀ by a second Transpose; opset 20 (a Gelu node, ReduceMean with an axes input)."""
    torch.manual_seed(9)
    model = TransformerNet(heads=4, blocks=1, classes=3, scale_query=True)
    randomize_layernorm(model, np.random.default_rng(90))
    export_torch("transformer20", model, (64,), opset=20, seed=9)


SELECTABLE = {
    "mlpblock": export_mlpblock,
    "resblock": lambda: (torch.manual_seed(5),
                         export_torch("resblock", ResNetSmall(), (1, 28, 28), opset=17, seed=5, keep_batchnorm=True)),
    "transformer": export_transformer,
    "projblock": lambda: (torch.manual_seed(10),
                          export_torch("projblock", ResNetDownsample(), (1, 12, 12), opset=17, seed=10, keep_batchnorm=True)),
    "transformer20": export_transformer20,
    "concat": lambda: (torch.manual_seed(12),
                       export_torch("concat", ConcatNet(), (1, 8, 8), opset=17, seed=12, keep_batchnorm=True)),
    "dwsep": lambda: (torch.manual_seed(11),
                      export_torch("dwsep", DepthwiseSeparable(), (1, 10, 10), opset=17, seed=11, keep_batchnorm=True)),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    only = set(sys.argv[1:])   # model names to (re)export; all when none are given
    if only:
        unknown = only - set(SELECTABLE)
        if unknown:
            print(f"unknown model(s) {sorted(unknown)}; selectable: {sorted(SELECTABLE)}", file=sys.stderr)
            return 2
        for name in sorted(only):
            SELECTABLE[name]()
        return 0
    # The demo MLP (examples/fashion-mlp.yaml): 784-256-128-10, ReLU.
    torch.manual_seed(1)
    export_torch("mlp", nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                                      nn.Linear(128, 10)), (784,), opset=17, seed=1)
    # A small CNN with the layer kinds of examples/fashion-cnn.yaml (narrower so the file is small).
    torch.manual_seed(2)
    export_torch("cnn", nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
                                      Flat(8 * 7 * 7), nn.Linear(8 * 7 * 7, 32), nn.Sigmoid(),
                                      nn.Linear(32, 10), nn.LogSoftmax(dim=1)), (1, 28, 28), opset=13, seed=2)
    # Conv + BatchNorm blocks (folded on import), strided conv, global average pooling,
    # BatchNorm1d after a linear layer, Hardsigmoid (PyTorch's alpha 1/6), Tanh.
    torch.manual_seed(3)
    export_torch("convbn", nn.Sequential(nn.Conv2d(2, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6), nn.ReLU(),
                                         nn.Conv2d(6, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8), nn.Tanh(),
                                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 12), nn.BatchNorm1d(12),
                                         nn.Hardsigmoid(), nn.Linear(12, 3)), (2, 8, 8), opset=18, seed=3,
                 keep_batchnorm=True)
    torch.manual_seed(4)
    export_torch("view", ViewNet(), (1, 7, 7), opset=17, seed=4)
    hand_built_activations()
    # ResNet-style blocks: Conv-BN-Relu-Conv-BN + identity Add, Relu (BatchNorm kept in the file).
    torch.manual_seed(5)
    export_torch("resblock", ResNetSmall(), (1, 28, 28), opset=17, seed=5, keep_batchnorm=True)
    # The pre-LN MLP sublayer of the transformer encoder: LayerNormalization, exact GELU (Erf), residual Add.
    export_mlpblock()
    # Neuromorph's transformer encoder classifier (self-attention, tanh GELU, token mean).
    export_transformer()
    export_transformer20()
    # A ResNet downsampling block: projection shortcut (strided 1×1 conv + BatchNorm) joined by Add.
    SELECTABLE["projblock"]()
    # MobileNet's depthwise-separable block and a grouped conv (Conv with group > 1).
    SELECTABLE["dwsep"]()
    # Concat of branches on the channel axis (Inception/DenseNet) and on flat features.
    SELECTABLE["concat"]()


if __name__ == "__main__":
    sys.exit(main())
