import Foundation
import NeuromorphCore
import Testing
@testable import NeuromorphSpiking

/// The VTEAM memristor and the memristor BCPNN cell against the reference (Wang et al.
/// 2021 Eq. 11–18, Tables 1–2): spiking note §1.3 and §2.5 (BC) rows 3 and 5, digest
/// bayesian-hardware §2.7 items 1–2 and §2.10 items 2–4.
@Suite struct BCPNNMemristorTests {
    /// Digest §2.10 item 4: Xu window at j = p = 1 is 1 − x for i > 0 and x for i < 0.
    @Test func xuWindow() {
        let f = MemristorWindow.xu(j: 1, p: 1)
        for x in [0.0, 0.25, 0.8, 1.0] {
            #expect(f.value(x: x, positiveCurrent: true) == 1 - x)
            #expect(f.value(x: x, positiveCurrent: false) == x)
        }
        #expect(abs(MemristorWindow.xu(j: 2, p: 2).value(x: 0.5, positiveCurrent: true) - 0.5) < 1e-15)
        #expect(MemristorWindow.joglekar(p: 1).value(x: 0, positiveCurrent: true) == 0, "Joglekar locks at the bounds")
    }

    /// Digest §2.7 item 1 [C] (consistency check of Table 1): ±193.2/−149.9 mV for 1 ms give
    /// r± = 0.181860 ≈ 2/11, and a pulse is C = 1 − r₊, D/W = r₊, E = 1 − r₋ (Eq. 16–18).
    @Test func table1VoltagesGiveTwoEleventhsPerMillisecond() {
        var m = VTEAMMemristor.wang2021
        let plus = MemristorPulse(voltage: 0.1932, duration: 1e-3)
        let minus = MemristorPulse(voltage: -0.1499, duration: 1e-3)
        #expect(abs(m.stepRate(plus) - 0.181860) < 1e-6)
        #expect(abs(m.stepRate(minus) - 0.181860) < 1e-6)
        #expect(abs(m.stepRate(plus) - 2.0 / 11) < 5e-5)
        m.x = 0.3
        m.apply(plus)
        #expect(abs(m.x - (0.3 * (1 - 0.181860) + 0.181860)) < 1e-12, "x ← C·x + D/W")
        m.apply(minus)
        #expect(abs(m.x - (0.3 * (1 - 0.181860) + 0.181860) * (1 - 0.181860)) < 1e-12, "x ← E·x")
        #expect(m.stepRate(MemristorPulse(voltage: 0.015, duration: 1e-3)) == 0, "dead zone")
        #expect(abs(m.resistance - (2e3 + 198e3 * m.x)) < 1e-6)
        #expect(abs(m.state(fromResistance: m.resistance) - m.x) < 1e-12)
    }

    /// The voltage for a wanted rate inverts ``VTEAMMemristor/stepRate(_:)``; the exact
    /// voltages for kz = 1/11 at 0.5 ms are 193.16 and −149.87 mV (digest §2.7 item 1).
    @Test func pulseForRateInvertsStepRate() {
        let m = VTEAMMemristor.wang2021
        let up = m.pulse(rate: 1.0 / 11, potentiating: true, duration: 0.5e-3)
        let down = m.pulse(rate: 1.0 / 11, potentiating: false, duration: 0.5e-3)
        #expect(abs(up.voltage - 0.19316) < 5e-6)
        #expect(abs(down.voltage - -0.14987) < 5e-6)
        #expect(abs(m.stepRate(up) - 1.0 / 11) < 1e-15)
        #expect(abs(m.stepRate(down) - 1.0 / 11) < 1e-15)
    }

    /// BC §2.5 row 3 / digest §2.10 item 2: with Table 1, ±193.2/−149.9 mV and 0.5 ms
    /// pulses the memristor Z traces follow the reference: max |ΔZ| < 1e-4 (paper 0.0000),
    /// correlation ≥ 0.99 (paper 1.0000); with the exact voltages < 1e-6.
    @Test func zTracesFollowTheReference() throws {
        let report = try BCPNNExperiment.traces(pattern: .dense, steps: 5000, seed: 3)
        for k in 0..<2 {
            #expect(report.metrics[k].maxAbsolute < 1e-4, "\(BCPNNTraceValues.names[k]) \(report.metrics[k])")
            #expect(report.metrics[k].correlation >= 0.99)
        }
        let m = VTEAMMemristor.wang2021
        var exact = try MemristiveBCPNNCell(spikeVoltage: m.pulse(rate: 1.0 / 11, potentiating: true, duration: 0.5e-3).voltage,
                                            silenceVoltage: m.pulse(rate: 1.0 / 11, potentiating: false, duration: 0.5e-3).voltage)
        var reference = BCPNNTraces()
        var worst = 0.0
        for (a, b) in zip(report.pre, report.post) {
            exact.step(pre: a, post: b); reference.step(pre: a, post: b)
            worst = max(worst, abs(exact.zi.x - reference.z_i), abs(exact.zj.x - reference.z_j))
        }
        #expect(worst < 1e-6, "max |ΔZ| = \(worst)")
        #expect(abs(exact.spikeRate - 1.0 / 11) < 1e-12 && abs(exact.silenceRate - 1.0 / 11) < 1e-12)
    }

