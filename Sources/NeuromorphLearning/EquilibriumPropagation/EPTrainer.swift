import NeuromorphCore
import NeuromorphData

/// Everything an EP training run needs (learning-rules §1.1 "Per minibatch" and Table 1).
public struct EPTrainingSettings: Codable, Sendable, Equatable {
    public var architecture: EPArchitecture
    public var estimator: EPEstimator
    /// Nudging strength β (> 0; the random-sign estimator draws its sign per batch).
    public var beta: Double
    /// T: free-phase steps.
    public var freeSteps: Int
    /// K: steps of each nudged phase.
    public var nudgedSteps: Int
    /// Free-phase steps at evaluation (default T).
    public var evaluationSteps: Int?
    public var batchSize: Int
    public var epochs: Int
    /// One initial rate per state layer, plus one for a cross-entropy readout.
    public var learningRates: [Double]
    public var momentum: Double
    public var weightDecay: Double
    public var schedule: EPCosineSchedule?
    public var seed: UInt64
    /// Nudge inside σ (the reference code, default) or outside (the paper's Eq. 3).
    public var nudgeInside: Bool

    public init(architecture: EPArchitecture, estimator: EPEstimator, beta: Double, freeSteps: Int, nudgedSteps: Int,
                evaluationSteps: Int? = nil, batchSize: Int, epochs: Int, learningRates: [Double], momentum: Double = 0,
                weightDecay: Double = 0, schedule: EPCosineSchedule? = nil, seed: UInt64 = 1, nudgeInside: Bool = true) {
        self.architecture = architecture
        self.estimator = estimator
        self.beta = beta
        self.freeSteps = freeSteps
        self.nudgedSteps = nudgedSteps
        self.evaluationSteps = evaluationSteps
        self.batchSize = batchSize
        self.epochs = epochs
        self.learningRates = learningRates
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.schedule = schedule
        self.seed = seed
        self.nudgeInside = nudgeInside
    }

    /// Checks every field; throws naming it and the accepted form.
    public func validate() throws {
        func fail(_ field: String, _ value: String, _ expected: String) -> LearningRuleParameterError {
            LearningRuleParameterError(type: "EPTrainingSettings", field: field, value: value, expected: expected)
        }
        try architecture.validate()
        guard beta > 0, beta.isFinite else { throw fail("beta", "\(beta)", "a positive finite nudging strength") }
        guard freeSteps >= 1 else { throw fail("freeSteps", "\(freeSteps)", "at least 1") }
        guard nudgedSteps >= 1 else { throw fail("nudgedSteps", "\(nudgedSteps)", "at least 1") }
        if let e = evaluationSteps, e < 1 { throw fail("evaluationSteps", "\(e)", "at least 1") }
        guard batchSize >= 1 else { throw fail("batchSize", "\(batchSize)", "at least 1") }
        guard epochs >= 0 else { throw fail("epochs", "\(epochs)", "0 or more") }
        guard estimator.needsBackwardWeights == architecture.unidirectional else {
            throw fail("estimator", estimator.rawValue, architecture.unidirectional
                       ? "vf or kp-vf for an architecture with backward weights"
                       : "one-sided, random-sign or symmetric (vf and kp-vf need architecture.unidirectional = true)")
        }
    }
}

/// A labeled set as contiguous scalars in the per-example layout, for EP batches.
public struct EPDataset<S: EPScalar>: Sendable {
    public var inputs: [S]
    public var labels: [Int]
    public let featureCount: Int
    public var count: Int { labels.count }

    public init(inputs: [S], labels: [Int], featureCount: Int) {
        precondition(inputs.count == labels.count * featureCount, "EPDataset: \(inputs.count) scalars for \(labels.count)×\(featureCount)")
        self.inputs = inputs
        self.labels = labels
        self.featureCount = featureCount
    }

    /// The examples of a ``LabeledDataset`` (any feature shape; flattened per example).
    public init(_ data: LabeledDataset) {
        self.init(inputs: data.inputs.scalars.map { S($0) }, labels: data.labels, featureCount: data.featureCount)
    }

