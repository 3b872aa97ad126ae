import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN

/// The MNIST experiment of Muller et al. 2020 (§4.1, Fig. 4; spec §1.2, §2.2): one hidden
/// layer, dense or sparseRec,
/// ```
/// y = softmax(W_out · Dropout(f(W_hidden · Dropout(x))))
/// ```
/// trained with Adam; a sparseRec layer's input weights are clipped to [−1, 1] after every
/// step through the ``BoxConstraint`` hook.
public enum SparseRecClassifier {
    /// The hidden layer.
    public enum Hidden: Sendable, Codable, Equatable {
        case dense(units: Int)
        case sparseRec(inputUnits: Int, units: Int, steps: Int)

        public var label: String {
            switch self {
            case .dense(let m): "dense m=\(m)"
            case .sparseRec(let k, let m, let t): "sparseRec k=\(k) m=\(m) t_max=\(t)"
            }
        }
    }

    public struct Configuration: Sendable, Codable, Equatable {
        public var hidden: Hidden
        /// Dropout on the input and on the hidden layer (paper grid 0 … 0.6).
        public var dropout: Float = 0.2
        public var learningRate: Float = 1e-3
        public var epochs = 40
        public var batchSize = 256
        public var seed: UInt64 = 0

        public init(hidden: Hidden, dropout: Float = 0.2, learningRate: Float = 1e-3, epochs: Int = 40,
                    batchSize: Int = 256, seed: UInt64 = 0) {
            self.hidden = hidden
            self.dropout = dropout
            self.learningRate = learningRate
            self.epochs = epochs
            self.batchSize = batchSize
            self.seed = seed
        }

        public func validate() throws {
            func bad(_ field: String, _ value: Any, _ expected: String) -> LearningRuleParameterError {
                LearningRuleParameterError(type: "SparseRecClassifier", field: field, value: "\(value)", expected: expected)
            }
            guard dropout >= 0 && dropout < 1 else { throw bad("dropout", dropout, "a rate in [0, 1)") }
            guard learningRate > 0 && learningRate.isFinite else { throw bad("learning_rate", learningRate, "a positive number") }
            guard epochs >= 0 else { throw bad("epochs", epochs, "0 or more") }
            guard batchSize >= 1 else { throw bad("batch_size", batchSize, "1 or more") }
            if case .dense(let m) = hidden, m < 1 { throw bad("hidden.units", m, "1 or more") }
        }
    }

    /// The model and the constraints to project after every step.
    public static func model(inputs: Int, classes: Int, configuration c: Configuration) throws
        -> (model: Sequential, constraints: [any WeightConstraint]) {
        try c.validate()
        var g = SeededGenerator(seed: c.seed, key: StreamKey("sparserec", "init"))
        let dropIn = Dropout(rate: c.dropout, generator: SeededGenerator(seed: c.seed, key: StreamKey("sparserec", "dropout", "0")))
        let dropHidden = Dropout(rate: c.dropout, generator: SeededGenerator(seed: c.seed, key: StreamKey("sparserec", "dropout", "1")))
        switch c.hidden {
        case .dense(let m):
            return (Sequential([dropIn, Linear(inputs, m, generator: &g), Activation(.relu), dropHidden,
                                Linear(m, classes, generator: &g)]), [])
        case .sparseRec(let k, let m, let steps):
            let layer = try SparseRecurrentLayer(
                SparseRecurrentConfiguration(inputs: inputs, inputUnits: k, units: m, steps: steps, activation: .relu),
                generator: &g)
            return (Sequential([dropIn, layer, dropHidden, Linear(m, classes, generator: &g)]),
                    [BoxConstraint(lower: -1, upper: 1, parameters: ["1.weight"])])
        }
    }

    /// What a run measured.
    public struct Result: Sendable, Codable, Equatable {
        public var hidden: String
        public var seed: UInt64
        public var freeParameters: Int
        public var testAccuracy: Double
        public var trainLoss: Double
        public var seconds: Double
    }

    /// Trains on `train` (features flattened) and reports the final test accuracy.
    public static func run(train: LabeledDataset, test: LabeledDataset, configuration c: Configuration,
                           onEpoch: (EpochMetrics) -> Void = { _ in }) throws -> Result {
        let (trainSet, testSet) = (train.flattened(), test.flattened())
        var (model, constraints) = try model(inputs: trainSet.featureCount, classes: Swift.max(train.classCount, test.classCount),
                                             configuration: c)
        var adam = Adam(learningRate: c.learningRate)
        var procedure = Backpropagation()
        let start = Date()
        let history = try Trainer.fit(&model, optimizer: &adam, procedure: &procedure, objective: Classification(),
                                      constraints: constraints,
                                      train: LabeledTensors(inputs: trainSet.inputs, labels: trainSet.labels),
                                      configuration: TrainingConfiguration(epochs: c.epochs, batchSize: c.batchSize, seed: c.seed),
                                      onEpoch: onEpoch)
        let evaluation = Trainer.evaluate(&model, loss: SoftmaxCrossEntropy(),
                                          data: LabeledTensors(inputs: testSet.inputs, labels: testSet.labels))
        return Result(hidden: c.hidden.label, seed: c.seed, freeParameters: model.parameterCount(),
                      testAccuracy: Double(evaluation.accuracy ?? 0), trainLoss: Double(history.last?.trainLoss ?? .nan),
                      seconds: Date().timeIntervalSince(start))
    }
}
