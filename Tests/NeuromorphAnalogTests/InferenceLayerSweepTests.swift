import Testing
@testable import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN

// The inference sweep (Spoon et al. §2.3, Figs. 5–8; digest §2.6, §2.10 item 5): a small MLP
// trained digitally on Gaussian blobs, programmed on PCM, evaluated from 1 s to 1 month.

@Suite("Inference sweep over time (digest §2.6, §2.10 item 5)")
struct InferenceLayerSweepTests {
    /// `classes` Gaussian blobs in `features` dimensions (centres on a sphere of radius 2, unit noise).
    static func blobs(count: Int, seed: UInt64, features: Int = 8, classes: Int = 4) -> LabeledTensors {
        var centres = SeededGenerator(seed: 1000)
        let c = Tensor.randomNormal([classes, features], std: 1, using: &centres)
        var g = SeededGenerator(seed: seed)
        var x = Tensor.zeros([count, features])
        var labels: [Int] = []
        for i in 0..<count {
            let k = i % classes
            labels.append(k)
            var norm: Float = 0
            for f in 0..<features { norm += c.scalars[k * features + f] * c.scalars[k * features + f] }
            for f in 0..<features {
                x.scalars[i * features + f] = 1.0 + 2 * c.scalars[k * features + f] / norm.squareRoot() + 0.9 * g.nextNormal()
            }
        }
        return LabeledTensors(inputs: x, labels: labels)
    }

    /// A digitally trained 8-32-4 MLP, converted to analog inference layers with the paper's periphery.
    static func trainedModel() -> (Sequential, LabeledTensors) {
        let train = blobs(count: 800, seed: 1), test = blobs(count: 400, seed: 2)
        var g = SeededGenerator(seed: 3)
        var model = Sequential([Linear(8, 32, generator: &g), Activation(.relu), Linear(32, 4, generator: &g)])
        var optimizer = Adam(learningRate: 0.01)
        do {
            _ = try Trainer.fit(&model, optimizer: &optimizer, loss: SoftmaxCrossEntropy(), train: train,
                            configuration: TrainingConfiguration(epochs: 8, batchSize: 32, showProgress: false))
        } catch { Issue.record("training the fixture failed: \(error)") }
        var analog = AnalogInference.convert(model)
        AnalogInference.calibrateInputRanges(&analog, inputs: train.inputs)
        return (analog, test)
    }

    @Test("Drift lowers accuracy without compensation, compensation recovers it, γ = 0.5 ≥ γ = 1, reproducible")
    func sweep() throws {
        let (model, test) = Self.trainedModel()
        let times = [InferenceTime.second, .day, .month]
        let sweep = InferenceSweep(noiseModel: PCMNoiseModel.paper, times: times, repeats: 5, compensation: [false, true], seed: 9)
        let result = sweep.run(model, on: test)
        let off = try #require(result.series(compensated: false)), on = try #require(result.series(compensated: true))
        #expect(result.referenceAccuracy > 0.8, "the digital MLP should learn the blobs")
        for k in 1..<times.count {
            let (a, b) = (off.points[k - 1], off.points[k])
            #expect(b.mean <= a.mean + 2 * (a.standardError + b.standardError) + 0.005,
                    "uncompensated accuracy rose from \(a.mean) at \(a.time) to \(b.mean) at \(b.time)")
        }
        let last = times.count - 1
        #expect(off.points[last].mean < off.points[0].mean - 0.05, "1 month of drift should cost accuracy")
        #expect(on.points[last].mean > off.points[last].mean + 0.05, "compensation should recover accuracy")
        #expect(on.points[last].mean > on.points[0].mean - 0.05)

        var reduced = sweep
        reduced.noiseModel = .reducedNoise
        let half = try #require(reduced.run(model, on: test).series(compensated: true))
        #expect(half.points[last].mean >= on.points[last].mean - 0.01,
                "γ = 0.5: \(half.points[last].mean), γ = 1: \(on.points[last].mean)")

        #expect(sweep.run(model, on: test) == result, "same seed, same result")
        var other = sweep
        other.seed = 10
        #expect(other.run(model, on: test) != result)
        // Output formats.
        #expect(result.csv().split(separator: "\n").count == 1 + 2 * times.count)
        #expect(result.table().contains("1mo"))
        #expect(result.svg().hasPrefix("<svg"))
        let decoded = try JSONDecoder().decode(InferenceSweepResult.self, from: JSONEncoder().encode(result))
        #expect(decoded == result)
    }
}

import Foundation
