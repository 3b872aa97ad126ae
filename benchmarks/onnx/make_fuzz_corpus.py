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
    # Neuromorph's transformer at its smallest: [1, 2, 2] images as 2 row tokens, d 4, 2 heads, MLP 4,
    # one block (self-attention, the tanh-GELU decomposition), final LayerNorm, ReduceMean, Gemm head.
    t, d, h = 2, 4, 2
    nodes = [helper.make_node("Reshape", ["x", "tokens_shape"], ["tok"], name="tokens")]

    def linear(x, prefix, inputs, outputs):
        nodes.extend([helper.make_node("MatMul", [x, prefix + "w"], [prefix + "m"], name=prefix + "matmul"),
                      helper.make_node("Add", [prefix + "m", prefix + "b"], [prefix + "y"], name=prefix + "bias")])
        weights.extend([numpy_helper.from_array(f(inputs, outputs), prefix + "w"), numpy_helper.from_array(f(outputs), prefix + "b")])
        return prefix + "y"

    def norm(x, prefix):
        nodes.append(helper.make_node("LayerNormalization", [x, prefix + "g", prefix + "b"], [prefix + "y"], name=prefix, axis=-1))
        weights.extend([numpy_helper.from_array(np.abs(f(d)) + 0.5, prefix + "g"), numpy_helper.from_array(f(d), prefix + "b")])
        return prefix + "y"

    weights = [numpy_helper.from_array(np.array([0, t, 2], dtype=np.int64), "tokens_shape"),
               numpy_helper.from_array(np.array([0, t, h, d // h], dtype=np.int64), "heads_shape"),
               numpy_helper.from_array(np.array([0, t, d], dtype=np.int64), "model_shape"),
               numpy_helper.from_array(f(t, d), "pos"), numpy_helper.from_array(np.float32(np.sqrt(d // h)), "scale")]
    for name, value in [("c", 0.044715), ("k", np.sqrt(2 / np.pi)), ("one", 1.0), ("half", 0.5)]:
        weights.append(numpy_helper.from_array(np.float32(value), name))
    e = linear("tok", "emb_", 2, d)
    nodes.append(helper.make_node("Add", [e, "pos"], ["x0"], name="positions"))
    n1 = norm("x0", "ln1_")
    heads = {}
    for role, perm in [("q", [0, 2, 1, 3]), ("k", [0, 2, 3, 1]), ("v", [0, 2, 1, 3])]:
        y = linear(n1, role + "_", d, d)
        nodes.extend([helper.make_node("Reshape", [y, "heads_shape"], [role + "_split"], name=role + "_split"),
                      helper.make_node("Transpose", [role + "_split"], [role + "_heads"], name=role + "_heads", perm=perm)])
    nodes.extend([helper.make_node("MatMul", ["q_heads", "k_heads"], ["qk"], name="qk"),
                  helper.make_node("Div", ["qk", "scale"], ["scores"], name="scale"),
                  helper.make_node("Softmax", ["scores"], ["p"], name="softmax", axis=-1),
                  helper.make_node("MatMul", ["p", "v_heads"], ["mixed"], name="mix"),
                  helper.make_node("Transpose", ["mixed"], ["merged_t"], name="merge", perm=[0, 2, 1, 3]),
                  helper.make_node("Reshape", ["merged_t", "model_shape"], ["merged"], name="merged")])
    o = linear("merged", "o_", d, d)
    nodes.append(helper.make_node("Add", ["x0", o], ["x1"], name="attention_residual"))
    u = linear(norm("x1", "ln2_"), "w1_", d, d)
    nodes.extend([helper.make_node("Mul", [u, u], ["g_sq"], name="g_sq"), helper.make_node("Mul", [u, "g_sq"], ["g_cube"], name="g_cube"),
                  helper.make_node("Mul", ["c", "g_cube"], ["g_c"], name="g_c"), helper.make_node("Add", [u, "g_c"], ["g_in"], name="g_in"),
                  helper.make_node("Mul", ["k", "g_in"], ["g_u"], name="g_u"), helper.make_node("Tanh", ["g_u"], ["g_t"], name="g_t"),
                  helper.make_node("Add", ["one", "g_t"], ["g_1"], name="g_1"), helper.make_node("Mul", [u, "g_1"], ["g_x"], name="g_x"),
                  helper.make_node("Mul", ["half", "g_x"], ["g"], name="gelu")])
    w2 = linear("g", "w2_", d, d)
    nodes.append(helper.make_node("Add", ["x1", w2], ["x2"], name="mlp_residual"))
    nodes.append(helper.make_node("ReduceMean", [norm("x2", "lnf_")], ["pooled"], name="mean", axes=[1], keepdims=0))
    nodes.append(helper.make_node("Gemm", ["pooled", "head_w", "head_b"], ["y"], name="head", transB=1))
    weights.extend([numpy_helper.from_array(f(3, d), "head_w"), numpy_helper.from_array(f(3), "head_b")])
    save("transformer", nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, t, 2])],
         [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])], weights)
    # A projection shortcut: relu(conv3x3 s2(x)) and conv1x1 s2(x) + BatchNormalization joined by Add.
    save("projection_shortcut", [
        helper.make_node("Conv", ["x", "k1"], ["c1"], name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["x", "ks"], ["cs"], name="shortcut", kernel_shape=[1, 1], strides=[2, 2]),
        helper.make_node("BatchNormalization", ["cs", "bnsg", "bnsb", "bnsm", "bnsv"], ["ns"], name="shortcut_bn"),
        helper.make_node("Add", ["r1", "ns"], ["s"], name="join"),
        helper.make_node("Flatten", ["s"], ["y"], name="flatten", axis=1),
    ], [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 8])],
        [numpy_helper.from_array(f(c, 1, 3, 3), "k1"), numpy_helper.from_array(f(c, 1, 1, 1), "ks")] + bn("bns"))
    # The small golden models (each well under libFuzzer's 8192-byte max_len).
    for name in ["activations", "view", "convbn", "dwsep", "concat"]:
        shutil.copy(os.path.join(GOLDEN, f"{name}.onnx"), os.path.join(OUT, f"{name}.onnx"))
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")


if __name__ == "__main__":
    main()
