import NeuromorphCore
import NeuromorphNN

/// A fully connected layer for analog **inference** on PCM tiles (Spoon et al. 2021; digest
/// §2.2–2.6), with three behaviours:
///
/// 1. **Training** (`mode: .training`, hardware-aware): digital weights `W` (`[out, in]`)
///    and bias `β` are `Parameter`s; the forward pass runs through the inference periphery
///    (``InferencePeriphery``: DAC with a learned input range `r`, tiles of at most 512 × 512
///    with digital partial sums, output noise, ADC) with forward-only weight noise
///    (``HWAWeightNoise``); backward and update are full precision.
/// 2. **Programming** (``program(_:generator:)``): each tile block is written onto
///    differential PCM pairs (``ProgrammedInferenceArray``) and its drift-compensation
///    reference is read (digest §2.5).
/// 3. **Inference at time t** (`mode: .inference` after ``read(at:)``): the effective
///    weights of the programmed devices at `t` (drift, read noise), the periphery and the
///    global drift compensation factor `α` of every tile.
///
/// Forward, for tile `(o, i)` with per-row weight scale `s_j = max_i |W_ji|` of the block
/// and normalized weights `w̃ = W / s_j` (training) or `w̃(t) = W_prog(t) / s_j` (inference):
/// ```
/// x_q   = DAC(x / r)                                          [B, in], in [−1, 1]
/// z_j   = Σ_i  α_(o,i) · r · s_j · ADC( x_q,(i) · w̃_(o,i)ᵀ + σ_out ξ )_j     (digital sum over input tiles)
/// y_j   = γ_j · z_j + β_j                                     (per-column output scale and offset)
/// ```
/// `γ` (``outputScale``, starts at 1) and `β` (``bias``) are the paper's learned per-column
/// digital scale and offset after the ADC (digest §2.4 step 4); `α = 1` in training and
/// when compensation is off. The ideal periphery (``InferencePeriphery/ideal(maxTileInputs:maxTileOutputs:)``)
/// computes `z = x Wᵀ` exactly, tile by tile.
///
/// Backward (straight-through through DAC rounding and the ADC, PACT-style range gradient as
/// aihwkit's learned input range; noise-free weights):
/// ```
/// x̂ = r · x_q        dz = dY ⊙ γ        dβ = Σ_b dY        dγ_j = Σ_b dY_bj · z_bj
/// dW = dzᵀ x̂         dx̂ = dz W          dx = dx̂ ⊙ 1[|x| ≤ r]
/// dr = Σ dx̂ ⊙ sign(x) ⊙ 1[|x| > r]
/// ```
/// Only `dγ` uses the (noisy) forward output, as automatic differentiation would.
public struct AnalogInferenceLinear: Layer {
    public let inputFeatures: Int
    public let outputFeatures: Int
    /// The digital weights `[out, in]` (what is trained and what gets programmed).
    public var weight: Parameter
    /// The per-column digital output offset `β` (the layer's bias), `[out]`.
    public var bias: Parameter?
    /// The DAC input range `r` (`[1]`): inputs are divided by it before the 8-bit DAC.
    /// Set from the first batch (``HardwareAwareTraining/inputRangeInitialization``) or by
    /// ``calibrateInputRange(from:)``, then learned.
    public var inputRange: Parameter
    /// The learned per-column digital output scale `γ` after the ADC, `[out]`, starts at 1.
    public var outputScale: Parameter
    /// Whether ``inputRange`` has been set from data.
    public var inputRangeIsCalibrated: Bool
    /// The converters, noise and tile sizes.
    public var periphery: InferencePeriphery
    /// Hardware-aware training settings.
    public var training: HardwareAwareTraining
    /// Whether inference applies the global drift compensation factor `α` (digest §2.5).
    public var compensatesDrift: Bool = true
    /// When the programmed weights are re-read (drawing fresh read noise).
    public var readNoise: ReadNoiseRedraw = .perTime
    /// The programmed tiles, `nil` until ``program(_:generator:)``.
    public internal(set) var programmed: ProgrammedInferenceLayer?
    /// Draws of the periphery (output noise) and of the HWA weight noise.
    var generator: SeededGenerator
    let inputBlocks: [Range<Int>]
    let outputBlocks: [Range<Int>]
    // Training caches.
    private var cachedInput = Tensor.zeros([0])
    private var cachedReconstructed = Tensor.zeros([0])
    private var cachedPreScale = Tensor.zeros([0])

