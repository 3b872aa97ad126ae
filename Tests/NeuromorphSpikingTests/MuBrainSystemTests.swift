import Testing
import NeuromorphChipModels
import NeuromorphCore
import NeuromorphData
@testable import NeuromorphSpiking

/// μBrain's MNIST system (digest UB §2.5; spiking note §2.1, §4.1): structure, input budget,
/// energy bookkeeping and SNN ↔ quantised-ANN agreement on the shipped 8×8 digits. The MNIST
/// 16×16 accuracies are experiments (docs/spiking-systems.md), not tests.
@Suite struct MuBrainSystemTests {
    /// A random bias-free 256-64-10 network (the conversion needs no training to be counted).
    static func randomANN(inputs: Int = 256, hidden: Int = 64, seed: UInt64 = 5) throws -> DenseReLUNetwork {
        var g = SeededGenerator(seed: seed)
        var layers: [DenseLayerWeights] = []
        for (n, m) in [(inputs, hidden), (hidden, 10)] {
            let scale = 1 / Float(n).squareRoot()
            var weight: [Float] = []
            for _ in 0..<(n * m) { weight.append(Float(g.nextNormal()) * scale) }
            layers.append(DenseLayerWeights(inputs: n, outputs: m, weight: weight, bias: nil))
        }
        return try DenseReLUNetwork(layers: layers)
    }

    /// UB §2.4–2.5 [C]: the MNIST mapping uses 74 neurons and 256·64 + 64·10 = 17,024 synapses
    /// (exact, against ``MuBrainTopology/mnist``); the chip's full topology has 336 neurons and
    /// 37,366 synapses (19,878 RFC + 17,488 FC).
    @Test func networkMatchesTheChipTopology() throws {
        let system = try MuBrainSystem(ann: try Self.randomANN(), configuration: .init())
        let neurons = system.network.layers.reduce(0) { $0 + $1.outputs }
        let synapses = system.network.layers.reduce(0) { $0 + $1.inputs * $1.outputs }
        #expect(neurons == 74 && neurons == MuBrainTopology.mnist.neurons)
        #expect(synapses == 17_024 && synapses == MuBrainTopology.mnist.synapses)
        #expect(MuBrainTopology.prototype.neurons == 336)
        #expect(MuBrainTopology.prototype.synapses == 37_366)
        #expect(MuBrainTopology.prototype.fullyConnectedSynapses == 17_488)
        // 4-bit weights stay within −7…7 (UB §2.4 [T]); θ = 64.
        for layer in system.network.layers { try layer.checkWeights(fit: QFormat.muBrainWeight) }
        for layer in system.network.layers {
            guard case .integerIF(let p) = layer.neuron else { Issue.record("not IntegerIF"); continue }
            #expect(p.threshold == 64)
        }
    }

