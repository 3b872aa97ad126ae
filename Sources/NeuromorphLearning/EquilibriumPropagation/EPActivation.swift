/// The bounded activation σ of an EP network's state layers (learning-rules §1.1; EP digest §1.2,
/// the reference code's definitions at HEAD 93660ed):
/// ```
/// my_sigmoid(x)  = 1 / (1 + e^{−4(x − 0.5)})       σ' = 4σ(1 − σ)
/// hard_sigmoid(x) = (1 + hardtanh(2x − 1))/2 = clamp(x, 0, 1)
/// my_hard_sig(x)  = (1 + hardtanh(x − 1))/2  = clamp(x/2, 0, 1)   (the CIFAR-10 runs)
/// ```
/// The older `my_hard_sig = ½(my_sigmoid + hard_sigmoid)` (before 2020-05-08) is not offered
/// (learning-rules §1.1, digest correction (a)).
public enum EPActivation: String, Codable, Sendable, CaseIterable {
    case mySigmoid = "my_sigmoid"
    case hardSigmoid = "hard_sigmoid"
    case myHardSig = "my_hard_sig"

    /// σ(x).
    @inline(__always)
    func value<S: EPScalar>(_ x: S) -> S {
        switch self {
        case .mySigmoid: return 1 / (1 + S.exponential(-4 * (x - S(0.5))))
        case .hardSigmoid: return Swift.min(Swift.max(x, 0), 1)
        case .myHardSig: return Swift.min(Swift.max(x / 2, 0), 1)
        }
    }

    /// σ'(x) (0 at and outside the hard kinks' flat parts, as PyTorch's hardtanh gradient).
    @inline(__always)
    func derivative<S: EPScalar>(_ x: S) -> S {
        switch self {
        case .mySigmoid:
            let s = value(x)
            return 4 * s * (1 - s)
        case .hardSigmoid: return x > 0 && x < 1 ? 1 : 0
        case .myHardSig: return x > 0 && x < 2 ? S(0.5) : 0
        }
    }

    /// Applies σ to every element in place.
    func apply<S: EPScalar>(_ values: inout [S]) {
        values.withUnsafeMutableBufferPointer { v in
            switch self {
            case .mySigmoid: for i in v.indices { v[i] = 1 / (1 + S.exponential(-4 * (v[i] - S(0.5)))) }
            case .hardSigmoid: for i in v.indices { v[i] = Swift.min(Swift.max(v[i], 0), 1) }
            case .myHardSig: for i in v.indices { v[i] = Swift.min(Swift.max(v[i] / 2, 0), 1) }
            }
        }
    }
}
