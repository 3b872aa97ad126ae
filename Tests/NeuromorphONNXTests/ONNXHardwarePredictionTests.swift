import Foundation
import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN
import NeuromorphSpec
import Testing
@testable import NeuromorphONNX

/// `neuromorph predict … --hardware SPEC` (issue 18, "Forward pass on the user's own arrays"
/// on a substrate): the model converted to PCM inference tiles with the spec's periphery,
/// programmed, read at a time (the steps of one `infer` repeat).
@Suite("ONNX predict on PCM hardware")
struct ONNXHardwarePredictionTests {
    static func model() -> (Sequential, Tensor) {
        var g = SeededGenerator(seed: 21)
        let model = Sequential([Linear(16, 8, generator: &g)])
        return (model, Tensor.randomNormal([32, 16], using: &g))
    }

    static func meanAbs(_ t: Tensor) -> Double { t.scalars.reduce(0.0) { $0 + Double(abs($1)) } / Double(t.count) }

    @Test("PCM outputs are close to digital at 1 s, seeded, and drift shrinks them by a month unless compensated")
    func pcmOutputs() throws {
        var (model, x) = Self.model()
        let digital = model.forward(x, mode: .inference)
        let pcm = InferenceHardwareSpec()   // paper PCM, 8-bit DAC, 10-bit ADC ±10, 0.5 LSB output noise
        func run(_ time: String, _ compensated: Bool, seed: UInt64 = 3) throws -> Tensor {
            try HardwarePrediction(inference: pcm, time: InferenceTime(parsing: time), compensatesDrift: compensated, seed: seed)
                .predict(model, on: x, sampleShape: [16])
        }
        let early = try run("1s", true)
        #expect(early.shape == digital.shape)
        // Programming + read noise and quantization: not the digital outputs, but close
        // (relative RMS error well under 30 % for the paper's PCM model at 1 s).
        let error = zip(early.scalars, digital.scalars).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        let power = digital.scalars.reduce(0.0) { $0 + Double($1 * $1) }
        let relativeRMS = (error / power).squareRoot()
        #expect(relativeRMS > 1e-3 && relativeRMS < 0.3, "relative RMS error \(relativeRMS)")
        // Same seed → same outputs; another seed → other programming noise.
        #expect(try run("1s", true).scalars == early.scalars)
        #expect(try run("1s", true, seed: 4).scalars != early.scalars)
        // Drift (ν ≈ 0.05, t₀ = 20 s): by a month the conductances fall to about
        // (2.6e6 / 20)^−0.05 ≈ 0.55 of their 1 s value; α(t) compensation restores the scale.
        let ratioOff = Self.meanAbs(try run("1mo", false)) / Self.meanAbs(try run("1s", false))
        let ratioOn = Self.meanAbs(try run("1mo", true)) / Self.meanAbs(early)
        #expect(ratioOff < 0.85, "uncompensated 1 mo / 1 s output scale \(ratioOff)")
        #expect(ratioOn > 0.85 && ratioOn < 1.15, "compensated 1 mo / 1 s output scale \(ratioOn)")
    }

    @Test("settings come from the spec's hardware.inference; a spec without one is rejected by name")
    func fromSpec() throws {
        var spec = ExperimentSpec(name: "s", data: DataSpec(dataset: .fashionMNIST), model: ModelSpec(layers: []),
                                  training: TrainingSpec(loss: .crossEntropy, optimizer: .sgd(learningRate: 0.1), epochs: 0,
                                                         batchSize: 8, seed: 9))
        #expect {
            _ = try HardwarePrediction(spec: spec, file: "digital.yaml")
        } throws: { error in
            "\(error)".contains("digital.yaml") && "\(error)".contains("hardware.inference")
        }
        spec.hardware.inference = InferenceHardwareSpec(times: "1h,1d", driftCompensation: .off)
        let settings = try HardwarePrediction(spec: spec, file: "pcm.yaml")
        let hour = try InferenceTime(parsing: "1h")
        #expect(settings.time == hour)
        #expect(!settings.compensatesDrift)
        #expect(settings.seed == 9)
        let later = try HardwarePrediction(spec: spec, file: "pcm.yaml", time: "1d", compensatesDrift: true, seed: 2)
        let day = try InferenceTime(parsing: "1d")
        #expect(later.time == day && later.compensatesDrift && later.seed == 2)
        #expect(throws: ONNXImportError.self) { _ = try HardwarePrediction(spec: spec, file: "pcm.yaml", time: "yesterday") }
    }

    @Test("an imported golden CNN (conv, pools, LogSoftmax) runs on PCM tiles at 1 s")
    func importedCNN() throws {
        let imported = try Golden.model("cnn")
        let (x, reference) = try Golden.arrays("cnn")
        let y = try HardwarePrediction(inference: InferenceHardwareSpec(), time: InferenceTime(parsing: "1s"), seed: 1)
            .predict(try imported.build(), on: x, sampleShape: imported.inputShape)
        #expect(y.shape == reference.shape)
        #expect(y.scalars.allSatisfy { $0.isFinite })
        #expect(y.scalars != reference.scalars)   // noisy devices, not the digital outputs
        // Log-probabilities: each row still sums to 1 in probability (the LogSoftmax stays digital).
        for row in 0..<y.shape[0] {
            let total = (0..<10).reduce(0.0) { $0 + exp(Double(y.scalars[row * 10 + $1])) }
            #expect(abs(total - 1) < 1e-4)
        }
    }
}
