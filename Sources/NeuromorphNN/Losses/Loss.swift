import Foundation
import NeuromorphCore
import RealModule

/// What a loss compares the network output with.
public enum LossTarget: Sendable {
    /// Class indices, one per row.
    case classes([Int])
    /// Real-valued targets of the output's shape.
    case values(Tensor)
}

/// A loss: its mean value over the batch and dLoss/dOutput.
public protocol Loss: Sendable {
    func evaluate(_ output: Tensor, _ target: LossTarget) -> (value: Float, gradient: Tensor)
}

/// Softmax cross-entropy on logits: `L = −(1/N) Σ_n log softmax(z_n)[y_n]`, evaluated per row
/// as the log-sum-exp `m + log Σ_k exp(z_k − m) − z_y` (`m = max_k z_k`), so the value stays
/// exact for any logit gap (PyTorch's `cross_entropy`); gradient `(softmax(z) − onehot(y)) / N`.
public struct SoftmaxCrossEntropy: Loss {
    public init() {}

    public func evaluate(_ output: Tensor, _ target: LossTarget) -> (value: Float, gradient: Tensor) {
        guard case .classes(let labels) = target else { preconditionFailure("SoftmaxCrossEntropy needs class labels") }
        precondition(labels.count == output.rows, "SoftmaxCrossEntropy: \(labels.count) labels for \(output.rows) rows")
        var gradient = output.softmaxRows()
        let width = output.columns
        let n = Float(output.rows)
        var total: Double = 0
        output.scalars.withUnsafeBufferPointer { z in
            gradient.scalars.withUnsafeMutableBufferPointer { p in
                for (r, label) in labels.enumerated() {
                    precondition(label >= 0 && label < width, "SoftmaxCrossEntropy: label \(label) outside 0..<\(width)")
                    let row = r * width
                    var m = -Float.infinity
                    for k in 0..<width { m = Swift.max(m, z[row + k]) }
                    var sum: Double = 0
                    for k in 0..<width { sum += Double(Float.exp(z[row + k] - m)) }
                    total += Double(m) + Foundation.log(sum) - Double(z[row + label])
                    p[row + label] -= 1
                }
                for i in p.indices { p[i] /= n }
            }
        }
        return (Float(total / Double(n)), gradient)
    }
}

/// Negative log-likelihood on log-probabilities (after `LogSoftmax`):
/// `L = −(1/N) Σ_n z_n[y_n]`, gradient `−onehot(y)/N`.
public struct NLLLoss: Loss {
    public init() {}

    public func evaluate(_ output: Tensor, _ target: LossTarget) -> (value: Float, gradient: Tensor) {
        guard case .classes(let labels) = target else { preconditionFailure("NLLLoss needs class labels") }
        precondition(labels.count == output.rows, "NLLLoss: \(labels.count) labels for \(output.rows) rows")
        let width = output.columns
        var gradient = Tensor.zeros(output.shape)
        var total: Double = 0
        let n = Float(output.rows)
        for (r, label) in labels.enumerated() {
            precondition(label >= 0 && label < width, "NLLLoss: label \(label) outside 0..<\(width)")
            total -= Double(output.scalars[r * width + label])
            gradient.scalars[r * width + label] = -1 / n
        }
        return (Float(total / Double(n)), gradient)
    }
}

/// Mean squared error `L = (1/M) Σ (y − t)²` over all M elements; gradient `2(y − t)/M`.
/// With class labels the target is their one-hot encoding.
public struct MeanSquaredError: Loss {
    public init() {}

    public func evaluate(_ output: Tensor, _ target: LossTarget) -> (value: Float, gradient: Tensor) {
        let reference: Tensor
        switch target {
        case .values(let values):
            precondition(values.count == output.count, "MSE: target shape \(values.shape) for output \(output.shape)")
            reference = values
        case .classes(let labels):
            var onehot = Tensor.zeros(output.shape)
            for (r, label) in labels.enumerated() { onehot.scalars[r * output.columns + label] = 1 }
            reference = onehot
        }
        let difference = output.reshaped([output.count]) - reference.reshaped([output.count])
        let m = Float(output.count)
        return (difference.squaredNorm() / m, (difference * (2 / m)).reshaped(output.shape))
    }
}

/// The losses a spec can name.
public enum LossKind: String, Sendable, Codable, CaseIterable {
    case crossEntropy = "cross_entropy", nll, mse

    public var loss: any Loss {
        switch self {
        case .crossEntropy: SoftmaxCrossEntropy()
        case .nll: NLLLoss()
        case .mse: MeanSquaredError()
        }
    }
}
