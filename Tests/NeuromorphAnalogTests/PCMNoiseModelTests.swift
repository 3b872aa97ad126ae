import Testing
@testable import NeuromorphAnalog
import NeuromorphCore
import RealModule

// Closed forms and Monte-Carlo moments of the PCM statistical model (Spoon et al. 2021;
// digest §2.3 and acceptance tests §2.10 items 1–2).

/// One row of the digest §2.3 reference table: x = g_T/g_max, σ_prog (γ = 1, 0.5), μ_ν, σ_ν, Q_s.
struct PCMTableRow: Sendable, CustomTestStringConvertible {
    var x: Float, sigma: Float, sigmaHalf: Float, mu: Float, sd: Float, qs: Float
    var testDescription: String { "g_T/g_max = \(x)" }
}

let pcmDigestTable: [PCMTableRow] = [
    .init(x: 1.0, sigma: 1.05538, sigmaHalf: 0.52769, mu: 0.049, sd: 0.008, qs: 0.0088),
    .init(x: 0.5, sigma: 0.95270, sigmaHalf: 0.47635, mu: 0.049, sd: 0.008, qs: 0.01381),
    .init(x: 0.25, sigma: 0.68141, sigmaHalf: 0.34071, mu: 0.049, sd: 0.01143, qs: 0.02167),
    .init(x: 0.1, sigma: 0.44825, sigmaHalf: 0.22412, mu: 0.06009, sd: 0.02288, qs: 0.03931),
    .init(x: 0.05, sigma: 0.35880, sigmaHalf: 0.17940, mu: 0.07083, sd: 0.03155, qs: 0.06168),
    .init(x: 0.01, sigma: 0.28301, sigmaHalf: 0.14151, mu: 0.09578, sd: 0.045, qs: 0.17558),
    .init(x: 0.001, sigma: 0.26544, sigmaHalf: 0.13272, mu: 0.1, sd: 0.045, qs: 0.2),
]

