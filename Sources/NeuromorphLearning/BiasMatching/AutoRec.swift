import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN

/// The hidden layer of an item-based AutoRec.
public enum AutoRecHidden: Sendable, Codable, Equatable {
    /// `h = sigmoid(V r + μ)` with `units` hidden units (Sedhain et al. 2015).
    case dense(units: Int)
    /// A sigmoid ``SparseRecurrentLayer`` with `k` learned input projections into `m` units
    /// (Muller et al. 2020, §4.2).
    case sparseRec(inputUnits: Int, units: Int, steps: Int, density: Double)

    /// Hidden width `m` (the decoder's fan-in).
    public var width: Int {
        switch self {
        case .dense(let units): units
        case .sparseRec(_, let units, _, _): units
        }
    }
}

/// An item-based AutoRec run (Sedhain et al. 2015; Muller et al. 2020 §4.2; spec §1.2):
/// every item is one sample, its vector of ratings by all users `r ∈ ℝᵘ` (0 where unknown),
/// reconstructed through one hidden layer, `r̂ = W h(r) + b`, trained full-batch with
/// ``LBFGS`` on
/// ```
/// L = Σ_{(i,u) observed} (r̂_iu − r_iu)² + l₂ Σ W²      (weights only, not biases)
/// ```
/// A sparseRec hidden layer keeps its input weights in [−1, 1] (the bounded L-BFGS).
public struct AutoRecConfiguration: Sendable, Codable, Equatable {
    public var hidden: AutoRecHidden
    /// `l₂` (paper grid: 25, 50, 100 on ML-1M).
    public var l2: Double = 25
    public var maxIterations: Int = 200
    /// Fraction of the ratings held out for the test RMSE ([I]: 90/10 as in AutoRec).
    public var testFraction: Double = 0.1
    public var seed: UInt64 = 0

    public init(hidden: AutoRecHidden, l2: Double = 25, maxIterations: Int = 200, testFraction: Double = 0.1, seed: UInt64 = 0) {
        self.hidden = hidden
        self.l2 = l2
        self.maxIterations = maxIterations
        self.testFraction = testFraction
        self.seed = seed
    }

    public func validate() throws {
        func bad(_ field: String, _ value: Any, _ expected: String) -> LearningRuleParameterError {
            LearningRuleParameterError(type: "AutoRec", field: field, value: "\(value)", expected: expected)
        }
        guard l2 >= 0 && l2.isFinite else { throw bad("l2", l2, "a finite number ≥ 0") }
        guard maxIterations >= 0 else { throw bad("max_iterations", maxIterations, "0 or more") }
        guard testFraction > 0 && testFraction < 1 else { throw bad("test_fraction", testFraction, "a fraction in (0, 1)") }
        if case .dense(let units) = hidden, units < 1 { throw bad("hidden.units", units, "1 or more") }
    }
}

/// What an AutoRec run measured.
public struct AutoRecResult: Sendable, Codable, Equatable {
    public var model: String
    public var freeParameters: Int
    public var trainRMSE: Double
    public var testRMSE: Double
    public var iterations: Int
    public var evaluations: Int
    public var stop: String
    public var seconds: Double
    /// The objective after each L-BFGS iteration.
    public var objective: [Double]
}

public enum AutoRec {
    /// Ratings as an items × users matrix and its mask of known entries.
    public struct RatingMatrix: Sendable {
        public var values: Tensor
        public var mask: Tensor
        public init(_ ratings: RatingsDataset) {
            let (items, users) = (ratings.itemCount, ratings.userCount)
            var values = Tensor.zeros([items, users]), mask = Tensor.zeros([items, users])
            for r in 0..<ratings.count {
                let index = Int(ratings.items[r]) * users + Int(ratings.users[r])
                values.scalars[index] = ratings.ratings[r]
                mask.scalars[index] = 1
            }
            self.values = values
            self.mask = mask
        }
    }

    /// The encoder–decoder for `users` users.
    public static func model(users: Int, hidden: AutoRecHidden, generator: inout SeededGenerator) throws -> Sequential {
        switch hidden {
        case .dense(let units):
            return Sequential([Linear(users, units, generator: &generator), Activation(.sigmoid),
                               Linear(units, users, generator: &generator)])
        case .sparseRec(let k, let m, let steps, let density):
            let layer = try SparseRecurrentLayer(
                SparseRecurrentConfiguration(inputs: users, inputUnits: k, units: m, density: density, steps: steps,
                                             activation: .sigmoid), generator: &generator)
            return Sequential([layer, Linear(m, users, generator: &generator)])
        }
    }

