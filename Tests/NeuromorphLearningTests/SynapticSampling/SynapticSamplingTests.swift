import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN
import Testing
@testable import NeuromorphLearning

/// The Synaptic Sampling Machine (Neftci; spec learning-rules.md §1.3, §2.3).
@Suite("Synaptic Sampling Machine")
struct SynapticSamplingTests {
    // MARK: - Weight normalization (spec §1.3 erratum, §2.3 "WN gradient")

    @Test("WN gradient vs finite differences (Double, 1e-6 relative) and w·∂L/∂w = 0", arguments: [UInt64(1), 2, 3])
    func weightNormalizationGradient(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        let n = 12
        let w = (0..<n).map { _ in g.nextNormalDouble() }
        let beta = 0.5 + g.nextUniformDouble()
        let c = (0..<n).map { _ in g.nextNormalDouble() }
        // A smooth loss of v: L(v) = Σ c_j v_j + ½ Σ v_j³/3 ... use L = Σ c_j v_j + ¼ (Σ v_j²)².
        func loss(_ w: [Double], _ beta: Double) -> Double {
            let v = WeightNormalization.direction(w, gain: beta)
            let s = v.reduce(0) { $0 + $1 * $1 }
            return zip(c, v).reduce(0) { $0 + $1.0 * $1.1 } + 0.25 * s * s + v.reduce(0) { $0 + sin($1) }
        }
        let v = WeightNormalization.direction(w, gain: beta)
        let s = v.reduce(0) { $0 + $1 * $1 }
        let dv = v.indices.map { c[$0] + s * v[$0] + cos(v[$0]) }
        let (dw, dbeta) = WeightNormalization.gradients(w, gain: beta, dv: dv)
        let h = 1e-5
        for j in 0..<n {
            var wp = w, wm = w
            wp[j] += h; wm[j] -= h
            let numeric = (loss(wp, beta) - loss(wm, beta)) / (2 * h)
            #expect(abs(numeric - dw[j]) <= 1e-6 * max(abs(numeric), 1e-3), "w[\(j)]: \(numeric) vs \(dw[j])")
        }
        let numericBeta = (loss(w, beta + h) - loss(w, beta - h)) / (2 * h)
        #expect(abs(numericBeta - dbeta) <= 1e-6 * abs(numericBeta))
        let orthogonality = zip(w, dw).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(orthogonality) < 1e-12 * w.reduce(0) { $0 + abs($1) } * dw.reduce(0) { $0 + abs($1) } * 1e3)
        // The printed formula (second term without w_ij) is not the gradient.
        let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let printed = (0..<n).map { beta / norm * dv[$0] - beta / (norm * norm) * dbeta }
        #expect(zip(printed, dw).contains { abs($0 - $1) > 1e-3 })
    }

    @Test("the layer's backward (Float) matches the Double reference and its input gradient")
    func layerBackward() {
        var g = SeededGenerator(seed: 11)
        var layer = StochasticSynapseLinear(5, 3, generator: &g, maskGenerator: SeededGenerator(seed: 1))
        layer.gain.value = Tensor([0.7, 1.3, 2.0])
        let z = Tensor(shape: [2, 5], scalars: (0..<10).map { _ in g.nextBernoulli(0.5) ? 1 : -1 })
        let du = Tensor.randomUniform([2, 3], lower: -1, upper: 1, using: &g)
        _ = layer.forward(z, mode: .training)
        let dz = layer.backward(du)
        for i in 0..<3 {
            let w = (0..<5).map { Double(layer.weight.value[i, $0]) }
            let dv = (0..<5).map { j in (0..<2).reduce(0.0) { $0 + Double(du[$1, i] * z[$1, j]) } }
            let (dw, db) = WeightNormalization.gradients(w, gain: Double(layer.gain.value.scalars[i]), dv: dv)
            for j in 0..<5 { #expect(abs(Double(layer.weight.gradient[i, j]) - dw[j]) < 1e-5) }
            #expect(abs(Double(layer.gain.gradient.scalars[i]) - db) < 1e-5)
        }
        let v = (0..<3).map { i in WeightNormalization.direction((0..<5).map { j in Double(layer.weight.value[i, j]) }, gain: Double(layer.gain.value.scalars[i])) }
        for r in 0..<2 { for j in 0..<5 {
            let expected = (0..<3).reduce(0.0) { $0 + Double(du[r, $1]) * v[$1][j] }
            #expect(abs(Double(dz[r, j]) - expected) < 1e-5)
        } }
    }

    // MARK: - The Gaussian limit (Neftci Eq. 3; spec §2.3)

    @Test("P(z = 1) of sampled blank-out synapses = ½(1 + erf(β ŵ·z)) within 0.02 mean abs (fan-in 300, p 0.5, 10⁴ draws)")
    func erfLimit() {
        var g = SeededGenerator(seed: 21)
        let fanIn = 300, neurons = 12, draws = 10_000
        var layer = StochasticSynapseLinear(fanIn, neurons, probability: 0.5, generator: &g,
                                            maskGenerator: SeededGenerator(seed: 21, key: StreamKey("test", "masks")))
        layer.mode = .sampled
        layer.gain.value = Tensor((0..<neurons).map { 0.2 + 0.3 * Float($0) })
        let z = Tensor(shape: [1, fanIn], scalars: (0..<fanIn).map { _ in g.nextBernoulli(0.5) ? 1 : -1 })
        let batch = Tensor(shape: [draws, fanIn], scalars: Array((0..<draws).map { _ in z.scalars }.joined()))
        let u = layer.forward(batch, mode: .inference)
        var analytic = layer
        analytic.mode = .analytic
        let v = analytic.forward(z, mode: .inference)
        var total = 0.0
        for i in 0..<neurons {
            let fired = (0..<draws).filter { u[$0, i] >= 0 }.count
            let p = 0.5 * (1 + erf(Double(v.scalars[i])))
            total += abs(Double(fired) / Double(draws) - p)
        }
        #expect(total / Double(neurons) < 0.02, "mean abs diff \(total / Double(neurons))")
    }

    @Test("fresh masks at every evaluation: two sampled passes differ, the stream's seed fixes them")
    func freshMasks() {
        var g = SeededGenerator(seed: 2)
        var layer = StochasticSynapseLinear(50, 8, generator: &g, maskGenerator: SeededGenerator(seed: 5))
        layer.mode = .sampled
        let z = Tensor(repeating: 1, shape: [1, 50])
        var twin = layer
        let first = layer.forward(z, mode: .inference), second = layer.forward(z, mode: .inference)
        #expect(first != second)
        #expect(twin.forward(z, mode: .inference) == first)
    }

    @Test("invariance to w → αw (α = 0.1, 3.7) with the same masks: identical sampled predictions (spec §2.3)")
    func scaleInvariance() {
        var network = SynapticSamplingNetwork(kind: .s2m, sizes: [20, 16, 16, 4], seed: 3)
        network.setEvaluation(.sampledSynapses)
        var g = SeededGenerator(seed: 4)
        let x = Tensor.randomUniform([30, 20], using: &g)
        var reference = network
        let base = reference.forward(x, mode: .inference).argmaxRows()
        for alpha: Float in [0.1, 3.7] {
            var scaled = network
            scaled.scaleWeights(by: alpha)
            #expect(scaled.forward(x, mode: .inference).argmaxRows() == base)
        }
        // The sigmoid baseline is not invariant: P = σ(αw·z) changes.
        var baseline = SynapticSamplingNetwork(kind: .stochasticSigmoid, sizes: [20, 16, 4], seed: 3)
        let z = Tensor(shape: [1, 20], scalars: (0..<20).map { _ in g.nextBernoulli(0.5) ? 1 : -1 })
        let u = baseline.linears[0].forward(z, mode: .inference)
        let p1 = StochasticSign.probability(u.scalars[0], .sigmoid), p01 = StochasticSign.probability(0.1 * u.scalars[0], .sigmoid)
        #expect(abs(p1 - p01) > 1e-3)
        _ = baseline.forward(x, mode: .inference)
    }

    @Test("hardware offset a = β√(2p(1−p)) − p (spec §1.3)")
    func hardwareOffsets() {
        var g = SeededGenerator(seed: 1)
        var layer = StochasticSynapseLinear(4, 2, probability: 0.3, generator: &g, maskGenerator: g)
        layer.gain.value = Tensor([1, 2])
        let s = (2 * 0.3 * 0.7 as Float).squareRoot()
        #expect(layer.hardwareOffsets == [s - 0.3, 2 * s - 0.3])
    }

    @Test("straight-through gradients: erf' = (2/√π)e^{−u²}, baseline 2σ(1−σ)")
    func straightThrough() {
        for firing in [StochasticSign.Firing.erf, .sigmoid] {
            var neuron = StochasticSign(firing, generator: SeededGenerator(seed: 1))
            let u = Tensor([-1.5, 0, 0.4])
            let z = neuron.forward(u, mode: .training)
            #expect(z.scalars.allSatisfy { $0 == 1 || $0 == -1 })
            let g = neuron.backward(Tensor([1, 1, 1]))
            for (i, x) in u.scalars.enumerated() {
                let h: Double = 1e-4, xd = Double(x)
                let mean: (Double) -> Double = firing == .erf ? { erf($0) } : { tanh($0 / 2) }
                let numeric = (mean(xd + h) - mean(xd - h)) / (2 * h)
                #expect(abs(Double(g.scalars[i]) - numeric) < 1e-5)
            }
        }
    }

    @Test("a tiny S2M learns a separable task in the analytic mode and keeps it under sampled synapses")
    func tinyTraining() throws {
        var g = SeededGenerator(seed: 6)
        let n = 200
        var scalars: [Float] = [], labels: [Int] = []
        for r in 0..<n {
            let label = r % 2
            labels.append(label)
            for j in 0..<16 { scalars.append(g.nextUniform() < (j < 8 ? (label == 0 ? 0.9 : 0.1) : (label == 0 ? 0.1 : 0.9)) ? 1 : 0) }
        }
        let data = NeuromorphData.LabeledDataset(inputs: Tensor(shape: [n, 16], scalars: scalars), labels: labels, classCount: 2)
        var c = SynapticSamplingExperiment.Configuration(kind: .s2m, hidden: [32], epochs: 15, samples: 5, seed: 2)
        c.learningRate = 1e-2
        let result = try SynapticSamplingExperiment.run(train: data, test: data, configuration: c)
        #expect(result.testError < 0.1, "\(result)")
        #expect(abs(result.scaledTestError - result.testError) < 0.05)
    }
    // MARK: - Stability probes (spec §2.3 "smoother percentiles, steadier ‖W₃‖"; digest BM §2)

    @Test("percentiles interpolate like NumPy's default (linear)")
    func percentileDefinition() {
        let v = [1.0, 2, 3, 4]
        #expect(abs(SynapticSamplingNetwork.percentile(v, 15) - 1.45) < 1e-12)
        #expect(abs(SynapticSamplingNetwork.percentile(v, 50) - 2.5) < 1e-12)
        #expect(abs(SynapticSamplingNetwork.percentile(v, 85) - 3.55) < 1e-12)
        #expect(SynapticSamplingNetwork.percentile([7], 85) == 7)
    }

    /// Scaling the raw weights into the last hidden layer by 2 doubles ‖W_L‖ for both models; S2M's neuron inputs
    /// `β ŵ·z` and effective norm do not move (weight normalization), the baseline's `w·z` double.
    @Test("probes: ‖W_L‖ ratio follows a weight scale; S2M inputs are scale-invariant, the baseline's are not",
          arguments: SynapticSamplingNetwork.Kind.allCases)
    func probeScaling(kind: SynapticSamplingNetwork.Kind) {
        var g = SeededGenerator(seed: 9)
        let x = Tensor(shape: [40, 20], scalars: (0..<800).map { _ in g.nextUniform() })
        let network = SynapticSamplingNetwork(kind: kind, sizes: [20, 16, 16, 3], seed: 4)
        let norms = network.weightNorms(layer: 1)
        let before = network.probe(epoch: 0, input: x, initialNorms: norms)
        #expect(before.weightNormRatio == 1 && before.effectiveWeightNormRatio == 1)
        #expect(before.percentiles[0] <= before.percentiles[1] && before.percentiles[1] <= before.percentiles[2])
        #expect(before.percentiles[2] - before.percentiles[0] > 0.1, "a degenerate probe proves nothing")
        // Only the weights into the probed layer: the layers below (and so its input z) stay put.
        var scaled = network
        if kind == .s2m { scaled.synapses[1].scaleWeights(by: 2) } else { scaled.linears[1].weight.value *= 2 }
        let after = scaled.probe(epoch: 1, input: x, initialNorms: norms)
        #expect(abs(after.weightNormRatio - 2) < 1e-6)
        for k in 0..<3 {
            let expected = kind == .s2m ? before.percentiles[k] : 2 * before.percentiles[k]
            #expect(abs(after.percentiles[k] - expected) < 1e-5 * max(1, abs(expected)), "\(kind) percentile \(k)")
        }
        #expect(abs(after.effectiveWeightNormRatio - (kind == .s2m ? 1 : 2)) < 1e-6)
    }

    /// The summary on a hand-made trajectory: percentiles (−t, 0, t) for epochs 1…4 (width
    /// 2t, mean 5; every first difference 1 or 0, mean 2/3; no curvature) and a norm ratio
    /// 1, 1.1, 1.3, 1.2.
    @Test("probe summary: jitter, roughness and norm changes of a hand-made trajectory")
    func probeSummaryByHand() throws {
        let ratios = [1.0, 1.1, 1.3, 1.2]
        let probes = [SynapticSamplingProbe(epoch: 0, percentiles: [-9, 0, 9], weightNormRatio: 1, effectiveWeightNormRatio: 1)]
            + (1...4).map { t in
                SynapticSamplingProbe(epoch: t, percentiles: [-Double(t), 0, Double(t)], weightNormRatio: ratios[t - 1],
                                      effectiveWeightNormRatio: 2 - ratios[t - 1])
            }
        let summary = try #require(SynapticSamplingProbeSummary(probes))
        #expect(abs(summary.percentileJitter - (2.0 / 3) / 5) < 1e-12)
        #expect(summary.percentileRoughness == 0)
        #expect(abs(summary.maxWeightNormChange - 0.3) < 1e-12 && abs(summary.maxEffectiveWeightNormChange - 0.3) < 1e-12)
        #expect(abs(summary.effectiveWeightNormJitter - (0.1 + 0.2 + 0.1) / 3) < 1e-12)
        #expect(SynapticSamplingProbeSummary(Array(probes.prefix(2))) == nil)
    }

    @Test("probes leave training unchanged and record epochs 0…T")
    func probesDoNotChangeTraining() throws {
        var g = SeededGenerator(seed: 8)
        let n = 60
        var scalars: [Float] = [], labels: [Int] = []
        for r in 0..<n {
            labels.append(r % 2)
            for j in 0..<12 { scalars.append(g.nextUniform() < ((j < 6) == (r % 2 == 0) ? 0.8 : 0.2) ? 1 : 0) }
        }
        let data = NeuromorphData.LabeledDataset(inputs: Tensor(shape: [n, 12], scalars: scalars), labels: labels, classCount: 2)
        for kind in SynapticSamplingNetwork.Kind.allCases {
            var c = SynapticSamplingExperiment.Configuration(kind: kind, hidden: [10, 10], epochs: 3, samples: 2, seed: 5)
            let plain = try SynapticSamplingExperiment.run(train: data, test: data, configuration: c)
            c.probeImages = 30
            let probed = try SynapticSamplingExperiment.run(train: data, test: data, configuration: c)
            #expect(plain.trainLoss == probed.trainLoss && plain.testError == probed.testError, "\(kind)")
            #expect(plain.probes.isEmpty && plain.probeSummary == nil)
            #expect(probed.probes.map(\.epoch) == [0, 1, 2, 3])
            #expect(probed.probeSummary != nil)
        }
        #expect(throws: LearningRuleParameterError.self) {
            var bad = SynapticSamplingExperiment.Configuration()
            bad.probeImages = -1
            try bad.validate()
        }
    }
}
