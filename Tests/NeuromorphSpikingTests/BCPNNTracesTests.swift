import Foundation
import NeuromorphCore
import Testing
@testable import NeuromorphSpiking

/// The reference BCPNN rule (Wang et al. 2021 Eq. 6–10, 19) against its closed forms:
/// spiking note §2.5 (BC) rows 1–2, digest bayesian-hardware §2.7 item 3 and §2.10 item 1.
@Suite struct BCPNNTracesTests {
    static func run(_ cell: inout BCPNNTraces, steps: Int, pre: Bool, post: Bool) {
        for _ in 0..<steps { cell.step(pre: pre, post: post) }
    }

    /// BC §2.5 row 1 [C]: all-ones input drives Z, P → 1, so
    /// w → ln((1+ε²)/(1+ε)²) = −0.019801 and β → ln(1+ε) = 0.009950 (tolerance 1e-6).
    @Test func allOnesFixedPoint() {
        var cell = BCPNNTraces()
        Self.run(&cell, steps: 20_000, pre: true, post: true)
        let v = cell.values
        #expect(abs(v.w - -0.019801) < 1e-6, "w = \(v.w)")
        #expect(abs(v.beta - 0.009950) < 1e-6, "β = \(v.beta)")
    }

    /// BC §2.5 row 1 [C]: after long silence P → 0, so w → ln(ε²/ε²) = 0 and
    /// β → ln ε = −4.605170 (1e-6), starting from the all-ones state (the text's "weight …
    /// finally decays to 0 in the long-lasting silent state").
    @Test func silenceFixedPoint() {
        var cell = BCPNNTraces()
        #expect(cell.values.w == 0, "a fresh cell has w = 0")
        Self.run(&cell, steps: 20_000, pre: true, post: true)
        Self.run(&cell, steps: 20_000, pre: false, post: false)
        let v = cell.values
        #expect(abs(v.w) < 1e-6, "w = \(v.w)")
        #expect(abs(v.beta - -4.605170) < 1e-6, "β = \(v.beta)")
    }

    /// t−1 semantics (Eq. 6, 10): a spike at step 0 shows in Z only after the first step,
    /// and in P only after the second.
    @Test func updatesUseThePreviousStep() {
        var cell = BCPNNTraces()
        cell.step(pre: true, post: true)
        #expect(cell.z_i == 1.0 / 11 && cell.z_j == 1.0 / 11)
        #expect(cell.p_i == 0 && cell.p_ij == 0, "P uses Z(t−1) = 0")
        cell.step(pre: false, post: false)
        #expect(abs(cell.z_i - 10.0 / 121) < 1e-15)
        #expect(abs(cell.p_i - 1.0 / 11 / 500) < 1e-15)
        #expect(abs(cell.p_ij - 1.0 / 121 / 500) < 1e-15)
    }

    /// Time-means of P over `steps` after a 5,000-step transient, for trains from `trains`.
    static func meanP(steps: Int, seed: UInt64,
                      trains: (inout SeededGenerator) -> (Bool, Bool)) -> (p_i: Double, p_ij: Double, w: Double) {
        var g = SeededGenerator(seed: seed, key: StreamKey("test", "bcpnn", "bernoulli"))
        var cell = BCPNNTraces()
        for _ in 0..<5_000 { let (a, b) = trains(&g); cell.step(pre: a, post: b) }
        var sumI = 0.0, sumIJ = 0.0, sumW = 0.0
        for _ in 0..<steps {
            let (a, b) = trains(&g)
            cell.step(pre: a, post: b)
            sumI += cell.p_i; sumIJ += cell.p_ij; sumW += cell.values.w
        }
        let n = Double(steps)
        return (sumI / n, sumIJ / n, sumW / n)
    }

