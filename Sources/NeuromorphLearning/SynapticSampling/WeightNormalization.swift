/// Weight normalization with a learned gain (Salimans & Kingma 2016), the form the
/// Synaptic Sampling Machine's activation takes (Neftci, Eq. 3; spec §1.3):
/// ```
/// v = β ŵ,   ŵ = w / ‖w‖
/// ∂L/∂β = ŵ · ∂L/∂v
/// ∂L/∂w = (β / ‖w‖) (I − ŵŵᵀ) ∂L/∂v = (β / ‖w‖) (∂L/∂v − ŵ ∂L/∂β)
/// ```
/// **Erratum** (spec §1.3): the paper prints `∂L/∂w_ij = (β_i/‖w_i‖)∂L/∂v_ij − (β_i/‖w_i‖²)∂L/∂β_i`,
/// which drops the factor `w_ij` from the second term; the form above is the exact gradient
/// (it is orthogonal to `w`, so `w · ∂L/∂w = 0`).
public enum WeightNormalization {
    /// `v = β w/‖w‖` for one row.
    public static func direction<T: BinaryFloatingPoint>(_ w: [T], gain: T) -> [T] {
        let norm = w.reduce(T.zero) { $0 + $1 * $1 }.squareRoot()
        return w.map { gain * $0 / norm }
    }

    /// `(∂L/∂w, ∂L/∂β)` of one row from `∂L/∂v`.
    public static func gradients<T: BinaryFloatingPoint>(_ w: [T], gain: T, dv: [T]) -> (dw: [T], dgain: T) {
        precondition(w.count == dv.count, "WeightNormalization.gradients: \(w.count) weights, \(dv.count) gradients")
        let norm = w.reduce(T.zero) { $0 + $1 * $1 }.squareRoot()
        var dgain = T.zero
        for j in w.indices { dgain += w[j] / norm * dv[j] }
        let scale = gain / norm
        return (w.indices.map { scale * (dv[$0] - w[$0] / norm * dgain) }, dgain)
    }
}
