import Foundation
import NeuromorphCore

/// A data set in memory: `inputs` is `[N, …]` with one class label per row
/// (classification) or real-valued targets `[N, …]` (regression).
public struct LabeledTensors: Sendable {
    public var inputs: Tensor
    /// Class labels, one per row (empty for regression data).
    public var labels: [Int]
    /// Real-valued targets, `[N, …]` (nil for classification data).
    public var values: Tensor?

    public init(inputs: Tensor, labels: [Int]) {
        precondition(inputs.shape.first == labels.count, "LabeledTensors: \(labels.count) labels for inputs \(inputs.shape)")
        self.inputs = inputs
        self.labels = labels
    }

    /// Regression data: `values` has one row per input row.
    public init(inputs: Tensor, values: Tensor) {
        precondition(inputs.shape.first == values.shape.first, "LabeledTensors: targets \(values.shape) for inputs \(inputs.shape)")
        self.inputs = inputs
        self.labels = []
        self.values = values
    }

    public var count: Int { inputs.shape.first ?? 0 }

    /// The targets of the rows `indices`.
    public func target<C: Collection>(_ indices: C) -> LossTarget where C.Element == Int {
        if let values { return .values(values.gatherRows(indices)) }
        return .classes(indices.map { labels[$0] })
    }
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
    /// The schedule's base rate; nil: the optimizer's rate when `fit` starts. A resumed run
    /// sets it, since the restored optimizer holds the last epoch's scheduled rate.
    public var baseLearningRate: Float?

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

/// Loss and quality of a model on a data set: accuracy for classification, RMSE and MAE
/// for regression (the others are nil).
public struct Evaluation: Sendable, Codable, Equatable {
    public var loss: Float
    public var accuracy: Float?
    public var rmse: Float?
    public var mae: Float?

    public init(loss: Float, accuracy: Float?, rmse: Float? = nil, mae: Float? = nil) {
        self.loss = loss
        self.accuracy = accuracy
        self.rmse = rmse
        self.mae = mae
    }

    /// The headline measure for logs: `accuracy 89.57 %` or `RMSE 0.9312`.
    public var headline: String {
        if let accuracy { return String(format: "accuracy %.2f %%", accuracy * 100) }
        if let rmse { return String(format: "RMSE %.4f", rmse) }
        return String(format: "loss %.4f", loss)
    }
}

/// What one epoch measured.
public struct EpochMetrics: Sendable, Codable, Equatable {
    public var epoch: Int
    public var learningRate: Float
    public var trainLoss: Float
    /// Training-set accuracy (classification) or nil.
    public var trainAccuracy: Float?
    /// Training-set RMSE (regression) or nil.
    public var trainRMSE: Float?
    public var validation: Evaluation?
    public var test: Evaluation?
    /// Wall seconds of the training pass (evaluation excluded).
    public var trainSeconds: Double
}

/// A run whose loss became NaN or infinite. Training stops at that batch; the metrics of
/// the finished epochs (and, through the runner, their last checkpoint) are kept.
public struct TrainingDivergedError: UserFacingError, Sendable, Equatable {
    /// 1-based epoch and batch where the loss first was not finite.
    public var epoch: Int
    public var batch: Int
    public var loss: Float

    public init(epoch: Int, batch: Int, loss: Float) {
        self.epoch = epoch
        self.batch = batch
        self.loss = loss
    }

    public var description: String {
        "training diverged: the loss of epoch \(epoch), batch \(batch) is \(loss); lower training.optimizer.learning_rate "
            + "(the metrics of the finished epochs and their last checkpoint are kept)"
    }
}

/// Mini-batch training with evaluation, schedules, early stopping and a progress bar,
/// generic over how the model learns (``LearningProcedure``), what it is trained for
/// (``Objective``) and the constraints projected after every step (``WeightConstraint``).
public enum Trainer {
    /// One optimization step of backpropagation on one batch of a classification loss.
    /// Returns the batch loss and the number of correct predictions.
    @discardableResult
    public static func step<M: Layer, O: Optimizer>(_ model: inout M, optimizer: inout O, loss: any Loss,
                                                    inputs: Tensor, labels: [Int]) -> (loss: Float, correct: Int) {
        var procedure = Backpropagation()
        let objective = Classification(loss)
        let (output, value) = procedure.step(&model, optimizer: &optimizer, objective: objective, inputs: inputs,
                                             target: .classes(labels))
        return (value, objective.score(output, .classes(labels)).correct)
    }

