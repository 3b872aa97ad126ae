import Foundation
import Testing
import NeuromorphCore
@testable import NeuromorphSpec
@testable import NeuromorphNN

let minimalYAML = """
name: tiny
data: {dataset: blobs}
model:
  layers:
    - {type: linear, out: 8}
    - {type: activation, function: tanh}
    - {type: linear, out: 3}
training:
  optimizer: {kind: sgd, learning_rate: 0.1}
  epochs: 2
  batch_size: 16
"""

/// Parses `text` expecting a `SpecError` whose path and message contain the given fragments.
func expectSpecError(_ text: String, path: String, mentions fragments: [String], format: SpecLoader.Format = .yaml,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try SpecLoader.parse(text, format: format, file: "bad.yaml")
        Issue.record("spec was accepted", sourceLocation: sourceLocation)
    } catch let error as SpecError {
        #expect(error.file == "bad.yaml", sourceLocation: sourceLocation)
        #expect(error.path == path, "\(error)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.description.contains(fragment), "\(error) lacks '\(fragment)'", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct SpecParsingTests {
    @Test func minimalSpecParsesWithDefaults() throws {
        let spec = try SpecLoader.parse(minimalYAML, format: .yaml)
        #expect(spec.name == "tiny")
        #expect(spec.training.loss == .crossEntropy)
        #expect(spec.training.seed == 0)
        #expect((spec.model.layers[1].blueprint as? ActivationBlueprint)?.function == .tanh)
        #expect(spec.hardware == HardwareSpec())
    }

    @Test func yamlAndJSONRoundTrip() throws {
        let spec = try SpecLoader.parse(minimalYAML, format: .yaml)
        #expect(try SpecLoader.parse(try SpecLoader.yaml(spec), format: .yaml) == spec)
        let json = String(decoding: try SpecLoader.json(spec), as: UTF8.self)
        #expect(try SpecLoader.parse(json, format: .json) == spec)
    }

    @Test func unknownTopLevelKey() {
        expectSpecError(minimalYAML + "\nepochs: 3", path: "epochs", mentions: ["unknown key 'epochs'", "training"])
    }

    @Test func unknownNestedKeyNamesItsPath() {
        let text = minimalYAML.replacingOccurrences(of: "{kind: sgd, learning_rate: 0.1}", with: "{kind: sgd, learning_rate: 0.1, lr: 3}")
        expectSpecError(text, path: "training.optimizer.lr", mentions: ["unknown key 'lr'", "learning_rate"])
    }

    @Test func badEnumValueListsAllowedValues() {
        let text = minimalYAML.replacingOccurrences(of: "function: tanh", with: "function: swish")
        expectSpecError(text, path: "model.layers[1].function", mentions: ["'swish'", "relu", "sigmoid", "hard_sigmoid"])
        let optimizer = minimalYAML.replacingOccurrences(of: "kind: sgd", with: "kind: lion")
        expectSpecError(optimizer, path: "training.optimizer.kind", mentions: ["sgd, adam, rmsprop"])
    }

    @Test func keyNotValidForLayerType() {
        let text = minimalYAML.replacingOccurrences(of: "{type: linear, out: 8}", with: "{type: linear, out: 8, kernel: 3}")
        expectSpecError(text, path: "model.layers[0].kernel", mentions: ["unknown key 'kernel'", "out, bias"])
    }

    @Test func missingRequiredLayerField() {
        let text = minimalYAML.replacingOccurrences(of: "{type: linear, out: 8}", with: "{type: linear}")
        expectSpecError(text, path: "model.layers[0].out", mentions: ["missing", "output features"])
    }

    @Test func outOfRangeNumbers() {
        expectSpecError(minimalYAML.replacingOccurrences(of: "batch_size: 16", with: "batch_size: 0"),
                        path: "training.batch_size", mentions: ["positive integer"])
        expectSpecError(minimalYAML.replacingOccurrences(of: "learning_rate: 0.1", with: "learning_rate: -1"),
                        path: "training.optimizer.learning_rate", mentions: ["positive rate"])
        expectSpecError(minimalYAML.replacingOccurrences(of: "batch_size: 16", with: "batch_size: many"),
                        path: "training.batch_size", mentions: ["expected an integer"])
    }

    @Test func missingSection() {
        let text = minimalYAML.components(separatedBy: "training:")[0]
        expectSpecError(text, path: "training", mentions: ["missing required key"])
    }

    @Test func unsupportedHardwareSectionsAreRejected() {
        expectSpecError(minimalYAML + "\nhardware: {spiking: {neuron: lif}}", path: "hardware.spiking",
                        mentions: ["not supported", "analog"])
    }

    @Test func analogSectionParses() throws {
        let text = minimalYAML + """

        hardware:
          analog:
            device: soft_bounds
            pulsed: {dw_min: 0.002, w_max: 0.8}
            forward: {out_noise: 0.02, inp_res: 0.0078740, bound_management: none}
            update: {desired_bl: 15}
            layers: [2]
            max_tile_size: 256
        """
        let spec = try SpecLoader.parse(text, format: .yaml)
        let analog = try #require(spec.hardware.analog)
        #expect(analog.device == .softBounds && analog.layers == [2] && analog.maxTileSize == 256)
        #expect(analog.forward.outputNoise == 0.02 && analog.forward.boundManagement == .none)
        #expect(analog.backward == .backwardDefault && analog.update.desiredBL == 15)
        #expect(analog.pulsed.values == ["dw_min": 0.002, "w_max": 0.8])
        #expect(try SpecLoader.parse(try SpecLoader.yaml(spec), format: .yaml) == spec)
        let (model, _) = try ModelBuilder.build(spec.model, dataShape: [2], seed: 0, analog: analog)
        #expect(model.layers[0] is Linear && !(model.layers[2] is Linear))
    }

    @Test func analogSectionErrors() {
        let base = minimalYAML + "\nhardware:\n  analog:\n"
        expectSpecError(base + "    device: memristor", path: "hardware.analog.device", mentions: ["constant_step", "soft_bounds", "zhao-ag-si"])
        expectSpecError(base + "    device: ideal\n    forward: {out_nosie: 0.1}", path: "hardware.analog.forward.out_nosie",
                        mentions: ["unknown key", "out_noise"])
        expectSpecError(base + "    device: constant_step\n    pulsed: {dw: 0.1}", path: "hardware.analog.pulsed.dw",
                        mentions: ["dw_min_dtod"])
        expectSpecError(base + "    device: zhao-ag-si\n    pulsed: {dw_min: 0.1}", path: "hardware.analog.pulsed",
                        mentions: ["no aihwkit PulsedDevice parameters"])
        expectSpecError(base + "    device: ideal\n    update: {desired_bl: 300}", path: "hardware.analog.update.desired_bl",
                        mentions: ["1...255"])
    }

    @Test func idxDatasetNeedsPath() {
        expectSpecError(minimalYAML.replacingOccurrences(of: "{dataset: blobs}", with: "{dataset: idx}"),
                        path: "data.path", mentions: ["missing"])
    }

    @Test func malformedText() {
        expectSpecError("name: [unclosed", path: "", mentions: ["not valid YAML"])
        expectSpecError("{\"name\": 1,", path: "", mentions: [], format: .json)
    }

    @Test func shippedExamplesEqualThePresets() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples")
        for (name, preset) in ExperimentPresets.all {
            let url = examples.appendingPathComponent("\(name).yaml")
            #expect(try SpecLoader.load(url) == preset, "examples/\(name).yaml differs from ExperimentPresets")
        }
    }
}

