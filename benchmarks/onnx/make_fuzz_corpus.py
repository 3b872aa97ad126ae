#!/usr/bin/env python3
"""Writes the seed corpus of the `onnx` fuzz target (Fuzz/corpus/onnx): a few small valid
ONNX models covering the importer's operators (residual Add, Conv + BatchNormalization,
pools, the Shape/Gather/Concat view pattern, MatMul + Add, activations, Softmax).

    /work/aihwkit-venv/bin/python benchmarks/onnx/make_fuzz_corpus.py
"""
import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
OUT = os.path.join(ROOT, "Fuzz", "corpus", "onnx")
GOLDEN = os.path.join(ROOT, "Tests", "NeuromorphONNXTests", "Golden")


def save(name, nodes, inputs, outputs, initializers, opset=17):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_fuzz_corpus.py")
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, f"{name}.onnx"))


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(11)
    f = lambda *shape: rng.normal(0, 0.5, shape).astype(np.float32)
    # Gemm → Relu → Gemm + identity Add → Tanh → LogSoftmax.
    save("residual_mlp", [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="fc1", transB=1),
        helper.make_node("Relu", ["h"], ["r"], name="relu"),
        helper.make_node("Gemm", ["r", "w2"], ["g"], name="fc2", transB=1),
        helper.make_node("Add", ["g", "h"], ["s"], name="skip"),
        helper.make_node("Tanh", ["s"], ["t"], name="tanh"),
        helper.make_node("LogSoftmax", ["t"], ["y"], name="logsoftmax", axis=1),
    ], [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
        [numpy_helper.from_array(f(3, 4), "w1"), numpy_helper.from_array(f(3), "b1"), numpy_helper.from_array(f(3, 3), "w2")])
    # Conv + BatchNormalization + Relu, residual conv, max pool, global average pool, flatten, MatMul + Add.
    c = 2
    bn = lambda p: [numpy_helper.from_array(np.abs(f(c)) + 0.5, p + "g"), numpy_helper.from_array(f(c), p + "b"),
                    numpy_helper.from_array(f(c), p + "m"), numpy_helper.from_array(np.abs(f(c)) + 0.5, p + "v")]
    save("residual_conv", [
        helper.make_node("Conv", ["x", "k1"], ["c1"], name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c1", "bn1g", "bn1b", "bn1m", "bn1v"], ["n1"], name="bn1"),
        helper.make_node("Relu", ["n1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "k2", "kb2"], ["c2"], name="conv2", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["r1", "c2"], ["s"], name="skip"),
        helper.make_node("MaxPool", ["s"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("GlobalAveragePool", ["p"], ["gp"], name="gap"),
        helper.make_node("Flatten", ["gp"], ["fl"], name="flatten", axis=1),
        helper.make_node("MatMul", ["fl", "w"], ["m"], name="matmul"),
        helper.make_node("Add", ["m", "bias"], ["a"], name="bias"),
        helper.make_node("Softmax", ["a"], ["y"], name="softmax", axis=-1),
    ], [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
        [numpy_helper.from_array(f(c, 1, 3, 3), "k1"), numpy_helper.from_array(f(c, c, 3, 3), "k2"),
         numpy_helper.from_array(f(c), "kb2"), numpy_helper.from_array(f(c, 3), "w"), numpy_helper.from_array(f(3), "bias")]
        + bn("bn1"), opset=15)
    # The small golden models (each well under libFuzzer's 8192-byte max_len).
    for name in ["activations", "view", "convbn"]:
        shutil.copy(os.path.join(GOLDEN, f"{name}.onnx"), os.path.join(OUT, f"{name}.onnx"))
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")


if __name__ == "__main__":
    main()
