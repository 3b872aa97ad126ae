import NeuromorphCore
import RealModule

// MARK: - One quantized operand

/// Symmetric INT-k fake quantization of one tensor with a learned per-tensor step size `s`,
/// trained with the LSQ straight-through estimator (Esser et al. 2020, "Learned Step Size
/// Quantization", Eqs. 1–5).
///
/// Forward (round to nearest, ties to even, then back to float), with `Q = 2^(k−1) − 1`:
/// ```
/// v = x / s
/// x̂ = s · round(clamp(v, −Q, Q))
/// ```
/// Backward (straight through for `x`; LSQ's step-size gradient for `s`):
/// ```
/// ∂x̂/∂x = 1 if −Q ≤ v ≤ Q, else 0
/// ∂x̂/∂s = round(v) − v  if −Q ≤ v ≤ Q
///       = −Q            if v < −Q
///       = +Q            if v > +Q
/// G_s = g · Σ_elements dLoss/dx̂ · ∂x̂/∂s,   g = 1 / √(N · Q)
/// ```
/// where `N` is the number of elements per sample (LSQ's `N_F`).
///
/// The trainable parameter is `θ = ln s` (`logScale`), and its stored gradient is
/// `G_s / s`. An SGD step on θ then changes `s` by the same relative amount as LSQ's SGD
/// step on `s` (`Δs/s = −η G_s / s`, to first order), while Adam-style optimizers, whose
/// steps are about η in size whatever the gradient, change `s` by a relative η rather
/// than an absolute η: with `s ≈ 0.01` for INT8 operands, absolute steps of 10⁻³ drove
/// `s` negative within a few updates in our tests. The log form also keeps `s > 0`.
///
/// `s` is initialized from the first tensor it sees (`s = max|x| / Q`, so that batch is
/// quantized without clipping: Spoon et al. 2021, digest §2.7, "initialised from a small
/// set of training data, then learned"). θ has no weight decay.
public struct SymmetricQuantizer: Sendable {
    /// The integer width `k` (2…16).
    public let bits: Int
    /// θ = ln s, shape `[1]`.
    public var logScale: Parameter
    /// Whether the step size has been initialized from data.
    public private(set) var isCalibrated = false

    public init(bits: Int, name: String) {
        precondition((2...16).contains(bits), "SymmetricQuantizer: bits must be in 2...16, got \(bits)")
        self.bits = bits
        logScale = Parameter(name: name, value: .zeros([1]), decays: false)
    }

    /// The largest integer level, `Q = 2^(k−1) − 1` (127 for INT8).
    public var levels: Float { Float((1 << (bits - 1)) - 1) }

    /// The step size `s = exp θ`.
    public var step: Float { Float.exp(logScale.value.scalars[0]) }

    /// Sets `s = max|x| / Q` (1 when `x` is all zeros) and marks the quantizer calibrated.
    public mutating func calibrate(to x: Tensor) {
        let absMax = x.absMax()
        logScale.value.scalars[0] = absMax > 0 ? Float.log(absMax / levels) : 0
        isCalibrated = true
    }

    /// `x̂ = s · round(clamp(x/s, −Q, Q))` element-wise; calibrates on first use.
    public mutating func quantize(_ x: Tensor) -> Tensor {
        if !isCalibrated { calibrate(to: x) }
        let s = step, q = levels
        var out = x
        out.scalars.withUnsafeMutableBufferPointer { p in
            for i in p.indices {
                p[i] = SymmetricQuantizer.roundToNearestEven(Swift.min(Swift.max(p[i] / s, -q), q)) * s
            }
        }
        return out
    }