    /// BC §2.5 row 3 (Table 2 tolerances): over 5 s of dense trains, correlation ≥ 0.99 for
    /// P_i, P_j, P_ij, w, β (paper 0.9961–0.9984) and mean |ΔP| ≤ 0.002 (paper ≤ 0.0015),
    /// mean |Δw| ≤ 0.05 (paper 0.0418), default two-pulse drive; 3 seeds.
    @Test(arguments: [0, 1, 2] as [UInt64])
    func table2Metrics(seed: UInt64) throws {
        let report = try BCPNNExperiment.traces(pattern: .dense, steps: 5000, seed: seed)
        for k in 2..<7 {
            #expect(report.metrics[k].correlation >= 0.99, "\(BCPNNTraceValues.names[k]) \(report.metrics[k])")
        }
        for k in 2..<5 { #expect(report.metrics[k].meanAbsolute <= 0.002, "\(BCPNNTraceValues.names[k]) \(report.metrics[k])") }
        #expect(report.metrics[5].meanAbsolute <= 0.05, "w \(report.metrics[5])")
        #expect(report.reference.last!.p_ij > 0.002, "the trains are dense enough to matter")
    }

    /// The closed-loop drive makes the P stage exact (up to the Z voltage rounding): the
    /// drive is a plug point.
    @Test func closedLoopDriveIsExact() throws {
        let m = VTEAMMemristor.wang2021
        let cell = try MemristiveBCPNNCell(drive: ClosedLoopDrive(),
                                           spikeVoltage: m.pulse(rate: 1.0 / 11, potentiating: true, duration: 0.5e-3).voltage,
                                           silenceVoltage: m.pulse(rate: 1.0 / 11, potentiating: false, duration: 0.5e-3).voltage)
        var g = SeededGenerator(seed: 4, key: StreamKey("test", "bcpnn", "closed-loop"))
        let (pre, post) = BCPNNSpikeTrains.correlatedPair(shared: 0.05, own: 0.05, steps: 3000, using: &g)
        let a = BCPNNExperiment.record(cell, pre: pre, post: post)
        let b = BCPNNExperiment.record(BCPNNTraces(), pre: pre, post: post)
        for k in 0..<5 {
            let e = TraceErrorMetrics.compare(a.map { $0.values[k] }, reference: b.map { $0.values[k] })
            #expect(e.maxAbsolute < 1e-9, "\(BCPNNTraceValues.names[k]) \(e)")
        }
    }

    /// BC §2.5 row 5 (Fig. 9C/D, 10C/D, sign test): overlapping bursts drive w up, then it
    /// decays to 0 in silence; separated bursts drive it down, then it returns to 0. Both
    /// cells, 5 s.
    @Test func burstSignTest() throws {
        let together = try BCPNNExperiment.traces(pattern: .correlatedBursts)
        let apart = try BCPNNExperiment.traces(pattern: .separatedBursts)
        #expect(together.maximumWeight > 1, "peak w \(together.maximumWeight)")
        #expect(-together.minimumWeight < 0.1 * together.maximumWeight, "a small dip while P_i, P_j lead P_ij: \(together.minimumWeight)")
        #expect(apart.minimumWeight < -1, "lowest w \(apart.minimumWeight)")
        #expect(apart.maximumWeight < 0.1 * -apart.minimumWeight, "highest w \(apart.maximumWeight)")
        for r in [together, apart] {
            #expect(abs(r.finalWeight) < 0.05, "\(r.pattern): final w \(r.finalWeight)")
            #expect(abs(r.memristor.last!.w) < 0.05)
            #expect(r.metrics[5].correlation >= 0.99, "\(r.pattern): memristor w \(r.metrics[5])")
        }
        // w rises during the overlap window and is back near 0 at the end.
        let w = together.series(5)
        #expect(w[499] > w[199] + 0.5)
    }

    @Test func invalidDevicesAndCellsThrow() {
        #expect(throws: SpikingParameterError.self) { try VTEAMMemristor(k_on: 28e-9) }
        #expect(throws: SpikingParameterError.self) { try VTEAMMemristor(R_off: 1e3) }
        #expect(throws: SpikingParameterError.self) { try MemristiveBCPNNCell(spikeVoltage: 0.01) }
        #expect(throws: SpikingParameterError.self) { try MemristiveBCPNNCell(effectivePulse: 0) }
        #expect(throws: SpikingParameterError.self) { try BCPNNExperiment.traces(pattern: .dense, steps: 0) }
        #expect(VTEAMMemristor.wang2021 == (try? VTEAMMemristor()))
    }
}