    /// The examples at `indices` as a batch.
    public func batch(_ indices: some Collection<Int>) -> EPBatch<S> {
        var x = [S]()
        x.reserveCapacity(indices.count * featureCount)
        for i in indices { x.append(contentsOf: inputs[(i * featureCount)..<((i + 1) * featureCount)]) }
        return EPBatch(inputs: x, labels: indices.map { labels[$0] })
    }
}

/// One epoch of an EP run.
public struct EPEpochRecord: Codable, Sendable, Equatable {
    public var epoch: Int
    /// Mean free-phase loss L* over the epoch's training batches (before each update).
    public var trainLoss: Double
    /// Accuracy of the free phase on the training batches as they were trained (before each update).
    public var trainAccuracy: Double
    public var testAccuracy: Double
    public var learningRates: [Double]
    /// Angle (degrees) between each forward weight and its backward twin (unidirectional nets, Fig. 5).
    public var alignmentAnglesDegrees: [Double]?
    public var seconds: Double

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, testAccuracy: Double, learningRates: [Double],
                alignmentAnglesDegrees: [Double]?, seconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.testAccuracy = testAccuracy
        self.learningRates = learningRates
        self.alignmentAnglesDegrees = alignmentAnglesDegrees
        self.seconds = seconds
    }
}

/// Trains an ``EPNetwork`` with minibatches: per batch T free steps from 0, the nudged phase(s),
/// the estimate, one SGD step (learning-rules §1.1 "Per minibatch" [EXT]); evaluation is T free
/// steps then the argmax.
///
/// Draws: weights from `seed`; the epoch's example order from stream `ep/shuffle/epoch.e`;
/// the random-sign estimator's signs from `ep/sign`.
public struct EPTrainer<S: EPScalar>: Sendable {
    public var network: EPNetwork<S>
    public var optimizer: EPSGD<S>
    public let settings: EPTrainingSettings
    private var signs: SeededGenerator

    public init(settings: EPTrainingSettings) throws {
        try settings.validate()
        self.settings = settings
        self.network = try EPNetwork(architecture: settings.architecture, seed: settings.seed)
        self.optimizer = try EPSGD(learningRates: settings.learningRates, momentum: settings.momentum,
                                   weightDecay: settings.weightDecay, schedule: settings.schedule,
                                   groups: network.learningRateGroups)
        self.signs = SeededGenerator(seed: settings.seed, key: StreamKey("ep", "sign"))
    }

    /// One learning step on `batch` at `epoch`; returns the free-phase loss and the number of
    /// correct free-phase predictions.
    public mutating func step(_ batch: EPBatch<S>, epoch: Int) throws -> (loss: S, correct: Int) {
        var beta = S(settings.beta)
        if settings.estimator == .randomSign, signs.nextBernoulli(0.5) { beta = -beta }
        let estimate = try network.estimate(batch, estimator: settings.estimator, beta: beta,
                                            freeSteps: settings.freeSteps, nudgedSteps: settings.nudgedSteps,
                                            nudgeInside: settings.nudgeInside)
        let out = network.output(estimate.free, batch: batch.size)
        let c = settings.architecture.classes
        var correct = 0
        for r in 0..<batch.size {
            var best = 0
            for k in 1..<c where out[r * c + k] > out[r * c + best] { best = k }
            if best == batch.labels[r] { correct += 1 }
        }
        optimizer.step(&network.parameters, gradient: estimate.gradient, epoch: epoch)
        return (estimate.freeLoss, correct)
    }

    /// One pass over `data` in a seeded random order.
    public mutating func trainEpoch(_ data: EPDataset<S>, epoch: Int) throws -> (loss: Double, accuracy: Double) {
        var g = SeededGenerator(seed: settings.seed, key: StreamKey("ep", "shuffle").child("epoch", epoch))
        let order = g.permutation(data.count)
        var (lossSum, correct, batches) = (0.0, 0, 0)
        for start in stride(from: 0, to: order.count, by: settings.batchSize) {
            let batch = data.batch(order[start..<Swift.min(start + settings.batchSize, order.count)])
            let r = try step(batch, epoch: epoch)
            lossSum += Double(r.loss)
            correct += r.correct
            batches += 1
        }
        return (batches > 0 ? lossSum / Double(batches) : 0, data.count > 0 ? Double(correct) / Double(data.count) : 0)
    }

