import Foundation
import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN
import NeuromorphSpec
import Testing
@testable import NeuromorphONNX

/// `neuromorph predict … --hardware SPEC` with a `hardware.analog` section (issue 18, "Forward
/// pass on the user's own arrays" on a substrate): the model's weights programmed onto the
/// spec's analog crossbar tiles, read through their forward periphery (docs/onnx.md).
@Suite("ONNX predict on analog tiles")
struct ONNXAnalogPredictionTests {
    static func relativeRMS(_ a: Tensor, _ b: Tensor) -> Double {
        let error = zip(a.scalars, b.scalars).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        return (error / b.scalars.reduce(0.0) { $0 + Double($1 * $1) }).squareRoot()
    }

    @Test("a linear layer on ideal tiles with a perfect periphery gives the digital outputs; with noise it is close and seeded")
    func linearOnTiles() throws {
        var g = SeededGenerator(seed: 21)
        let spec = ModelSpec(layers: [LayerSpec(LinearBlueprint(out: 8))])
        var (model, _) = try ModelBuilder.build(spec, dataShape: [16], seed: 5)
        let x = Tensor.randomNormal([32, 16], using: &g)
        let digital = model.forward(x, mode: .inference)
        // Ideal devices, perfect forward: the programmed weights are read back exactly.
        var ideal = AnalogHardwareSpec(device: .ideal, forward: .perfect)
        let exact = try AnalogTilePrediction(analog: ideal, seed: 1).predict(model, spec: spec, on: x, sampleShape: [16])
        #expect(Self.relativeRMS(exact, digital) < 1e-5, "ideal tiles: relative RMS \(Self.relativeRMS(exact, digital))")
        // aihwkit's default forward periphery (7-bit DAC, 9-bit ADC, output noise 0.06) on constant-step devices.
        ideal = AnalogHardwareSpec(device: .constantStep)
        func run(seed: UInt64) throws -> Tensor {
            try AnalogTilePrediction(analog: ideal, seed: seed).predict(model, spec: spec, on: x, sampleShape: [16])
        }
        let noisy = try run(seed: 3)
        let error = Self.relativeRMS(noisy, digital)
        #expect(error > 1e-3 && error < 0.3, "constant step, default periphery: relative RMS \(error)")
        #expect(try run(seed: 3).scalars == noisy.scalars)
        #expect(try run(seed: 4).scalars != noisy.scalars)
    }

    @Test("the imported transformer runs on analog tiles: close to PyTorch with ideal tiles, finite with noisy ones")
    func transformerOnTiles() throws {
        let imported = try Golden.model("transformer")
        let (x, reference) = try Golden.arrays("transformer")
        let model = try imported.build()
        let ideal = AnalogHardwareSpec(device: .ideal, forward: .perfect)
        let y = try AnalogTilePrediction(analog: ideal, seed: 0).predict(model, spec: imported.modelSpec, on: x, sampleShape: imported.inputShape)
        #expect(Golden.relativeDifference(y, reference) <= 1e-4)
        let noisy = try AnalogTilePrediction(analog: AnalogHardwareSpec(device: .constantStep), seed: 0)
            .predict(model, spec: imported.modelSpec, on: x, sampleShape: imported.inputShape)
        #expect(noisy.scalars.allSatisfy(\.isFinite) && noisy.scalars != y.scalars)
    }

    @Test("grouped and depthwise convolutions run on analog tiles, one tile set per group: ideal tiles give PyTorch's outputs")
    func groupedConvolutionsOnTiles() throws {
        let imported = try Golden.model("dwsep")
        let (x, reference) = try Golden.arrays("dwsep")
        let model = try imported.build()
        let ideal = AnalogHardwareSpec(device: .ideal, forward: .perfect)
        let y = try AnalogTilePrediction(analog: ideal, seed: 0).predict(model, spec: imported.modelSpec, on: x, sampleShape: imported.inputShape)
        #expect(Golden.relativeDifference(y, reference) <= 1e-4)
    }

    @Test("the substrate comes from the spec: inference → PCM, analog → tiles, PCM flags with analog rejected, none → error")
    func fromSpec() throws {
        var spec = ExperimentSpec(name: "s", data: DataSpec(dataset: .fashionMNIST), model: ModelSpec(layers: []),
                                  training: TrainingSpec(loss: .crossEntropy, optimizer: .sgd(learningRate: 0.1), epochs: 0,
                                                         batchSize: 8, seed: 9))
        #expect {
            _ = try PredictionHardware(spec: spec, file: "digital.yaml")
        } throws: { error in
            "\(error)".contains("digital.yaml") && "\(error)".contains("hardware.analog")
        }
        spec.hardware.analog = AnalogHardwareSpec(device: .constantStep)
        guard case let .analog(a) = try PredictionHardware(spec: spec, file: "a.yaml") else {
            Issue.record("hardware.analog did not select analog tiles")
            return
        }
        #expect(a.seed == 9)
        #expect {
            _ = try PredictionHardware(spec: spec, file: "a.yaml", time: "1d")
        } throws: { error in
            "\(error)".contains("--time") && "\(error)".contains("hardware.analog")
        }
        spec.hardware.analog = nil
        spec.hardware.inference = InferenceHardwareSpec()
        guard case .pcm = try PredictionHardware(spec: spec, file: "p.yaml") else {
            Issue.record("hardware.inference did not select PCM")
            return
        }
    }
}
