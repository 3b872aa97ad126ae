import Testing
import NeuromorphCore
import NeuromorphData
import NeuromorphNN
@testable import NeuromorphSpiking

/// A ReLU MLP 64-64-10 without biases (μBrain's MNIST network shape, digest UB §2.5, on the
/// shipped 8×8 digits), trained once for every conversion test.
struct DigitsFixture: Sendable {
    let network: DenseReLUNetwork
    let train: [[Float]]
    let test: [[Float]]
    let testLabels: [Int]

    static let shared: Result<DigitsFixture, any Error> = Result { try DigitsFixture() }

    init() throws {
        let clock = ContinuousClock.now
        defer { print("digits fixture trained in \(ContinuousClock.now - clock)") }
        let (trainSet, testSet) = try ShippedData.loadDigits()
        let train = trainSet.flattened(), test = testSet.flattened()
        var g = SeededGenerator(seed: 12, key: StreamKey("conversion-test", "init"))
        var model = Sequential([Linear(64, 64, bias: false, generator: &g), Activation(.relu),
                                Linear(64, 10, bias: false, generator: &g), LogSoftmax()])
        var optimizer = SGD(learningRate: 0.05, momentum: 0.9)
        _ = try Trainer.fit(&model, optimizer: &optimizer, loss: NLLLoss(),
                            train: LabeledTensors(inputs: train.inputs, labels: train.labels),
                            configuration: TrainingConfiguration(epochs: 30, batchSize: 32, seed: 3, showProgress: false))
        network = try DenseReLUNetwork(model)
        func rows(_ d: LabeledDataset) -> [[Float]] {
            (0..<d.count).map { Array(d.inputs.scalars[($0 * 64)..<(($0 + 1) * 64)]) }
        }
        self.train = rows(train)
        self.test = rows(test)
        testLabels = test.labels
    }

    /// The fraction of the first `limit` test images on which `predict` gives the ANN's class.
    func agreement(limit: Int = .max, _ predict: ([Float]) throws -> Int) rethrows -> Double {
        let images = test.prefix(limit)
        var same = 0
        for x in images where try predict(x) == network.predict(x) { same += 1 }
        return Double(same) / Double(images.count)
    }
}

/// ANN→SNN conversion (spiking note §1.8; issue 12 "must show": conversion preserves the argmax
/// of a trained ReLU MLP on ≥ 95 % of test images at sufficient time steps).
@Suite struct ConversionTests {
    @Test func trainedANNIsAccurate() throws {
        let f = try DigitsFixture.shared.get()
        var correct = 0
        for (x, y) in zip(f.test, f.testLabels) where f.network.predict(x) == y { correct += 1 }
        let accuracy = Double(correct) / Double(f.test.count)
        print("ANN test accuracy \(accuracy)")
        #expect(accuracy > 0.9)
    }

    /// Diehl-style max normalisation + reset by subtraction: argmax agreement with the ANN
    /// grows with T and reaches ≥ 95 % (the issue's must-show), with input currents and with
    /// periodic input spikes.
    @Test func rateConversionPreservesTheArgmax() throws {
        let f = try DigitsFixture.shared.get()
        let snn = try RateConvertedNetwork(f.network, calibration: Array(f.train.prefix(300)))
        var report: [String] = []
        for steps in [10, 50, 200] {
            let a = f.agreement { snn.predict($0, steps: steps) }
            report.append("T=\(steps): \(a)")
        }
        let current = f.agreement { snn.predict($0, steps: 200) }
        let periodic = f.agreement { snn.predict($0, steps: 200, input: .periodic) }
        print("rate conversion agreement (current) \(report); periodic T=200 \(periodic)")
        #expect(current >= 0.95)
        #expect(periodic >= 0.95)
        let short = f.agreement { snn.predict($0, steps: 10) }
        #expect(short < current)
    }

    /// Normalisation: after max-normalisation the hidden layer's largest calibration
    /// activation is 1 (θ), so no neuron needs more than one spike per step.
    @Test func normalisationScalesActivationsToTheThreshold() throws {
        let f = try DigitsFixture.shared.get()
        let calibration = Array(f.train.prefix(300))
        let snn = try RateConvertedNetwork(f.network, calibration: calibration)
        let normalised = try DenseReLUNetwork(layers: snn.layers)
        let top = calibration.map { normalised.activations($0)[0].max() ?? 0 }.max() ?? 0
        #expect(abs(top - 1) < 1e-5)
        let p99 = try RateConvertedNetwork(f.network, calibration: calibration, statistic: .percentile(99))
        #expect(p99.scales[0] < snn.scales[0])
        #expect(throws: ConversionError.self) { try RateConvertedNetwork(f.network, calibration: []) }
        #expect(throws: ConversionError.self) { try RateConvertedNetwork(f.network, calibration: [[1, 2]]) }
    }