    /// `L` and `∂L/∂θ` at the model's current parameters (`decays[i]`: whether element i is a weight).
    public static func objective(_ model: inout Sequential, data: RatingMatrix, l2: Double,
                                 decays: [Bool]) -> (value: Double, gradient: [Double]) {
        let output = model.forward(data.values, mode: .training)
        var gradient = output
        var loss = 0.0
        gradient.scalars.withUnsafeMutableBufferPointer { g in
            data.values.scalars.withUnsafeBufferPointer { r in
                data.mask.scalars.withUnsafeBufferPointer { m in
                    for i in g.indices {
                        let e = (g[i] - r[i]) * m[i]
                        loss += Double(e * e)
                        g[i] = 2 * e
                    }
                }
            }
        }
        _ = model.backward(gradient, needsInputGradient: false)
        var grad = ParameterVector.gradients(of: &model)
        let x = ParameterVector.values(of: &model)
        for i in grad.indices where decays[i] {
            loss += l2 * x[i] * x[i]
            grad[i] += 2 * l2 * x[i]
        }
        return (loss, grad)
    }

    /// RMSE of the model's reconstructions (clipped to `range`) on `ratings`, given the
    /// training matrix as input.
    public static func rmse(_ model: inout Sequential, input: RatingMatrix, ratings: RatingsDataset,
                            range: ClosedRange<Float>) -> Double {
        let output = model.forward(input.values, mode: .inference)
        let users = ratings.userCount
        var sum = 0.0
        for r in 0..<ratings.count {
            let y = output.scalars[Int(ratings.items[r]) * users + Int(ratings.users[r])]
            let e = Double(Swift.min(Swift.max(y, range.lowerBound), range.upperBound) - ratings.ratings[r])
            sum += e * e
        }
        return (sum / Double(Swift.max(ratings.count, 1))).squareRoot()
    }

    /// Splits `ratings` 90/10 (seeded), trains with (bounded) L-BFGS and reports train and test RMSE.
    public static func run(_ ratings: RatingsDataset, configuration: AutoRecConfiguration,
                           onIteration: (Int, Double) -> Void = { _, _ in }) throws -> AutoRecResult {
        try configuration.validate()
        var splitStream = SeededGenerator(seed: configuration.seed, key: StreamKey("autorec", "split"))
        let (train, test) = ratings.split(testFraction: configuration.testFraction, generator: &splitStream)
        var initStream = SeededGenerator(seed: configuration.seed, key: StreamKey("autorec", "init"))
        var model = try model(users: ratings.userCount, hidden: configuration.hidden, generator: &initStream)
        let data = RatingMatrix(train)
        var decays: [Bool] = []
        for (_, parameter) in model.namedParameters() {
            decays.append(contentsOf: repeatElement(parameter.decays, count: parameter.value.count))
        }
        var bounds: (lower: [Double], upper: [Double])?
        if case .sparseRec = configuration.hidden {
            bounds = ParameterVector.bounds(of: model, lower: -1, upper: 1, paths: ["0.weight"])
        }
        let start = Date()
        let optimizer = LBFGS(maxIterations: configuration.maxIterations, gradientTolerance: 1e-5, functionTolerance: 1e-9)
        let result = optimizer.minimize(ParameterVector.values(of: &model), lower: bounds?.lower, upper: bounds?.upper,
                                        onIteration: onIteration) { x in
            ParameterVector.assign(x, to: &model)
            return objective(&model, data: data, l2: configuration.l2, decays: decays)
        }
        ParameterVector.assign(result.x, to: &model)
        let seconds = Date().timeIntervalSince(start)
        let range = (train.ratings.min() ?? 1)...(train.ratings.max() ?? 5)
        return AutoRecResult(model: model.summary, freeParameters: decays.count,
                             trainRMSE: rmse(&model, input: data, ratings: train, range: range),
                             testRMSE: rmse(&model, input: data, ratings: test, range: range),
                             iterations: result.iterations, evaluations: result.evaluations, stop: result.stop.rawValue,
                             seconds: seconds, objective: result.history)
    }
}