@Suite("PCM closed forms (digest §2.3)")
struct PCMClosedFormTests {
    @Test("σ_prog, μ_ν, σ_ν, Q_s equal the digest §2.3 table within 1e-4", arguments: pcmDigestTable)
    func table(_ row: PCMTableRow) {
        let model = PCMNoiseModel.paper
        #expect(abs(model.programmingNoiseStd(normalizedTarget: row.x) - row.sigma) < 1e-4)
        #expect(abs(PCMNoiseModel.reducedNoise.programmingNoiseScale * model.programmingNoiseStd(normalizedTarget: row.x)
                    - row.sigmaHalf) < 1e-4)
        #expect(abs(PCMNoiseModel.driftExponentMean(normalizedTarget: row.x) - row.mu) < 1e-4)
        #expect(abs(PCMNoiseModel.driftExponentStd(normalizedTarget: row.x) - row.sd) < 1e-4)
        #expect(abs(PCMNoiseModel.readNoiseCoefficient(normalizedConductance: row.x) - row.qs) < 1e-4)
    }

    @Test("Clamp breakpoints of μ_ν, σ_ν, Q_s sit where digest §2.3 says")
    func breakpoints() {
        typealias M = PCMNoiseModel
        // μ_ν: floor 0.049 for x ≥ 0.2045, cap 0.1 for x ≤ 0.00762.
        #expect(abs(Float.exp((0.0244 - 0.049) / 0.0155) - 0.2045) < 1e-4)
        #expect(M.driftExponentMean(normalizedTarget: 0.2050) == 0.049)
        #expect(M.driftExponentMean(normalizedTarget: 0.2000) > 0.0493)
        #expect(abs(Float.exp((0.0244 - 0.1) / 0.0155) - 0.00762) < 1e-5)
        #expect(M.driftExponentMean(normalizedTarget: 0.0076) == 0.1)
        #expect(M.driftExponentMean(normalizedTarget: 0.0078) < 0.0997)
        // σ_ν: floor 0.008 for x ≥ 0.3289, cap 0.045 for x ≤ 0.01704.
        #expect(abs(Float.exp(-(0.008 + 0.0059) / 0.0125) - 0.3289) < 1e-4)
        #expect(M.driftExponentStd(normalizedTarget: 0.3300) == 0.008)
        #expect(M.driftExponentStd(normalizedTarget: 0.3200) > 0.00833)
        #expect(abs(Float.exp(-(0.045 + 0.0059) / 0.0125) - 0.01704) < 1e-5)
        #expect(M.driftExponentStd(normalizedTarget: 0.0170) == 0.045)
        #expect(M.driftExponentStd(normalizedTarget: 0.0175) < 0.0447)
        // Q_s: cap 0.2 for x ≤ 0.00818; the 1e-3 floor of x^0.65 is hidden behind the cap.
        #expect(abs(Float.pow(0.0088 / 0.2, 1 / 0.65) - 0.00818) < 1e-5)
        #expect(M.readNoiseCoefficient(normalizedConductance: 0.0081) == 0.2)
        #expect(M.readNoiseCoefficient(normalizedConductance: 0.0083) < 0.1985)
        #expect(M.readNoiseCoefficient(normalizedConductance: 0) == 0.2)
        // The drift fits stay finite at x = 0 (floor 1e-7 inside the log).
        #expect(M.driftExponentMean(normalizedTarget: 0) == 0.1 && M.driftExponentStd(normalizedTarget: 0) == 0.045)
        // σ_prog: the max(·, 0) clamp only bites in the overshoot region x > 1.79.
        #expect(PCMNoiseModel.paper.programmingNoiseStd(normalizedTarget: 2) == 0)
        #expect(abs(PCMNoiseModel.paper.programmingNoiseStd(normalizedTarget: 0) - 0.26348) < 1e-6)
    }

    @Test("σ_prog scales with g_max / 25 µS like aihwkit (digest §2.3 [EXT])")
    func programmingReference() {
        let model = PCMNoiseModel(gMax: 50)
        #expect(abs(model.programmingNoiseStd(normalizedTarget: 1) - 2 * 1.05538) < 2e-4)
    }

    @Test("Drift and read-noise time factors equal the digest §2.3 time table (t_c = 20 s, 1 mo = 30 d)",
          arguments: [(1.0, 0.9976, 0.9951, 4.1897, 0.03687), (3_600, 0.7751, 0.5946, 4.7648, 0.04193),
                      (86_400, 0.6635, 0.4330, 5.0868, 0.04476), (604_800, 0.6032, 0.3564, 5.2746, 0.04642),
                      (2_592_000, 0.5617, 0.3081, 5.4108, 0.04761)])
    func timeTable(_ row: (Double, Float, Float, Double, Float)) {
        let (t, f049, f100, root, relative) = row
        let model = PCMNoiseModel.paper
        #expect(abs(model.driftFactor(exponent: 0.049, at: t) - f049) < 1e-4)
        #expect(abs(model.driftFactor(exponent: 0.1, at: t) - f100) < 1e-4)
        #expect(abs(model.readNoiseTimeFactor(t) - root) < 1e-4)
        #expect(abs(0.0088 * Float(model.readNoiseTimeFactor(t)) - relative) < 1e-5)
        #expect(model.driftFactor(exponent: 0.1, at: 0) == 1)
    }
}

// MARK: - Monte-Carlo moments

/// Mean and (sample) standard deviation in Double.
func pcmMoments(_ values: [Float]) -> (mean: Double, std: Double) {
    let n = Double(values.count)
    let mean = values.reduce(0.0) { $0 + Double($1) } / n
    let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (n - 1)
    return (mean, variance.squareRoot())
}

@Suite("PCM Monte-Carlo moments (digest §2.10 item 2, 10⁵ devices, fixed seeds)")
struct PCMMonteCarloTests {
    static let devices = 100_000

    @Test("Programming-noise std = σ_prog(x) within 1%, for γ = 1 and 0.5", arguments: [(Float(0.5), Float(1)), (0.5, 0.5), (1.0, 1), (0.25, 0.5)])
    func programmingNoise(_ args: (Float, Float)) {
        let (x, gamma) = args
        let model = PCMNoiseModel(gamma: gamma)
        var rng = SeededGenerator(seed: 2021, stream: 1)
        let targets = [Float](repeating: x * model.gMax, count: Self.devices)
        let state = model.program(targets: targets, generator: &rng)
        let deviations = zip(state.programmed, targets).map { $0 - $1 }
        let (mean, std) = pcmMoments(deviations)
        let expected = Double(gamma * model.programmingNoiseStd(normalizedTarget: x))
        #expect(abs(std / expected - 1) < 0.01, "x = \(x), γ = \(gamma): std \(std) vs \(expected)")
        #expect(abs(mean) < 4 * expected / Double(Self.devices).squareRoot())
    }