    /// BC §2.5 row 2 [C]: independent Bernoulli trains at p = 0.05 per step give
    /// E[P_i] = p and E[P_ij] = p² = 0.0025 (±3 %, 6·10⁵ steps; the note asks ≥ 3·10⁵).
    @Test func independentTrainsGiveProductOfRates() {
        let m = Self.meanP(steps: 600_000, seed: 1) { g in
            (g.nextUniformDouble() < 0.05, g.nextUniformDouble() < 0.05)
        }
        #expect(abs(m.p_i / 0.05 - 1) < 0.03, "⟨P_i⟩ = \(m.p_i)")
        #expect(abs(m.p_ij / 0.0025 - 1) < 0.03, "⟨P_ij⟩ = \(m.p_ij)")
    }

    /// BC §2.5 row 2 [C]: identical trains give E[P_ij] = p² + p(1−p)·kz/(2−kz) = 0.004762 at
    /// p = 0.05 (±3 %), and a positive weight (digest: time-mean ≈ 0.28).
    @Test func identicalTrainsGivePositiveWeight() {
        let m = Self.meanP(steps: 600_000, seed: 2) { g in
            let s = g.nextUniformDouble() < 0.05
            return (s, s)
        }
        let kz = 1.0 / 11
        let expected = 0.05 * 0.05 + 0.05 * 0.95 * kz / (2 - kz)
        #expect(abs(expected - 0.004762) < 5e-7, "closed form")
        #expect(abs(m.p_ij / 0.004762 - 1) < 0.03, "⟨P_ij⟩ = \(m.p_ij)")
        #expect(m.w > 0.2 && m.w < 0.35, "⟨w⟩ = \(m.w)")
    }

    /// The optional E trace (Eq. 7–8) delays P but keeps its fixed points (all-ones → same w, β).
    @Test func eTraceKeepsTheFixedPoints() throws {
        var cell = BCPNNTraces(parameters: try BCPNNParameters(ke: 1.0 / 50))
        cell.step(pre: true, post: true)
        cell.step(pre: true, post: true)
        #expect(cell.p_i == 0, "P sees E(t−1), which is still 0 after two steps")
        Self.run(&cell, steps: 30_000, pre: true, post: true)
        #expect(abs(cell.values.w - -0.019801) < 1e-6)
        #expect(abs(cell.values.beta - 0.009950) < 1e-6)
    }

    @Test func parametersRejectRatesOutsideTheUnitInterval() {
        #expect(throws: SpikingParameterError.self) { try BCPNNParameters(kz_i: 0) }
        #expect(throws: SpikingParameterError.self) { try BCPNNParameters(kp: 1.5) }
        #expect(throws: SpikingParameterError.self) { try BCPNNParameters(epsilon: -1) }
        #expect(throws: SpikingParameterError.self) { try BCPNNParameters(ke: .nan) }
        #expect(BCPNNParameters.wang2021 == (try? BCPNNParameters()))
    }
}

/// The vectorised projection (the HCU structures of Fig. 1B, digest §2.2, §2.9) equals the
/// scalar reference cell by cell.
@Suite struct BCPNNProjectionTests {
    @Test func projectionEqualsScalarCells() throws {
        var projection = try BCPNNProjection(pre: 3, post: 4)
        var cells = [BCPNNTraces](repeating: BCPNNTraces(), count: 12)
        var g = SeededGenerator(seed: 8, key: StreamKey("test", "bcpnn", "projection"))
        for _ in 0..<2000 {
            let pre = (0..<3).map { _ in g.nextUniformDouble() < 0.1 }
            let post = (0..<4).map { _ in g.nextUniformDouble() < 0.2 }
            projection.step(preSpikes: pre, postSpikes: post)
            for i in 0..<3 { for j in 0..<4 { cells[i * 4 + j].step(pre: pre[i], post: post[j]) } }
        }
        let w = projection.weights, beta = projection.biases
        for i in 0..<3 {
            for j in 0..<4 {
                let v = cells[i * 4 + j].values
                #expect(projection.p_ij[i * 4 + j] == v.p_ij && w[i * 4 + j] == v.w && beta[j] == v.beta)
            }
        }
        #expect(w.contains { $0 != 0 })
        #expect(throws: SpikingParameterError.self) { try BCPNNProjection(pre: 0, post: 1) }
        #expect(throws: SpikingParameterError.self) { try BCPNNProjection(pre: 1, post: 1, parameters: try BCPNNParameters(ke: 0.1)) }
    }
}
