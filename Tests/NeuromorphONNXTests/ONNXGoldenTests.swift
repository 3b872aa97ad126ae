import Foundation
import NeuromorphCore
import NeuromorphNN
import NeuromorphSpec
import Testing
@testable import NeuromorphONNX

/// The golden models of `benchmarks/onnx/export_goldens.py` (PyTorch 2.10 `torch.onnx.export`,
/// outputs checked against ONNX Runtime 1.32 there): each imports, runs, and matches the
/// reference outputs within 1e-4 of the output scale (issue 18, "Golden tests").
enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func url(_ name: String, _ suffix: String) -> URL { folder.appendingPathComponent("\(name).\(suffix)") }

    static func model(_ name: String) throws -> ImportedModel { try ONNXImporter.importModel(at: url(name, "onnx")) }

    static func arrays(_ name: String) throws -> (input: Tensor, output: Tensor) {
        (try NumpyArray.read(url(name, "input.npy")), try NumpyArray.read(url(name, "output.npy")))
    }

    /// max |ours − reference| / max(1, max |reference|).
    static func relativeDifference(_ a: Tensor, _ b: Tensor) -> Float {
        let scale = max(1, b.scalars.map(abs).max() ?? 0)
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max().map { $0 / scale } ?? .infinity
    }
}

@Suite("ONNX golden models")
struct ONNXGoldenTests {
    /// The tolerance of the issue: max abs difference ≤ 1e-4 relative to the output scale.
    static let tolerance: Float = 1e-4

    @Test("each golden model imports and matches PyTorch's outputs", arguments: ["mlp", "cnn", "convbn", "view", "activations", "resblock", "mlpblock", "projblock",
                                                                          "transformer", "transformer20", "dwsep", "concat"])
    func matchesReference(name: String) throws {
        let model = try Golden.model(name)
        let (x, reference) = try Golden.arrays(name)
        let y = try model.predict(x)
        #expect(y.shape == reference.shape)
        let difference = Golden.relativeDifference(y, reference)
        #expect(difference <= Self.tolerance, "\(name): relative max difference \(difference)")
    }

    @Test("the demo MLP imports as linear 256 → relu → linear 128 → relu → linear 10")
    func mlpLayers() throws {
        let model = try Golden.model("mlp")
        #expect(model.inputShape == [784])
        #expect(model.modelSpec.layers.map(\.type) == ["linear", "activation", "linear", "activation", "linear"])
        #expect(model.opset == 17)
        #expect(!model.outputSoftmax)
    }

