import Foundation
import NeuromorphCore
import NeuromorphSpec
import Testing
@testable import NeuromorphONNX

/// Small models built in Swift for the error paths.
enum ONNXTestModels {
    static func wrap(_ graph: Onnx_GraphProto, opset: Int64 = 17) -> Onnx_ModelProto {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var id = Onnx_OperatorSetIdProto()
        id.version = opset
        model.opsetImport = [id]
        model.graph = graph
        return model
    }

    /// x [N, 4] → Gemm(w [3, 4] transB) → `op` → y.
    static func gemmThen(_ op: String, weightShape: [Int] = [3, 4], weightValues: Int? = nil) -> Onnx_ModelProto {
        var graph = Onnx_GraphProto()
        graph.input = [ONNXExporter.valueInfo("x", [4])]
        graph.output = [ONNXExporter.valueInfo("y", [3])]
        let count = weightValues ?? weightShape.reduce(1, *)
        graph.initializer = [Onnx_TensorProto(name: "w", float: Tensor((0..<count).map { Float($0) / 10 }), shape: weightShape)]
        var gemm = Onnx_NodeProto()
        gemm.opType = "Gemm"; gemm.name = "fc1"; gemm.input = ["x", "w"]; gemm.output = ["h"]
        gemm.attribute = [ONNXExporter.attribute("transB", int: 1)]
        var act = Onnx_NodeProto()
        act.opType = op; act.name = "act1"; act.input = ["h"]; act.output = ["y"]
        graph.node = [gemm, act]
        return wrap(graph)
    }
}

@Suite("ONNX import errors")
struct ONNXErrorTests {
    func importError(_ body: () throws -> Void) -> ONNXImportError? {
        do { try body() } catch let error as ONNXImportError { return error } catch { Issue.record("unexpected \(error)") }
        return nil
    }

    @Test("a truncated protobuf is reported as truncated or not ONNX, naming the file")
    func truncated() throws {
        let data = try Data(contentsOf: Golden.url("cnn", "onnx"))
        let error = importError { _ = try ONNXImporter(file: "cnn.onnx").importModel(data.prefix(data.count / 2)) }
        #expect(error?.file == "cnn.onnx")
        #expect(error?.description.contains("truncated") ?? false, "\(String(describing: error))")
    }

