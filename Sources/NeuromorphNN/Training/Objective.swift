import NeuromorphCore

/// Sums of an objective's quality measures over samples, accumulated batch by batch and
/// turned into means by ``finished(loss:)``.
public struct MetricSums: Sendable, Equatable {
    public var count = 0
    /// Correctly classified samples (classification).
    public var correct = 0
    /// Σ (prediction − target)² and Σ |prediction − target| over target elements (regression).
    public var squaredError: Double = 0
    public var absoluteError: Double = 0
    /// Target elements behind the error sums.
    public var elements = 0

    public init() {}

    public static func += (a: inout MetricSums, b: MetricSums) {
        a.count += b.count
        a.correct += b.correct
        a.squaredError += b.squaredError
        a.absoluteError += b.absoluteError
        a.elements += b.elements
    }
}

/// What a model is trained to do: the loss whose gradient drives learning, and the measures
/// a run reports (accuracy for classification; RMSE and MAE for regression).
public protocol Objective: Sendable {
    /// `classification` or `regression`, for logs and results.
    var name: String { get }
    /// The batch's mean loss and dLoss/dOutput.
    func loss(_ output: Tensor, _ target: LossTarget) -> (value: Float, gradient: Tensor)
    /// The batch's metric sums.
    func score(_ output: Tensor, _ target: LossTarget) -> MetricSums
}

/// Classification: a loss on class labels (cross-entropy, NLL, MSE on one-hot targets)
/// and accuracy by arg-max.
public struct Classification: Objective {
    public var criterion: any Loss
    public init(_ criterion: any Loss = SoftmaxCrossEntropy()) { self.criterion = criterion }
    public var name: String { "classification" }

    public func loss(_ output: Tensor, _ target: LossTarget) -> (value: Float, gradient: Tensor) {
        criterion.evaluate(output, target)
    }

    public func score(_ output: Tensor, _ target: LossTarget) -> MetricSums {
        var sums = MetricSums()
        guard case .classes(let labels) = target else { return sums }
        sums.count = labels.count
        sums.correct = zip(output.argmaxRows(), labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
        return sums
    }
}

/// Regression on real-valued targets: mean squared error `L = (1/M) Σ (y − t)²` drives
/// learning; RMSE and MAE are reported. With `clip`, predictions are clamped to the target
/// range for scoring (libFM's convention for ratings, e.g. [1, 5]).
public struct Regression: Objective {
    public var clip: ClosedRange<Float>?
    public init(clip: ClosedRange<Float>? = nil) { self.clip = clip }
    public var name: String { "regression" }

    public func loss(_ output: Tensor, _ target: LossTarget) -> (value: Float, gradient: Tensor) {
        MeanSquaredError().evaluate(output, target)
    }

    public func score(_ output: Tensor, _ target: LossTarget) -> MetricSums {
        var sums = MetricSums()
        guard case .values(let values) = target, values.count == output.count else { return sums }
        sums.count = output.rows
        sums.elements = output.count
        for (y, t) in zip(output.scalars, values.scalars) {
            let prediction = clip.map { Swift.min(Swift.max(y, $0.lowerBound), $0.upperBound) } ?? y
            let e = Double(prediction - t)
            sums.squaredError += e * e
            sums.absoluteError += Swift.abs(e)
        }
        return sums
    }
}

extension MetricSums {
    /// The means of these sums with the mean loss.
    public func finished(loss: Float) -> Evaluation {
        var evaluation = Evaluation(loss: loss, accuracy: 0)
        if elements > 0 {
            evaluation.accuracy = nil
            evaluation.rmse = Float((squaredError / Double(elements)).squareRoot())
            evaluation.mae = Float(absoluteError / Double(elements))
        } else {
            evaluation.accuracy = Float(correct) / Float(Swift.max(count, 1))
        }
        return evaluation
    }
}