    /// Turns dLoss/dx̂ into dLoss/dx (straight through inside the range, zero outside)
    /// and sets `logScale.gradient` to `G_s / s` (the LSQ step-size gradient in log form). `input` is the tensor that
    /// was quantized; `elementsPerSample` is LSQ's `N`.
    public mutating func backward(input: Tensor, outputGradient: Tensor, elementsPerSample: Int) -> Tensor {
        precondition(input.count == outputGradient.count, "SymmetricQuantizer.backward: \(input.shape) vs \(outputGradient.shape)")
        let s = step, q = levels
        var inputGradient = outputGradient
        var total: Double = 0
        inputGradient.scalars.withUnsafeMutableBufferPointer { g in
            input.scalars.withUnsafeBufferPointer { x in
                // Partial sums in Float over fixed blocks, combined in Double: a fixed order.
                var start = 0
                while start < g.count {
                    let end = Swift.min(start + 1024, g.count)
                    var partial: Float = 0
                    for i in start..<end {
                        let v = x[i] / s
                        if v > q {
                            partial += g[i] * q
                            g[i] = 0
                        } else if v < -q {
                            partial -= g[i] * q
                            g[i] = 0
                        } else {
                            partial += g[i] * (SymmetricQuantizer.roundToNearestEven(v) - v)
                        }
                    }
                    total += Double(partial)
                    start = end
                }
            }
        }
        let gradientScale = 1 / (Double(Swift.max(elementsPerSample, 1)) * Double(q)).squareRoot()
        logScale.gradient = Tensor([Float(total * gradientScale / Double(s))])
        return inputGradient
    }

    /// Round to nearest, ties to even, for |v| < 2²²: adding and subtracting 1.5·2²³ leaves
    /// the rounded value (IEEE round-to-nearest-even does the rounding; no libm call, so
    /// loops vectorize). Callers clamp to ±Q ≤ 32767 first.
    @inline(__always)
    static func roundToNearestEven(_ v: Float) -> Float {
        (v + 12_582_912) - 12_582_912
    }
}

// MARK: - The four operands of the two attention batch-matmuls

/// INT-k quantization of the two attention batch-matmuls, `Q·Kᵀ` and `softmax(·)·V`, as in
/// Spoon et al. 2021 (digest §2.7): each of the four operands — queries `Q`, keys `K`,
/// probabilities `P = softmax(Q Kᵀ/√d_h)` and values `V` — is quantized with its own
/// per-tensor learned scale (`SymmetricQuantizer`); the softmax itself stays in float.
/// The products of integer operands are what an INT-k multiply-and-add unit computes; the
/// simulation keeps them as `s_Q s_K · (q_Q · q_K)` in float, which is exact for k ≤ 10 and
/// head widths ≤ 64 (|Σ| ≤ 64 · 511² < 2²⁴).
///
/// `AttentionQuantizer.off` (`bits == nil`) passes everything through in float and has no
/// parameters. The paper's settings are `bits` ∈ {10, 8, 6}.
public struct AttentionQuantizer: Sendable {
    /// The operands, in the order their scales are visited.
    public enum Operand: Int, CaseIterable, Sendable {
        case query, key, probabilities, value
    }

    /// `nil`: float attention; otherwise the integer width of all four operands.
    public let bits: Int?
    /// One quantizer per `Operand` (empty when off).
    public var quantizers: [SymmetricQuantizer]

    /// Float attention, no quantization.
    public static var off: AttentionQuantizer { AttentionQuantizer(bits: nil) }

    public init(bits: Int?) {
        self.bits = bits
        if let bits {
            quantizers = ["query_log_scale", "key_log_scale", "probability_log_scale", "value_log_scale"]
                .map { SymmetricQuantizer(bits: bits, name: $0) }
        } else {
            quantizers = []
        }
    }

    public var isEnabled: Bool { bits != nil }

    public var summary: String { bits.map { "INT\($0) attention" } ?? "float attention" }

    /// The quantized operand (the input itself when off).
    public mutating func quantize(_ operand: Operand, _ x: Tensor) -> Tensor {
        guard isEnabled else { return x }
        return quantizers[operand.rawValue].quantize(x)
    }

    /// dLoss/d(operand) from dLoss/d(quantized operand); sets that operand's scale gradient.
    public mutating func backward(_ operand: Operand, input: Tensor, outputGradient: Tensor,
                                  elementsPerSample: Int) -> Tensor {
        guard isEnabled else { return outputGradient }
        return quantizers[operand.rawValue].backward(input: input, outputGradient: outputGradient,
                                                     elementsPerSample: elementsPerSample)
    }

    /// The step size of one operand (`nil` when off).
    public func step(_ operand: Operand) -> Float? {
        isEnabled ? quantizers[operand.rawValue].step : nil
    }

    /// Visits the four log step sizes θ = ln s (none when off).
    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        for i in quantizers.indices { try body(&quantizers[i].logScale) }
    }
}