    @Test("an empty file and random bytes are rejected")
    func notONNX() {
        #expect(importError { _ = try ONNXImporter(file: "e.onnx").importModel(Data()) }?.description.contains("empty") ?? false)
        let noise = Data((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
        #expect(importError { _ = try ONNXImporter(file: "n.onnx").importModel(noise) } != nil)
    }

    @Test("an unknown operator names the node, its op_type and the supported operators")
    func unknownOperator() {
        let error = importError { _ = try ONNXImporter(file: "m.onnx").importModel(ONNXTestModels.gemmThen("Cos")) }
        #expect(error?.node == "act1")
        #expect(error?.opType == "Cos")
        #expect(error?.description == "m.onnx: node 'act1' (Cos): is not supported; Neuromorph imports "
                + ONNXImporter.supportedOperators.joined(separator: ", "))
    }

    @Test("an initializer whose shape does not fit the input names the node and the expected shape")
    func wrongInitializerShape() {
        let error = importError { _ = try ONNXImporter(file: "m.onnx").importModel(ONNXTestModels.gemmThen("Relu", weightShape: [3, 5])) }
        #expect(error?.node == "fc1" && error?.opType == "Gemm")
        #expect(error?.description.contains("has shape [3, 5]") ?? false, "\(String(describing: error))")
        #expect(error?.description.contains("[out, 4]") ?? false, "\(String(describing: error))")
    }

    @Test("an initializer whose data does not fill its dims is reported as damaged")
    func initializerDataMismatch() {
        let error = importError { _ = try ONNXImporter(file: "m.onnx").importModel(ONNXTestModels.gemmThen("Relu", weightValues: 7)) }
        #expect(error?.description.contains("(12 values) but its data holds 7 values") ?? false, "\(String(describing: error))")
    }

    @Test("an opset outside 13–20 is rejected with the range")
    func opsetRange() {
        var model = ONNXTestModels.gemmThen("Relu")
        model.opsetImport[0].version = 11
        let error = importError { _ = try ONNXImporter(file: "m.onnx").importModel(model) }
        #expect(error?.description.contains("opset 11 is not supported") ?? false)
    }

    @Test("a LeakyRelu slope other than 0.01 and a residual Add of different shapes are rejected by name")
    func unsupportedVariants() {
        var leaky = ONNXTestModels.gemmThen("LeakyRelu")
        leaky.graph.node[1].attribute = [ONNXExporter.attribute("alpha", float: 0.2)]
        #expect(importError { _ = try ONNXImporter().importModel(leaky) }?.description.contains("slope 0.01") ?? false)

        var residual = ONNXTestModels.gemmThen("Relu")
        residual.graph.node[1].name = "act1"
        var add = Onnx_NodeProto()
        // y [N, 3] + x [N, 4]: a projection shortcut would be needed.
        add.opType = "Add"; add.name = "skip"; add.input = ["y", "x"]; add.output = ["z"]
        residual.graph.node.append(add)
        residual.graph.output[0].name = "z"
        let error = importError { _ = try ONNXImporter().importModel(residual) }
        #expect(error?.node == "skip")
        #expect(error?.opType == "Add")
        #expect(error?.description.contains("a residual Add needs equal shapes") ?? false, "\(String(describing: error))")

        // An Add of a tensor that BatchNormalization folded away (the pre-BN conv output).
        var graph = Onnx_GraphProto()
        graph.input = [ONNXExporter.valueInfo("x", [1, 2, 2])]
        graph.output = [ONNXExporter.valueInfo("z", [1, 2, 2])]
        graph.initializer = [Onnx_TensorProto(name: "w", float: Tensor([2]), shape: [1, 1, 1, 1])]
            + ["g", "b", "m", "v"].map { Onnx_TensorProto(name: $0, float: Tensor([1])) }
        var conv = Onnx_NodeProto()
        conv.opType = "Conv"; conv.name = "conv"; conv.input = ["x", "w"]; conv.output = ["c"]
        var bn = Onnx_NodeProto()
        bn.opType = "BatchNormalization"; bn.name = "bn"; bn.input = ["c", "g", "b", "m", "v"]; bn.output = ["n"]
        var skip = Onnx_NodeProto()
        skip.opType = "Add"; skip.name = "skip2"; skip.input = ["n", "c"]; skip.output = ["z"]
        graph.node = [conv, bn, skip]
        let folded = importError { _ = try ONNXImporter().importModel(ONNXTestModels.wrap(graph)) }
        #expect(folded?.node == "skip2")
        #expect(folded?.description.contains("folded into a layer") ?? false, "\(String(describing: folded))")
    }

    @Test("LayerNormalization over another axis than the last, or with a scale of the wrong size, is rejected by name")
    func layerNormErrors() {
        func model(axis: Int, scale: Int) -> Onnx_ModelProto {
            var graph = Onnx_GraphProto()
            graph.input = [ONNXExporter.valueInfo("x", [2, 3])]
            graph.output = [ONNXExporter.valueInfo("y", [2, 3])]
            graph.initializer = [Onnx_TensorProto(name: "g", float: Tensor(Array(repeating: 1, count: scale)))]
            var norm = Onnx_NodeProto()
            norm.opType = "LayerNormalization"; norm.name = "ln"; norm.input = ["x", "g"]; norm.output = ["y"]
            norm.attribute = [ONNXExporter.attribute("axis", int: axis)]
            graph.node = [norm]
            return ONNXTestModels.wrap(graph)
        }
        #expect(throws: Never.self) { _ = try ONNXImporter().importModel(model(axis: -1, scale: 3)) }
        let axis = importError { _ = try ONNXImporter().importModel(model(axis: 1, scale: 3)) }
        #expect(axis?.node == "ln" && axis?.opType == "LayerNormalization")
        #expect(axis?.description.contains("the last axis only (axis = -1)") ?? false, "\(String(describing: axis))")
        let scale = importError { _ = try ONNXImporter().importModel(model(axis: -1, scale: 4)) }
        #expect(scale?.description.contains("its scale 'g' has shape [4]; expected [3]") ?? false, "\(String(describing: scale))")
    }

    /// Found by the `onnx` fuzz target (Fuzz/run.sh onnx, 26 393 executions): the `view` golden
    /// with a NaN in `fc.weight` imported, and export → import then differed (NaN ≠ NaN).
    @Test("a NaN weight (fuzz regression) and a BatchNormalization with σ² + ε = 0 are rejected")
    func nonFiniteWeights() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Regression/fuzz-nan-weight.onnx")
        let nan = importError { _ = try ONNXImporter(file: "nan.onnx").importModel(Data(contentsOf: url)) }
        #expect(nan?.node == "/fc/Gemm" && nan?.opType == "Gemm")
        #expect(nan?.description.contains("its weight B 'fc.weight' holds NaN at flat index 16; Neuromorph imports finite weights only") ?? false, "\(String(describing: nan))")

        var graph = Onnx_GraphProto()
        graph.input = [ONNXExporter.valueInfo("x", [1, 2, 2])]
        graph.output = [ONNXExporter.valueInfo("y", [1, 2, 2])]
        graph.initializer = [Onnx_TensorProto(name: "w", float: Tensor([2]), shape: [1, 1, 1, 1])]
            + [("g", 1), ("b", 0), ("m", 0), ("v", 0)].map { Onnx_TensorProto(name: $0.0, float: Tensor([Float($0.1)])) }
        var conv = Onnx_NodeProto()
        conv.opType = "Conv"; conv.name = "conv"; conv.input = ["x", "w"]; conv.output = ["c"]
        var bn = Onnx_NodeProto()
        bn.opType = "BatchNormalization"; bn.name = "bn"; bn.input = ["c", "g", "b", "m", "v"]; bn.output = ["y"]
        bn.attribute = [ONNXExporter.attribute("epsilon", float: 0)]
        graph.node = [conv, bn]
        let folded = importError { _ = try ONNXImporter().importModel(ONNXTestModels.wrap(graph)) }
        #expect(folded?.description.contains("layer 0 (conv2d) has NaN or infinite weights") ?? false, "\(String(describing: folded))")
    }

