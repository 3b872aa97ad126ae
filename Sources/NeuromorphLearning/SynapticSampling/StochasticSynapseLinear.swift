import Foundation
import NeuromorphCore
import NeuromorphNN

/// A layer of blank-out (Bernoulli) synapses onto sign neurons, the Synaptic Sampling
/// Machine's connection (Neftci, Eqs. 1–3; spec §1.3), with no biases:
/// ```
/// sampled:   u_i = Σ_j (ξ_ij + a_i) w_ij z_j,   ξ_ij ~ Bernoulli(p) fresh at every evaluation
/// analytic:  u_i = v_i · z,   v_i = β_i w_i/‖w_i‖            (one GEMM; P(z_i = 1) = ½(1 + erf(u_i)))
/// a_i = β_i √(2p(1−p)) − p                                   (the hardware value of the gain)
/// ```
/// The analytic form is the Gaussian limit of the sampled one: `u` has mean
/// `(p + a_i) w_i·z` and variance `p(1−p)‖w_i‖²` (z ∈ {±1}), so
/// `P(u ≥ 0) = ½(1 + erf(β_i ŵ_i·z))`. Training uses the analytic mode with the corrected
/// weight-normalization gradient (``WeightNormalization``); evaluation may sample.
///
/// The sampled output is the hardware sum `u` itself (add-only except `a_i`); only its sign
/// (hidden layers) or arg-max (read-out) is used. Scaling a row of `w` by `α > 0` with `a_i`
/// held scales `u_i` by `α` and changes neither (``scaleWeights(by:)``).
public struct StochasticSynapseLinear: Layer {
    public enum Mode: String, Sendable, Codable {
        case analytic, sampled
    }

    public var weight: Parameter
    /// `β`, one per output neuron.
    public var gain: Parameter
    /// The synaptic transmission probability `p`.
    public let probability: Float
    public var mode: Mode = .analytic
    /// The stream of the blank-out masks.
    public var generator: SeededGenerator
    public let inputFeatures: Int
    public let outputFeatures: Int
    private var cachedInput = Tensor.zeros([0])
    private var cachedNorms: [Float] = []
    private var cachedDirection = Tensor.zeros([0])

    /// Xavier-uniform `w ~ U(±√(6/(in+out)))` and `β = 1` ([EXT] NSM code; not in the paper).
    public init(_ inputFeatures: Int, _ outputFeatures: Int, probability: Float = 0.5, initialGain: Float = 1,
                generator: inout SeededGenerator, maskGenerator: SeededGenerator) {
        precondition(inputFeatures > 0 && outputFeatures > 0, "StochasticSynapseLinear: sizes must be positive")
        precondition(probability > 0 && probability < 1, "StochasticSynapseLinear: p must lie in (0, 1)")
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        self.probability = probability
        let bound = (6 / Float(inputFeatures + outputFeatures)).squareRoot()
        weight = Parameter(name: "weight", value: .randomUniform([outputFeatures, inputFeatures], lower: -bound, upper: bound,
                                                                 using: &generator))
        gain = Parameter(name: "gain", value: Tensor(repeating: initialGain, shape: [outputFeatures]), decays: false)
        self.generator = maskGenerator
    }

    public var summary: String { "StochasticSynapses(\(inputFeatures) → \(outputFeatures), p \(probability), \(mode.rawValue))" }

    /// `a_i = β_i √(2p(1−p)) − p`.
    public var hardwareOffsets: [Float] {
        let s = (2 * probability * (1 - probability)).squareRoot()
        return gain.value.scalars.map { $0 * s - probability }
    }

    /// Row norms `‖w_i‖`.
    func rowNorms() -> [Float] {
        let (n, m) = (inputFeatures, outputFeatures)
        return weight.value.scalars.withUnsafeBufferPointer { w in
            (0..<m).map { i in
                var sum: Float = 0
                for j in 0..<n { sum += w[i * n + j] * w[i * n + j] }
                return Swift.max(sum.squareRoot(), .leastNormalMagnitude)
            }
        }
    }

    /// Multiplies every weight by `alpha > 0`, keeping `β` (the hardware's `a_i`): inference
    /// with scaled weights (Neftci, Table I "weights × 0.1").
    public mutating func scaleWeights(by alpha: Float) {
        weight.value *= alpha
    }