    /// Accuracy after `evaluationSteps` (default T) free steps.
    public func accuracy(_ data: EPDataset<S>, batchSize: Int = 256) -> Double {
        guard data.count > 0 else { return 0 }
        var correct = 0
        for start in stride(from: 0, to: data.count, by: batchSize) {
            let batch = data.batch(start..<Swift.min(start + batchSize, data.count))
            let predicted = network.predict(batch, steps: settings.evaluationSteps ?? settings.freeSteps)
            correct += zip(predicted, batch.labels).filter { $0 == $1 }.count
        }
        return Double(correct) / Double(data.count)
    }

    /// Angle between each forward weight and its backward twin, in degrees (Fig. 5).
    public var alignmentAnglesDegrees: [Double] {
        network.forwardBackwardPairs.map { EPVectorMeasure.angleDegrees(network.parameters.tensors[$0.forward],
                                                                        network.parameters.tensors[$0.backward]) }
    }
}

/// The result of ``EquilibriumPropagationRun/run(settings:train:test:progress:)``.
public struct EPRunResult: Codable, Sendable {
    public var settings: EPTrainingSettings
    public var trainExamples: Int
    public var testExamples: Int
    public var initialTestAccuracy: Double
    public var epochs: [EPEpochRecord]

    public init(settings: EPTrainingSettings, trainExamples: Int, testExamples: Int, initialTestAccuracy: Double,
                epochs: [EPEpochRecord]) {
        self.settings = settings
        self.trainExamples = trainExamples
        self.testExamples = testExamples
        self.initialTestAccuracy = initialTestAccuracy
        self.epochs = epochs
    }

    public var finalTestAccuracy: Double { epochs.last?.testAccuracy ?? initialTestAccuracy }
}

/// A whole EP training run in `Float` (the entry point the CLI uses; specialized inside this module).
public enum EquilibriumPropagationRun {
    /// Trains on `train` for `settings.epochs` epochs, evaluating on `test` after each; calls
    /// `progress` after each epoch.
    public static func run(settings: EPTrainingSettings, train: LabeledDataset, test: LabeledDataset,
                           progress: (EPEpochRecord) -> Void = { _ in }) throws -> EPRunResult {
        let features = settings.architecture.inputShape.reduce(1, *)
        for (name, data) in [("train", train), ("test", test)] where data.featureCount != features {
            throw LearningRuleParameterError(type: "EquilibriumPropagationRun", field: "\(name) data",
                                             value: "\(data.featureCount) features per example",
                                             expected: "\(features) (input shape \(settings.architecture.inputShape))")
        }
        for (name, data) in [("train", train), ("test", test)] where data.classCount > settings.architecture.classes {
            throw LearningRuleParameterError(type: "EquilibriumPropagationRun", field: "\(name) data",
                                             value: "\(data.classCount) classes",
                                             expected: "at most \(settings.architecture.classes) classes")
        }
        var trainer = try EPTrainer<Float>(settings: settings)
        let trainSet = EPDataset<Float>(train), testSet = EPDataset<Float>(test)
        var result = EPRunResult(settings: settings, trainExamples: train.count, testExamples: test.count,
                                 initialTestAccuracy: trainer.accuracy(testSet), epochs: [])
        let clock = ContinuousClock()
        for epoch in 0..<settings.epochs {
            let start = clock.now
            let rates = trainer.optimizer.rates(epoch: epoch)
            let (loss, accuracy) = try trainer.trainEpoch(trainSet, epoch: epoch)
            let testAccuracy = trainer.accuracy(testSet)
            let elapsed = clock.now - start
            let record = EPEpochRecord(
                epoch: epoch + 1, trainLoss: loss, trainAccuracy: accuracy, testAccuracy: testAccuracy,
                learningRates: rates,
                alignmentAnglesDegrees: settings.architecture.unidirectional ? trainer.alignmentAnglesDegrees : nil,
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            result.epochs.append(record)
            progress(record)
        }
        return result
    }
}
