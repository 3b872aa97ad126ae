import Foundation
import NeuromorphCore

/// A labelled data set in memory: `inputs` is `[N, …]`, one label per row.
public struct LabeledTensors: Sendable {
    public var inputs: Tensor
    public var labels: [Int]
    public init(inputs: Tensor, labels: [Int]) {
        precondition(inputs.shape.first == labels.count, "LabeledTensors: \(labels.count) labels for inputs \(inputs.shape)")
        self.inputs = inputs
        self.labels = labels
    }
    public var count: Int { labels.count }
}

/// The knobs of a training run.
public struct TrainingConfiguration: Sendable, Codable, Equatable {
    public var epochs: Int
    public var batchSize: Int
    public var schedule: LearningRateSchedule
    /// Seed of the shuffling stream.
    public var seed: UInt64
    /// Stop after this many epochs without a better monitored loss (`nil`: never).
    public var earlyStoppingPatience: Int?
    public var evaluationBatchSize: Int
    public var showProgress: Bool
    /// The first epoch to run (0-based): a resumed run skips the epochs a checkpoint already
    /// holds, replaying their shuffles so the data order continues exactly.
    public var startEpoch: Int = 0

    public init(epochs: Int, batchSize: Int, schedule: LearningRateSchedule = .constant, seed: UInt64 = 0,
                earlyStoppingPatience: Int? = nil, evaluationBatchSize: Int = 1000, showProgress: Bool = true) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.schedule = schedule
        self.seed = seed
        self.earlyStoppingPatience = earlyStoppingPatience
        self.evaluationBatchSize = evaluationBatchSize
        self.showProgress = showProgress
    }
}

/// Loss and accuracy of a model on a data set.
public struct Evaluation: Sendable, Codable, Equatable {
    public var loss: Float
    public var accuracy: Float
}

/// What one epoch measured.
public struct EpochMetrics: Sendable, Codable, Equatable {
    public var epoch: Int
    public var learningRate: Float
    public var trainLoss: Float
    public var trainAccuracy: Float
    public var validation: Evaluation?
    public var test: Evaluation?
    /// Wall seconds of the training pass (evaluation excluded).
    public var trainSeconds: Double
}

/// Mini-batch training with evaluation, schedules, early stopping and a progress bar.
public enum Trainer {
    /// One optimization step on one batch: forward, loss, backward, update. Returns the
    /// batch loss and the number of correct predictions.
    @discardableResult
    public static func step<M: Layer, O: Optimizer>(_ model: inout M, optimizer: inout O, loss: any Loss,
                                                    inputs: Tensor, labels: [Int]) -> (loss: Float, correct: Int) {
        let output = model.forward(inputs, mode: .training)
        let (value, gradient) = loss.evaluate(output, .classes(labels))
        _ = model.backward(gradient, needsInputGradient: false)
        var slot = 0
        model.update(with: &optimizer, slot: &slot)
        optimizer.finishStep()
        let correct = zip(output.argmaxRows(), labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
        return (value, correct)
    }

    /// Mean loss and accuracy in inference mode, in batches of `batchSize`.
    public static func evaluate<M: Layer>(_ model: inout M, loss: any Loss, data: LabeledTensors,
                                          batchSize: Int = 1000) -> Evaluation {
        var totalLoss: Double = 0
        var correct = 0
        var start = 0
        while start < data.count {
            let end = Swift.min(start + batchSize, data.count)
            let indices = start..<end
            let output = model.forward(data.inputs.gatherRows(indices), mode: .inference)
            let labels = Array(data.labels[indices])
            totalLoss += Double(loss.evaluate(output, .classes(labels)).value) * Double(end - start)
            correct += zip(output.argmaxRows(), labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
            start = end
        }
        let n = Swift.max(data.count, 1)
        return Evaluation(loss: Float(totalLoss / Double(n)), accuracy: Float(correct) / Float(n))
    }

    /// Trains `model` for `configuration.epochs` epochs (or until early stopping), shuffling
    /// with the seeded stream each epoch, and calls `onEpoch` after each epoch.
    public static func fit<M: Layer, O: Optimizer>(
        _ model: inout M, optimizer: inout O, loss: any Loss,
        train: LabeledTensors, validation: LabeledTensors? = nil, test: LabeledTensors? = nil,
        configuration: TrainingConfiguration, label: String = "train",
        onEpoch: (EpochMetrics) -> Void = { _ in }
    ) -> [EpochMetrics] {
        precondition(configuration.batchSize > 0 && configuration.epochs >= 0, "Trainer: bad configuration")
        var generator = SeededGenerator(seed: configuration.seed, stream: 0x5348_5546)   // "SHUF"
        let baseRate = optimizer.learningRate
        var history: [EpochMetrics] = []
        var bestLoss = Float.infinity
        var epochsSinceBest = 0
        let batches = (train.count + configuration.batchSize - 1) / configuration.batchSize
        for _ in 0..<Swift.min(configuration.startEpoch, configuration.epochs) { _ = generator.permutation(train.count) }
        for epoch in Swift.min(configuration.startEpoch, configuration.epochs)..<configuration.epochs {
            optimizer.learningRate = configuration.schedule.rate(epoch: epoch, base: baseRate)
            let order = generator.permutation(train.count)
            var bar = ProgressBar(total: batches, label: "\(label) epoch \(epoch + 1)/\(configuration.epochs)",
                                  enabled: configuration.showProgress && ProgressBar.isTerminal)
            let start = Date()
            var totalLoss: Double = 0
            var correct = 0
            for b in 0..<batches {
                let indices = order[(b * configuration.batchSize)..<Swift.min((b + 1) * configuration.batchSize, train.count)]
                let labels = indices.map { train.labels[$0] }
                let result = step(&model, optimizer: &optimizer, loss: loss,
                                  inputs: train.inputs.gatherRows(indices), labels: labels)
                totalLoss += Double(result.loss) * Double(indices.count)
                correct += result.correct
                bar.update(done: b + 1, loss: Float(totalLoss / Double((b * configuration.batchSize) + indices.count)))
            }
            let seconds = Date().timeIntervalSince(start)
            let metrics = EpochMetrics(
                epoch: epoch + 1, learningRate: optimizer.learningRate,
                trainLoss: Float(totalLoss / Double(Swift.max(train.count, 1))),
                trainAccuracy: Float(correct) / Float(Swift.max(train.count, 1)),
                validation: validation.map { evaluate(&model, loss: loss, data: $0, batchSize: configuration.evaluationBatchSize) },
                test: test.map { evaluate(&model, loss: loss, data: $0, batchSize: configuration.evaluationBatchSize) },
                trainSeconds: seconds)
            history.append(metrics)
            onEpoch(metrics)
            if let patience = configuration.earlyStoppingPatience,
               let monitored = metrics.validation?.loss ?? metrics.test?.loss {
                if monitored < bestLoss - 1e-6 {
                    bestLoss = monitored
                    epochsSinceBest = 0
                } else {
                    epochsSinceBest += 1
                    if epochsSinceBest >= patience { break }
                }
            }
        }
        return history
    }
}
