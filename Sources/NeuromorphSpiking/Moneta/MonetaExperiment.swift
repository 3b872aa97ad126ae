import Foundation
import NeuromorphChipModels
import NeuromorphCore
import NeuromorphData

/// MONETA's layer-wise unsupervised STDP on MNIST, reduced to 2 cores (spiking note §4.4):
/// 28×28 → CONV 3×3×16 s2 → 14×14×16 → CONV 3×3×32 s2 → 7×7×32, ``MonetaLIF`` neurons,
/// cross-depth inhibition, Bernoulli inputs over `steps` steps, hardware stochastic STDP
/// (16-bit LFSR) trained one layer after the other in spike-cycle order ("Type 1") or
/// PIM-friendly with the filter-update table ("Type 2"), then a softmax readout on the
/// spike counts of the last layer. The learning throughput comes from the measured output
/// spike rate through ``MonetaChip/learningOpsPerSecond(outputSpikeRate:)``.
///
/// Types 3–5 (`MonetaExperiment+Hybrid.swift`) put backprop-trained blocks of the same
/// topology beside (Types 4, 5) or instead of (Type 3) the STDP block and train the readout
/// on the concatenated spike counts (digest §3.5).
///
/// The paper's network (4 layers of 64–128 filters, 5 epochs per layer, CIFAR/MNIST, 90.89 /
/// 90.13 % on MNIST) and its V_th, leak, P1–P4/PD and T_threshold are not reproduced: every
/// constant here is ours.
public enum MonetaExperiment {
    /// How the STDP layers are trained.
    public enum Training: String, Sendable, Codable, CaseIterable {
        /// Spike-cycle order, immediate updates (Fig. 8A).
        case type1 = "type1"
        /// PIM-friendly STDP: IFM order, filter-update table, two passes (Fig. 8B, 11).
        case type2 = "type2"
        /// No training: the random initial weights (a baseline).
        case untrained
        /// Paper Type 3, "fully BP ConvSNN": two backprop-trained blocks side by side, their
        /// OFMs concatenated into the readout (digest §3.5, Table 1 read as two parallel stacks).
        case type3 = "type3"
        /// Paper Type 4, hybrid: a backprop-trained block (fixed) beside an STDP block trained
        /// by standard STDP (Type 1 data flow), OFMs concatenated into the readout.
        case type4 = "type4"
        /// Paper Type 5, hybrid: a backprop-trained block beside an STDP block trained by
        /// PIM-friendly STDP (Type 2 data flow, filter-update table).
        case type5 = "type5"

        /// How the STDP block learns: spike-cycle order (Types 1, 4), PIM-friendly (Types 2, 5),
        /// or not at all (`untrained`; Type 3 has no STDP block).
        public enum STDPLearning: Sendable { case spikeCycleOrder, pimFriendly }

        public var stdpLearning: STDPLearning? {
            switch self {
            case .type1, .type4: return .spikeCycleOrder
            case .type2, .type5: return .pimFriendly
            case .untrained, .type3: return nil
            }
        }

        /// Whether the network has the STDP block (every type but Type 3).
        public var hasSTDPBlock: Bool { self != .type3 }

        /// Backprop-trained blocks beside it: 0 (Types 1, 2, untrained), 1 (Types 4, 5), 2 (Type 3).
        public var backpropBlocks: Int {
            switch self {
            case .type1, .type2, .untrained: return 0
            case .type4, .type5: return 1
            case .type3: return 2
            }
        }
    }

    /// The rule the experiment trains with by default (see ``Configuration/stdp``).
    public static let defaultSTDP: MonetaSTDP = {
        let k: UInt32 = 1 << 16
        return (try? MonetaSTDP(potentiationThresholds: [k / 16, k / 32, k / 64, k / 128], depressionThreshold: k / 16,
                                lfsrWidth: 16, historyWindow: 2)) ?? MonetaSTDP.fallback
    }()

