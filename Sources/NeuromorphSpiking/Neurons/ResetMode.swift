/// What happens to the membrane after a spike.
public enum ResetMode: String, Sendable, Codable, CaseIterable, Hashable {
    /// `V ← V_reset` (NEST, Brian2 `reset='v = V_r'`, snnTorch `reset_mechanism="zero"` with V_reset = 0).
    case toValue = "to_value"
    /// `V ← V − (V_th − V_reset)`: reset by subtraction (snnTorch's default
    /// `reset_mechanism="subtract"`, rate-coded ANN→SNN conversion).
    case subtract
}
