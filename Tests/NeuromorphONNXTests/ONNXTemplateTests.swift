import Foundation
import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN
import NeuromorphSpec
import Testing
@testable import NeuromorphONNX

/// `neuromorph import --like SPEC` with a `hardware.inference` section: the checkpoint is the
/// runner's PCM inference model with the imported weights, so `infer --resume` sweeps it
/// without training.
@Suite("ONNX import with a template spec")
struct ONNXTemplateTests {
    static let template = """
        name: blobs-pcm
        data: {dataset: blobs, train_limit: 96, test_limit: 48}
        model:
          layers:
            - {type: linear, out: 3}
        training:
          loss: cross_entropy
          optimizer: {kind: sgd, learning_rate: 0.1}
          epochs: 5
          batch_size: 16
          seed: 0
        hardware:
          inference: {device: pcm, times: 1s, repeats: 1}
        """

    @Test("an inference template: resume runs 0 epochs and keeps the imported weights; more epochs fine-tune")
    func inferenceTemplate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-template-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // x [N, 2] → Gemm(w [3, 2]) → y: a 3-class linear classifier on the blobs' 2 features.
        var graph = Onnx_GraphProto()
        graph.input = [ONNXExporter.valueInfo("x", [2])]
        graph.output = [ONNXExporter.valueInfo("y", [3])]
        let weight = Tensor(shape: [3, 2], scalars: [0.5, -0.25, 0.125, 0.75, -0.5, 0.25])
        graph.initializer = [Onnx_TensorProto(name: "w", float: weight), Onnx_TensorProto(name: "b", float: Tensor([0.1, 0, -0.1]))]
        var gemm = Onnx_NodeProto()
        gemm.opType = "Gemm"; gemm.input = ["x", "w", "b"]; gemm.output = ["y"]
        gemm.attribute = [ONNXExporter.attribute("transB", int: 1)]
        graph.node = [gemm]
        let imported = try ONNXImporter().importModel(ONNXTestModels.wrap(graph))
        let template = try SpecLoader.parse(Self.template, format: .yaml)
        let specURL = folder.appendingPathComponent("m.yaml"), checkpoint = folder.appendingPathComponent("m.checkpoint")
        let spec = try imported.write(spec: specURL, checkpoint: checkpoint, name: "m", data: DataSpec(dataset: .fashionMNIST),
                                      template: template)
        #expect(spec.training.epochs == 0)
        #expect(spec.hardware.inference != nil && spec.data.dataset == .blobs)
        let results = try ExperimentRunner.run(try SpecLoader.load(specURL), output: folder.appendingPathComponent("run"),
                                               resume: checkpoint, sweep: true, log: { _ in })
        #expect(results.finalTest.accuracy != nil)
        #expect(results.epochs.isEmpty)   // 0 epochs: nothing trained
        #expect(results.inference != nil)
        // Fine-tuning: more epochs in the spec, and `--resume` continues from the imported weights.
        var fineTune = try SpecLoader.load(specURL)
        fineTune.training.epochs = 1
        let tuned = try ExperimentRunner.run(fineTune, output: folder.appendingPathComponent("tune"), resume: checkpoint,
                                             sweep: true, log: { _ in })
        #expect(tuned.epochs.count == 1)
        // The resumed model's analog layer holds the imported weights exactly.
        var (model, _) = try ModelBuilder.build(spec.model, dataShape: [2], seed: 0)
        model = AnalogInference.convert(model, periphery: spec.hardware.inference!.periphery,
                                        training: spec.hardware.inference!.training, seed: 0)
        try Checkpoint.load(into: &model, from: checkpoint)
        let named = Dictionary(model.namedParameters().map { ($0.name, $0.parameter.value) }, uniquingKeysWith: { a, _ in a })
        #expect(named["0.weight"] == weight)
    }

    @Test("a template with hardware.analog is rejected and nothing is written")
    func analogTemplateRejected() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-template-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var template = try SpecLoader.parse(Self.template, format: .yaml)
        template.hardware.inference = nil
        template.hardware.analog = try SpecLoader.parse(Self.template.replacingOccurrences(
            of: "inference: {device: pcm, times: 1s, repeats: 1}", with: "analog: {device: constant_step}"), format: .yaml).hardware.analog
        let imported = try Golden.model("mlp")
        let specURL = folder.appendingPathComponent("m.yaml")
        #expect(throws: ONNXImportError.self) {
            try imported.write(spec: specURL, checkpoint: folder.appendingPathComponent("c"), name: "m",
                               data: DataSpec(dataset: .fashionMNIST), template: template)
        }
        #expect(!FileManager.default.fileExists(atPath: specURL.path))
    }
}

@Suite("ONNX export of analog layers")
struct ONNXAnalogExportTests {
    @Test("an analog model exports its effective weights read from the devices")
    func analogEffectiveWeights() throws {
        let yaml = ONNXTemplateTests.template.replacingOccurrences(
            of: "inference: {device: pcm, times: 1s, repeats: 1}", with: "analog: {device: constant_step}")
        let spec = try SpecLoader.parse(yaml, format: .yaml)
        let (model, _) = try ModelBuilder.build(spec.model, dataShape: [2], seed: 3, analog: spec.hardware.analog)
        let data = try ONNXExporter.serialized(model, spec: spec.model, dataShape: [2])
        let imported = try ONNXImporter().importModel(data)
        guard let programmed = model.layers[0] as? any ProgrammedLayer,
              case let .linear(weight, _) = imported.steps[0] else {
            Issue.record("layer 0 is not a programmed analog layer, or did not import as linear")
            return
        }
        let effective = try #require(programmed.programmedWeights.first { $0.name == "weight" }?.value)
        #expect(weight == effective)
    }
}
