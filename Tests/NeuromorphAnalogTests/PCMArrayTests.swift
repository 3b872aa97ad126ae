import Testing
@testable import NeuromorphAnalog
import NeuromorphCore

// Weight ↔ conductance mapping on differential pairs and the programmed-array reads
// (Spoon et al. §2.1.1; digest §2.2–2.3).

/// Seeded N(0, std²) weights, row-major `[rows, columns]`.
func pcmTestWeights(rows: Int, columns: Int, seed: UInt64, std: Float = 0.3) -> [Float] {
    var rng = SeededGenerator(seed: seed, stream: 99)
    var w = [Float](repeating: 0, count: rows * columns)
    w.withUnsafeMutableBufferPointer { rng.fillNormal($0, mean: 0, std: std) }
    return w
}

/// Elementwise |a − b| ≤ 1e-6 · max(|b|, 1).
func pcmClose(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-6 * max(abs($1), 1) }
}

/// A PCM model with every noise source and drift off.
let pcmIdealModel: PCMNoiseModel = {
    var m = PCMNoiseModel(gamma: 0)
    m.driftScale = 0
    return m
}()

@Suite("PCM differential-pair mapping (digest §2.2)")
struct PCMMappingTests {
    @Test("A zero weight puts both devices at RESET (0 µS); the other device of a pair is 0 µS")
    func zeroWeight() {
        let weights: [Float] = [0, 0.5, -1, 0, 0.25, 0]
        var rng = SeededGenerator(seed: 1)
        let array = pcmIdealModel.program(weights: weights, rows: 2, columns: 3, generator: &rng)
        for k in [0, 3, 5] {
            #expect(array.positive.targets[k] == 0 && array.negative.targets[k] == 0)
            #expect(array.programmedPlus[k] == 0 && array.programmedMinus[k] == 0)
        }
        for k in 0..<6 { #expect(array.positive.targets[k] == 0 || array.negative.targets[k] == 0) }
        // With the printed σ_prog(0) = 0.2635 µS a RESET device still gets (clamped) noise,
        // unless `resetDevicesAreExact` is set.
        var exact = PCMNoiseModel.paper
        exact.resetDevicesAreExact = true
        let noisy = exact.program(weights: weights, rows: 2, columns: 3, generator: &rng)
        for k in [0, 3, 5] { #expect(noisy.programmedPlus[k] == 0 && noisy.programmedMinus[k] == 0) }
        let w = noisy.effectiveWeights(at: InferenceTime.month.seconds, generator: &rng)
        for k in [0, 3, 5] { #expect(w[k] == 0) }
    }

    @Test("Without noise and drift, weights → conductances → weights round-trips (per-row max scale)")
    func roundTrip() {
        let rows = 5, columns = 7
        let weights = pcmTestWeights(rows: rows, columns: columns, seed: 3)
        var rng = SeededGenerator(seed: 2)
        let array = pcmIdealModel.program(weights: weights, rows: rows, columns: columns, generator: &rng)
        for r in 0..<rows {
            let maxAbs = (0..<columns).map { abs(weights[r * columns + $0]) }.max()!
            #expect(array.scales[r] == maxAbs)
            // The row maximum maps exactly to g_max on one device of its pair.
            let peak = (0..<columns).map { max(array.positive.targets[r * columns + $0], array.negative.targets[r * columns + $0]) }.max()!
            #expect(peak == pcmIdealModel.gMax)
        }
        for t in [0.0, 1, InferenceTime.month.seconds] {
            let back = array.effectiveWeights(at: t, generator: &rng)
            for k in weights.indices { #expect(abs(back[k] - weights[k]) <= 6e-7 * max(abs(weights[k]), 1e-3)) }
        }
        #expect(array.programmedWeights() == array.targetWeights())
    }

    @Test("Weights beyond the given scale clip to ±scale; conductances stay in [0, g_max]")
    func clipping() {
        let weights: [Float] = [0.8, -2, 0.25, 0.5, 0, -0.1]
        var rng = SeededGenerator(seed: 4)
        let array = pcmIdealModel.program(weights: weights, rows: 2, columns: 3, scaling: .uniform(0.5), generator: &rng)
        #expect(pcmClose(array.targetWeights(), [0.5, -0.5, 0.25, 0.5, 0, -0.1]))
        #expect(array.positive.targets[0] == 25 && array.negative.targets[1] == 25 && array.positive.targets[2] == 12.5)
        #expect((array.positive.targets + array.negative.targets).allSatisfy { $0 >= 0 && $0 <= 25 })
        let perRow = pcmIdealModel.program(weights: weights, rows: 2, columns: 3, scaling: .perRow([1, 0.25]), generator: &rng)
        #expect(pcmClose(perRow.targetWeights(), [0.8, -1, 0.25, 0.25, 0, -0.1]))
        let global = pcmIdealModel.program(weights: weights, rows: 2, columns: 3, scaling: .globalMaximum, generator: &rng)
        #expect(global.scales == [2, 2])
        // An all-zero row has scale 0 and reads back as exact zeros, even with noise.
        let zeros = PCMNoiseModel.paper.program(weights: [0, 0, 1, -1], rows: 2, columns: 2, generator: &rng)
        #expect(zeros.scales == [0, 1])
        let w = zeros.effectiveWeights(at: 1, generator: &rng)
        #expect(w[0] == 0 && w[1] == 0)
    }

    @Test("γ = 0.5 halves every programming deviation (same seed), digest §2.3 'reduced-noise device'")
    func gammaHalves() {
        let rows = 16, columns = 32
        // |w| ∈ [0.5, 1]: no programmed device is clamped at 0 except RESET devices, whose
        // clamp max(γσz, 0) scales with γ as well.
        var signs = SeededGenerator(seed: 5)
        let weights = (0..<(rows * columns)).map { _ in
            (signs.nextUniform() < 0.5 ? -1 : 1) * (0.5 + 0.5 * signs.nextUniform())
        }
        var a = SeededGenerator(seed: 11), b = SeededGenerator(seed: 11)
        let full = PCMNoiseModel.paper.program(weights: weights, rows: rows, columns: columns, generator: &a)
        let half = PCMNoiseModel.reducedNoise.program(weights: weights, rows: rows, columns: columns, generator: &b)
        for (x, y) in [(full.positive, half.positive), (full.negative, half.negative)] {
            for k in 0..<x.count {
                let dFull = x.programmed[k] - x.targets[k], dHalf = y.programmed[k] - y.targets[k]
                #expect(abs(dHalf - 0.5 * dFull) < 4e-6, "device \(k)")
            }
            // Drift is not scaled by γ ("full drift model"): same ν.
            #expect(x.driftExponents == y.driftExponents)
        }
        let dFull = pcmMoments(zip(full.programmedWeights(), full.targetWeights()).map { $0 - $1 }).std
        let dHalf = pcmMoments(zip(half.programmedWeights(), half.targetWeights()).map { $0 - $1 }).std
        #expect(abs(dHalf / dFull - 0.5) < 1e-4)
    }
}

@Suite("Programmed PCM array reads (digest §2.3)")
struct PCMArrayReadTests {
    @Test("Same seed ⇒ identical programmed arrays and identical reads; another seed differs")
    func reproducible() {
        let rows = 9, columns = 1030   // more columns than one read block
        let weights = pcmTestWeights(rows: rows, columns: columns, seed: 6)
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let x = PCMNoiseModel.paper.program(weights: weights, rows: rows, columns: columns, generator: &a)
        let y = PCMNoiseModel.paper.program(weights: weights, rows: rows, columns: columns, generator: &b)
        let z = PCMNoiseModel.paper.program(weights: weights, rows: rows, columns: columns, generator: &c)
        #expect(x == y)
        #expect(x.programmedPlus != z.programmedPlus)
        let t = InferenceTime.day.seconds
        let wx = x.effectiveWeights(at: t, generator: &a), wy = y.effectiveWeights(at: t, generator: &b)
        #expect(wx == wy)
        #expect(x.effectiveWeights(at: t, generator: &a) != wx, "a second read draws fresh read noise")
        var tensor = Tensor.zeros([0])
        x.effectiveWeights(at: t, generator: &c, into: &tensor)
        #expect(tensor.shape == [rows, columns])
    }

    @Test("Reads stay ≥ 0 µS and decay on average with t (drift); read noise grows with t")
    func decay() {
        let rows = 32, columns = 64
        let weights = pcmTestWeights(rows: rows, columns: columns, seed: 8)
        var rng = SeededGenerator(seed: 9)
        let array = PCMNoiseModel.paper.program(weights: weights, rows: rows, columns: columns, generator: &rng)
        var previous = Double.infinity
        for time in InferenceTime.paperGrid {
            let g = PCMNoiseModel.paper.conductances(of: array.positive, at: time.seconds, generator: &rng)
            #expect(g.allSatisfy { $0 >= 0 })
            let mean = pcmMoments(g).mean
            #expect(mean < previous, "mean conductance at \(time)")
            previous = mean
        }
    }

    @Test("Second conformance: Gaussian programming noise, no drift, optional read noise")
    func gaussianModel() {
        let model = GaussianInferenceNoiseModel(programmingNoise: 0.02)
        var rng = SeededGenerator(seed: 12)
        let state = model.program(targets: [Float](repeating: 12.5, count: 100_000), generator: &rng)
        let std = pcmMoments(zip(state.programmed, state.targets).map { $0 - $1 }).std
        #expect(abs(std / 0.5 - 1) < 0.01)
        let weights = pcmTestWeights(rows: 4, columns: 10, seed: 13)
        let array = model.program(weights: weights, rows: 4, columns: 10, generator: &rng)
        let early = array.effectiveWeights(at: 1, generator: &rng)
        let late = array.effectiveWeights(at: InferenceTime.month.seconds, generator: &rng)
        #expect(early == late)
        #expect(early == array.programmedWeights())
        let noisy = GaussianInferenceNoiseModel(programmingNoise: 0, readNoise: 0.01)
        let devices = noisy.program(targets: [Float](repeating: 12.5, count: 100_000), generator: &rng)
        let read = noisy.conductances(of: devices, at: 3_600, generator: &rng)
        #expect(abs(pcmMoments(read).std / 0.25 - 1) < 0.01)
    }
}
