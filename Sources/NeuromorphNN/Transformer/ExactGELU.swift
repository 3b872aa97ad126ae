import Foundation
import NeuromorphCore

/// The exact (erf) Gaussian error linear unit (Hendrycks & Gimpel 2016, Eq. 1; PyTorch's
/// default `nn.GELU()`, ONNX `Gelu` with `approximate = "none"` and the `Div`-`Erf`-`Add`-`Mul`-`Mul`
/// decomposition PyTorch exports below opset 20):
/// ```
/// y = x Φ(x) = ½ x (1 + erf(x / √2))
/// dy/dx = Φ(x) + x φ(x),   φ(x) = exp(−x²/2) / √(2π)
/// ```
/// Computed in double precision per element and rounded once. ``GELU`` is the tanh
/// approximation the transformer blocks use; the two differ by up to about 5e-4.
public struct ExactGELU: Layer {
    private var cachedInput = Tensor.zeros([0])

    public init() {}

    public var summary: String { "gelu(erf)" }

    /// ½ x (1 + erf(x/√2)).
    public static func value(_ x: Float) -> Float {
        let d = Double(x)
        return Float(0.5 * d * (1 + erf(d / 2.0.squareRoot())))
    }

    /// Φ(x) + x φ(x).
    public static func derivative(_ x: Float) -> Float {
        let d = Double(x)
        let cdf = 0.5 * (1 + erf(d / 2.0.squareRoot()))
        let pdf = exp(-0.5 * d * d) / (2 * Double.pi).squareRoot()
        return Float(cdf + d * pdf)
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        if mode == .training { cachedInput = input }
        var output = input
        output.scalars.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = Self.value(p[i]) }
        }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(cachedInput.count == outputGradient.count, "ExactGELU.backward: call forward(mode: .training) first")
        var gradient = outputGradient
        gradient.scalars.withUnsafeMutableBufferPointer { g in
            cachedInput.scalars.withUnsafeBufferPointer { x in
                for i in g.indices { g[i] *= Self.derivative(x[i]) }
            }
        }
        return gradient
    }
}
