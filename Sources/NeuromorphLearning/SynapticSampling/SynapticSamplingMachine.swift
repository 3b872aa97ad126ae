import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN

/// A stochastic binary network for permutation-invariant MNIST (Neftci, §III; spec §1.3):
/// inputs binarized with noise (``NoisyBinarizer``), hidden layers of ±1 neurons, a
/// soft-max read-out, no biases anywhere.
///
/// - `s2m`: ``StochasticSynapseLinear`` connections (weight normalization with gain β) and
///   erf neurons. Trained in the analytic mode; evaluated either with sampled synapses and
///   deterministic sign neurons (the machine itself) or with sampled neurons (its Gaussian limit).
/// - `stochasticSigmoid`: the paper's SNN baseline, plain ``Linear`` connections without
///   biases and `P(z = 1) = σ(w·z)` neurons.
public struct SynapticSamplingNetwork: Layer {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case s2m
        case stochasticSigmoid = "stochastic_sigmoid"
    }

    /// How inference draws its randomness.
    public enum Evaluation: String, Sendable, Codable {
        /// Fresh Bernoulli synapse masks, sign neurons (S2M only).
        case sampledSynapses = "sampled_synapses"
        /// Neurons sampled from their firing probability (S2M: the erf limit; baseline: σ).
        case sampledNeurons = "sampled_neurons"
    }

    public let kind: Kind
    public var binarizer: NoisyBinarizer
    public var synapses: [StochasticSynapseLinear] = []
    public var linears: [Linear] = []
    public var neurons: [StochasticSign] = []
    public private(set) var evaluation: Evaluation = .sampledNeurons

    /// `sizes`: input, hidden…, classes (`[784, 300, 300, 300, 10]` in the paper).
    public init(kind: Kind, sizes: [Int], probability: Float = 0.5, inputNoise: Float = 0.3, seed: UInt64) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "SynapticSamplingNetwork: sizes \(sizes)")
        self.kind = kind
        let root = StreamKey("s2m", kind.rawValue)
        binarizer = NoisyBinarizer(noise: inputNoise, generator: SeededGenerator(seed: seed, key: root / "input"))
        var g = SeededGenerator(seed: seed, key: root / "init")
        for l in 0..<(sizes.count - 1) {
            switch kind {
            case .s2m:
                synapses.append(StochasticSynapseLinear(sizes[l], sizes[l + 1], probability: probability, generator: &g,
                                                        maskGenerator: SeededGenerator(seed: seed, key: root.child("masks", l))))
            case .stochasticSigmoid:
                // Xavier-uniform like the S2M layers, no bias.
                var layer = Linear(sizes[l], sizes[l + 1], bias: false, generator: &g)
                let bound = (6 / Float(sizes[l] + sizes[l + 1])).squareRoot()
                layer.weight.value = .randomUniform([sizes[l + 1], sizes[l]], lower: -bound, upper: bound, using: &g)
                linears.append(layer)
            }
            if l < sizes.count - 2 {
                neurons.append(StochasticSign(kind == .s2m ? .erf : .sigmoid,
                                              generator: SeededGenerator(seed: seed, key: root.child("neurons", l))))
            }
        }
    }

    public var layerCount: Int { kind == .s2m ? synapses.count : linears.count }

    public var summary: String {
        "SynapticSamplingNetwork(\(kind.rawValue), \(layerCount) layers, evaluation \(evaluation.rawValue))"
    }

    /// Chooses how inference samples.
    public mutating func setEvaluation(_ evaluation: Evaluation) {
        self.evaluation = kind == .s2m ? evaluation : .sampledNeurons
        for l in synapses.indices { synapses[l].mode = self.evaluation == .sampledSynapses ? .sampled : .analytic }
        for l in neurons.indices { neurons[l].sampling = self.evaluation == .sampledNeurons }
    }

    /// Multiplies every weight by `alpha` (S2M keeps its gains, the hardware's `a_i`).
    public mutating func scaleWeights(by alpha: Float) {
        for l in synapses.indices { synapses[l].scaleWeights(by: alpha) }
        for l in linears.indices { linears[l].weight.value *= alpha }
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        var z = binarizer.forward(input, mode: mode)
        for l in 0..<layerCount {
            let u = kind == .s2m ? synapses[l].forward(z, mode: mode) : linears[l].forward(z, mode: mode)
            if l < neurons.count { z = neurons[l].forward(u, mode: mode) } else { z = u }
        }
        return z
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: false)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        var g = outputGradient
        for l in stride(from: layerCount - 1, through: 0, by: -1) {
            if l < neurons.count { g = neurons[l].backward(g) }
            let needs = l > 0
            g = kind == .s2m ? synapses[l].backward(g, needsInputGradient: needs) : linears[l].backward(g, needsInputGradient: needs)
        }
        return g
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        for l in synapses.indices { try synapses[l].forEachParameter(body) }
        for l in linears.indices { try linears[l].forEachParameter(body) }
    }

    /// Test error of `samples` stochastic passes: the mean single-pass error and the error
    /// of their vote (summed one-hot predictions).
    public mutating func errorRate(_ data: LabeledDataset, samples: Int, batchSize: Int = 500) -> (mean: Double, vote: Double) {
        let flat = data.flattened()
        var wrong = 0
        let classes = data.classCount
        var votes = [Int](repeating: 0, count: flat.count * classes)
        for _ in 0..<samples {
            var start = 0
            while start < flat.count {
                let end = Swift.min(start + batchSize, flat.count)
                let predictions = forward(flat.inputs.gatherRows(start..<end), mode: .inference).argmaxRows()
                for (offset, p) in predictions.enumerated() {
                    let r = start + offset
                    if p != flat.labels[r] { wrong += 1 }
                    votes[r * classes + p] += 1
                }
                start = end
            }
        }
        var voteWrong = 0
        for r in 0..<flat.count {
            let row = votes[(r * classes)..<((r + 1) * classes)]
            let best = row.indices.max { row[$0] < row[$1] }! - r * classes
            if best != flat.labels[r] { voteWrong += 1 }
        }
        return (Double(wrong) / Double(samples * flat.count), Double(voteWrong) / Double(flat.count))
    }
}