    @Test("Mean ν = μ_ν, std ν = σ_ν within 1%; mean drift factor at 1 month = 0.5642, median 0.5617 (±1%)")
    func driftAtOneMonth() {
        // γ = 0: g_prog = g_T = g_max, so the read is g_max · (t/t_c)^(−ν) with ν ~ N(0.049, 0.008).
        let model = PCMNoiseModel(gamma: 0)
        var rng = SeededGenerator(seed: 2021, stream: 2)
        let state = model.program(targets: [Float](repeating: model.gMax, count: Self.devices), generator: &rng)
        let nu = pcmMoments(state.driftExponents)
        #expect(abs(nu.mean / 0.049 - 1) < 0.01)
        #expect(abs(nu.std / 0.008 - 1) < 0.01)
        let g = model.conductances(of: state, at: InferenceTime.month.seconds, generator: &rng)
        let factors = g.map { $0 / model.gMax }
        let (mean, _) = pcmMoments(factors)
        // E[(t/t_c)^(−ν)] = exp(−μL + σ²L²/2), L = ln(129601) = 11.7722.
        #expect(abs(mean / 0.5642 - 1) < 0.01, "mean drift factor \(mean)")
        let median = Double(factors.sorted()[Self.devices / 2])
        #expect(abs(median / 0.5617 - 1) < 0.01, "median drift factor \(median)")
    }

    @Test("Relative read-noise std at 1 month = 0.04761·γ within 2% (Q_s = 0.0088, no programming noise)",
          arguments: [Float(1), 0.5])
    func readNoise(_ gamma: Float) {
        var model = PCMNoiseModel(gamma: gamma)
        model.programmingNoiseScale = 0
        var rng = SeededGenerator(seed: 2021, stream: 3)
        let state = model.program(targets: [Float](repeating: model.gMax, count: Self.devices), generator: &rng)
        let t = InferenceTime.month.seconds
        let g = model.conductances(of: state, at: t, generator: &rng)
        let relative = (0..<Self.devices).map { i -> Float in
            let drifted = model.gMax * model.driftFactor(exponent: state.driftExponents[i], at: t)
            return (g[i] - drifted) / drifted
        }
        let (mean, std) = pcmMoments(relative)
        #expect(abs(std / (0.04761 * Double(gamma)) - 1) < 0.02, "γ = \(gamma): relative std \(std)")
        #expect(abs(mean) < 0.001)
    }

    @Test("Fast Box–Muller sampler: N(0, 1) moments and 1σ/2σ mass; log and √ kernels match libm")
    func sampler() {
        var rng = SeededGenerator(seed: 7)
        var z = [Float](repeating: .nan, count: 200_001)
        z.withUnsafeMutableBufferPointer { InferenceNormalSampler.fill($0, generator: &rng) }
        #expect(z.allSatisfy { $0.isFinite && abs($0) < 5.7 })
        let (mean, std) = pcmMoments(z)
        #expect(abs(mean) < 0.01)
        #expect(abs(std - 1) < 0.01)
        let within1 = Double(z.filter { abs($0) < 1 }.count) / Double(z.count)
        let within2 = Double(z.filter { abs($0) < 2 }.count) / Double(z.count)
        #expect(abs(within1 - 0.682_689) < 0.004)
        #expect(abs(within2 - 0.954_500) < 0.002)
        for x: Float in [1e-7, 1e-3, 0.1, 0.5, 0.70710677, 0.7071069, 0.9, 0.999_999, 1] {
            #expect(abs(InferenceNormalSampler.logUnit(x) - Float.log(x)) <= 2e-7 * max(1, abs(Float.log(x))))
        }
        for x: Float in [0, 1e-6, 0.25, 2, 31.9] {
            #expect(abs(InferenceNormalSampler.squareRoot(x) - x.squareRoot()) <= 1e-6 * max(1, x.squareRoot()))
        }
    }
}