    /// w_int = round(w·(2^{B−1}−1)/max|w|): 4-bit weights lie in −7…7 with the maximum used
    /// (μBrain [−1, 1] → [−7, 7], digest UB §2.5); 8-bit integer IF keeps ≥ 95 % agreement.
    @Test func integerQuantisation() throws {
        let f = try DigitsFixture.shared.get()
        let snn = try RateConvertedNetwork(f.network, calibration: Array(f.train.prefix(300)))
        let q4 = try IntegerConvertedNetwork(snn, bits: 4)
        for layer in q4.layers {
            #expect(layer.weight.allSatisfy { (-7...7).contains($0) })
            #expect(layer.weight.map { abs($0) }.max() == 7)
            #expect(layer.threshold >= 1)
        }
        let q8 = try IntegerConvertedNetwork(snn, bits: 8)
        let a8 = f.agreement { Readout.membraneArgmax(q8.run($0, steps: 200).outputPotential) ?? 0 }
        let a4 = f.agreement { Readout.membraneArgmax(q4.run($0, steps: 200).outputPotential) ?? 0 }
        print("integer IF agreement B=8 \(a8), B=4 \(a4)")
        #expect(a8 >= 0.95)
        #expect(throws: ConversionError.self) { try IntegerConvertedNetwork(snn, bits: 1) }
    }

    /// The 8-bit network on the event-driven simulator with μBrain's IntegerIF (wrap-around,
    /// zero clamp) in the hidden layer and round-robin arbiters 100 ns apart.
    @Test func eventDrivenIntegerIF() throws {
        let f = try DigitsFixture.shared.get()
        let snn = try RateConvertedNetwork(f.network, calibration: Array(f.train.prefix(300)))
        let q8 = try IntegerConvertedNetwork(snn, bits: 8)
        let net = try q8.eventNetwork()
        var counters = EventCounters()
        let a = try f.agreement(limit: 120) { x in
            let input = try IntegerConvertedNetwork.periodicInput(x, spikesAtOne: 100, frameNs: 1_000_000)
            let r = try net.run(input, arbiter: RoundRobinArbiter())
            counters += r.counters
            return Readout.membraneArgmax(r.finalPotentials.last ?? []) ?? 0
        }
        print("event-driven IntegerIF agreement \(a), counters per image: SOPs \(counters.synapticOperations / 120), spikes \(counters.emittedSpikes / 120)")
        // Measured: 0.983 (the zero clamp loses inhibition that arrives before excitation).
        #expect(a >= 0.95)
        #expect(counters.arbiterDrops == 0)
    }

    /// μBrain's own numbers: 4-bit weights, θ = 64 with the ×8 global scale (weights map to
    /// round(8·w), clipped to ±7), event-driven, 100 ns round-robin arbiters.
    @Test func muBrainFixedThresholdMapping() throws {
        let f = try DigitsFixture.shared.get()
        let snn = try RateConvertedNetwork(f.network, calibration: Array(f.train.prefix(300)))
        let chip = try IntegerConvertedNetwork(snn, bits: 4, threshold: 64, weightScale: 8)
        #expect(chip.layers.allSatisfy { $0.threshold == 64 && $0.weightScale == 8 })
        #expect(chip.layers.allSatisfy { $0.weight.allSatisfy { (-7...7).contains($0) } })
        let net = try chip.eventNetwork()
        let clock = f.agreement(limit: 120) { Readout.membraneArgmax(chip.run($0, steps: 100).outputPotential) ?? 0 }
        var correct = 0, seen = 0
        var counters = EventCounters()
        let event = try f.agreement(limit: 120) { x in
            let r = try net.run(try IntegerConvertedNetwork.periodicInput(x, spikesAtOne: 100, frameNs: 1_000_000),
                                arbiter: RoundRobinArbiter())
            counters += r.counters
            let predicted = Readout.membraneArgmax(r.finalPotentials.last ?? []) ?? 0
            if predicted == f.testLabels[seen] { correct += 1 }
            seen += 1
            return predicted
        }
        print("μBrain mapping (B=4, θ=64, s=8) agreement: clock-driven \(clock), event-driven \(event); event-driven accuracy \(Double(correct) / Double(seen)), ANN accuracy on the same images \(Double(zip(f.test.prefix(seen), f.testLabels).filter { f.network.predict($0.0) == $0.1 }.count) / Double(seen))")
        // Measured: clock-driven 0.900, event-driven 0.875 on 120 images. The weight step is
        // θ/8 in normalised units (coarser than the per-layer scale of the 4-bit mapping above,
        // 98.6 %) and normalised weights above 7/8 clip.
        #expect(clock >= 0.85)
        #expect(event >= 0.85)
        // Energy per image with μBrain's 26 pJ per spike (inputs and emitted spikes).
        let energy = try EnergyTable.muBrainAllIn.report(counters, durationSeconds: 0)
        let spikes = counters.inputSpikes + counters.emittedSpikes
        print("μBrain mapping per image: \(counters.inputSpikes / seen) input spikes, \(counters.emittedSpikes / seen) emitted, \(counters.synapticOperations / seen) SOPs, \(energy.totalJ / Double(seen) * 1e9) nJ at 26 pJ/spike")
        #expect(abs(energy.totalJ - Double(spikes) * 26e-12) < 1e-6 * energy.totalJ)
        #expect(throws: ConversionError.self) { try IntegerConvertedNetwork(snn, bits: 4, threshold: 0) }
    }