/// The scaled S2M experiment (spec §2.3 "scaled training"): train in the analytic mode with
/// RMSprop on the soft-max NLL, then evaluate sampled, with weights × 1 and × `weightScale`.
public enum SynapticSamplingExperiment {
    public struct Configuration: Sendable, Codable, Equatable {
        public var kind: SynapticSamplingNetwork.Kind = .s2m
        public var hidden: [Int] = [300, 300, 300]
        public var probability: Float = 0.5
        public var inputNoise: Float = 0.3
        public var epochs = 100
        public var batchSize = 100
        /// RMSprop `lr` and `ρ` ([I] spec §1.3 defaults).
        public var learningRate: Float = 1e-3
        public var rho: Float = 0.9
        /// Stochastic passes per evaluation (paper: 100).
        public var samples = 10
        /// The inference weight scale of the robustness check (paper: 0.1).
        public var weightScale: Float = 0.1
        public var seed: UInt64 = 0
        /// Training images (the first ones) that the stability probes run on every epoch
        /// (``SynapticSamplingProbe``); 0 = no probes.
        public var probeImages = 0

        public init(kind: SynapticSamplingNetwork.Kind = .s2m, hidden: [Int] = [300, 300, 300], epochs: Int = 100,
                    samples: Int = 10, seed: UInt64 = 0) {
            self.kind = kind
            self.hidden = hidden
            self.epochs = epochs
            self.samples = samples
            self.seed = seed
        }

        public func validate() throws {
            func bad(_ field: String, _ value: Any, _ expected: String) -> LearningRuleParameterError {
                LearningRuleParameterError(type: "SynapticSamplingExperiment", field: field, value: "\(value)", expected: expected)
            }
            guard !hidden.isEmpty && hidden.allSatisfy({ $0 > 0 }) else { throw bad("hidden", hidden, "one or more positive layer sizes") }
            guard probability > 0 && probability < 1 else { throw bad("probability", probability, "p in (0, 1)") }
            guard inputNoise >= 0 && inputNoise.isFinite else { throw bad("input_noise", inputNoise, "σ ≥ 0") }
            guard epochs >= 0 else { throw bad("epochs", epochs, "0 or more") }
            guard batchSize >= 1 else { throw bad("batch_size", batchSize, "1 or more") }
            guard learningRate > 0 && learningRate.isFinite else { throw bad("learning_rate", learningRate, "a positive number") }
            guard samples >= 1 else { throw bad("samples", samples, "1 or more") }
            guard weightScale > 0 && weightScale.isFinite else { throw bad("weight_scale", weightScale, "a positive factor") }
            guard probeImages >= 0 else { throw bad("probe_images", probeImages, "0 or more") }
        }
    }