    /// Mean loss and accuracy of a classification loss in inference mode.
    public static func evaluate<M: Layer>(_ model: inout M, loss: any Loss, data: LabeledTensors,
                                          batchSize: Int = 1000) -> Evaluation {
        evaluate(&model, objective: Classification(loss), data: data, batchSize: batchSize)
    }

    /// Mean loss and the objective's measures in inference mode, in batches of `batchSize`.
    public static func evaluate<M: Layer>(_ model: inout M, objective: any Objective, data: LabeledTensors,
                                          batchSize: Int = 1000) -> Evaluation {
        var totalLoss: Double = 0
        var sums = MetricSums()
        var start = 0
        while start < data.count {
            let end = Swift.min(start + batchSize, data.count)
            let indices = start..<end
            let output = model.forward(data.inputs.gatherRows(indices), mode: .inference)
            let target = data.target(indices)
            totalLoss += Double(objective.loss(output, target).value) * Double(end - start)
            sums += objective.score(output, target)
            start = end
        }
        return sums.finished(loss: Float(totalLoss / Double(Swift.max(data.count, 1))))
    }

    /// Trains with backpropagation on a classification loss (the common case).
    public static func fit<M: Layer, O: Optimizer>(
        _ model: inout M, optimizer: inout O, loss: any Loss,
        train: LabeledTensors, validation: LabeledTensors? = nil, test: LabeledTensors? = nil,
        configuration: TrainingConfiguration, label: String = "train",
        onEpoch: (EpochMetrics) -> Void = { _ in }
    ) throws -> [EpochMetrics] {
        var procedure = Backpropagation()
        return try fit(&model, optimizer: &optimizer, procedure: &procedure, objective: Classification(loss), train: train,
                   validation: validation, test: test, configuration: configuration, label: label, onEpoch: onEpoch)
    }

    /// Trains `model` for `configuration.epochs` epochs (or until early stopping), shuffling
    /// with the seeded stream each epoch: each batch is one `procedure` step, then every
    /// constraint is applied; `onEpoch` is called after each epoch, then `afterEpoch` with
    /// the model and optimizer (to checkpoint them).
    ///
    /// - Throws: ``TrainingDivergedError`` at the first batch whose loss is not finite (the
    ///   model then holds that batch's update; the epochs before it were reported), or what
    ///   `afterEpoch` throws.
    public static func fit<M: Layer, O: Optimizer, P: LearningProcedure>(
        _ model: inout M, optimizer: inout O, procedure: inout P, objective: any Objective,
        constraints: [any WeightConstraint] = [],
        train: LabeledTensors, validation: LabeledTensors? = nil, test: LabeledTensors? = nil,
        configuration: TrainingConfiguration, label: String = "train",
        onEpoch: (EpochMetrics) -> Void = { _ in },
        afterEpoch: (_ epoch: Int, _ model: M, _ optimizer: O) throws -> Void = { _, _, _ in }
    ) throws -> [EpochMetrics] {
        precondition(configuration.batchSize > 0 && configuration.epochs >= 0, "Trainer: bad configuration")
        var generator = SeededGenerator(seed: configuration.seed, key: StreamKey("training", "shuffle"))
        let baseRate = configuration.baseLearningRate ?? optimizer.learningRate
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
            var sums = MetricSums()
            for b in 0..<batches {
                let indices = order[(b * configuration.batchSize)..<Swift.min((b + 1) * configuration.batchSize, train.count)]
                let target = train.target(indices)
                let (output, value) = procedure.step(&model, optimizer: &optimizer, objective: objective,
                                                     inputs: train.inputs.gatherRows(indices), target: target)
                guard value.isFinite else { throw TrainingDivergedError(epoch: epoch + 1, batch: b + 1, loss: value) }
                for constraint in constraints { constraint.apply(to: &model) }
                sums += objective.score(output, target)
                totalLoss += Double(value) * Double(indices.count)
                bar.update(done: b + 1, loss: Float(totalLoss / Double((b * configuration.batchSize) + indices.count)))
            }
            let seconds = Date().timeIntervalSince(start)
            let trained = sums.finished(loss: Float(totalLoss / Double(Swift.max(train.count, 1))))
            let metrics = EpochMetrics(
                epoch: epoch + 1, learningRate: optimizer.learningRate,
                trainLoss: trained.loss, trainAccuracy: trained.accuracy, trainRMSE: trained.rmse,
                validation: validation.map { evaluate(&model, objective: objective, data: $0, batchSize: configuration.evaluationBatchSize) },
                test: test.map { evaluate(&model, objective: objective, data: $0, batchSize: configuration.evaluationBatchSize) },
                trainSeconds: seconds)
            history.append(metrics)
            onEpoch(metrics)
            try afterEpoch(epoch + 1, model, optimizer)
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
