import NeuromorphCore

/// The periphery of one analog inference tile of Spoon et al. 2021 (§2.1.3, digest §2.4):
/// an 8-bit DAC over a fixed symmetric input range, 512 × 512 tiles with digital partial
/// sums, additive output noise of 0.5 ADC LSB and a 10-bit ADC over ±10.
///
/// One tile computes, for a DAC-domain input row `x_q` and normalized weights
/// `w̃_ji = W_ji / s_j ∈ [−1, 1]` (`s_j`: the row's weight scale, `g_max` ↔ 1):
/// ```
/// x_q  = clamp( round( x / (r · Δx) ) · Δx, −1, 1 )     Δx = 2 / (2^b_in − 2)     (DAC)
/// y'_j = Σ_i x_q,i · w̃_ji + σ_out · ξ_j                                       (analog MAC)
/// y_j  = clamp( round( y'_j / Δy ) · Δy, −b, b )         Δy = 2b / (2^b_out − 2)   (ADC)
/// ```
/// with `r` the learned input range (``AnalogInferenceLinear/inputRange``), `b = 10` in
/// units where input 1 × weight 1 = 1, and the digital output `r · s_j · y_j` summed over
/// the tiles of an output block. The DAC and ADC stages are the shared periphery of
/// ``AnalogMatVec`` (`noiseManagement = .none`, `boundManagement = .none`, `inputBound = 1`):
/// the fixed, learned input range replaces aihwkit's per-vector abs-max noise management.
///
/// Deviations (see `docs/analog-inference-layers.md`): an n-bit converter has `2ⁿ − 1`
/// symmetric levels (step `2·range/(2ⁿ − 2)`, zero is a level; aihwkit's convention), so the
/// 10-bit LSB is `20/1022 = 0.01957`, not the digest's `20/1024`; there is no IR drop (the
/// paper keeps it negligible with 512 × 512 tiles and a 0.2 V read, digest §2.2) and no
/// input-current-dependent MAC read noise beyond the devices' own read noise (its formula is
/// not in the paper).
public struct InferencePeriphery: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Exact products: no DAC, ADC, clipping or noise (the digital reference).
    public var isIdeal: Bool
    /// DAC resolution in bits (`nil`: no input quantization, inputs still clip at the range).
    public var inputBits: Int?
    /// ADC resolution in bits (`nil`: no output quantization, outputs still clip at the bound).
    public var outputBits: Int?
    /// ADC range ±`outputBound` in units where input 1 × normalized weight 1 = 1 (paper: 10).
    public var outputBound: Float
    /// Std of the additive Gaussian output noise before the ADC, same units (paper: 0.5 LSB).
    public var outputNoise: Float
    /// Largest number of inputs (crossbar rows) of one tile (paper: 512).
    public var maxTileInputs: Int
    /// Largest number of outputs (crossbar columns) of one tile (paper: 512).
    public var maxTileOutputs: Int

    /// The periphery of the paper: 8-bit DAC, 10-bit ADC over ±10, 0.5 LSB output noise,
    /// 512 × 512 tiles.
    public init(inputBits: Int? = 8, outputBits: Int? = 10, outputBound: Float = 10,
                outputNoise: Float = 0.5 * InferencePeriphery.lsb(bits: 10, range: 10),
                maxTileInputs: Int = 512, maxTileOutputs: Int = 512) {
        precondition(inputBits.map { $0 >= 2 && $0 <= 24 } ?? true, "InferencePeriphery: inputBits must be in 2…24")
        precondition(outputBits.map { $0 >= 2 && $0 <= 24 } ?? true, "InferencePeriphery: outputBits must be in 2…24")
        precondition(outputBound > 0 && outputNoise >= 0, "InferencePeriphery: outputBound > 0 and outputNoise ≥ 0 required")
        precondition(maxTileInputs > 0 && maxTileOutputs > 0, "InferencePeriphery: tile sizes must be positive")
        isIdeal = false
        self.inputBits = inputBits
        self.outputBits = outputBits
        self.outputBound = outputBound
        self.outputNoise = outputNoise
        self.maxTileInputs = maxTileInputs
        self.maxTileOutputs = maxTileOutputs
    }

    /// The paper's periphery (digest §2.4).
    public static let paper = InferencePeriphery()

    /// The exact floating-point product (no converters, no noise), with the given tile sizes.
    public static func ideal(maxTileInputs: Int = 512, maxTileOutputs: Int = 512) -> InferencePeriphery {
        var p = InferencePeriphery(maxTileInputs: maxTileInputs, maxTileOutputs: maxTileOutputs)
        p.isIdeal = true
        return p
    }

    /// The step of an n-bit symmetric converter over ±`range`: `2·range / (2ⁿ − 2)`.
    public static func lsb(bits: Int, range: Float) -> Float { 2 * range / Float((1 << bits) - 2) }

    /// The DAC step in units of the input range (`2 / (2^b_in − 2)`; 0 when ideal).
    public var inputStep: Float { inputBits.map { Self.lsb(bits: $0, range: 1) } ?? 0 }
    /// The ADC step (`2b / (2^b_out − 2)`; 0 when ideal).
    public var outputStep: Float { outputBits.map { Self.lsb(bits: $0, range: outputBound) } ?? 0 }

    /// The equivalent ``IOParameters`` of the shared periphery (``AnalogMatVec``): fixed input
    /// range 1 (inputs arrive divided by the learned range), no noise or bound management.
    public var io: IOParameters {
        if isIdeal { return .perfect }
        var io = IOParameters()
        io.inputBound = 1
        io.inputResolution = inputBits.map { 1 / Float((1 << $0) - 2) } ?? 0
        io.inputStochasticRounding = false
        io.outputBound = outputBound
        io.outputResolution = outputBits.map { 1 / Float((1 << $0) - 2) } ?? 0
        io.outputNoise = outputNoise
        io.weightNoise = 0
        io.noiseManagement = .none
        io.boundManagement = .none
        io.outputScale = 1
        return io
    }

    public var description: String {
        if isIdeal { return "ideal periphery (tiles \(maxTileInputs)×\(maxTileOutputs))" }
        let dac = inputBits.map { "\($0)-bit" } ?? "ideal"
        let adc = outputBits.map { "\($0)-bit" } ?? "ideal"
        return "DAC \(dac), ADC \(adc) ±\(outputBound), output noise \(outputNoise), tiles \(maxTileInputs)×\(maxTileOutputs)"
    }
}

