import Foundation
import NeuromorphCore
import NeuromorphNN
import NeuromorphSpec
import Testing
@testable import NeuromorphONNX

/// Neuromorph's transformer classifier read from PyTorch's ONNX (docs/onnx.md "Transformer
/// encoder"; goldens `transformer`, `transformer20` of benchmarks/onnx/export_goldens.py).
@Suite("ONNX transformer encoder")
struct ONNXTransformerTests {
    // The outputs against PyTorch: `ONNX golden models / each golden model imports and matches PyTorch's outputs`.

    @Test("the layout read from the graph: one transformer layer, 8 row tokens, d 16, heads, MLP 32, blocks and classes")
    func blueprint() throws {
        let model = try Golden.model("transformer")
        #expect(model.modelSpec.layers.map(\.type) == ["transformer"])
        guard case let .transformer(t) = model.steps[0] else {
            Issue.record("step 0 is not a transformer: \(model.steps[0])")
            return
        }
        #expect(t.blueprint == TransformerBlueprint(out: 5, dim: 16, heads: 2, mlp: 32, blocks: 2, patch: 0, attentionBits: nil))
        // embedding 2 + positions 1 + 2 blocks × 16 + final norm 2 + head 2.
        #expect(t.parameters.count == 39)
        #expect(model.inputShape == [1, 8, 8])
        let second = try Golden.model("transformer20")
        guard case let .transformer(t20) = second.steps[0] else { return }
        #expect(t20.blueprint == TransformerBlueprint(out: 3, dim: 16, heads: 4, mlp: 32, blocks: 1, patch: 0, attentionBits: nil))
        #expect(second.inputShape == [64] && second.opset == 20)
    }

    @Test("export → reimport of the imported transformer round-trips bit-identical weights and outputs")
    func roundTrip() throws {
        for name in ["transformer", "transformer20"] {
            let imported = try Golden.model(name)
            let model = try imported.build()
            let data = try ONNXExporter.serialized(model, spec: imported.modelSpec, dataShape: imported.inputShape)
            let again = try ONNXImporter(file: "\(name)-exported.onnx").importModel(data)
            #expect(again.steps == imported.steps, "\(name): the reimported weights differ")
            let (x, _) = try Golden.arrays(name)
            #expect(try again.predict(x) == (try imported.predict(x)))
        }
    }

