import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN

/// One factorization-machine run on ratings with libFM's SGD conventions at a chosen batch
/// size (Muller et al. 2020 §4.3, Eq. 7; spec §1.2 and §2.2 "validation error grows with
/// batch size").
public struct FactorizationMachineRunConfiguration: Sendable, Codable, Equatable {
    /// Latent dimension `k` ([I] 10; not in the paper).
    public var factors = 10
    public var epochs = 20
    public var batchSize = 1
    public var learningRate: Float = 1e-3
    public var l2: Float = 0.04
    /// libFM `init_stdev`.
    public var initStd: Float = 0.1
    /// libFM's own rule by default: from libFM's initialization (`w₀ = 0`) every first
    /// prediction is clipped, so the zero-gradient reading never leaves the clipped region.
    public var clippedGradient: ClippedPredictionGradient = .libFM
    /// Held-out fractions of the ratings (seeded split): validation selects the epoch, test reports.
    public var validationFraction = 0.1
    public var testFraction = 0.1
    public var seed: UInt64 = 0

    public init(factors: Int = 10, epochs: Int = 20, batchSize: Int = 1, learningRate: Float = 1e-3, l2: Float = 0.04,
                seed: UInt64 = 0) {
        self.factors = factors
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.l2 = l2
        self.seed = seed
    }

    public func validate() throws {
        func bad(_ field: String, _ value: Any, _ expected: String) -> LearningRuleParameterError {
            LearningRuleParameterError(type: "FactorizationMachineRun", field: field, value: "\(value)", expected: expected)
        }
        guard factors >= 1 else { throw bad("factors", factors, "1 or more") }
        guard epochs >= 1 else { throw bad("epochs", epochs, "1 or more") }
        guard batchSize >= 1 else { throw bad("batch_size", batchSize, "1 or more") }
        guard learningRate > 0 && learningRate.isFinite else { throw bad("learning_rate", learningRate, "a positive number") }
        guard l2 >= 0 && l2.isFinite else { throw bad("l2", l2, "a finite number ≥ 0") }
        guard initStd >= 0 && initStd.isFinite else { throw bad("init_std", initStd, "a finite number ≥ 0") }
        guard validationFraction > 0, testFraction > 0, validationFraction + testFraction < 1 else {
            throw bad("validation_fraction + test_fraction", validationFraction + testFraction, "fractions > 0 summing to < 1")
        }
    }
}

/// What a run measured (RMSE of predictions clipped to the training rating range).
public struct FactorizationMachineRunResult: Sendable, Codable, Equatable {
    public var configuration: FactorizationMachineRunConfiguration
    public var validationRMSE: [Double]
    public var testRMSE: [Double]
    public var trainRMSE: [Double]
    /// The epoch (1-based) with the lowest validation RMSE, and the test RMSE there.
    public var bestEpoch: Int
    public var bestValidationRMSE: Double
    public var testRMSEAtBest: Double
    /// RMSE of always predicting the training mean, on the test ratings.
    public var globalMeanTestRMSE: Double
    public var seconds: Double
}

public enum FactorizationMachineTraining {
    /// `[N, 2]` (user, item) indices of `ratings`.
    public static func indices(_ ratings: RatingsDataset) -> Tensor {
        var scalars = [Float](repeating: 0, count: ratings.count * 2)
        for r in 0..<ratings.count {
            scalars[2 * r] = Float(ratings.users[r])
            scalars[2 * r + 1] = Float(ratings.items[r])
        }
        return Tensor(shape: [ratings.count, 2], scalars: scalars)
    }

    static func rmse(_ model: FactorizationMachine, _ input: Tensor, _ targets: [Float], range: ClosedRange<Float>) -> Double {
        let y = model.predictClipped(input, range: range)
        var sum = 0.0
        for (p, t) in zip(y.scalars, targets) { sum += Double(p - t) * Double(p - t) }
        return (sum / Double(Swift.max(targets.count, 1))).squareRoot()
    }

    /// Splits `ratings` (seeded) into train/validation/test, trains a one-hot user–item FM
    /// with libFM SGD for `epochs` epochs in shuffled batches of `batchSize`, and reports the
    /// RMSEs after every epoch.
    public static func run(_ ratings: RatingsDataset, configuration c: FactorizationMachineRunConfiguration,
                           onEpoch: (Int, Double, Double) -> Void = { _, _, _ in }) throws -> FactorizationMachineRunResult {
        try c.validate()
        var splitStream = SeededGenerator(seed: c.seed, key: StreamKey("fm", "split"))
        let (rest, test) = ratings.split(testFraction: c.testFraction, generator: &splitStream)
        let (train, validation) = rest.split(testFraction: c.validationFraction / (1 - c.testFraction), generator: &splitStream)
        let range = (train.ratings.min() ?? 1)...(train.ratings.max() ?? 5)
        var initStream = SeededGenerator(seed: c.seed, key: StreamKey("fm", "init"))
        var model = FactorizationMachine(fields: [ratings.userCount, ratings.itemCount], factors: c.factors,
                                         initStd: c.initStd, generator: &initStream)
        let conventions = LibFMConventions(ratingRange: range, l2: c.l2, clippedGradient: c.clippedGradient)
        let (trainX, validationX, testX) = (indices(train), indices(validation), indices(test))
        var shuffle = SeededGenerator(seed: c.seed, key: StreamKey("fm", "shuffle"))
        var validationRMSE: [Double] = [], testRMSE: [Double] = [], trainRMSE: [Double] = []
        let start = Date()
        for epoch in 0..<c.epochs {
            let order = shuffle.permutation(train.count)
            var squared = 0.0
            var b = 0
            while b < order.count {
                let batch = order[b..<Swift.min(b + c.batchSize, order.count)]
                let gradient = model.libFMGradient(trainX.gatherRows(batch), targets: batch.map { train.ratings[$0] },
                                                   conventions: conventions)
                squared += 2 * gradient.halfSquaredError
                model.applySGD(gradient, learningRate: c.learningRate)
                b += c.batchSize
            }
            trainRMSE.append((squared / Double(train.count)).squareRoot())
            validationRMSE.append(rmse(model, validationX, validation.ratings, range: range))
            testRMSE.append(rmse(model, testX, test.ratings, range: range))
            onEpoch(epoch + 1, validationRMSE.last!, testRMSE.last!)
        }
        let best = validationRMSE.indices.min { validationRMSE[$0] < validationRMSE[$1] } ?? 0
        let mean = Double(train.meanRating)
        let meanRMSE = (test.ratings.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(Swift.max(test.count, 1))).squareRoot()
        return FactorizationMachineRunResult(configuration: c, validationRMSE: validationRMSE, testRMSE: testRMSE,
                                             trainRMSE: trainRMSE, bestEpoch: best + 1, bestValidationRMSE: validationRMSE[best],
                                             testRMSEAtBest: testRMSE[best], globalMeanTestRMSE: meanRMSE,
                                             seconds: Date().timeIntervalSince(start))
    }
}