// MARK: - Stages

extension InferencePeriphery {
    /// DAC: `x_q = clamp(round(x / (r·Δx))·Δx, −1, 1)` for every element of `x` (any shape),
    /// with input range `r > 0` (``AnalogMatVec``'s input stage). Ideal: `x` unchanged.
    public func dac(_ x: Tensor, range r: Float) -> Tensor {
        if isIdeal { return x }
        precondition(r > 0 && r.isFinite, "InferencePeriphery.dac: input range must be positive, got \(r)")
        var q = x.reshaped([x.count == 0 ? 0 : 1, x.count])
        var unused = SeededGenerator(seed: 0)   // only stochastic rounding draws; it is off
        AnalogMatVec.quantizeInputs(&q, scales: [r], factor: 1, io: io, generator: &unused)
        return q.reshaped(x.shape)
    }

    /// ADC: `clamp(round(y/Δy)·Δy, −b, b)` for every element of `y` (``AnalogMatVec``'s
    /// output stage). Ideal: `y` unchanged.
    public func adc(_ y: Tensor) -> Tensor {
        if isIdeal { return y }
        var q = y.reshaped([y.count == 0 ? 0 : 1, y.count])
        AnalogMatVec.digitize(&q, scales: [1], factors: [1], io: io)
        return q.reshaped(y.shape)
    }

    /// Adds `σ_out · ξ` to every element of `y` (fast vectorized Box–Muller draws, one stream
    /// per chunk, in parallel; ``AnalogMatVec/addGaussianNoise(_:std:generator:)``).
    public func addOutputNoise(_ y: inout Tensor, generator: inout SeededGenerator) {
        guard !isIdeal, outputNoise > 0, y.count > 0 else { return }
        AnalogMatVec.addGaussianNoise(&y, std: outputNoise, generator: &generator)
    }

    /// One tile's analog MAC and ADC: `ADC(x_q · w̃ᵀ + σ_out ξ)` for DAC-domain inputs `x_q`
    /// (`[B, columns]`) and normalized weights `w̃` (`[rows, columns]`); returns `[B, rows]`
    /// in normalized units (before the digital output scale).
    public func mac(_ xq: Tensor, weights: Tensor, generator: inout SeededGenerator) -> Tensor {
        var y = Tensor.zeros([0])
        Tensor.gemm(xq, .none, weights, .transposed, into: &y)
        if isIdeal { return y }
        addOutputNoise(&y, generator: &generator)
        let batch = y.rows
        AnalogMatVec.digitize(&y, scales: [Float](repeating: 1, count: batch),
                              factors: [Float](repeating: 1, count: batch), io: io)
        return y
    }
}