    /// When a programmed layer draws new read noise.
    public enum ReadNoiseRedraw: String, Sendable, Codable, CaseIterable {
        /// Once per ``read(at:)`` (per repeat and time): every pass over the test set sees the
        /// same noisy weights (default; one read costs ~2 ms for 784 × 256).
        case perTime
        /// On every inference forward pass (each batch is a new read).
        case perForward
    }

    /// A layer with PyTorch's `nn.Linear` initialization (drawn exactly as `Linear` draws
    /// it, so a model built with ``AnalogInference/factory(periphery:training:)`` starts from the
    /// same weights as its digital twin).
    public init(_ inputFeatures: Int, _ outputFeatures: Int, bias: Bool = true,
                periphery: InferencePeriphery = .paper, training: HardwareAwareTraining = .standard,
                generator: inout SeededGenerator) {
        let linear = Linear(inputFeatures, outputFeatures, bias: bias, generator: &generator)
        self.init(linear, periphery: periphery, training: training,
                  generator: generator.split(key: "inference"))
    }

    /// The inference counterpart of a trained digital `Linear`: same weights and bias,
    /// `γ = 1`, input range not yet calibrated; periphery and weight-noise draws from
    /// `generator`.
    public init(_ linear: Linear, periphery: InferencePeriphery = .paper, training: HardwareAwareTraining = .standard,
                generator: SeededGenerator) {
        inputFeatures = linear.inputFeatures
        outputFeatures = linear.outputFeatures
        weight = Parameter(name: "weight", value: linear.weight.value)
        bias = linear.bias.map { Parameter(name: "bias", value: $0.value, decays: false) }
        inputRange = Parameter(name: "input_range", value: Tensor([1]), decays: false)
        outputScale = Parameter(name: "output_scale", value: .ones([linear.outputFeatures]), decays: false)
        inputRangeIsCalibrated = false
        self.periphery = periphery
        self.training = training
        self.generator = generator
        inputBlocks = tileRanges(linear.inputFeatures, size: periphery.maxTileInputs)
        outputBlocks = tileRanges(linear.outputFeatures, size: periphery.maxTileOutputs)
    }

    public var summary: String {
        "AnalogInferenceLinear(\(inputFeatures) → \(outputFeatures), \(outputBlocks.count)×\(inputBlocks.count) tiles"
            + (programmed.map { ", programmed \($0.modelDescription)" } ?? "") + ")"
    }

    /// The digital twin: a `Linear` with `W' = diag(γ) W` and the same bias (exact when the
    /// periphery is ideal and the layer is not programmed).
    public var digitalLinear: Linear {
        var g = SeededGenerator(seed: 0)
        var linear = Linear(inputFeatures, outputFeatures, bias: bias != nil, generator: &g)
        var w = weight.value
        w.inferenceScaleRows(by: outputScale.value.scalars)
        linear.weight.value = w
        if let bias { linear.bias!.value = bias.value }
        return linear
    }

    /// The current input range `r`.
    public var range: Float { inputRange.value.scalars[0] }

    /// Sets the input range from `x` (`[B, in]`) by ``HardwareAwareTraining/inputRangeInitialization``.
    public mutating func calibrateInputRange(from x: Tensor) {
        var r: Float
        switch training.inputRangeInitialization {
        case .absMax:
            r = x.absMax()
        case .standardDeviations(let k):
            let n = Float(Swift.max(x.count, 1))
            let mean = x.sum() / n
            var v: Float = 0
            for s in x.scalars { v += (s - mean) * (s - mean) }
            r = k * (v / n).squareRoot()
        }
        if !(r > 0 && r.isFinite) { r = 1 }
        inputRange.value = Tensor([Swift.max(r, training.minimumInputRange)])
        inputRangeIsCalibrated = true
    }