    @Test("conv + BatchNormalization: the three BatchNormalization nodes fold into the preceding layers")
    func batchNormFolds() throws {
        let model = try Golden.model("convbn")
        #expect(model.modelSpec.layers.map(\.type)
                == ["conv2d", "activation", "conv2d", "activation", "pool", "flatten", "linear", "activation", "linear"])
        #expect(model.notes.filter { $0.contains("BatchNormalization") }.count == 3)
        // The first conv has no bias in PyTorch (bias=False); folding gives it one.
        guard case let .conv(_, bias, kernel, stride, padding, 1) = model.steps[0] else {
            Issue.record("layer 0 is not a convolution")
            return
        }
        #expect(bias != nil && kernel == 3 && stride == 1 && padding == 1)
        guard case let .conv(_, _, _, stride2, _, _) = model.steps[2] else { return }
        #expect(stride2 == 2)
    }

    @Test("ResNet-style blocks: each identity Add becomes a residual block over conv-relu-conv, BatchNorm folded")
    func residualBlocks() throws {
        let model = try Golden.model("resblock")
        #expect(model.modelSpec.layers.map(\.type)
                == ["conv2d", "activation", "residual", "activation", "pool", "residual", "activation", "pool", "flatten", "linear"])
        guard case let .residual(body) = model.steps[2] else {
            Issue.record("layer 2 is not a residual block")
            return
        }
        #expect(body.count == 3)
        if case .conv = body[0], case .activation(.relu) = body[1], case .conv = body[2] {} else {
            Issue.record("the body is not conv → relu → conv: \(body)")
        }
        #expect(model.notes.filter { $0.hasPrefix("BatchNormalization") }.count == 5)
        #expect(model.notes.filter { $0.hasPrefix("Add") && $0.hasSuffix("residual block of 3 layers") }.count == 2)
    }

    @Test("MobileNet's depthwise-separable block: Conv group 6 (depthwise) and group 2 import as conv2d groups")
    func groupedConvolutions() throws {
        let model = try Golden.model("dwsep")
        let convs = model.modelSpec.layers.compactMap { $0.blueprint as? Conv2dBlueprint }
        #expect(convs.map(\.groups) == [nil, 6, nil, 2])
        #expect(convs.map(\.out) == [6, 6, 8, 8])
        let built = try model.build()
        #expect(built.layers.compactMap { $0 as? GroupedConvolution }.map(\.groups.count) == [6, 2])
        // Checkpoint names of group g: `<i>.<g>.weight`, here the depthwise layer 2 (after conv, relu).
        #expect(built.namedParameters().map(\.name).contains("2.5.weight"))
    }

    @Test("Concat of a 1×1 branch, a 3×3 conv-bn branch and the identity (channel axis), and of two linear branches (feature axis)")
    func concatBlocks() throws {
        let model = try Golden.model("concat")
        #expect(model.modelSpec.layers.map(\.type) == ["conv2d", "activation", "concat", "pool", "pool", "flatten", "concat", "linear"])
        guard case let .concat(branches) = model.steps[2], case let .concat(flat) = model.steps[6] else {
            Issue.record("layers 2 and 6 are not concat blocks: \(model.steps)")
            return
        }
        #expect(branches.map { $0.map(\.blueprint.type) } == [["conv2d", "activation"], ["conv2d", "activation"], []])
        #expect(flat.map { $0.map(\.blueprint.type) } == [["linear", "activation"], ["linear", "activation"]])
        let built = try model.build()
        #expect(built.namedParameters().map(\.name).contains("2.1.0.weight"))
    }

    @Test("a ResNet downsampling block: the Add of the chain and the strided 1×1 conv branch becomes a projection-shortcut residual")
    func projectionShortcut() throws {
        let model = try Golden.model("projblock")
        #expect(model.modelSpec.layers.map(\.type) == ["conv2d", "activation", "residual", "activation", "residual", "activation",
                                                       "pool", "flatten", "linear"])
        guard case let .projectionResidual(body, shortcut) = model.steps[2] else {
            Issue.record("layer 2 is not a projection-shortcut residual: \(model.steps[2])")
            return
        }
        #expect(body.map(\.blueprint.type) == ["conv2d", "activation", "conv2d"])
        guard shortcut.count == 1, case let .conv(weight, bias, kernel, stride, padding, 1) = shortcut[0] else {
            Issue.record("the shortcut is not one conv: \(shortcut)")
            return
        }
        // 1×1, stride 2, 4 → 8 channels, BatchNorm folded (so it has a bias now).
        #expect(weight.shape == [8, 4] && bias != nil && kernel == 1 && stride == 2 && padding == 0)
        if case .residual = model.steps[4] {} else { Issue.record("layer 4 is not an identity residual") }
        #expect(model.notes.filter { $0.hasPrefix("BatchNormalization") }.count == 6)
        // The spec round-trips through YAML with its shortcut.
        let spec = model.experimentSpec(name: "p", data: DataSpec(dataset: .fashionMNIST))
        let yaml = try SpecLoader.yaml(spec)
        #expect(yaml.contains("shortcut:"))
        #expect(try SpecLoader.parse(yaml, format: .yaml, file: "p.yaml").model == spec.model)
    }

    @Test("the pre-LN MLP sublayer: LayerNormalization, the Erf decomposition of nn.GELU() and the residual Add")
    func preLNMLP() throws {
        let model = try Golden.model("mlpblock")
        #expect(model.modelSpec.layers.map(\.type) == ["linear", "residual", "layer_norm", "linear"])
        guard case let .residual(body) = model.steps[1] else {
            Issue.record("layer 1 is not a residual block")
            return
        }
        #expect(body.map(\.blueprint.type) == ["layer_norm", "linear", "gelu", "linear"])
        #expect(body[2] == .gelu(tanh: false))
        guard case let .layerNorm(_, _, epsilon) = body[0] else { return }
        #expect(epsilon == 1e-5)
    }

    @Test("an Erf-GELU pattern that is interrupted names the node that breaks it")
    func brokenGELU() throws {
        var graph = Onnx_GraphProto()
        graph.input = [ONNXExporter.valueInfo("x", [3])]
        graph.output = [ONNXExporter.valueInfo("y", [3])]
        graph.initializer = [Onnx_TensorProto(name: "r2", float: Tensor([Float(2.0.squareRoot())]), shape: []),
                             Onnx_TensorProto(name: "one", float: Tensor([1]), shape: []),
                             Onnx_TensorProto(name: "two", float: Tensor([2]), shape: [])]
        func node(_ op: String, _ name: String, _ inputs: [String], _ output: String) -> Onnx_NodeProto {
            var n = Onnx_NodeProto()
            n.opType = op; n.name = name; n.input = inputs; n.output = [output]
            return n
        }
        graph.node = [node("Div", "d", ["x", "r2"], "a"), node("Erf", "e", ["a"], "b"), node("Add", "p", ["b", "one"], "c"),
                      node("Mul", "m", ["x", "c"], "f"), node("Mul", "half", ["f", "two"], "y")]
        #expect {
            _ = try ONNXImporter().importModel(ONNXTestModels.wrap(graph))
        } throws: { error in
            let e = error as? ONNXImportError
            return e?.node == "half" && e?.opType == "Mul" && (e?.description.contains("exact-GELU pattern started at node 'd'") ?? false)
        }
        // With 0.5 it imports as one exact GELU: GELU(1) = Φ(1) = 0.8413447.
        graph.initializer[2] = Onnx_TensorProto(name: "two", float: Tensor([0.5]), shape: [])
        let model = try ONNXImporter().importModel(ONNXTestModels.wrap(graph))
        #expect(model.steps == [.gelu(tanh: false)])
        let y = try model.predict(Tensor(shape: [1, 3], scalars: [1, 0, -1]))
        #expect(abs(y.scalars[0] - 0.841_344_7) < 1e-6 && y.scalars[1] == 0 && abs(y.scalars[2] + 0.158_655_25) < 1e-6)
    }

    @Test("a residual Add of a Gemm output and a later ReLU imports as relu(h) + h")
    func residualAddOfChainTensors() throws {
        var model = ONNXTestModels.gemmThen("Relu")
        var add = Onnx_NodeProto()
        add.opType = "Add"; add.name = "skip"; add.input = ["y", "h"]; add.output = ["z"]
        model.graph.node.append(add)
        model.graph.output[0].name = "z"
        let imported = try ONNXImporter().importModel(model)
        #expect(imported.steps.count == 2)
        #expect(imported.steps.last == .residual([.activation(.relu)]))
        // x = [1, −1, 2, 0]; w[i, j] = (4i + j)/10: h = [0.3, 1.1, 1.9]; relu(h) + h = 2h.
        let y = try imported.predict(Tensor(shape: [1, 4], scalars: [1, -1, 2, 0]))
        for (got, h) in zip(y.scalars, [Float(0.3), 1.1, 1.9]) { #expect(abs(got - 2 * h) < 1e-6) }
    }

    @Test("the hand-built model: MatMul + Add, HardSigmoid α 0.2, Dropout/Identity dropped, final Softmax")
    func activationsModel() throws {
        let model = try Golden.model("activations")
        #expect(model.modelSpec.layers.map(\.type) == ["flatten", "linear", "activation", "linear", "activation", "linear"])
        #expect(model.steps[2] == .activation(.hardSigmoid))
        #expect(model.steps[4] == .activation(.leakyReLU))
        #expect(model.outputSoftmax)
        #expect(model.opset == 13)
    }

    @Test("BatchNormalization folding is exact in closed form on one channel")
    func foldingFormula() throws {
        // Conv 1→1, 1×1 kernel, w = 2, b = 1; BN γ = 3, β = 0.5, μ = 4, σ² = 0.25, ε = 0:
        // y = 3·(2x + 1 − 4)/0.5 + 0.5 = 12x − 17.5, so W' = 12, b' = −17.5.
        var graph = Onnx_GraphProto()
        graph.input = [ONNXExporter.valueInfo("x", [1, 2, 2])]
        graph.output = [ONNXExporter.valueInfo("y", [1, 2, 2])]
        graph.initializer = [
            Onnx_TensorProto(name: "w", float: Tensor([2]), shape: [1, 1, 1, 1]), Onnx_TensorProto(name: "b", float: Tensor([1])),
            Onnx_TensorProto(name: "g", float: Tensor([3])), Onnx_TensorProto(name: "beta", float: Tensor([0.5])),
            Onnx_TensorProto(name: "m", float: Tensor([4])), Onnx_TensorProto(name: "v", float: Tensor([0.25])),
        ]
        var conv = Onnx_NodeProto()
        conv.opType = "Conv"; conv.name = "conv"; conv.input = ["x", "w", "b"]; conv.output = ["c"]
        var bn = Onnx_NodeProto()
        bn.opType = "BatchNormalization"; bn.name = "bn"; bn.input = ["c", "g", "beta", "m", "v"]; bn.output = ["y"]
        bn.attribute = [ONNXExporter.attribute("epsilon", float: 0)]
        graph.node = [conv, bn]
        let model = try ONNXImporter().importModel(ONNXTestModels.wrap(graph, opset: 15))
        #expect(model.steps == [.conv(weight: Tensor(shape: [1, 1], scalars: [12]), bias: Tensor([-17.5]), kernel: 1, stride: 1, padding: 0, groups: 1)])
    }
}

