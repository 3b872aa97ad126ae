import NeuromorphCore
import RealModule

/// Layer normalization over the last (feature) dimension, with a learned gain γ and
/// offset β (Ba, Kiros & Hinton 2016; PyTorch's `nn.LayerNorm(features)`).
///
/// Each row of `features` values (a token) is normalized on its own:
/// ```
/// μ = (1/d) Σᵢ xᵢ        σ² = (1/d) Σᵢ (xᵢ − μ)²        x̂ᵢ = (xᵢ − μ) / √(σ² + ε)
/// yᵢ = γᵢ x̂ᵢ + βᵢ
/// ```
/// and the backward pass is the closed form (with `gᵢ = γᵢ · dLoss/dyᵢ`)
/// ```
/// dLoss/dxᵢ = (gᵢ − mean(g) − x̂ᵢ · mean(g ⊙ x̂)) / √(σ² + ε)
/// dLoss/dγᵢ = Σ_rows dLoss/dyᵢ · x̂ᵢ        dLoss/dβᵢ = Σ_rows dLoss/dyᵢ
/// ```
/// The input may have any rank; its last dimension must be `features` (`[tokens, d]`,
/// `[N, T, d]`). γ starts at 1 and β at 0; neither takes weight decay.
public struct LayerNorm: Layer {
    /// γ, shape `[features]` (named `weight`, as in PyTorch).
    public var gain: Parameter
    /// β, shape `[features]` (named `bias`, as in PyTorch).
    public var offset: Parameter
    public let features: Int
    /// ε inside the square root.
    public let epsilon: Float
    private var cachedNormalized = Tensor.zeros([0])
    private var cachedInverseDeviation: [Float] = []

    public init(_ features: Int, epsilon: Float = 1e-5) {
        precondition(features > 0, "LayerNorm: features must be positive")
        precondition(epsilon > 0, "LayerNorm: epsilon must be positive")
        self.features = features
        self.epsilon = epsilon
        gain = Parameter(name: "weight", value: .ones([features]), decays: false)
        offset = Parameter(name: "bias", value: .zeros([features]), decays: false)
    }

    public var summary: String { "LayerNorm(\(features))" }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        precondition(input.shape.last == features,
                     "LayerNorm: input \(input.shape) does not end in \(features) features")
        let d = features
        let rows = input.count / d
        var normalized = input
        var inverseDeviation = [Float](repeating: 0, count: rows)
        var output = input
        normalized.scalars.withUnsafeMutableBufferPointer { xh in
            inverseDeviation.withUnsafeMutableBufferPointer { inv in
                output.scalars.withUnsafeMutableBufferPointer { y in
                    gain.value.scalars.withUnsafeBufferPointer { gamma in
                        offset.value.scalars.withUnsafeBufferPointer { beta in
                            let (gammaRow, betaRow) = (gamma.baseAddress!, beta.baseAddress!)
                            for r in 0..<rows {
                                // Row pointers: no index arithmetic (and overflow checks) in the loops.
                                let (x, out) = (xh.baseAddress! + r * d, y.baseAddress! + r * d)
                                var sum: Float = 0
                                for i in 0..<d { sum = Relaxed.sum(sum, x[i]) }
                                let mean = sum / Float(d)
                                var squares: Float = 0
                                for i in 0..<d {
                                    let c = x[i] - mean
                                    x[i] = c
                                    squares = Relaxed.multiplyAdd(c, c, squares)
                                }
                                let invStd = 1 / (squares / Float(d) + epsilon).squareRoot()
                                inv[r] = invStd
                                for i in 0..<d {
                                    let v = x[i] * invStd
                                    x[i] = v
                                    out[i] = Relaxed.multiplyAdd(gammaRow[i], v, betaRow[i])
                                }
                            }
                        }
                    }
                }
            }
        }
        if mode == .training {
            cachedNormalized = normalized
            cachedInverseDeviation = inverseDeviation
        }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(cachedNormalized.count == outputGradient.count && !cachedInverseDeviation.isEmpty,
                     "LayerNorm.backward: call forward(mode: .training) first")
        let d = features
        let rows = outputGradient.count / d
        var inputGradient = outputGradient
        var gainGradient = [Float](repeating: 0, count: d)
        var offsetGradient = [Float](repeating: 0, count: d)
        inputGradient.scalars.withUnsafeMutableBufferPointer { g in
            cachedNormalized.scalars.withUnsafeBufferPointer { xh in
                cachedInverseDeviation.withUnsafeBufferPointer { inv in
                    gain.value.scalars.withUnsafeBufferPointer { gamma in
                        gainGradient.withUnsafeMutableBufferPointer { dGamma in
                            offsetGradient.withUnsafeMutableBufferPointer { dBeta in
                                let (gammaRow, dGammaRow, dBetaRow) = (gamma.baseAddress!, dGamma.baseAddress!, dBeta.baseAddress!)
                                for r in 0..<rows {
                                    let (gRow, x) = (g.baseAddress! + r * d, xh.baseAddress! + r * d)
                                    var meanG: Float = 0, meanGX: Float = 0
                                    for i in 0..<d {
                                        let dy = gRow[i]
                                        dBetaRow[i] += dy
                                        dGammaRow[i] = Relaxed.multiplyAdd(dy, x[i], dGammaRow[i])
                                        let gi = dy * gammaRow[i]
                                        gRow[i] = gi
                                        meanG = Relaxed.sum(meanG, gi)
                                        meanGX = Relaxed.multiplyAdd(gi, x[i], meanGX)
                                    }
                                    meanG /= Float(d)
                                    meanGX /= Float(d)
                                    let invStd = inv[r]
                                    for i in 0..<d { gRow[i] = (gRow[i] - meanG - x[i] * meanGX) * invStd }
                                }
                            }
                        }
                    }
                }
            }
        }
        gain.gradient = Tensor(gainGradient)
        offset.gradient = Tensor(offsetGradient)
        return inputGradient
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&gain)
        try body(&offset)
    }
}
