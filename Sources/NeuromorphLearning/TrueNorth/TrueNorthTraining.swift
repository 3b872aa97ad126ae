import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN

/// The hyperparameters of the TrueNorth training schedule (Appuswamy et al. 2016 §4;
/// learning-rules note §1.4):
///
/// 1. `floatEpochs` of real kernels with ReLU (the "ReLU float network" baseline);
/// 2. layer by layer: project the layer's kernels to the nearest symmetric trinary kernels,
///    freeze them (their gain α and shift β keep training), train `projectionEpochsPerLayer`
///    epochs;
/// 3. all activations become the bounded noisy ReLU clip(x + η, 0, 1); the noise width
///    grows linearly to `maxNoiseWidth` over `noiseEpochs` epochs;
/// 4. layer by layer: the activation becomes the threshold unit, then
///    `thresholdEpochsPerLayer` epochs of training.
///
/// `order = .projectFirst` is the paper's order (kernels while activations are still real,
/// then binarization); `.binarizeFirst` runs 3 and 4 before 2 ([I], an alternative measured
/// in docs/learning-rules-truenorth.md).
///
/// Deviation [I]: Adam (NeuromorphNN's) instead of the paper's SGD with momentum, no dropout
/// and no batch norm (the per-feature gain α and shift β of a frozen layer play batch
/// norm's role), to keep the scaled run short on 2 cores; the learning rate halves after
/// step 1.
public struct TrueNorthTrainingConfiguration: Sendable, Equatable, Codable {
    public var network: TrueNorthNetworkConfiguration
    public var floatEpochs: Int
    public var projectionEpochsPerLayer: Int
    public var noiseEpochs: Int
    public var maxNoiseWidth: Float
    public var thresholdEpochsPerLayer: Int
    public var batchSize: Int
    public var learningRate: Float
    public var seed: UInt64
    public var order: Order
    /// The kernel constraint: `symmetric` (the paper's) or `trinary` (a diagnostic: free
    /// trinary kernels, not compiled into cores).
    public var kernels: KernelConstraint
    /// Whether the layers are projected first to last (`bottomUp`) or last to first
    /// (`topDown`: the still-real layers below a frozen one can adapt to it).
    public var projectionOrder: ProjectionOrder
    /// Random EM starts per commuting pair in the symmetric projection (besides all-zero bases).
    public var projectionRestarts: Int
    /// Epochs at the very end with everything in place (only gains and biases of frozen
    /// layers train).
    public var finalEpochs: Int
    /// Test images run through the integer core simulation (all of them when nil).
    public var coreCheckImages: Int?
    /// What happens to a layer's kernels after its symmetric projection: `frozen` (the
    /// paper's) or `straightThrough` (``SymmetricRefinement``, [I]).
    public var kernelTraining: KernelTraining
    /// The learning rate within every recovery block (the epochs after each layer's
    /// projection) and the final epochs: `constant` or `cosine` (annealed to 0 over each
    /// block's batches). The float, noisy-ReLU and threshold stages keep the constant rate.
    public var learningRateSchedule: LearningRateSchedule

    public init(network: TrueNorthNetworkConfiguration = .fashionSmall, floatEpochs: Int = 6, projectionEpochsPerLayer: Int = 1,
                noiseEpochs: Int = 3, maxNoiseWidth: Float = 1, thresholdEpochsPerLayer: Int = 1, batchSize: Int = 64,
                learningRate: Float = 2e-3, seed: UInt64 = 1, order: Order = .projectFirst, projectionRestarts: Int = 8, finalEpochs: Int = 0,
                projectionOrder: ProjectionOrder = .bottomUp, kernels: KernelConstraint = .symmetric,
                coreCheckImages: Int? = nil, kernelTraining: KernelTraining = .frozen,
                learningRateSchedule: LearningRateSchedule = .constant) {
        self.network = network
        self.floatEpochs = floatEpochs
        self.projectionEpochsPerLayer = projectionEpochsPerLayer
        self.noiseEpochs = noiseEpochs
        self.maxNoiseWidth = maxNoiseWidth
        self.thresholdEpochsPerLayer = thresholdEpochsPerLayer
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
        self.order = order
        self.projectionRestarts = projectionRestarts
        self.projectionOrder = projectionOrder
        self.kernels = kernels
        self.finalEpochs = finalEpochs
        self.coreCheckImages = coreCheckImages
        self.kernelTraining = kernelTraining
        self.learningRateSchedule = learningRateSchedule
    }