    // MARK: - Forward

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        precondition(input.columns == inputFeatures,
                     "AnalogInferenceLinear: input has \(input.columns) features, expected \(inputFeatures)")
        let x = input.reshaped([input.rows, inputFeatures])
        if !inputRangeIsCalibrated { calibrateInputRange(from: x) }
        let r: Float = periphery.isIdeal ? 1 : range
        let xq = periphery.dac(x, range: r)
        var z: Tensor
        if mode == .inference, programmed != nil {
            z = programmedProduct(xq, inputRange: r)
        } else {
            z = digitalProduct(xq, inputRange: r, noisy: mode == .training)
        }
        if mode == .training {
            cachedInput = x
            cachedReconstructed = periphery.isIdeal ? x : xq * r
            cachedPreScale = z
        }
        z.inferenceScaleColumns(by: outputScale.value)
        if let bias { z.addRowVector(bias.value) }
        return z
    }

    /// `z` of the digital weights through the periphery (HWA weight noise when `noisy`).
    mutating func digitalProduct(_ xq: Tensor, inputRange r: Float, noisy: Bool) -> Tensor {
        var z = Tensor.zeros([xq.rows, outputFeatures])
        for outputs in outputBlocks {
            for inputs in inputBlocks {
                var w = weight.value.inferenceTile(rows: outputs, columns: inputs)
                let scales = w.inferenceRowAbsMax()
                if noisy { training.weightNoise.perturb(&w, scales: scales, generator: &generator) }
                let x = xq.columns(inputs)
                if periphery.isIdeal {
                    var y = Tensor.zeros([0])
                    Tensor.gemm(x, .none, w, .transposed, into: &y)
                    z.inferenceAccumulate(y, scaledBy: [Float](repeating: 1, count: outputs.count), at: outputs)
                } else {
                    w.inferenceDivideRows(by: scales)
                    let y = periphery.mac(x, weights: w, generator: &generator)
                    z.inferenceAccumulate(y, scaledBy: scales.map { $0 * r }, at: outputs)   // digital partial sums
                }
            }
        }
        return z
    }

    // MARK: - Backward and update

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        precondition(cachedInput.rows == outputGradient.rows && cachedInput.count > 0,
                     "AnalogInferenceLinear.backward: call forward(mode: .training) first")
        let dy = outputGradient.reshaped([outputGradient.rows, outputFeatures])
        if bias != nil { bias!.gradient = dy.sumRows() }
        outputScale.gradient = (dy * cachedPreScale).sumRows()
        var dz = dy
        dz.inferenceScaleColumns(by: outputScale.value)
        Tensor.gemm(dz, .transposed, cachedReconstructed, .none, into: &weight.gradient)
        weight.gradient.reshape([outputFeatures, inputFeatures])
        // dx̂ = dz W (full precision, noise-free weights); the range gradient needs it always.
        var dxHat = Tensor.zeros([0])
        Tensor.gemm(dz, .none, weight.value, .none, into: &dxHat)
        if periphery.isIdeal {
            inputRange.gradient = Tensor([0])
            return needsInputGradient ? dxHat : Tensor.zeros([0])
        }
        let r = range
        var dr: Float = 0
        dxHat.scalars.withUnsafeMutableBufferPointer { g in
            cachedInput.scalars.withUnsafeBufferPointer { x in
                for k in g.indices where Swift.abs(x[k]) > r {
                    dr += x[k] > 0 ? g[k] : -g[k]
                    g[k] = 0
                }
            }
        }
        inputRange.gradient = Tensor([dr])
        return needsInputGradient ? dxHat : Tensor.zeros([0])
    }

    /// The optimizer's step on every parameter, then weight clipping and `r ≥ r_min`.
    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        forEachParameter { parameter in
            optimizer.update(&parameter, slot: slot)
            slot += 1
        }
        training.weightClipping.apply(&weight.value)
        inputRange.value.scalars[0] = Swift.max(range, training.minimumInputRange)
    }

    public var hasParameters: Bool { true }

    /// Visits `weight`, `bias`, `input_range`, `output_scale`.
    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&weight)
        if bias != nil { try body(&bias!) }
        try body(&inputRange)
        try body(&outputScale)
    }
}