    public struct Result: Sendable, Codable, Equatable {
        public var kind: String
        public var seed: UInt64
        public var epochs: Int
        public var trainLoss: [Double]
        /// Mean single-pass test error with sampled synapses (S2M) or neurons (baseline), weights × 1.
        public var testError: Double
        public var testErrorVote: Double
        /// The same with weights × `weightScale` at inference.
        public var scaledTestError: Double
        public var scaledTestErrorVote: Double
        /// S2M only: sampled neurons (the erf limit) instead of sampled synapses, weights × 1.
        public var neuronSampledTestError: Double?
        public var weightScale: Double
        public var samples: Int
        public var seconds: Double
        /// The stability probes, epoch 0 (before training) to the last (empty without probes).
        public var probes: [SynapticSamplingProbe] = []
        public var probeSummary: SynapticSamplingProbeSummary?
    }

    public static func run(train: LabeledDataset, test: LabeledDataset, configuration c: Configuration,
                           onEpoch: (EpochMetrics) -> Void = { _ in }) throws -> Result {
        try c.validate()
        let flat = train.flattened()
        let classes = Swift.max(train.classCount, test.classCount)
        var network = SynapticSamplingNetwork(kind: c.kind, sizes: [flat.featureCount] + c.hidden + [classes],
                                              probability: c.probability, inputNoise: c.inputNoise, seed: c.seed)
        var optimizer = RMSprop(learningRate: c.learningRate, rho: c.rho)
        var procedure = Backpropagation()
        let start = Date()
        // Probes: the first `probeImages` training images, the last hidden layer (a copy of the
        // network runs them, so training is the same with or without probes).
        let probeInput = c.probeImages > 0 ? flat.inputs.gatherRows(0..<Swift.min(c.probeImages, flat.count)) : nil
        let lastHidden = network.neurons.count - 1
        let initialNorms = network.weightNorms(layer: lastHidden)
        var probes: [SynapticSamplingProbe] = []
        if let probeInput { probes.append(network.probe(epoch: 0, input: probeInput, initialNorms: initialNorms)) }
        let history = try Trainer.fit(&network, optimizer: &optimizer, procedure: &procedure, objective: Classification(),
                                      train: LabeledTensors(inputs: flat.inputs, labels: flat.labels),
                                      configuration: TrainingConfiguration(epochs: c.epochs, batchSize: c.batchSize, seed: c.seed,
                                                                           showProgress: false),
                                      onEpoch: onEpoch) { epoch, model, _ in
            if let probeInput { probes.append(model.probe(epoch: epoch, input: probeInput, initialNorms: initialNorms)) }
        }
        network.setEvaluation(c.kind == .s2m ? .sampledSynapses : .sampledNeurons)
        // The scaled copy starts from the same random streams, so for S2M the comparison
        // uses identical synapse masks.
        var scaled = network
        scaled.scaleWeights(by: c.weightScale)
        let plain = network.errorRate(test, samples: c.samples)
        var neuronSampled: Double?
        if c.kind == .s2m {
            var limit = network
            limit.setEvaluation(.sampledNeurons)
            neuronSampled = limit.errorRate(test, samples: c.samples).mean
        }
        let scaledError = scaled.errorRate(test, samples: c.samples)
        return Result(kind: c.kind.rawValue, seed: c.seed, epochs: c.epochs, trainLoss: history.map { Double($0.trainLoss) },
                      testError: plain.mean, testErrorVote: plain.vote, scaledTestError: scaledError.mean,
                      scaledTestErrorVote: scaledError.vote, neuronSampledTestError: neuronSampled,
                      weightScale: Double(c.weightScale), samples: c.samples, seconds: Date().timeIntervalSince(start),
                      probes: probes, probeSummary: SynapticSamplingProbeSummary(probes))
    }
}