    @Test("the exact GELU in the MLP is rejected naming the ReduceMean and the block")
    func exactGELURejected() throws {
        var proto = try ONNXImporter().parse(try Data(contentsOf: Golden.url("transformer20", "onnx")))
        // Replace the tanh Gelu by the exact one.
        for i in proto.graph.node.indices where proto.graph.node[i].opType == "Gelu" {
            proto.graph.node[i].attribute.removeAll { $0.name == "approximate" }
        }
        #expect {
            _ = try ONNXImporter(file: "t.onnx").importModel(proto)
        } throws: { error in
            let e = error as? ONNXImportError
            return e?.opType == "ReduceMean" && (e?.description.contains("block 1's MLP uses the exact (erf) GELU") ?? false)
        }
    }

    @Test("a wrong attention scale is rejected naming the Softmax")
    func wrongScale() throws {
        var proto = try ONNXImporter().parse(try Data(contentsOf: Golden.url("transformer", "onnx")))
        guard let div = proto.graph.node.firstIndex(where: { $0.opType == "Div" && $0.name.contains("attention") && $0.input[0].contains("MatMul") })
        else {
            Issue.record("no scale Div in the golden")
            return
        }
        var c = Onnx_TensorProto(name: "bad_scale", float: Tensor([3]), shape: [])
        c.name = "bad_scale"
        proto.graph.initializer.append(c)
        proto.graph.node[div].input[1] = "bad_scale"
        #expect {
            _ = try ONNXImporter(file: "t.onnx").importModel(proto)
        } throws: { error in
            let e = error as? ONNXImportError
            return e?.opType == "Softmax" && (e?.description.contains("1/√d_h") ?? false)
                && (e?.description.contains("self-attention started at node") ?? false)
        }
    }

    @Test("an unsupported operator inside the attention is rejected naming that node")
    func unsupportedInsideAttention() throws {
        var proto = try ONNXImporter().parse(try Data(contentsOf: Golden.url("transformer", "onnx")))
        guard let softmax = proto.graph.node.firstIndex(where: { $0.opType == "Softmax" }) else { return }
        proto.graph.node[softmax].opType = "Sigmoid"
        #expect {
            _ = try ONNXImporter(file: "t.onnx").importModel(proto)
        } throws: { error in
            let e = error as? ONNXImportError
            return e?.opType == "Sigmoid" && e?.node == proto.graph.node[softmax].name
        }
    }

    @Test("tokens that never reach a ReduceMean are rejected naming the tokenizing Reshape")
    func tokensWithoutMean() throws {
        var proto = try ONNXImporter().parse(try Data(contentsOf: Golden.url("transformer", "onnx")))
        // Cut the graph after the embedding's positional Add.
        guard let add = proto.graph.node.firstIndex(where: { $0.opType == "LayerNormalization" }) else { return }
        let last = proto.graph.node[add - 1].output[0]
        proto.graph.node = Array(proto.graph.node[..<add])
        proto.graph.output[0].name = last
        #expect {
            _ = try ONNXImporter(file: "t.onnx").importModel(proto)
        } throws: { error in
            let e = error as? ONNXImportError
            return e?.opType == "Reshape" && (e?.description.contains("do not end in a ReduceMean") ?? false)
        }
    }

    @Test("a Transpose of the chain (nn.MultiheadAttention's [T, N, d] layout) is rejected naming the node and the reason")
    func transposeOutsideAttention() throws {
        var graph = Onnx_GraphProto()
        graph.initializer = [Onnx_TensorProto(name: "shape", int64: [0, 2, 2])]
        var reshape = Onnx_NodeProto()
        (reshape.opType, reshape.name, reshape.input, reshape.output) = ("Reshape", "tokens", ["input", "shape"], ["t"])
        var transpose = Onnx_NodeProto()
        (transpose.opType, transpose.name, transpose.input, transpose.output) = ("Transpose", "to_tnd", ["t"], ["output"])
        transpose.attribute = [ONNXExporter.attribute("perm", ints: [1, 0, 2])]
        graph.node = [reshape, transpose]
        graph.input = [ONNXExporter.valueInfo("input", [1, 2, 2])]
        graph.output = [ONNXExporter.valueInfo("output", [2, 2])]
        var proto = Onnx_ModelProto()
        var opset = Onnx_OperatorSetIdProto()
        opset.version = 17
        proto.opsetImport = [opset]
        proto.graph = graph
        #expect {
            _ = try ONNXImporter(file: "mha.onnx").importModel(proto)
        } throws: { error in
            let e = error as? ONNXImportError
            return e?.node == "to_tnd" && e?.opType == "Transpose" && (e?.description.contains("nn.MultiheadAttention") ?? false)
        }
    }

    @Test("the tanh-GELU decomposition gives Neuromorph's tanh GELU at ±1")
    func tanhGELUPattern() throws {
        // 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) at x = 1: 0.8411920, at x = −1: −0.1588080.
        let names = ["c", "k", "one", "half"]
        let values: [Float] = [0.044715, Float((2 / Double.pi).squareRoot()), 1, 0.5]
        var graph = Onnx_GraphProto()
        graph.initializer = zip(names, values).map { Onnx_TensorProto(name: $0, float: Tensor([$1]), shape: []) }
        func node(_ op: String, _ inputs: [String], _ output: String) -> Onnx_NodeProto {
            var n = Onnx_NodeProto()
            n.opType = op
            n.name = output
            n.input = inputs
            n.output = [output]
            return n
        }
        graph.node = [node("Mul", ["input", "input"], "sq"), node("Mul", ["input", "sq"], "cube"), node("Mul", ["c", "cube"], "a"),
                      node("Add", ["input", "a"], "b"), node("Mul", ["k", "b"], "u"), node("Tanh", ["u"], "t"),
                      node("Add", ["one", "t"], "s"), node("Mul", ["input", "s"], "m"), node("Mul", ["half", "m"], "output")]
        graph.input = [ONNXExporter.valueInfo("input", [2])]
        graph.output = [ONNXExporter.valueInfo("output", [2])]
        var proto = Onnx_ModelProto()
        var opset = Onnx_OperatorSetIdProto()
        opset.version = 17
        proto.opsetImport = [opset]
        proto.graph = graph
        let model = try ONNXImporter().importModel(proto)
        #expect(model.steps == [.gelu(tanh: true)])
        let y = try model.predict(Tensor(shape: [1, 2], scalars: [1, -1]))
        #expect(abs(y.scalars[0] - 0.8411920) < 1e-6 && abs(y.scalars[1] + 0.1588080) < 1e-6)
    }
}
