import NeuromorphCore

/// Forward-only Gaussian weight noise of hardware-aware (HWA) training (Spoon et al. §2.3,
/// digest §2.6: "additive Gaussian weight noise that mimics a scaled version of our
/// programming noise"; the scale is a hyperparameter the paper does not give).
///
/// Drawn anew in every training forward, per tile row `j` with weight scale
/// `s_j = max_i |W_ji|` (the scale the row is later programmed with) and `w̃ = W / s_j`:
/// ```
/// relative(η):               ε_ji ~ N(0, (η · s_j)²)                          (aihwkit ADD_NORMAL)
/// pcmProgramming(model, κ):  ε_ji ~ N(0, (κ · σ_prog(|w̃_ji|) · s_j / g_max)²) (aihwkit PCM_NOISE)
/// ```
/// with `σ_prog` the programming-noise polynomial of ``PCMNoiseModel`` (µS, γ included).
/// Only the device that carries the weight is counted: the RESET device of the pair
/// (σ_prog(0) = 0.26 µS) is left out, as in aihwkit's `PCM_NOISE` modifier. The backward
/// pass and the update never see ε.
public enum HWAWeightNoise: Sendable, Codable, Equatable, CustomStringConvertible {
    /// No weight noise (plain training with the periphery in the loop).
    case none
    /// `ε ~ N(0, (η·s_j)²)`: a fraction `η` of the row's largest weight.
    case relative(Float)
    /// `ε ~ N(0, (κ·σ_prog(|w̃|)·s_j/g_max)²)`: the PCM programming noise scaled by `κ`.
    case pcmProgramming(PCMNoiseModel, scale: Float)

    public var description: String {
        switch self {
        case .none: "none"
        case .relative(let eta): "relative η = \(eta)"
        case .pcmProgramming(let model, let scale): "PCM programming noise × \(scale) (γ = \(model.programmingNoiseScale))"
        }
    }

    /// Adds the noise to a tile block `w` (`[rows, columns]`) whose row scales are `scales`.
    func perturb(_ w: inout Tensor, scales: [Float], generator: inout SeededGenerator) {
        guard w.count > 0 else { return }
        let columns = w.columns
        switch self {
        case .none:
            return
        case .relative(let eta):
            guard eta > 0 else { return }
            w.scalars.withUnsafeMutableBufferPointer { p in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: columns) { z in
                    for r in 0..<scales.count {
                        InferenceNormalSampler.fill(z, generator: &generator)
                        let sigma = eta * scales[r]
                        for c in 0..<columns { p[r * columns + c] += sigma * z[c] }
                    }
                }
            }
        case .pcmProgramming(let model, let scale):
            guard scale > 0 else { return }
            w.scalars.withUnsafeMutableBufferPointer { p in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: columns) { z in
                    for r in 0..<scales.count {
                        InferenceNormalSampler.fill(z, generator: &generator)
                        let s = scales[r]
                        guard s > 0 else { continue }
                        let f = scale * model.programmingNoiseScale * s / model.gMax
                        for c in 0..<columns {
                            let x = Swift.min(Swift.abs(p[r * columns + c]) / s, 1)
                            p[r * columns + c] += f * model.programmingNoiseStd(normalizedTarget: x) * z[c]
                        }
                    }
                }
            }
        }
    }
}

/// How the digital weights are clipped after every update (the paper sweeps "weight
/// clipping" per task without giving values, digest §2.6; aihwkit `WeightClipParameter`).
public enum HWAWeightClipping: Sendable, Codable, Equatable {
    /// No clipping.
    case none
    /// `W ← clamp(W, −c, c)` (aihwkit `FIXED_VALUE`).
    case fixed(Float)
    /// `W ← clamp(W, −k·σ_W, k·σ_W)` with `σ_W` the std of the layer's weights (aihwkit
    /// `LAYER_GAUSSIAN`, default k = 2.5 there).
    case layerGaussian(Float)

    func apply(_ w: inout Tensor) {
        let bound: Float
        switch self {
        case .none: return
        case .fixed(let c): bound = c
        case .layerGaussian(let k):
            let n = Float(Swift.max(w.count, 1))
            let mean = w.sum() / n
            var v: Float = 0
            for x in w.scalars { v += (x - mean) * (x - mean) }
            bound = k * (v / n).squareRoot()
        }
        guard bound > 0 else { return }
        w.apply { Swift.min(Swift.max($0, -bound), bound) }
    }
}

/// How the DAC input range `r` is first set from data (the paper: "initialized from
/// example data", digest §2.4 step 1).
public enum InputRangeInitialization: Sendable, Codable, Equatable {
    /// `r = k · std(x)` over the first batch (aihwkit `init_std_alpha`, default 3).
    case standardDeviations(Float)
    /// `r = max |x|` over the first batch (no input clipping on that batch).
    case absMax
}

/// The hardware-aware training settings of an ``AnalogInferenceLinear`` (digest §2.6):
/// forward-only weight noise, the periphery in the forward pass, clipping, and how the
/// learned DAC range starts.
public struct HardwareAwareTraining: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Forward-only weight noise (default none).
    public var weightNoise: HWAWeightNoise
    /// Clipping of the digital weights after each update (default none).
    public var weightClipping: HWAWeightClipping
    /// How the learned input range starts (default 3 standard deviations of the first batch).
    public var inputRangeInitialization: InputRangeInitialization
    /// Smallest input range the update may leave (the range stays positive).
    public var minimumInputRange: Float

    public init(weightNoise: HWAWeightNoise = .none, weightClipping: HWAWeightClipping = .none,
                inputRangeInitialization: InputRangeInitialization = .standardDeviations(3),
                minimumInputRange: Float = 1e-3) {
        self.weightNoise = weightNoise
        self.weightClipping = weightClipping
        self.inputRangeInitialization = inputRangeInitialization
        self.minimumInputRange = minimumInputRange
    }

    /// No weight noise, no clipping (the periphery still acts in the forward pass).
    public static let standard = HardwareAwareTraining()

    public var description: String {
        "HWA(weight noise: \(weightNoise), clipping: \(weightClipping), input range from \(inputRangeInitialization))"
    }
}
