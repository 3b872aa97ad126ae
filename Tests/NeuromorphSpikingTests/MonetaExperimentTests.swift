import Foundation
import Testing
@testable import NeuromorphSpiking

/// The MONETA MNIST experiment, shrunk to a smoke run (spiking note §4.4; the full run and its
/// numbers are in docs/spiking-systems.md). Skipped when mnist-5k is not on this machine.
@Suite struct MonetaExperimentTests {
    static let mnist5k = URL(fileURLWithPath: "/work/shared/data/mnist-5k")

    @Test(.enabled(if: FileManager.default.fileExists(atPath: mnist5k.path), "/work/shared/data/mnist-5k is absent"))
    func smokeRun() throws {
        var c = MonetaExperiment.Configuration()
        c.trainImages = 6; c.testImages = 6; c.steps = 10; c.filters1 = 4; c.filters2 = 4; c.readoutEpochs = 2
        c.training = .type2
        let r = try MonetaExperiment.run(data: Self.mnist5k, configuration: c)
        #expect(r.testAccuracy >= 0 && r.testAccuracy <= 1)
        for rate in r.outputSpikeRates + r.inputSpikeRates { #expect(rate >= 0 && rate <= 1) }
        #expect(r.inputSpikeRates[0] > 0 && r.outputSpikeRates[0] > 0, "the first layer fires")
        // Learning throughput from the measured rate: 2.304 TOPS / (1 + 17·r) (MonetaChip, digest §3.6).
        #expect(abs(r.learningOpsPerSecond - 2.304e12 / (1 + 17 * r.outputSpikeRates[1])) < 1e3)
        let energy: Double = r.synapticOperationsPerImage * 2 / 18.69e12
        #expect(abs(r.inferenceEnergyPerImageJ - energy) <= 1e-3 * energy, "53.5 fJ/op, 2 ops per SOP")
        let again = try MonetaExperiment.run(data: Self.mnist5k, configuration: c)
        #expect(again.testAccuracy == r.testAccuracy && again.changedWeights == r.changedWeights, "same seed, same run")
    }

    /// The backprop-trained comparison network of MONETA's topology (digest MO §3: "vs the
    /// same network trained by backprop"): it learns (well above chance on 200 test images
    /// after 300 training images), its IF conversion keeps its accuracy within 5 points at
    /// 100 steps.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: mnist5k.path), "/work/shared/data/mnist-5k is absent"))
    func backpropComparisonNetworkLearnsAndConverts() throws {
        var c = MonetaExperiment.Configuration()
        c.trainImages = 300; c.testImages = 100; c.steps = 100; c.filters1 = 8; c.filters2 = 8
        let r = try MonetaExperiment.backpropBaseline(data: Self.mnist5k, configuration: c, epochs: 8)
        print("MONETA backprop baseline (8/8 filters, 300/100 images, 8 epochs): ANN \(r.testAccuracy), IF \(r.convertedAccuracy)")
        #expect(r.testAccuracy > 0.7)
        #expect(abs(r.convertedAccuracy - r.testAccuracy) <= 0.05)
        #expect(r.synapticOperationsPerImage > 0 && r.spikesPerImage > 0)
        c.steps = 0
        #expect(throws: SpikingParameterError.self) { try MonetaExperiment.backpropBaseline(data: Self.mnist5k, configuration: c) }
    }

    /// The readout learns a linearly separable toy problem.
    @Test func softmaxReadoutSeparatesToyClasses() {
        var x: [[Float]] = []
        for i in 0..<40 {
            let noise = Float(i % 5) / 10
            x.append(i % 2 == 0 ? [1, 0, noise] : [0, 1, noise])
        }
        let y = (0..<40).map { $0 % 2 }
        let r = SoftmaxReadout.train(x, labels: y, classes: 2, epochs: 20, learningRate: 0.1, seed: 0)
        #expect(r.accuracy(x, labels: y) == 1)
    }
}
