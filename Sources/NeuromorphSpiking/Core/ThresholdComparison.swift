/// How a membrane potential is compared with its threshold.
///
/// The anchors differ: NEST fires at `V ≥ V_th`; Brian2's examples, Norse (`H(0) = 0`) and
/// snnTorch at `V > V_th`; μBrain at `v ≥ 64`; Chundi at `V ≥ TH`; MONETA at `V > V_th`
/// (spiking note §1.1). Every neuron model takes the comparison as a parameter.
public enum ThresholdComparison: String, Sendable, Codable, CaseIterable, Hashable {
    /// `v ≥ threshold` (NEST, μBrain, Chundi).
    case greaterOrEqual = "greater_or_equal"
    /// `v > threshold` (Brian2 examples, Norse, snnTorch, MONETA).
    case greater

    /// Whether `value` crosses `threshold` under this comparison.
    @inlinable
    public func crosses<T: Comparable>(_ value: T, _ threshold: T) -> Bool {
        switch self {
        case .greaterOrEqual: return value >= threshold
        case .greater: return value > threshold
        }
    }
}