@Suite struct ModelBuilderTests {
    @Test func infersSizesAndOutputShape() throws {
        let (model, shape) = try ModelBuilder.build(ExperimentPresets.fashionCNN.model, dataShape: [784], seed: 0)
        #expect(shape == [10])
        #expect(model.layers.first is Reshape)
        var m = model
        #expect(m.parameterCount() == (16 * 9 + 16) + (32 * 144 + 32) + (1568 * 128 + 128) + (128 * 10 + 10))
    }

    @Test func shapeErrorsNameTheLayer() {
        let bad = ModelSpec(inputShape: [1, 28, 28], layers: [.conv2d(4, kernel: 3), .linear(10)])
        #expect(throws: SpecError(path: "model.layers[1]",
                                  "a linear layer needs a flat input but receives [4, 26, 26]; add {type: flatten} before it")) {
            try ModelBuilder.build(bad, dataShape: [784], seed: 0)
        }
        let mismatch = ModelSpec(inputShape: [1, 20, 20], layers: [.linear(10)])
        #expect(throws: SpecError.self) { try ModelBuilder.build(mismatch, dataShape: [784], seed: 0) }
        let tooBig = ModelSpec(inputShape: [1, 4, 4], layers: [.conv2d(2, kernel: 5)])
        #expect(throws: SpecError.self) { try ModelBuilder.build(tooBig, dataShape: [16], seed: 0) }
    }

    @Test func sameSeedSameInitialWeights() throws {
        var a = try ModelBuilder.build(ExperimentPresets.fashionMLP.model, dataShape: [784], seed: 3).model
        var b = try ModelBuilder.build(ExperimentPresets.fashionMLP.model, dataShape: [784], seed: 3).model
        var c = try ModelBuilder.build(ExperimentPresets.fashionMLP.model, dataShape: [784], seed: 4).model
        let wa = a.namedParameters().map(\.parameter.value)
        #expect(wa == b.namedParameters().map(\.parameter.value))
        #expect(wa != c.namedParameters().map(\.parameter.value))
    }
}