    @Test("a dynamic sample axis is an unresolvable shape")
    func dynamicShape() {
        var model = ONNXTestModels.gemmThen("Relu")
        model.graph.input[0].type.tensorType.shape.dim[1].dimParam = "F"
        let error = importError { _ = try ONNXImporter().importModel(model) }
        #expect(error?.description.contains("dynamic size 'F' on axis 1") ?? false, "\(String(describing: error))")
    }

    @Test("import writes nothing when the model is invalid for the data set")
    func nothingPartialWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-nothing-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try Golden.model("convbn")   // [2, 8, 8] samples: not Fashion-MNIST's 784
        let spec = folder.appendingPathComponent("m.yaml"), checkpoint = folder.appendingPathComponent("m.checkpoint")
        #expect(throws: ONNXImportError.self) {
            try model.write(spec: spec, checkpoint: checkpoint, name: "m", data: DataSpec(dataset: .fashionMNIST))
        }
        #expect(!FileManager.default.fileExists(atPath: spec.path))
        #expect(!FileManager.default.fileExists(atPath: checkpoint.path))
    }

    @Test("import writes a spec that loads and a checkpoint that evaluates to the same outputs", arguments: ["cnn", "resblock"])
    func writesSpecAndCheckpoint(name: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-write-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try Golden.model(name)
        let specURL = folder.appendingPathComponent("\(name).yaml"), checkpoint = folder.appendingPathComponent("\(name).checkpoint")
        _ = try model.write(spec: specURL, checkpoint: checkpoint, name: name, data: DataSpec(dataset: .fashionMNIST))
        let spec = try SpecLoader.load(specURL)
        #expect(spec.model == model.modelSpec)
        #expect(spec.training.loss == (name == "cnn" ? .nll : .crossEntropy))   // cnn ends in LogSoftmax
        var (net, _) = try ModelBuilder.build(spec.model, dataShape: [784], seed: 5)
        try Checkpoint.load(into: &net, from: checkpoint)
        let (x, reference) = try Golden.arrays(name)
        let y = try ImportedModel.run(&net, on: x, sampleShape: [784], softmax: false)
        #expect(Golden.relativeDifference(y, reference) <= ONNXGoldenTests.tolerance)
    }
}