    public struct Configuration: Sendable, Codable, Hashable {
        public var trainImages = 300
        public var testImages = 200
        public var steps = 100
        /// Spike probability per step at pixel value 1.
        public var pMax: Float = 0.5
        public var training: Training = .type2
        public var seed: UInt64 = 0
        /// V_th of both layers, in weight units.
        public var threshold: Float = 200
        /// Proportional leak b (a = 0).
        public var leak: Float = 0.1
        /// Initial weight codes are uniform in 0...initialWeightMaximum.
        public var initialWeightMaximum: Int32 = 48
        public var filters1 = 16
        public var filters2 = 32
        /// The STDP rule of both layers (16-bit LFSR; P1…P4 = 2^16/16 … /128, PD = 2^16/16,
        /// T_threshold = 2 steps). Weaker depression (PD = 2^16/32) lets every filter saturate
        /// at +127 alike; stronger (2^16/8) silences layer 2 in spike-cycle order.
        public var stdp = MonetaExperiment.defaultSTDP
        /// Competition and homeostasis in Type 2's filter-update table (``MonetaTableCompetition``;
        /// [ours], off by default: the paper's table). Type 2 only: Type 1 has no table, its
        /// competition is cross-depth inhibition during learning.
        public var competition = MonetaTableCompetition.off
        public var readoutEpochs = 30
        public var readoutLearningRate: Float = 0.05
        /// Epochs and learning rate of the backprop blocks of Types 3–5 (``backpropBaseline``'s
        /// defaults; the paper trains its BP layers for 20 epochs by BPTT).
        public var backpropEpochs = 30
        public var backpropLearningRate: Float = 0.02
        public init() {}
    }

    public struct Report: Sendable {
        public var configuration: Configuration
        public var trainAccuracy: Double
        public var testAccuracy: Double
        /// Output spikes per neuron per step of each layer, over the test images.
        public var outputSpikeRates: [Double]
        /// Input spikes per neuron per step of each layer.
        public var inputSpikeRates: [Double]
        /// Synaptic operations per test image (both layers).
        public var synapticOperationsPerImage: Double
        /// Learning throughput at the last layer's measured output rate, ops/s (paper 2.2 TOPS at 0.0028).
        public var learningOpsPerSecond: Double
        /// Inference energy per image at 53.5 fJ/op, 2 ops per SOP (``EnergyTable/monetaInference``).
        public var inferenceEnergyPerImageJ: Double
        /// Weight changes made by STDP per layer.
        public var changedWeights: [Int]
        /// Filters of each layer that fired at least once on the test images (a layer whose
        /// filters have all saturated alike has one winner: cross-depth ties go to z = 0).
        public var activeFilters: [Int]
        /// The weight codes of both layers after training.
        public var weights: [[Int32]]
        /// Types 3–5 only: the same readout trained on the STDP block's features alone (nil for
        /// Type 3) and on the first backprop block's alone, on the same images.
        public var stdpBlockTestAccuracy: Double?
        public var backpropBlockTestAccuracy: Double?
        public var seconds: Double
    }