    /// μBrain's readouts on a firing IntegerIF output layer (digest UB §2.5): spike-count
    /// argmax and first inter-spike interval (shortest wins), against the ANN's class.
    @Test func eventDrivenSpikingReadouts() throws {
        let f = try DigitsFixture.shared.get()
        let snn = try RateConvertedNetwork(f.network, calibration: Array(f.train.prefix(300)))
        let net = try IntegerConvertedNetwork(snn, bits: 8).eventNetwork(outputFires: true)
        var byCount = 0, byISI = 0
        let images = 120
        for x in f.test.prefix(images) {
            let input = try IntegerConvertedNetwork.periodicInput(x, spikesAtOne: 100, frameNs: 1_000_000)
            let r = try net.run(input, arbiter: RoundRobinArbiter())
            let ann = f.network.predict(x)
            if Readout.spikeCountArgmax(AERStream.counts(r.outputSpikes, channels: 10)) == ann { byCount += 1 }
            if Readout.firstISIArgmin(AERStream.split(r.outputSpikes, channels: 10)) == ann { byISI += 1 }
        }
        print("event-driven readouts vs ANN: count \(Double(byCount) / Double(images)), first ISI \(Double(byISI) / Double(images))")
        // Measured (deterministic): count 0.975, first ISI 0.892 on 120 images; the first ISI
        // uses two spikes only, so it is the noisier readout.
        #expect(Double(byCount) / Double(images) >= 0.95)
        #expect(Double(byISI) / Double(images) >= 0.85)
    }

    /// BNN export (Chundi, digest CH §3.2): ±1 weights, TH per layer; the event-driven
    /// SignedIF network's output potentials equal the rate arithmetic's z_L when hidden counts
    /// match ⌊max(0, z)/TH⌋ (CH §3.7 item 2 [I]: within ±1 spike for ≥ 95 % of neurons).
    @Test func binaryExport() throws {
        let f = try DigitsFixture.shared.get()
        let bnn = try BinaryConvertedNetwork(f.network, calibration: Array(f.train.prefix(200)))
        #expect(bnn.weights.allSatisfy { $0.allSatisfy { $0 == 1 || $0 == -1 } })
        #expect(bnn.thresholds[0] >= 1)
        let net = try bnn.eventNetwork(timing: try ArbiterTiming(grantIntervalNs: 10))
        var within = 0, total = 0
        for x in f.test.prefix(40) {
            let model = try bnn.countModel(x)
            let r = try net.run(try bnn.eventInput(x, frameNs: 100_000_000), arbiter: FixedPriorityArbiter(),
                                options: EventRunOptions(recordAllLayers: true))
            let hidden = AERStream.counts(r.layerSpikes[0], channels: model[0].count)
            for (a, b) in zip(hidden, model[0]) { total += 1; if abs(a - b) <= 1 { within += 1 } }
        }
        print("BNN hidden counts within ±1 of the rate model: \(Double(within) / Double(total))")
        #expect(Double(within) / Double(total) >= 0.95)
        // A single neuron with +1 weights and interleaved positive inputs: ⌊Σ n / TH⌋ exactly.
        let one = try DenseReLUNetwork(layers: [DenseLayerWeights(inputs: 3, outputs: 1, weight: [1, 1, 1], bias: nil),
                                                DenseLayerWeights(inputs: 1, outputs: 1, weight: [1], bias: nil)])
        let exported = try BinaryConvertedNetwork(one, thresholds: [4, 1], inputLevels: 10)
        let r = try exported.eventNetwork(timing: .muBrain).run(try exported.eventInput([1, 0.5, 0.2], frameNs: 1_000_000),
                                                                arbiter: FixedPriorityArbiter())
        #expect(r.finalPotentials[1] == [(10 + 5 + 2) / 4])
        #expect(throws: ConversionError.self) { try BinaryConvertedNetwork(one, thresholds: [0, 1]) }
    }

    @Test func unsupportedModelsAreRejectedNamingTheLayer() throws {
        var g = SeededGenerator(seed: 1)
        let sigmoid = Sequential([Linear(4, 3, generator: &g), Activation(.sigmoid), Linear(3, 2, generator: &g)])
        do {
            _ = try DenseReLUNetwork(sigmoid)
            Issue.record("sigmoid accepted")
        } catch let error as ConversionError {
            #expect(error.location == "model.layers.1")
        }
        let noReLU = Sequential([Linear(4, 3, generator: &g), Linear(3, 2, generator: &g)])
        #expect(throws: ConversionError.self) { try DenseReLUNetwork(noReLU) }
        let biased = try RateConvertedNetwork(DenseReLUNetwork(Sequential([Linear(4, 2, generator: &g)])), calibration: [[1, 0, 1, 0]])
        #expect(throws: ConversionError.self) { try IntegerConvertedNetwork(biased, bits: 8).eventNetwork() }
    }
}
