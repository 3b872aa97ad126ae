import Foundation
import Testing
@testable import NeuromorphCore
@testable import NeuromorphNN

/// Plain attention in `Double` with naive loops, from the weights of digital projections:
/// `Y = concat_h softmax(Q_h K_hᵀ/√d_h) V_h · W_Oᵀ + b_O` per sample. `x` is `[N, T, d]`.
func referenceAttention(_ attention: MultiHeadSelfAttention, _ x: Tensor) -> [Double] {
    let (n, t, d) = (x.shape[0], x.shape[1], x.shape[2])
    let (h, dh) = (attention.heads, attention.headDimension)
    func project(_ layer: any Layer, _ rows: [[Double]]) -> [[Double]] {
        let linear = layer as! Linear
        let (w, b) = (linear.weight.value, linear.bias!.value)
        return rows.map { row in
            (0..<linear.outputFeatures).map { o in
                var acc = Double(b.scalars[o])
                for i in 0..<linear.inputFeatures { acc += Double(w.scalars[o * linear.inputFeatures + i]) * row[i] }
                return acc
            }
        }
    }
    var result: [Double] = []
    for s in 0..<n {
        let tokens = (0..<t).map { i in (0..<d).map { Double(x.scalars[(s * t + i) * d + $0]) } }
        let (q, k, v) = (project(attention.query, tokens), project(attention.key, tokens), project(attention.value, tokens))
        var mixed = [[Double]](repeating: [Double](repeating: 0, count: d), count: t)
        for head in 0..<h {
            let columns = (head * dh)..<((head + 1) * dh)
            for i in 0..<t {
                let scores = (0..<t).map { j in columns.reduce(0.0) { $0 + q[i][$1] * k[j][$1] } / Double(dh).squareRoot() }
                let m = scores.max()!
                let e = scores.map { Foundation.exp($0 - m) }
                let total = e.reduce(0, +)
                for j in 0..<t { for c in columns { mixed[i][c] += e[j] / total * v[j][c] } }
            }
        }
        result += project(attention.output, mixed).flatMap { $0 }
    }
    return result
}

@Suite(.exclusiveComputeThreads, .serialized) struct TransformerLayerTests {
    // MARK: LayerNorm

    @Test func layerNormNormalizesEachToken() {
        var g = SeededGenerator(seed: 20)
        var norm = LayerNorm(16)
        let x = Tensor.randomNormal([3, 4, 16], using: &g).map { 3 * $0 + 2 }
        let y = norm.forward(x, mode: .inference)
        #expect(y.shape == x.shape)
        for r in 0..<12 {
            let row = y.scalars[(r * 16)..<((r + 1) * 16)].map(Double.init)
            let mean = row.reduce(0, +) / 16
            let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 16
            #expect(abs(mean) < 1e-5, "row \(r) mean \(mean)")
            #expect(abs(variance - 1) < 1e-3, "row \(r) variance \(variance)")
        }
    }

    @Test func layerNormGradients() {
        var g = SeededGenerator(seed: 21)
        var norm = LayerNorm(7)
        norm.gain.value = Tensor.randomNormal([7], using: &g).map { 1 + 0.5 * $0 }
        norm.offset.value = Tensor.randomNormal([7], using: &g)
        let x = Tensor.randomNormal([2, 3, 7], using: &g).map { 2 * $0 + 0.5 }
        #expect(gradientCheck(norm, input: x, epsilon: 1e-2) < 3e-3)
    }

    // MARK: GELU

    @Test func geluValues() {
        // Closed-form values of 0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³))).
        let cases: [(Float, Float)] = [(0, 0), (1, 0.841_192), (-1, -0.158_808), (2, 1.954_598), (-3, -0.003_637_4)]
        for (x, expected) in cases {
            #expect(abs(GELU.value(x) - expected) < 2e-6, "gelu(\(x)) = \(GELU.value(x)), expected \(expected)")
        }
        #expect(GELU.value(30) == 30)
        #expect(GELU.value(-30) == 0)
    }

