import Foundation
import NeuromorphCore

/// Probabilistic bits (Faria 2018, Debashis 2020; digest bayesian-hardware §1.3(a)).
///
/// ```
/// unipolar (Eq. 4B):  m = 1 w.p. σ(I),  I = Σ_j J_j m_j + h,   m ∈ {0, 1}
/// bipolar:            m = sgn(tanh(I) − U(−1, 1)),   P(m = +1) = (1 + tanh I)/2
/// ```
public enum PBit {
    /// One unipolar p-bit sample.
    public static func sample(input: Double, using generator: inout SeededGenerator) -> Bool {
        generator.nextUniformDouble() < 1 / (1 + Foundation.exp(-input))
    }

    /// One bipolar p-bit sample (+1 → true).
    public static func sampleBipolar(input: Double, using generator: inout SeededGenerator) -> Bool {
        Foundation.tanh(input) - (2 * generator.nextUniformDouble() - 1) > 0
    }

    /// `logit(p) = log(p/(1−p))`.
    public static func logit(_ p: Double) -> Double { Foundation.log(p / (1 - p)) }
}

/// A binary node's CPT compiled to p-bit parameters (§1.3(a)): for parents in {0, 1},
/// `h = logit P(1 | all parents 0)`, `J_j = logit P(1 | only parent j) − h`. The sigmoid form
/// covers every CPT of one parent; with two parents it needs
/// `l11 = l10 + l01 − l00` in logit space, otherwise an auxiliary node X = m₁∧m₂ with coupling
/// `J_X = l11 − l10 − l01 + l00` supplies the fourth parameter (Fig. 2D).
public struct PBitNode: Sendable, Equatable {
    public var bias: Double
    public var couplings: [Double]
    /// The coupling of the auxiliary node (the AND of the two parents), if one is needed.
    public var auxiliaryCoupling: Double?

    /// Compiles `table[k]` = P(node = 1 | parents = the bits of k, parent 0 the lowest bit),
    /// for up to two parents. Probabilities must lie strictly inside (0, 1).
    public init(cpt table: [Double]) throws {
        guard [1, 2, 4].contains(table.count) else {
            throw BayesianError(field: "cpt", value: "\(table.count) rows", expected: "1, 2 or 4 rows (0, 1 or 2 binary parents)")
        }
        if let bad = table.first(where: { !($0 > 0 && $0 < 1) }) {
            throw BayesianError(field: "cpt", value: "\(bad)",
                                expected: "probabilities strictly between 0 and 1 (a p-bit's sigmoid never reaches 0 or 1)")
        }
        let l = table.map(PBit.logit)
        bias = l[0]
        switch table.count {
        case 1: couplings = []; auxiliaryCoupling = nil
        case 2: couplings = [l[1] - l[0]]; auxiliaryCoupling = nil
        default:
            couplings = [l[1] - l[0], l[2] - l[0]]
            let interaction = l[3] - l[1] - l[2] + l[0]
            auxiliaryCoupling = Swift.abs(interaction) < 1e-12 ? nil : interaction
        }
    }

    /// The p-bit input for parent states `m`.
    public func input(parents m: [Bool]) -> Double {
        var i = bias
        for (j, coupling) in couplings.enumerated() where m[j] { i += coupling }
        if let auxiliaryCoupling, m.count == 2, m[0] && m[1] { i += auxiliaryCoupling }
        return i
    }
}