// MARK: - Block helpers

extension Tensor {
    /// Rows `rows` and columns `columns` of a matrix view (self when both are full).
    func inferenceTile(rows: Range<Int>, columns range: Range<Int>) -> Tensor {
        let selected = rows == 0..<self.rows ? self : gatherRows(rows)
        return selected.columns(range)
    }

    /// `max_j |A_ij|` of every row.
    func inferenceRowAbsMax() -> [Float] {
        let width = columns
        return scalars.withUnsafeBufferPointer { p in
            (0..<rows).map { r in
                var m: Float = 0
                for c in 0..<width { m = Swift.max(m, Swift.abs(p[r * width + c])) }
                return m
            }
        }
    }

    /// Row `i` divided by `scales[i]` (rows with scale 0 become 0).
    mutating func inferenceDivideRows(by scales: [Float]) {
        inferenceScaleRows(by: scales.map { $0 > 0 ? 1 / $0 : 0 })
    }

    /// Row `i` multiplied by `factors[i]`.
    mutating func inferenceScaleRows(by factors: [Float]) {
        let width = columns
        precondition(factors.count == rows, "inferenceScaleRows: \(factors.count) factors for \(rows) rows")
        let height = factors.count
        scalars.withUnsafeMutableBufferPointer { p in
            for r in 0..<height {
                let f = factors[r]
                for c in 0..<width { p[r * width + c] *= f }
            }
        }
    }

    /// Column `j` multiplied by `factors[j]`.
    mutating func inferenceScaleColumns(by factors: [Float]) {
        let width = columns
        let height = rows
        precondition(factors.count == width, "inferenceScaleColumns: \(factors.count) factors for \(width) columns")
        scalars.withUnsafeMutableBufferPointer { p in
            factors.withUnsafeBufferPointer { f in
                for r in 0..<height {
                    let o = p.baseAddress! + r * width
                    for c in 0..<width { o[c] *= f[c] }
                }
            }
        }
    }

    /// `self[:, range] += block ⊙ factors` (per column): a tile's digitally scaled partial
    /// output added into its output columns in one pass.
    mutating func inferenceAccumulate(_ block: Tensor, scaledBy factors: [Float], at range: Range<Int>) {
        let width = columns, height = rows
        precondition(block.rows == height && block.columns == range.count && factors.count == range.count
                        && range.upperBound <= width, "inferenceAccumulate: block \(block.shape) into \(range) of \(shape)")
        let m = range.count, offset = range.lowerBound
        scalars.withUnsafeMutableBufferPointer { dst in
            block.scalars.withUnsafeBufferPointer { src in
                factors.withUnsafeBufferPointer { f in
                    for r in 0..<height {
                        let o = dst.baseAddress! + r * width + offset, i = src.baseAddress! + r * m
                        for c in 0..<m { o[c] += i[c] * f[c] }
                    }
                }
            }
        }
    }

    /// Column `j` multiplied by `factors[j]` (a `[columns]` tensor).
    mutating func inferenceScaleColumns(by factors: Tensor) { inferenceScaleColumns(by: factors.scalars) }
}

// MARK: - Checkpoints

/// The state beyond the parameters that an exact resume of hardware-aware training needs:
/// the noise stream and whether the input range was already set from data (otherwise a
/// restored layer would re-initialize its learned range on the first batch). Programmed
/// tiles are not saved: program again after loading.
extension AnalogInferenceLinear: StatefulLayer {
    struct SavedState: Codable {
        var generator: SeededGenerator
        var inputRangeIsCalibrated: Bool
    }

    public func encodedState() throws -> Data {
        try StateCoding.encode(SavedState(generator: generator, inputRangeIsCalibrated: inputRangeIsCalibrated))
    }

    public mutating func restoreState(from data: Data) throws {
        let state = try StateCoding.decode(SavedState.self, from: data)
        generator = state.generator
        inputRangeIsCalibrated = state.inputRangeIsCalibrated
    }
}

import Foundation