    @Test func geluGradients() {
        var g = SeededGenerator(seed: 22)
        let x = Tensor.randomNormal([3, 20], using: &g).map { 2 * $0 }
        #expect(gradientCheck(GELU(), input: x, epsilon: 1e-3) < 3e-3)
        // The analytic derivative against a Double central difference of the same formula.
        func gelu(_ x: Double) -> Double { 0.5 * x * (1 + Foundation.tanh(0.797_884_560_8 * (x + 0.044_715 * x * x * x))) }
        for x in stride(from: -4.0, through: 4.0, by: 0.25) {
            let numeric = (gelu(x + 1e-5) - gelu(x - 1e-5)) / 2e-5
            #expect(abs(Double(GELU.derivative(Float(x))) - numeric) < 1e-5, "gelu'(\(x))")
        }
    }

    // MARK: Multi-head self-attention

    @Test(arguments: [(8, 2), (6, 1), (12, 3)])
    func attentionGradients(sizes: (features: Int, heads: Int)) {
        var g = SeededGenerator(seed: 23)
        let attention = MultiHeadSelfAttention(modelDimension: sizes.features, heads: sizes.heads, generator: &g)
        let x = Tensor.randomNormal([2, 5, sizes.features], using: &g)
        #expect(gradientCheck(attention, input: x, epsilon: 1e-2) < 3e-3, "d \(sizes.features), \(sizes.heads) heads")
    }

    @Test func attentionOnOneSequenceKeepsItsShape() {
        var g = SeededGenerator(seed: 24)
        var attention = MultiHeadSelfAttention(modelDimension: 8, heads: 2, generator: &g)
        let x = Tensor.randomNormal([5, 8], using: &g)
        let y = attention.forward(x, mode: .training)
        #expect(y.shape == [5, 8])
        #expect(attention.backward(Tensor.ones([5, 8])).shape == [5, 8])
        // The same sequence as a batch of one gives the same numbers.
        #expect(attention.forward(x.reshaped([1, 5, 8]), mode: .inference).scalars == y.scalars)
    }

    @Test(arguments: [1, 2])
    func floatAttentionMatchesNaiveReference(threads: Int) {
        ComputeThreads.set(threads)
        defer { ComputeThreads.set(1) }
        var g = SeededGenerator(seed: 25)
        var attention = MultiHeadSelfAttention(modelDimension: 16, heads: 4, generator: &g)
        let x = Tensor.randomNormal([3, 7, 16], using: &g).map { 2 * $0 }
        let y = attention.forward(x, mode: .inference)
        let reference = referenceAttention(attention, x)
        let worst = zip(y.scalars, reference).map { abs(Double($0) - $1) }.max()!
        #expect(worst < 2e-5, "max |attention − reference| = \(worst), \(threads) threads")
    }

    @Test func samplesAreIndependent() {
        var g = SeededGenerator(seed: 26)
        var attention = MultiHeadSelfAttention(modelDimension: 8, heads: 2, generator: &g)
        let x = Tensor.randomNormal([2, 4, 8], using: &g)
        let both = attention.forward(x, mode: .inference)
        var changed = x
        for i in 32..<64 { changed.scalars[i] += 1 }   // perturb only sample 1
        let after = attention.forward(changed, mode: .inference)
        #expect(Array(after.scalars[0..<32]) == Array(both.scalars[0..<32]))
        #expect(Array(after.scalars[32..<64]) != Array(both.scalars[32..<64]))
    }

    // MARK: INT-k attention quantization

    @Test func int8OperandsAreWithinHalfAnLSB() {
        var g = SeededGenerator(seed: 27)
        var attention = MultiHeadSelfAttention(modelDimension: 16, heads: 4, quantizer: AttentionQuantizer(bits: 8),
                                               generator: &g)
        _ = attention.forward(Tensor.randomNormal([4, 9, 16], using: &g), mode: .training)
        let operands: [(AttentionQuantizer.Operand, Tensor, Tensor)] = [
            (.query, attention.cachedQuery, attention.cachedQuantizedQuery),
            (.key, attention.cachedKey, attention.cachedQuantizedKey),
            (.value, attention.cachedValue, attention.cachedQuantizedValue),
            (.probabilities, attention.cachedProbabilities, attention.cachedQuantizedProbabilities),
        ]
        for (operand, exact, quantized) in operands {
            let step = attention.quantizer.step(operand)!
            // Calibrated on this batch: the scale is abs-max / 127, so nothing clips.
            #expect(abs(step - exact.absMax() / 127) <= 1e-6 * step, "\(operand) step")
            var worst: Float = 0
            for (x, xq) in zip(exact.scalars, quantized.scalars) {
                worst = max(worst, abs(x - xq))
                let level = xq / step
                #expect(abs(level - level.rounded()) < 1e-3 && abs(level) <= 127.001, "\(operand) level \(level)")
            }
            #expect(worst <= 0.5 * step * (1 + 1e-5), "\(operand): max error \(worst) vs half LSB \(0.5 * step)")
            #expect(worst > 0.3 * step, "\(operand): error \(worst) suspiciously small for INT8")
        }
    }