    /// Runs the experiment on the IDX folder `data` (mnist-5k layout).
    public static func run(data: URL, configuration c: Configuration) throws -> Report {
        let start = Date()
        guard c.trainImages > 0, c.testImages > 0, c.steps > 0 else {
            throw SpikingParameterError(type: "MonetaExperiment", field: "trainImages/testImages/steps",
                                        value: "\(c.trainImages)/\(c.testImages)/\(c.steps)", expected: "counts ≥ 1")
        }
        if c.training.backpropBlocks > 0 {
            guard c.backpropEpochs >= 1, c.backpropLearningRate > 0, c.backpropLearningRate.isFinite else {
                throw SpikingParameterError(type: "MonetaExperiment", field: "backpropEpochs/backpropLearningRate",
                                            value: "\(c.backpropEpochs)/\(c.backpropLearningRate)",
                                            expected: "epochs ≥ 1 and a finite learning rate > 0 (training \(c.training.rawValue))")
            }
        }
        let competition = try MonetaTableCompetition(winnerTakesIFM: c.competition.winnerTakesIFM,
                                                     thetaPlus: c.competition.thetaPlus, thetaDecay: c.competition.thetaDecay)
        guard !competition.winnerTakesIFM || c.training.stdpLearning == .pimFriendly else {
            throw SpikingParameterError(type: "MonetaExperiment", field: "competition", value: "winner takes the IFM, training \(c.training.rawValue)",
                                        expected: "training type2 or type5 (the filter-update table is PIM-friendly STDP's; Types 1 and 4 compete through cross-depth inhibition)")
        }
        let (trainSet, testSet) = try IDXImageFolder.load(data, classCount: 10)
        guard trainSet.featureCount == 784 else {
            throw SpikingParameterError(type: "MonetaExperiment", field: "data", value: "\(trainSet.featureShape)",
                                        expected: "28×28 images")
        }
        let train = trainSet.prefix(Swift.min(c.trainImages, trainSet.count))
        let test = testSet.prefix(Swift.min(c.testImages, testSet.count))
        let neuron = MonetaLIF(a: 0, b: c.leak, threshold: c.threshold)
        let g1 = try MonetaConvGeometry(inputRows: 28, inputColumns: 28, inputDepth: 1, filters: c.filters1)
        let g2 = try MonetaConvGeometry(inputRows: 14, inputColumns: 14, inputDepth: c.filters1, filters: c.filters2)
        let key = StreamKey("moneta", "mnist")
        var l1 = try MonetaConvLayer(geometry: g1, neuron: neuron, weights: MonetaConvLayer.randomWeights(
            g1, range: 0...c.initialWeightMaximum, seed: c.seed, key: key / "init" / "conv1"))
        var l2 = try MonetaConvLayer(geometry: g2, neuron: neuron, weights: MonetaConvLayer.randomWeights(
            g2, range: 0...c.initialWeightMaximum, seed: c.seed, key: key / "init" / "conv2"))
        l1.tableCompetition = competition
        l2.tableCompetition = competition
        let rule = c.stdp
        var lfsr = try LFSR(width: 16, seed: UInt32(truncatingIfNeeded: c.seed &* 2_654_435_761 &+ 1))

        func encode(_ set: LabeledDataset, _ i: Int, _ role: String) -> MonetaSpikeTensor {
            var g = SeededGenerator(seed: c.seed, key: key / "input" / role / "\(i)")
            let pixels = Array(set.inputs.scalars[(i * 784)..<((i + 1) * 784)])
            return MonetaSpikeTensor.bernoulli(pixels, rows: 28, columns: 28, depth: 1, steps: c.steps, pMax: c.pMax, using: &g)
        }
        func learn(_ layer: inout MonetaConvLayer, _ input: MonetaSpikeTensor) throws -> Int {
            switch c.training.stdpLearning {
            case .spikeCycleOrder?: return try layer.trainSpikeCycleOrder(input, rule: rule, lfsr: &lfsr).changedWeights
            case .pimFriendly?: return try layer.trainPIMFriendly(input, rule: rule, lfsr: &lfsr).changedWeights
            case nil: return 0
            }
        }

        // Layer-wise training: conv1 on all training images, then conv2 on conv1's output.
        var changed = [0, 0]
        if c.training.stdpLearning != nil {
            for i in 0..<train.count { changed[0] += try learn(&l1, encode(train, i, "train")) }
            for i in 0..<train.count {
                let hidden = try l1.infer(encode(train, i, "train"), dataflow: .ifmOrder).spikes
                changed[1] += try learn(&l2, hidden)
            }
        }

        // Features: spike counts of conv2 (inference in IFM order).
        var spikes = [0, 0], inputs = [0, 0], sops = 0
        var fired1 = [Bool](repeating: false, count: g1.filters), fired2 = [Bool](repeating: false, count: g2.filters)
        func features(_ set: LabeledDataset, _ role: String, count measure: Bool) throws -> [[Float]] {
            try (0..<set.count).map { i in
                let x = encode(set, i, role)
                let h = try l1.infer(x, dataflow: .ifmOrder)
                let o = try l2.infer(h.spikes, dataflow: .ifmOrder)
                if measure {
                    inputs[0] += x.total; inputs[1] += h.spikes.total
                    spikes[0] += h.spikes.total; spikes[1] += o.spikes.total
                    sops += h.counters.synapticOperations + o.counters.synapticOperations
                    for (k, s) in h.spikes.counts.enumerated() where s > 0 { fired1[k % g1.filters] = true }
                    for (k, s) in o.spikes.counts.enumerated() where s > 0 { fired2[k % g2.filters] = true }
                }
                return o.spikes.counts.map { Float($0) / Float(c.steps) }
            }
        }
        let stdp = c.training.hasSTDPBlock
        let stdpTrainX = stdp ? try features(train, "train", count: false) : []
        let stdpTestX = stdp ? try features(test, "test", count: true) : []

        // Types 3–5: backprop-trained blocks beside the STDP block, OFMs concatenated (Table 1).
        let blocks = try (0..<c.training.backpropBlocks).map { b in
            try backpropBlockFeatures(train: train, test: test, configuration: c, block: b)
        }
        for block in blocks { sops += block.testSynapticOperations }
        func concatenated(_ stdpX: [[Float]], _ blockX: [[[Float]]], count: Int) -> [[Float]] {
            (0..<count).map { i in blockX.flatMap { $0[i] } + (stdpX.isEmpty ? [] : stdpX[i]) }
        }
        let trainX = concatenated(stdpTrainX, blocks.map(\.train), count: train.count)
        let testX = concatenated(stdpTestX, blocks.map(\.test), count: test.count)
        func readoutAccuracy(_ trainX: [[Float]], _ testX: [[Float]]) -> (train: Double, test: Double) {
            let readout = SoftmaxReadout.train(trainX, labels: train.labels, classes: 10, epochs: c.readoutEpochs,
                                               learningRate: c.readoutLearningRate, seed: c.seed)
            return (readout.accuracy(trainX, labels: train.labels), readout.accuracy(testX, labels: test.labels))
        }
        let accuracy = readoutAccuracy(trainX, testX)
        let hybrid = !blocks.isEmpty
        let n = Double(test.count * c.steps)
        let outRates = stdp ? [Double(spikes[0]) / (n * Double(g1.positions * g1.filters)),
                               Double(spikes[1]) / (n * Double(g2.positions * g2.filters))] : []
        let inRates = stdp ? [Double(inputs[0]) / (n * Double(g1.inputSize)), Double(inputs[1]) / (n * Double(g2.inputSize))] : []
        let sopsPerImage = Double(sops) / Double(test.count)
        let table = EnergyTable.monetaInference
        // On-chip learning throughput at the STDP block's rate: the hybrid chip (two chips,
        // digest §3.4) for Types 4–5; Type 3 learns nothing on chip.
        let chip = hybrid ? MonetaChip.hybridPaper : MonetaChip.paper
        return Report(configuration: c, trainAccuracy: accuracy.train, testAccuracy: accuracy.test,
                      outputSpikeRates: outRates, inputSpikeRates: inRates, synapticOperationsPerImage: sopsPerImage,
                      learningOpsPerSecond: stdp ? try chip.learningOpsPerSecond(outputSpikeRate: Swift.min(outRates[1], 1)) : 0,
                      inferenceEnergyPerImageJ: sopsPerImage * table.synapticOperationJ,
                      changedWeights: stdp ? changed : [],
                      activeFilters: stdp ? [fired1.filter { $0 }.count, fired2.filter { $0 }.count] : [],
                      weights: stdp ? [l1.weights, l2.weights] : [],
                      stdpBlockTestAccuracy: hybrid && stdp ? readoutAccuracy(stdpTrainX, stdpTestX).test : nil,
                      backpropBlockTestAccuracy: hybrid ? readoutAccuracy(blocks[0].train, blocks[0].test).test : nil,
                      seconds: Date().timeIntervalSince(start))
    }
}

