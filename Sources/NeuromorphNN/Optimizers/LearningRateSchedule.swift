import RealModule

/// A learning rate as a function of the epoch (0-based).
public enum LearningRateSchedule: Sendable, Codable, Equatable {
    /// The base rate throughout.
    case constant
    /// `η₀ · γ^⌊epoch / stepSize⌋`.
    case step(stepSize: Int, gamma: Float)
    /// Cosine annealing from `η₀` to `minimum` over `epochs` (Loshchilov & Hutter 2017):
    /// `η = η_min + ½(η₀ − η_min)(1 + cos(π · epoch / epochs))`.
    case cosine(epochs: Int, minimum: Float)

    /// The rate for `epoch` given the base rate.
    public func rate(epoch: Int, base: Float) -> Float {
        switch self {
        case .constant:
            return base
        case .step(let stepSize, let gamma):
            return base * Float.pow(gamma, Float(epoch / Swift.max(stepSize, 1)))
        case .cosine(let epochs, let minimum):
            let t = Float(Swift.min(epoch, epochs)) / Float(Swift.max(epochs, 1))
            return minimum + 0.5 * (base - minimum) * (1 + Float.cos(.pi * t))
        }
    }
}