    @Test func quantizationErrorGrowsAsBitsShrink() {
        func output(bits: Int?) -> Tensor {
            var g = SeededGenerator(seed: 28)   // same weights and input for every precision
            var attention = MultiHeadSelfAttention(modelDimension: 16, heads: 4,
                                                   quantizer: AttentionQuantizer(bits: bits), generator: &g)
            return attention.forward(Tensor.randomNormal([4, 10, 16], using: &g), mode: .inference)
        }
        let exact = output(bits: nil)
        func rmsError(_ bits: Int) -> Float {
            let y = output(bits: bits)
            return (zip(y.scalars, exact.scalars).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Float(y.count)).squareRoot()
        }
        let (e10, e8, e6) = (rmsError(10), rmsError(8), rmsError(6))
        #expect(e10 > 0)
        #expect(e8 > 2 * e10, "INT8 error \(e8) vs INT10 \(e10)")
        #expect(e6 > 2 * e8, "INT6 error \(e6) vs INT8 \(e8)")
        #expect(e6 < 0.1 * (exact.squaredNorm() / Float(exact.count)).squareRoot(), "INT6 error \(e6) too large")
    }

    @Test func lsqScaleGradientAndStraightThrough() {
        var quantizer = SymmetricQuantizer(bits: 4, name: "s")   // Q = 7
        quantizer.calibrate(to: Tensor([7]))                     // s = 1
        let x = Tensor([0.3, -2.6, 9, -8, 7])
        #expect(quantizer.quantize(x).scalars == [0, -3, 7, -7, 7])
        let g = Tensor([1, 2, 1, 1, 1])
        let dx = quantizer.backward(input: x, outputGradient: g, elementsPerSample: 5)
        #expect(dx.scalars == [1, 2, 0, 0, 1])   // clipped elements pass no gradient
        // Σ g · ∂x̂/∂s = (0 − 0.3) + 2·(−3 + 2.6) + 7 − 7 + (7 − 7), scaled by 1/√(5·7), divided by s = 1.
        let expected: Float = (-0.3 - 0.8) / Float(35).squareRoot()
        #expect(abs(quantizer.logScale.gradient.scalars[0] - expected) < 1e-6)
        // With s = 0.5 and x/2 (the same levels v), G_s is unchanged and the log-form gradient G_s/s doubles,
        // so an SGD step on ln s moves s by the same absolute amount −η G_s as LSQ's step on s.
        quantizer.calibrate(to: Tensor([3.5]))
        #expect(quantizer.quantize(x.map { $0 / 2 }).scalars == [0, -1.5, 3.5, -3.5, 3.5])
        _ = quantizer.backward(input: x.map { $0 / 2 }, outputGradient: g, elementsPerSample: 5)
        #expect(abs(quantizer.logScale.gradient.scalars[0] - 2 * expected) < 2e-6)
    }

    @Test func roundingIsToNearestEven() {
        var quantizer = SymmetricQuantizer(bits: 8, name: "s")
        quantizer.calibrate(to: Tensor([127]))
        #expect(quantizer.quantize(Tensor([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 126.6, 300])).scalars
                == [0, 2, 2, 0, -2, 2, 127, 127])
    }

    @Test func quantizedAttentionHasScaleParameters() {
        var g = SeededGenerator(seed: 29)
        var plain = MultiHeadSelfAttention(modelDimension: 8, heads: 2, generator: &g)
        var quantized = MultiHeadSelfAttention(modelDimension: 8, heads: 2, quantizer: AttentionQuantizer(bits: 6),
                                               generator: &g)
        var names: [String] = []
        quantized.forEachParameter { names.append($0.name) }
        #expect(plain.parameterCount() == 4 * (64 + 8))
        #expect(quantized.parameterCount() == 4 * (64 + 8) + 4)
        #expect(Array(names.suffix(4)) == ["query_log_scale", "key_log_scale", "probability_log_scale", "value_log_scale"])
    }
}