@Suite("ONNX export")
struct ONNXExportTests {
    @Test("export → reimport round-trips bit-identical weights", arguments: ["mlp", "cnn", "convbn", "view", "resblock", "mlpblock", "projblock", "dwsep", "concat"])
    func roundTrip(name: String) throws {
        let imported = try Golden.model(name)
        let model = try imported.build()
        let data = try ONNXExporter.serialized(model, spec: imported.modelSpec, dataShape: imported.inputShape)
        let again = try ONNXImporter().importModel(data)
        #expect(again.steps == imported.steps, "\(name): steps or weights differ after export → import")
        #expect(again.inputShape == imported.inputShape)
        let (x, reference) = try Golden.arrays(name)
        let y = try again.predict(x)
        #expect(Golden.relativeDifference(y, reference) <= ONNXGoldenTests.tolerance)
    }

    @Test("a sign activation has no ONNX operator: the error names the layer")
    func signIsNotExportable() throws {
        let spec = ModelSpec(inputShape: [4], layers: [.linear(2), .activation(.sign)])
        let (model, _) = try ModelBuilder.build(spec, dataShape: [4], seed: 0)
        #expect {
            try ONNXExporter.export(model, spec: spec, dataShape: [4])
        } throws: { error in
            (error as? ONNXExportError)?.description.contains("model.layers[1]") ?? false
        }
    }
}