    /// The learning rate over the batches of one recovery block ([I]; the paper trains each
    /// stage with SGD "until validation saturates", Appuswamy et al. 2016 §4). Annealing
    /// every stage was measured too and hurts the noisy-ReLU stage, whose noise grows while
    /// the rate falls (docs/learning-rules-truenorth.md "Cosine recovery").
    public enum LearningRateSchedule: String, Sendable, Equatable, Codable, CaseIterable {
        /// The base rate throughout.
        case constant
        /// Cosine annealing restarted at every recovery block (PyTorch's `CosineAnnealingLR` with
        /// `eta_min = 0`, `T_max` = the block's batches): `η_t = η₀ · (1 + cos(π t / T)) / 2`,
        /// t = 0 … T−1, so a block ends with small steps and the next projection starts from a
        /// settled network.
        case cosine

        /// The factor η_t / η₀ at batch `step` of a block of `total` batches.
        public func factor(step: Int, of total: Int) -> Float {
            switch self {
            case .constant: return 1
            case .cosine:
                guard total > 0 else { return 1 }
                return Float((1 + cos(Double.pi * Double(step) / Double(total))) / 2)
            }
        }
    }

    /// What trains after a layer's symmetric projection.
    public enum KernelTraining: String, Sendable, Equatable, Codable, CaseIterable {
        /// The kernels stay as projected; only α and β train (Appuswamy et al. 2016 §4).
        case frozen
        /// The real kernels keep training straight through the projection, the group's
        /// (σ, ρ, b) fixed (``SymmetricRefinement``; [I]). Symmetric kernels only.
        case straightThrough = "straight-through"
    }

    /// The order of the projection and binarization stages.
    public enum Order: String, Sendable, Equatable, Codable, CaseIterable {
        /// Symmetric kernels first, then noisy ReLU and thresholds (Appuswamy et al. 2016 §4).
        case projectFirst = "project-first"
        /// Noisy ReLU and thresholds first, then symmetric kernels.
        case binarizeFirst = "binarize-first"
    }

    /// What the real kernels are projected onto.
    public enum KernelConstraint: String, Sendable, Equatable, Codable, CaseIterable {
        case symmetric
        /// Symmetric kernels with a per-feature connectivity mask (the crossbar C of
        /// `W = C ∘ S(g)`; [I]); compiled into cores like `symmetric`.
        case maskedSymmetric = "masked-symmetric"
        /// Diagnostic: one symmetric kernel per feature (no shared type vector), not compiled.
        case symmetricPerFeature = "symmetric-per-feature"
        case trinary
    }

    /// The order in which layers are projected to symmetric kernels.
    public enum ProjectionOrder: String, Sendable, Equatable, Codable, CaseIterable {
        case bottomUp = "bottom-up"
        case topDown = "top-down"
    }

