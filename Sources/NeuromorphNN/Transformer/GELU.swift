import NeuromorphCore
import RealModule

/// The Gaussian error linear unit in its tanh approximation (Hendrycks & Gimpel 2016,
/// Eq. 2; BERT's and GPT-2's `gelu`, PyTorch's `GELU(approximate: "tanh")`):
/// ```
/// u = √(2/π) · (x + 0.044715 x³)
/// y = ½ x (1 + tanh u)
/// ```
/// The backward pass is the exact derivative of that approximation (not of the erf form):
/// ```
/// dy/dx = ½ (1 + tanh u) + ½ x (1 − tanh² u) · √(2/π) (1 + 3 · 0.044715 x²)
/// ```
/// `tanh` is `FastMath.tanh`, so the loops vectorize.
public struct GELU: Layer {
    private var cachedInput = Tensor.zeros([0])

    public init() {}

    public var summary: String { "gelu(tanh)" }

    @usableFromInline static let sqrtTwoOverPi: Float = 0.797_884_56
    @usableFromInline static let cubic: Float = 0.044_715

    /// The tanh-approximate GELU of one value.
    @inlinable @inline(__always)
    public static func value(_ x: Float) -> Float {
        let u = sqrtTwoOverPi * Relaxed.multiplyAdd(cubic * x, x * x, x)
        return 0.5 * x * (1 + FastMath.tanh(u))
    }

    /// The derivative of `value(_:)` at `x`.
    @inlinable @inline(__always)
    public static func derivative(_ x: Float) -> Float {
        let x2 = x * x
        let t = FastMath.tanh(sqrtTwoOverPi * Relaxed.multiplyAdd(cubic * x, x2, x))
        let du = sqrtTwoOverPi * Relaxed.multiplyAdd(3 * cubic, x2, 1)
        return Relaxed.multiplyAdd(0.5 * x * du, 1 - t * t, 0.5 * (1 + t))
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        if mode == .training { cachedInput = input }
        var output = input
        output.scalars.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = GELU.value(p[i]) }
        }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(cachedInput.count == outputGradient.count, "GELU.backward: call forward(mode: .training) first")
        var gradient = outputGradient
        gradient.scalars.withUnsafeMutableBufferPointer { g in
            cachedInput.scalars.withUnsafeBufferPointer { x in
                for i in g.indices { g[i] *= GELU.derivative(x[i]) }
            }
        }
        return gradient
    }
}
