import NeuromorphCore
import RealModule

/// The analog matrix-vector products of a crossbar with its periphery (DAC, noise, bound and
/// noise management, ADC), for a batch of vectors at once. Shared by the training tile and
/// the PCM inference tile.
public enum AnalogMatVec {
    /// `Y = f(X · op(W))` for a batch `X` of shape `[B, n]`, where `op(W)` is `Wᵀ` for the
    /// forward pass (`W` is `[out, in]`, `transpose: .transposed`) and `W` for the backward
    /// pass (`transpose: .none`). Every noise draw comes from `generator`.
    public static func apply(_ x: Tensor, weights: Tensor, transpose: Transpose, io: IOParameters,
                             generator: inout SeededGenerator) -> Tensor {
        if io.isPerfect {
            var y = Tensor.zeros([0])
            Tensor.gemm(x, .none, weights, transpose, into: &y)
            return y
        }
        let batch = x.rows, inputs = x.columns
        let outputs = transpose == .transposed ? weights.rows : weights.columns
        precondition(inputs == (transpose == .transposed ? weights.columns : weights.rows),
                     "AnalogMatVec: input width \(inputs) does not fit weights \(weights.shape)")
        // 1. Noise management: one scale per input vector.
        var scales = [Float](repeating: 1, count: batch)
        if io.noiseManagement == .absMax {
            x.scalars.withUnsafeBufferPointer { p in
                for b in 0..<batch { scales[b] = absMax(p.baseAddress! + b * inputs, count: inputs) }
            }
        }
        // 2. DAC.
        var quantized = x
        quantizeInputs(&quantized, scales: scales, factor: 1, io: io, generator: &generator)
        // 3. Analog product plus noise.
        var y = Tensor.zeros([0])
        Tensor.gemm(quantized, .none, weights, transpose, into: &y)
        addNoise(&y, inputs: quantized, io: io, generator: &generator)
        // 4. Bound management, then ADC and digital rescaling.
        var bmFactors = [Float](repeating: 1, count: batch)
        if io.boundManagement == .iterative {
            for b in 0..<batch where scales[b] > 0 && saturates(y, row: b, io: io) {
                var factor: Float = 1
                var row = Tensor.zeros([outputs])
                repeat {
                    factor *= 2
                    var xb = x.gatherRows([b])
                    quantizeInputs(&xb, scales: [scales[b]], factor: factor, io: io, generator: &generator)
                    Tensor.gemv(weights, transpose: transpose == .transposed ? .none : .transposed, xb.reshaped([inputs]),
                                into: &row)
                    var rowMatrix = row.reshaped([1, outputs])
                    addNoise(&rowMatrix, inputs: xb, io: io, generator: &generator)
                    row = rowMatrix.reshaped([outputs])
                } while factor < io.maxBoundManagementFactor && !io.boundManagementResolutionReached(factor)
                    && saturates(row.reshaped([1, outputs]), row: 0, io: io)
                y.scalars.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<outputs { dst[b * outputs + i] = row.scalars[i] }
                }
                bmFactors[b] = factor
            }
        }
        digitize(&y, scales: scales, factors: bmFactors, io: io)
        return y
    }

    // MARK: - Stages

    /// `max_j |p_j|` over `count` finite floats (0 for none), as integers: for finite floats
    /// the order of `|v|` is the order of the bit patterns with the sign bit cleared, and an
    /// integer maximum has no NaN rule to respect, so the loop vectorizes (a `Float` `max`
    /// reduction does not). Inputs are never NaN here (a NaN would also stop the update's
    /// pulse-train conversion); an infinity gives infinity, as before.
    @inline(__always)
    static func absMax(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var m0: UInt32 = 0, m1: UInt32 = 0, m2: UInt32 = 0, m3: UInt32 = 0
        var j = 0
        while j + 4 <= count {
            m0 = Swift.max(m0, p[j].bitPattern & 0x7FFF_FFFF)
            m1 = Swift.max(m1, p[j + 1].bitPattern & 0x7FFF_FFFF)
            m2 = Swift.max(m2, p[j + 2].bitPattern & 0x7FFF_FFFF)
            m3 = Swift.max(m3, p[j + 3].bitPattern & 0x7FFF_FFFF)
            j += 4
        }
        while j < count {
            m0 = Swift.max(m0, p[j].bitPattern & 0x7FFF_FFFF)
            j += 1
        }
        return Float(bitPattern: Swift.max(Swift.max(m0, m1), Swift.max(m2, m3)))
    }

    /// Round to nearest, ties to even, without a libm call (the baseline x86-64 target has
    /// no SSE4.1 `roundps`, so `rounded()` would call `rintf` per element and stop the
    /// vectorizer): adding and subtracting 1.5·2²³ leaves the integer part for |v| < 2²²,
    /// and larger values are passed through (they are clipped by the caller anyway).
    @inline(__always)
    static func roundToNearestEven(_ v: Float) -> Float {
        let magic: Float = 12_582_912
        return Swift.abs(v) < 4_194_304 ? (v + magic) - magic : v
    }

    /// Elements per parallel chunk of the element-wise stages. Chunk boundaries depend only
    /// on the tensor size, so results (and the per-chunk noise streams) are the same for any
    /// thread count.
    static let chunkElements = 16_384

    /// Calls `body(row, columns)` for every piece of the row-major `[rows, width]` index space,
    /// chunked by `chunkElements` and run in parallel over chunks.
    static func forEachSpan(rows: Int, width: Int, _ body: (Int, Int, Range<Int>) -> Void) {
        let total = rows * width
        guard total > 0 else { return }
        let chunks = (total + chunkElements - 1) / chunkElements
        ComputeThreads.forEachChunk(chunks) { chunk in
            var i = chunk * chunkElements
            let end = Swift.min(i + chunkElements, total)
            while i < end {
                let row = i / width, column = i % width
                let stop = Swift.min(width, column + (end - i))
                body(chunk, row, column..<stop)
                i += stop - column
            }
        }
    }

    /// DAC: `x / (α·factor)` rounded to the input grid and clipped to ±inputBound.
    static func quantizeInputs(_ x: inout Tensor, scales: [Float], factor: Float, io: IOParameters,
                               generator: inout SeededGenerator) {
        let width = x.columns, rows = scales.count
        let step = io.inputResolution > 0 ? io.inputResolution * 2 * io.inputBound : 0
        let bound = io.inputBound
        let stochastic = io.inputStochasticRounding && step > 0
        let streamSeed = stochastic ? generator.next() : 0
        x.scalars.withUnsafeMutableBufferPointer { p in
            scales.withUnsafeBufferPointer { scaleOf in
                forEachSpan(rows: rows, width: width) { chunk, b, columns in
                    let scale = scaleOf[b] * factor
                    let inverse: Float = scale > 0 ? 1 / scale : 0
                    let base = b * width
                    if stochastic {
                        // Numbered sub-streams: chunk indices within this call's one named stream.
                var g = SeededGenerator(seed: streamSeed, stream: UInt64(chunk))
                        let inverseStep = 1 / step
                        for j in columns {
                            let r = (p[base + j] * inverse * inverseStep + g.nextUniform()).rounded(.down)
                            p[base + j] = Swift.min(Swift.max(r * step, -bound), bound)
                        }
                    } else if step > 0 {
                        // Clamp to the grid's range first, so the magic-number rounding is
                        // always valid and the loop has no branch (it vectorizes).
                        // aihwkit's operation order: (x·(1/α)/factor) / res, so ties
                        // (the abs-max element at bound-management factor 2 lands on
                        // 31.5 codes) round as they do there.
                        let levels = bound / step, magic: Float = 12_582_912
                        let q = p.baseAddress! + base
                        for j in columns {
                            let v = Swift.min(Swift.max((q[j] * inverse) / step, -levels), levels)
                            q[j] = Swift.min(Swift.max(((v + magic) - magic) * step, -bound), bound)
                        }
                    } else {
                        for j in columns { p[base + j] = Swift.min(Swift.max(p[base + j] * inverse, -bound), bound) }
                    }
                }
            }
        }
    }

    /// Adds `σ · ξ` to every element, with one noise stream per chunk (derived from
    /// `generator`), in parallel.
    public static func addGaussianNoise(_ y: inout Tensor, std sigma: Float, generator: inout SeededGenerator) {
        guard sigma > 0, y.count > 0 else { return }
        let streamSeed = generator.next()
        let total = y.count
        let chunks = (total + chunkElements - 1) / chunkElements
        y.scalars.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!
            ComputeThreads.forEachChunk(chunks) { chunk in
                let lower = chunk * chunkElements, upper = Swift.min(lower + chunkElements, total)
                // Numbered sub-streams: chunk indices within this call's one named stream.
                var g = SeededGenerator(seed: streamSeed, stream: UInt64(chunk))
                withUnsafeTemporaryAllocation(of: Float.self, capacity: upper - lower) { z in
                    FastNormalSampler.fill(z, generator: &g)
                    // Pointer offsets, not `base[lower + i]`: an overflow-checked index keeps
                    // the loop scalar.
                    let out = base + lower, noise = z.baseAddress!
                    for i in 0..<(upper - lower) { out[i] += sigma * noise[i] }
                }
            }
        }
    }

    /// Additive output noise `σ_out ξ` and output-referred weight noise `σ_w ‖x‖ ξ'`.
    static func addNoise(_ y: inout Tensor, inputs: Tensor, io: IOParameters, generator: inout SeededGenerator) {
        let outputs = y.columns
        addGaussianNoise(&y, std: io.outputNoise, generator: &generator)
        if io.weightNoise > 0 {
            let width = inputs.columns
            for b in 0..<y.rows {
                var norm: Float = 0
                for j in 0..<width { norm += inputs.scalars[b * width + j] * inputs.scalars[b * width + j] }
                let std = io.weightNoise * norm.squareRoot()
                for i in 0..<outputs { y.scalars[b * outputs + i] += std * generator.nextNormal() }
            }
        }
    }

    /// Whether row `b` saturates the ADC, tested as aihwkit does on the converted value: the
    /// code `round(y / res)·res` exceeds the bound. The top code `(bound/res)·res` lands
    /// slightly above the bound in float32, so outputs within half a step of the bound count
    /// as saturated too. Without an output grid, `|y| > bound`.
    static func saturates(_ y: Tensor, row b: Int, io: IOParameters) -> Bool {
        let width = y.columns, bound = io.outputBound
        let step = io.outputResolution > 0 ? io.outputResolution * 2 * bound : 0
        for i in 0..<width {
            let v = y.scalars[b * width + i]
            let code = step > 0 ? roundToNearestEven(v / step) * step : v
            if Swift.abs(code) > bound { return true }
        }
        return false
    }

    /// ADC (clip to ±outputBound, round to the output grid) and the digital scale α·factor·outputScale.
    static func digitize(_ y: inout Tensor, scales: [Float], factors: [Float], io: IOParameters) {
        let width = y.columns, rows = scales.count
        let bound = io.outputBound
        let step = io.outputResolution > 0 ? io.outputResolution * 2 * bound : 0
        let outputScale = io.outputScale
        y.scalars.withUnsafeMutableBufferPointer { p in
            scales.withUnsafeBufferPointer { scaleOf in
                factors.withUnsafeBufferPointer { factorOf in
                    forEachSpan(rows: rows, width: width) { _, b, columns in
                        let scale = scaleOf[b] * factorOf[b] * outputScale
                        let base = b * width
                        if step > 0 {
                            let levels = bound / step, magic: Float = 12_582_912
                            let q = p.baseAddress! + base
                            for i in columns {
                                let v = Swift.min(Swift.max(q[i] / step, -levels), levels)
                                q[i] = Swift.min(Swift.max(((v + magic) - magic) * step, -bound), bound) * scale
                            }
                        } else {
                            for i in columns { p[base + i] = Swift.min(Swift.max(p[base + i], -bound), bound) * scale }
                        }
                    }
                }
            }
        }
    }
}