    // MARK: - Forward

    public mutating func forward(_ input: Tensor, mode executionMode: ExecutionMode) -> Tensor {
        precondition(input.columns == inputFeatures,
                     "StochasticSynapseLinear: input has \(input.columns) features, expected \(inputFeatures)")
        if mode == .sampled && executionMode == .inference { return sampled(input) }
        let norms = rowNorms()
        var direction = weight.value
        direction.scalars.withUnsafeMutableBufferPointer { v in
            for i in 0..<outputFeatures {
                let scale = gain.value.scalars[i] / norms[i]
                for j in 0..<inputFeatures { v[i * inputFeatures + j] *= scale }
            }
        }
        if executionMode == .training {
            cachedInput = input
            cachedNorms = norms
            cachedDirection = direction
        }
        var output = Tensor.zeros([0])
        Tensor.gemm(input, .none, direction, .transposed, into: &output)
        return output
    }

    /// `u_i = Σ_j (ξ_ij + a_i) w_ij z_j` with a fresh mask for every row and synapse, drawn
    /// from (and advancing) the layer's stream.
    public mutating func sampled(_ input: Tensor) -> Tensor {
        let (n, m, rows) = (inputFeatures, outputFeatures, input.rows)
        let offsets = hardwareOffsets
        var output = Tensor.zeros([rows, m])
        let p = probability
        var g = generator
        defer { generator = g }
        weight.value.scalars.withUnsafeBufferPointer { w in
            input.scalars.withUnsafeBufferPointer { z in
                output.scalars.withUnsafeMutableBufferPointer { u in
                    for r in 0..<rows {
                        let zr = z.baseAddress! + r * n
                        for i in 0..<m {
                            let wi = w.baseAddress! + i * n
                            var kept: Float = 0, full: Float = 0
                            if p == 0.5 {
                                // 64 fair bits per draw.
                                var j = 0
                                while j < n {
                                    var bits = g.next()
                                    let end = Swift.min(j + 64, n)
                                    while j < end {
                                        let wz = wi[j] * zr[j]
                                        full += wz
                                        kept += wz * Float(bits & 1)
                                        bits >>= 1
                                        j += 1
                                    }
                                }
                            } else {
                                for j in 0..<n {
                                    let wz = wi[j] * zr[j]
                                    full += wz
                                    if g.nextUniform() < p { kept += wz }
                                }
                            }
                            u[r * m + i] = kept + offsets[i] * full
                        }
                    }
                }
            }
        }
        return output
    }

    // MARK: - Backward (analytic mode)

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        precondition(cachedInput.rows == outputGradient.rows, "StochasticSynapseLinear.backward: call forward(mode: .training) first")
        let (n, m) = (inputFeatures, outputFeatures)
        // ∂L/∂v = dUᵀ z, then the weight-normalization gradient row by row.
        var dv = Tensor.zeros([0])
        Tensor.gemm(outputGradient, .transposed, cachedInput, .none, into: &dv)
        var dw = Tensor.zeros([m, n])
        var dgain = Tensor.zeros([m])
        weight.value.scalars.withUnsafeBufferPointer { w in
            dv.scalars.withUnsafeBufferPointer { g in
                dw.scalars.withUnsafeMutableBufferPointer { out in
                    for i in 0..<m {
                        let norm = cachedNorms[i], beta = gain.value.scalars[i]
                        var dot: Float = 0
                        for j in 0..<n { dot += w[i * n + j] * g[i * n + j] }
                        let db = dot / norm
                        dgain.scalars[i] = db
                        let scale = beta / norm
                        for j in 0..<n { out[i * n + j] = scale * (g[i * n + j] - w[i * n + j] / norm * db) }
                    }
                }
            }
        }
        weight.gradient = dw
        gain.gradient = dgain
        guard needsInputGradient else { return Tensor.zeros([0]) }
        var inputGradient = Tensor.zeros([0])
        Tensor.gemm(outputGradient, .none, cachedDirection, .none, into: &inputGradient)
        return inputGradient
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&weight)
        try body(&gain)
    }
}
