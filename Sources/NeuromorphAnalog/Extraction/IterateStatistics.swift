import NeuromorphCore

/// Per-weight mean and variance over training iterates (Gokmen 2021 Part II "Bayesian-flavoured
/// experiments", digest `ttv2_gradient-decomposition_shd.md` §1.5, Tables 2-3; note
/// `analog-training.md` §1.10), with Welford's update in Double:
///
/// ```
/// n ← n + 1;  δ = w − μ;  μ ← μ + δ/n;  M₂ ← M₂ + δ (w − μ)
/// σ² = M₂/(n − 1)   (sample variance);   SNR_i = |μ_i| / σ_i
/// pruning:      w_i = SNR_i < t ? 0 : μ_i            (Table 2: t = 1, 2, 3)
/// disturbance:  w_i = μ_i + ξ_i σ_i                   (Table 3; ξ ~ N(0, 1) or ±1)
/// ```
///
/// The baselines remove or disturb "the same amount" at random: random pruning zeroes the same
/// number of weights chosen uniformly; random disturbance gives every weight the same total
/// perturbation energy but assigns the `σ`s to weights in a random permutation [I]. The paper
/// does not say how σ would be measured on hardware; in simulation the iterates are the
/// tile's weights (or extracted ones).
public struct IterateStatistics: Sendable, Codable, Equatable {
    public let shape: [Int]
    public private(set) var count: Int = 0
    public private(set) var mean: [Double]
    var sumOfSquares: [Double]

    public init(shape: [Int]) {
        let n = shape.reduce(1, *)
        precondition(n > 0, "IterateStatistics: empty shape \(shape)")
        self.shape = shape
        mean = [Double](repeating: 0, count: n)
        sumOfSquares = mean
    }

    /// Adds one iterate of the weights.
    public mutating func add(_ weights: Tensor) {
        precondition(weights.count == mean.count, "IterateStatistics.add: \(weights.shape) for \(shape)")
        count += 1
        let n = Double(count)
        for k in mean.indices {
            let w = Double(weights.scalars[k])
            let delta = w - mean[k]
            mean[k] += delta / n
            sumOfSquares[k] += delta * (w - mean[k])
        }
    }

    /// `μ` as a tensor of ``shape``.
    public var meanWeights: Tensor { Tensor(shape: shape, scalars: mean.map { Float($0) }) }

    /// The sample variance `M₂/(n − 1)` per weight (0 before two iterates).
    public var variance: [Double] { count > 1 ? sumOfSquares.map { $0 / Double(count - 1) } : [Double](repeating: 0, count: mean.count) }

    /// `σ` per weight.
    public var standardDeviation: [Double] { variance.map { $0.squareRoot() } }

    /// `|μ|/σ` per weight (`+∞` where σ = 0 and μ ≠ 0, 0 where both are 0).
    public var signalToNoise: [Double] {
        zip(mean, standardDeviation).map { m, s in s > 0 ? Swift.abs(m) / s : (m != 0 ? .infinity : 0) }
    }

    /// The mean weights with every weight of SNR below `threshold` set to 0, and the fraction
    /// removed (Table 2).
    public func prunedBySignalToNoise(threshold: Double) -> (weights: Tensor, removedFraction: Double) {
        var w = mean
        var removed = 0
        for (k, snr) in signalToNoise.enumerated() where snr < threshold {
            w[k] = 0
            removed += 1
        }
        return (Tensor(shape: shape, scalars: w.map { Float($0) }), Double(removed) / Double(w.count))
    }

    /// The mean weights with `round(fraction · count)` weights chosen at random set to 0 (the
    /// baseline of Table 2).
    public func prunedAtRandom(fraction: Double, generator: inout SeededGenerator) -> Tensor {
        var w = mean
        let removed = Int((fraction * Double(w.count)).rounded())
        for k in generator.permutation(w.count).prefix(removed) { w[k] = 0 }
        return Tensor(shape: shape, scalars: w.map { Float($0) })
    }

    /// How ``disturbed(_:noise:generator:)`` draws ξ.
    public enum Disturbance: String, Sendable, Codable, CaseIterable {
        /// ξ ~ N(0, 1).
        case normal
        /// ξ = ±1 with equal probability ("w = μ ± σ", Table 3).
        case sign
    }

    /// Which σ each weight is disturbed with.
    public enum DisturbanceAssignment: String, Sendable, Codable, CaseIterable {
        /// Its own σ_i ("careful" disturbance, Table 3).
        case own
        /// A randomly permuted σ (the same amount of disturbance, at random).
        case permuted
    }

    /// `μ_i + ξ_i σ_{π(i)}` with `π` the identity (``DisturbanceAssignment/own``) or a random
    /// permutation.
    public func disturbed(_ noise: Disturbance = .sign, assignment: DisturbanceAssignment = .own,
                          generator: inout SeededGenerator) -> Tensor {
        let sigma = standardDeviation
        let order = assignment == .own ? Array(sigma.indices) : generator.permutation(sigma.count)
        var w = [Float](repeating: 0, count: mean.count)
        for k in mean.indices {
            let xi: Double = noise == .normal ? generator.nextNormalDouble() : (generator.next() & 1 == 0 ? 1 : -1)
            w[k] = Float(mean[k] + xi * sigma[order[k]])
        }
        return Tensor(shape: shape, scalars: w)
    }
}