    /// Area averaging (note §4.1): 28 → 16 keeps the image mean (each output pixel covers
    /// 1.75² source pixels); 4 → 2 is the 2×2 mean; a constant image stays constant.
    @Test func areaDownscaling() {
        var g = SeededGenerator(seed: 3)
        let image = (0..<784).map { _ in g.nextUniform() }
        let small = SystemImages.areaDownscale(image, from: 28, to: 16)
        #expect(small.count == 256)
        let meanSmall: Float = small.reduce(0, +) / 256
        let meanImage: Float = image.reduce(0, +) / 784
        #expect(abs(meanSmall - meanImage) < 1e-5)
        let ramp: [Float] = (1...16).map { Float($0) }
        let expected: [Float] = [3.5, 5.5, 11.5, 13.5]
        #expect(SystemImages.areaDownscale(ramp, from: 4, to: 2) == expected)
        #expect(SystemImages.areaDownscale([Float](repeating: 0.25, count: 784), from: 28, to: 16)
            .allSatisfy { abs($0 - 0.25) < 1e-6 })
    }

    /// θ follows the weight range for the bit sweep ([ours], so every B has the 4-bit chip's
    /// rate gain): θ_B = round(64·(2^(B−1)−1)/7).
    @Test func thresholdFollowsTheWeightRange() {
        var c = MuBrainConfiguration()
        var thresholds: [Int32] = []
        for bits in [2, 3, 4, 5, 8] {
            c.bits = bits
            thresholds.append(c.effectiveThreshold)
        }
        #expect(thresholds == [9, 27, 64, 137, 1161])
        c.thresholdFollowsBits = false
        #expect(c.effectiveThreshold == 64)
    }

    @Test func badSettingsThrow() throws {
        var c = MuBrainConfiguration()
        c.bits = 1
        #expect(throws: ConversionError.self) { try c.validate() }
        c = MuBrainConfiguration()
        c.spikeBudget = 0
        #expect(throws: ConversionError.self) { try MuBrainSystem(ann: try Self.randomANN(), configuration: c) }
        c = MuBrainConfiguration()
        c.weightScales = [1]
        #expect(throws: ConversionError.self) { try c.validate() }
        c = MuBrainConfiguration()
        c.weightClipPercentile = 0
        #expect(throws: ConversionError.self) { try c.validate() }
    }

    /// Periodic input phases ([ours]; UB §2.5 leaves the trains' form open): random phases keep
    /// every channel's count ⌊budget·u_i/Σu⌋ and its period T/n_i (successive spikes T/n_i apart
    /// up to 1 ns of flooring), stay inside [0, T), are the same for the same (seed, sample) and
    /// differ between samples; aligned trains all start at t = 0 (one volley of every channel);
    /// centered trains start at T/(2 n_i).
    @Test func randomPhasesKeepCountsAndPeriods() throws {
        var g = SeededGenerator(seed: 9)
        let x = (0..<256).map { _ in g.nextUniform() }
        var c = MuBrainConfiguration()
        c.phase = .aligned
        let aligned = try MuBrainSystem(ann: try Self.randomANN(), configuration: c)
        c.phase = .random
        let random = try MuBrainSystem(ann: try Self.randomANN(), configuration: c)
        let a = try aligned.encode(x, sample: 3, seed: 1), r = try random.encode(x, sample: 3, seed: 1)
        let frame = Int64((c.frameSeconds! * 1e9).rounded())
        let ta = AERStream.split(a, channels: 256), tr = AERStream.split(r, channels: 256)
        #expect(ta.map(\.count) == tr.map(\.count))
        #expect(a.count <= c.spikeBudget && a.count > c.spikeBudget - 256)
        #expect(r.allSatisfy { $0.timeNs >= 0 && $0.timeNs < frame })
        #expect(ta.allSatisfy { $0.first == 0 })
        #expect(tr.filter { $0.first == 0 }.count <= 2)
        for times in tr where times.count >= 2 {
            let period = Double(frame) / Double(times.count)
            for (t0, t1) in zip(times, times.dropFirst()) { #expect(abs(Double(t1 - t0) - period) <= 1.0) }
        }
        #expect(try random.encode(x, sample: 3, seed: 1) == r)
        #expect(try random.encode(x, sample: 4, seed: 1) != r)
        // Centered: channel i's first spike at ⌊T/(2 n_i)⌋, same counts.
        c.phase = .centered
        let tc = AERStream.split(try MuBrainSystem(ann: try Self.randomANN(), configuration: c).encode(x, sample: 3, seed: 1), channels: 256)
        #expect(tc.map(\.count) == ta.map(\.count))
        for times in tc where !times.isEmpty {
            #expect(times[0] == Int64((Double(frame) / Double(2 * times.count)).rounded(.down)))
        }
    }

    /// Clipped quantisation: the p-th percentile of |w| maps to the top code, larger weights
    /// clip to ±7, and more weights get large codes than with max-|w| scaling (note §1.8).
    @Test func clippedQuantisationUsesMoreOfTheRange() throws {
        let ann = try Self.randomANN()
        let full = try MuBrainSystem(ann: ann, configuration: MuBrainConfiguration())
        var c = MuBrainConfiguration()
        c.weightClipPercentile = 90
        let clipped = try MuBrainSystem(ann: ann, configuration: c)
        for l in 0..<2 {
            #expect(clipped.integerWeights[l].allSatisfy { (-7...7).contains($0) })
            let magnitudes = ann.layers[l].weight.map { abs($0) }.sorted()
            let p90 = magnitudes[Int((0.9 * Double(magnitudes.count)).rounded(.up)) - 1]
            for (w, q) in zip(ann.layers[l].weight, clipped.integerWeights[l]) where abs(w) >= p90 { #expect(abs(q) == 7) }
            func mean(_ q: [Int32]) -> Double { Double(q.reduce(0) { $0 + abs(Int($1)) }) / Double(q.count) }
            #expect(mean(clipped.integerWeights[l]) > mean(full.integerWeights[l]))
        }
    }

    /// The end-to-end pipeline on 8×8 digits (64-64-10, 4-bit, θ = 64, 1,600-spike budget to
    /// stay fast in debug): the SNN's first-ISI class equals the quantised ANN's on ≥ 90 % of
    /// 30 test images, no image exceeds the input budget, and the energy is counters × table
    /// (26 pJ per input or emitted spike, UB §2.5 [T]).
    @Test func digitsPipelineKeepsItsInvariants() throws {
        let (train, test) = try SystemImages.shippedDigits()
        for coding in MuBrainInputCoding.allCases {
            var c = MuBrainConfiguration()
            c.epochs = 8
            c.spikeBudget = 1_600
            c.coding = coding
            let system = try MuBrainSystem(training: train, configuration: c, seed: 2)
            let report = try system.evaluate(test, images: 30, seed: 4, dataName: "digits")
            print("μBrain digits \(coding):\n\(report.table)")
            #expect(report.agreementWithQuantised >= 0.9, "\(coding)")
            #expect(report.maximumInputSpikes <= 1_600)
            #expect(report.inputSpikesPerImage > 1_400, "\(coding): the budget is used")
            let spikes = Double(report.counters.inputSpikes + report.counters.emittedSpikes)
            #expect(abs(report.energyAllInJ - spikes * 26e-12 / 30) <= 1e-12 * report.energyAllInJ)
            #expect(abs(report.spikesPerImage - spikes / 30) <= 1e-12 * report.spikesPerImage)   // Σ·(1/30) vs Σ/30
            #expect(report.sopsPerImage == Double(report.counters.synapticOperations) / 30)
            #expect(report.annAccuracy > 0.8 && report.quantisedAccuracy > 0.8)
        }
    }
}
