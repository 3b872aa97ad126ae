import Foundation

/// Weighted naive Bayes on a crossbar in −log space (Wu 2019; digest bayesian-hardware
/// §1.3(k)):
///
/// ```
/// C* = argmax_c P(c) Π_f P(x_f | c)^{w_f}                               (Eq. 18)
/// C* = argmin_c q(c),  q(c) = ρ(c) + Σ_f w_f ρ(x_f | c),  ρ = −log P    (Eq. 19)
/// ```
/// The crossbar stores ρ as conductances (one column per class); the observed features
/// select rows and the weights `[1, w_f…]` are the wordline voltages, so each bitline
/// current is q(c) and a min-finder picks the class.
public struct NaiveBayesCrossbar: Sendable, Equatable {
    /// `prior[c]`.
    public let prior: [Double]
    /// `likelihood[f][value][c]` = P(x_f = value | c).
    public let likelihood: [[[Double]]]
    /// Feature weights `w_f` (1 for ordinary naive Bayes).
    public let weights: [Double]

    public init(prior: [Double], likelihood: [[[Double]]], weights: [Double]? = nil) throws {
        guard !prior.isEmpty, prior.allSatisfy({ $0 > 0 && $0 <= 1 }) else {
            throw BayesianError(field: "prior", value: "\(prior)", expected: "positive class probabilities")
        }
        for (f, table) in likelihood.enumerated() where !table.allSatisfy({ $0.count == prior.count && $0.allSatisfy { $0 > 0 && $0 <= 1 } }) {
            throw BayesianError(field: "likelihood[\(f)]", value: "\(table)", expected: "\(prior.count) positive probabilities per value")
        }
        self.prior = prior
        self.likelihood = likelihood
        self.weights = weights ?? .init(repeating: 1, count: likelihood.count)
        guard self.weights.count == likelihood.count else {
            throw BayesianError(field: "weights", value: "\(self.weights.count)", expected: "one weight per feature (\(likelihood.count))")
        }
    }

    /// Eq. 18 in probability space.
    public func classifyByProduct(_ x: [Int]) -> Int {
        let scores = prior.indices.map { c in
            x.enumerated().reduce(prior[c]) { $0 * Foundation.pow(likelihood[$1.offset][$1.element][c], weights[$1.offset]) }
        }
        return scores.indices.max { scores[$0] < scores[$1] }!
    }

    /// Eq. 19: bitline currents `q(c)` of the −log crossbar.
    public func bitlineCurrents(_ x: [Int]) -> [Double] {
        prior.indices.map { c in
            x.enumerated().reduce(-Foundation.log(prior[c])) { $0 + weights[$1.offset] * -Foundation.log(likelihood[$1.offset][$1.element][c]) }
        }
    }

    /// Eq. 19's decision.
    public func classifyByCrossbar(_ x: [Int]) -> Int {
        let q = bitlineCurrents(x)
        return q.indices.min { q[$0] < q[$1] }!
    }
}