    /// - Throws: `LearningRuleParameterError` naming the first field out of range.
    public func validate() throws {
        func fail(_ field: String, _ value: String, _ expected: String) -> LearningRuleParameterError {
            LearningRuleParameterError(type: "TrueNorthTrainingConfiguration", field: field, value: value, expected: expected)
        }
        for (field, value) in [("floatEpochs", floatEpochs), ("projectionEpochsPerLayer", projectionEpochsPerLayer),
                               ("noiseEpochs", noiseEpochs), ("thresholdEpochsPerLayer", thresholdEpochsPerLayer),
                               ("projectionRestarts", projectionRestarts), ("finalEpochs", finalEpochs)] where value < 0 {
            throw fail(field, "\(value)", "0 or more")
        }
        guard batchSize >= 1 else { throw fail("batchSize", "\(batchSize)", "1 or more") }
        guard learningRate > 0, learningRate.isFinite else { throw fail("learningRate", "\(learningRate)", "a positive number") }
        guard maxNoiseWidth >= 0, maxNoiseWidth.isFinite else { throw fail("maxNoiseWidth", "\(maxNoiseWidth)", "0 or more") }
        if let n = coreCheckImages, n < 0 { throw fail("coreCheckImages", "\(n)", "0 or more") }
        if kernelTraining == .straightThrough && kernels != .symmetric && kernels != .maskedSymmetric {
            throw fail("kernelTraining", kernelTraining.rawValue, "frozen with kernels \(kernels.rawValue) (straight-through needs symmetric or masked-symmetric)")
        }
        if network.layers.contains(where: { $0.signatureClusters != 1 }) {
            if kernelTraining == .straightThrough {
                throw fail("kernelTraining", kernelTraining.rawValue, "frozen with signature clusters (straight-through keeps one (σ, ρ, b) per group)")
            }
            if kernels != .symmetric && kernels != .maskedSymmetric {
                throw fail("network.layers.signatureClusters", network.layers.map { "\($0.signatureClusters)" }.joined(separator: ","),
                           "all 1 with kernels \(kernels.rawValue) (clusters need symmetric or masked-symmetric)")
            }
        }
    }
}

/// What a TrueNorth training run measured.
public struct TrueNorthTrainingResult: Sendable, Codable {
    public struct Stage: Sendable, Codable {
        public var name: String
        public var epochs: Int
        /// Mean training loss of the stage's last epoch (nil for a stage of 0 epochs).
        public var trainLoss: Float?
        public var testAccuracy: Float
    }
    public var seed: UInt64
    public var trainImages: Int
    public var testImages: Int
    public var stages: [Stage]
    /// Test accuracy of the ReLU float network with real kernels (after step 1).
    public var floatReLUAccuracy: Float
    /// Test accuracy of the binary network with symmetric trinary kernels.
    public var binaryAccuracy: Float
    /// floatReLUAccuracy − binaryAccuracy, in percentage points.
    public var dropPoints: Float
    /// Images run through the integer core simulation and how many predictions agreed with
    /// the float binary network.
    public var coreCheckedImages: Int
    public var coreAgreeingPredictions: Int
    /// Accuracy of the core simulation on the checked images.
    public var coreAccuracy: Float
    /// Relative residual ‖W − αK‖²/‖W‖² of each layer's symmetric projection.
    public var projectionResiduals: [Float]
    public var coresSymmetric: [Int]
    public var coresUnconstrained: [Int]
    public var coresSymmetricTotal: Int
    public var coresUnconstrainedTotal: Int
    public var seconds: Double

    init(seed: UInt64, trainImages: Int, testImages: Int, stages: [Stage], floatReLUAccuracy: Float, binaryAccuracy: Float,
         coreCheckedImages: Int, coreAgreeingPredictions: Int, coreAccuracy: Float, projectionResiduals: [Float],
         coresSymmetric: [Int],
         coresUnconstrained: [Int], seconds: Double) {
        self.seed = seed
        self.trainImages = trainImages
        self.testImages = testImages
        self.stages = stages
        self.floatReLUAccuracy = floatReLUAccuracy
        self.binaryAccuracy = binaryAccuracy
        self.dropPoints = (floatReLUAccuracy - binaryAccuracy) * 100
        self.coreCheckedImages = coreCheckedImages
        self.coreAgreeingPredictions = coreAgreeingPredictions
        self.coreAccuracy = coreAccuracy
        self.projectionResiduals = projectionResiduals
        self.coresSymmetric = coresSymmetric
        self.coresUnconstrained = coresUnconstrained
        self.coresSymmetricTotal = coresSymmetric.reduce(0, +)
        self.coresUnconstrainedTotal = coresUnconstrained.reduce(0, +)
        self.seconds = seconds
    }
}