/// A softmax (multinomial logistic) readout trained by plain SGD, one sample at a time in a
/// seeded shuffled order (stream `readout/shuffle`).
public struct SoftmaxReadout: Sendable {
    public var weights: [Float]
    public var bias: [Float]
    public let features: Int
    public let classes: Int

    public static func train(_ x: [[Float]], labels: [Int], classes: Int, epochs: Int, learningRate: Float,
                             seed: UInt64) -> SoftmaxReadout {
        let f = x.first?.count ?? 0
        var r = SoftmaxReadout(weights: .init(repeating: 0, count: f * classes), bias: .init(repeating: 0, count: classes),
                               features: f, classes: classes)
        var g = SeededGenerator(seed: seed, key: StreamKey("readout", "shuffle"))
        var order = Array(x.indices)
        var p = [Float](repeating: 0, count: classes)
        for _ in 0..<Swift.max(0, epochs) {
            order.shuffle(using: &g)
            for i in order {
                r.probabilities(x[i], into: &p)
                for k in 0..<classes {
                    let grad = p[k] - (labels[i] == k ? 1 : 0)
                    guard grad != 0 else { continue }
                    r.bias[k] -= learningRate * grad
                    let base = k * f
                    for j in 0..<f where x[i][j] != 0 { r.weights[base + j] -= learningRate * grad * x[i][j] }
                }
            }
        }
        return r
    }

    func probabilities(_ x: [Float], into p: inout [Float]) {
        var m = -Float.infinity
        for k in 0..<classes {
            var s = bias[k]
            let base = k * features
            for j in 0..<features where x[j] != 0 { s += weights[base + j] * x[j] }
            p[k] = s
            m = Swift.max(m, s)
        }
        var total: Float = 0
        for k in 0..<classes { p[k] = Foundation.exp(p[k] - m); total += p[k] }
        for k in 0..<classes { p[k] /= total }
    }

    public func predict(_ x: [Float]) -> Int {
        var p = [Float](repeating: 0, count: classes)
        probabilities(x, into: &p)
        return p.indices.max { p[$0] < p[$1] } ?? 0
    }

    public func accuracy(_ x: [[Float]], labels: [Int]) -> Double {
        guard !x.isEmpty else { return 0 }
        return Double(zip(x, labels).filter { predict($0) == $1 }.count) / Double(x.count)
    }
}