/// Runs the TrueNorth schedule (``TrueNorthTrainingConfiguration``) on a labeled image set and
/// checks the compiled cores against the float binary network.
public enum TrueNorthTraining {
    /// Trains, binarizes, projects, compiles and checks. `progress` receives one line per
    /// stage epoch.
    ///
    /// - Throws: `LearningRuleParameterError` for a bad configuration or images that do not
    ///   match the network's input size.
    public static func run(_ configuration: TrueNorthTrainingConfiguration, train: LabeledDataset, test: LabeledDataset,
                           progress: (String) -> Void = { _ in }) throws -> (result: TrueNorthTrainingResult, network: TrueNorthNetwork) {
        try configuration.validate()
        let pixels = configuration.network.height * configuration.network.width
        for (name, data) in [("train", train), ("test", test)] where data.featureCount != pixels {
            throw LearningRuleParameterError(type: "TrueNorthTraining", field: name, value: "images of \(data.featureCount) pixels",
                                             expected: "\(configuration.network.height)×\(configuration.network.width) images")
        }
        let clock = ContinuousClock(), start = clock.now
        var network = try TrueNorthNetwork(configuration.network, seed: configuration.seed)
        let trainX = network.encode(train.inputs), testX = network.encode(test.inputs)
        var optimizer = Adam(learningRate: configuration.learningRate)
        var shuffle = SeededGenerator(seed: configuration.seed, key: StreamKey("truenorth", "shuffle"))
        var stages: [TrueNorthTrainingResult.Stage] = []
        var residuals = [Float](repeating: 0, count: configuration.network.layers.count)

        func accuracy(_ net: inout TrueNorthNetwork) -> Float {
            var correct = 0
            for s in stride(from: 0, to: test.count, by: 500) {
                let indices = s..<Swift.min(s + 500, test.count)
                let predicted = net.predict(testX.gatherRows(indices))
                for (k, i) in indices.enumerated() where predicted[k] == test.labels[i] { correct += 1 }
            }
            return Float(correct) / Float(Swift.max(test.count, 1))
        }
        var baseRate = configuration.learningRate
        let batchesPerEpoch = (train.count + configuration.batchSize - 1) / configuration.batchSize
        func epochs(_ count: Int, _ name: String, schedule: TrueNorthTrainingConfiguration.LearningRateSchedule = .constant,
                    before: (Int) -> Void = { _ in }) {
            var loss: Float?
            var step = 0
            for e in 0..<count {
                before(e)
                let order = shuffle.permutation(train.count)
                var total: Double = 0, batches = 0
                for s in stride(from: 0, to: order.count, by: configuration.batchSize) {
                    let indices = order[s..<Swift.min(s + configuration.batchSize, order.count)]
                    optimizer.learningRate = baseRate * schedule.factor(step: step, of: count * batchesPerEpoch)
                    step += 1
                    let output = network.forward(trainX.gatherRows(indices), mode: .training)
                    let (value, gradient) = SoftmaxCrossEntropy().evaluate(output, .classes(indices.map { train.labels[$0] }))
                    _ = network.backward(gradient, needsInputGradient: false)
                    var slot = 0
                    network.update(with: &optimizer, slot: &slot)
                    optimizer.finishStep()
                    total += Double(value)
                    batches += 1
                }
                loss = Float(total / Double(Swift.max(batches, 1)))
                progress("  \(name) epoch \(e + 1)/\(count): loss \(String(format: "%.4f", loss ?? 0))")
            }
            let acc = accuracy(&network)
            stages.append(.init(name: name, epochs: count, trainLoss: loss, testAccuracy: acc))
            progress("\(name): test accuracy \(String(format: "%.2f", acc * 100)) %")
        }

        // 1. Real kernels, ReLU.
        epochs(configuration.floatEpochs, "float ReLU")
        let floatAccuracy = stages.last?.testAccuracy ?? 0
        baseRate = configuration.learningRate / 2
        // 2. Symmetric kernels, layer by layer.
        func project() throws {
            let layers = Array(network.convolutions.indices)
            for i in configuration.projectionOrder == .bottomUp ? layers : layers.reversed() {
                switch configuration.kernels {
                case .symmetric, .maskedSymmetric:
                    residuals[i] = try network.convolutions[i].projectToSymmetric(seed: configuration.seed &+ UInt64(i) &* 1000,
                                                                                  restarts: configuration.projectionRestarts,
                                                                                  masked: configuration.kernels == .maskedSymmetric,
                                                                                  refine: configuration.kernelTraining == .straightThrough,
                                                                                  clusters: configuration.network.layers[i].signatureClusters)
                case .symmetricPerFeature:
                    residuals[i] = try network.convolutions[i].projectToSymmetricPerFeature(
                        seed: configuration.seed &+ UInt64(i) &* 1000, restarts: configuration.projectionRestarts)
                case .trinary:
                    residuals[i] = network.convolutions[i].projectToTrinary()
                }
                progress("layer \(i + 1) projected: relative residual ‖W − αK‖²/‖W‖² = \(String(format: "%.3f", residuals[i]))")
                epochs(configuration.projectionEpochsPerLayer, "\(configuration.kernels.rawValue) layer \(i + 1)",
                       schedule: configuration.learningRateSchedule)
            }
        }
        func binarize() {
            // 3. Bounded noisy ReLU with growing noise.
            for i in network.activations.indices { network.activations[i].mode = .noisyReLU(width: 0) }
            epochs(configuration.noiseEpochs, "noisy ReLU") { e in
                let width = configuration.maxNoiseWidth * Float(e + 1) / Float(configuration.noiseEpochs)
                for i in network.activations.indices { network.activations[i].mode = .noisyReLU(width: width) }
            }
            // 4. Threshold units, layer by layer.
            for i in network.activations.indices {
                network.activations[i].mode = .threshold
                epochs(configuration.thresholdEpochsPerLayer, "threshold layer \(i + 1)")
            }
        }
        switch configuration.order {
        case .projectFirst: try project(); binarize()
        case .binarizeFirst: binarize(); try project()
        }
        if configuration.finalEpochs > 0 { epochs(configuration.finalEpochs, "final", schedule: configuration.learningRateSchedule) }
        let binaryAccuracy = stages.last?.testAccuracy ?? 0

        // Cores: compile, simulate, compare (symmetric kernels only).
        let compiled = configuration.kernels == .symmetric || configuration.kernels == .maskedSymmetric
        let cores = compiled ? try TrueNorthCoreNetwork(network) : nil
        let checked = cores == nil ? 0 : Swift.min(configuration.coreCheckImages ?? test.count, test.count)
        var agree = 0, coreCorrect = 0
        for s in stride(from: 0, to: checked, by: 500) {
            let indices = s..<Swift.min(s + 500, checked)
            let batch = testX.gatherRows(indices)
            let floatPredictions = network.predict(batch)
            let width = batch.count / indices.count
            for (k, i) in indices.enumerated() {
                let spikes = batch.scalars[(k * width)..<((k + 1) * width)].map { $0 != 0 }
                guard let prediction = cores?.classify(spikes).prediction else { continue }
                if prediction == floatPredictions[k] { agree += 1 }
                if prediction == test.labels[i] { coreCorrect += 1 }
            }
        }
        let counts = try TrueNorthCoreMapper.compare(try configuration.network.geometries())
        let elapsed = clock.now - start
        let result = TrueNorthTrainingResult(
            seed: configuration.seed, trainImages: train.count, testImages: test.count, stages: stages,
            floatReLUAccuracy: floatAccuracy, binaryAccuracy: binaryAccuracy, coreCheckedImages: checked,
            coreAgreeingPredictions: agree, coreAccuracy: Float(coreCorrect) / Float(Swift.max(checked, 1)), projectionResiduals: residuals,
            coresSymmetric: cores?.coreCounts ?? counts.symmetric, coresUnconstrained: counts.unconstrained,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        return (result, network)
    }
}
