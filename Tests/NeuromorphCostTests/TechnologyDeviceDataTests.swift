import Foundation
import Testing
@testable import NeuromorphCost

/// Per-node device data (PTM bulk cards, CACTI k_R, ITRS wires) and the node scaling of the
/// NeuroSim mode built on it (issue 16). The derived values are recomputed by hand here from the
/// card values, so these tests check the formulas, not the data.
@Suite("Technology device data and node scaling")
struct TechnologyDeviceDataTests {
    /// 22 nm LP: R_on,N = 1.77 · 0.85 V / 791.9 µA/µm = 1,899.9 Ω·µm; C_g = 0.5245 · 1.2 + 0.8004
    /// = 1.4298 fF/µm; pn = 791.9 / 600.2 = 1.3194; τ = R · C · (1 + pn) = 6.3005 ps.
    /// 32 nm LP: 2,654.1 Ω·µm, 1.6907 fF/µm, pn 1.5005, τ = 11.2205 ps. Computed.
    @Test func derivedQuantities22And32() throws {
        let d22 = try TechnologyDeviceData.ptm(node: 22)
        let d32 = try TechnologyDeviceData.ptm(node: 32)
        #expect(abs(d22.onResistanceNMOSOhmUM - 1.77 * 0.85 / 791.9e-6) < 1e-9)
        #expect(abs(d22.gateCapacitanceFFPerUM - 1.4298) < 1e-9)
        #expect(abs(d22.pnSizeRatio - 791.9 / 600.2) < 1e-12)
        #expect(abs(d22.intrinsicGateDelayPS - 6.30045) < 1e-4)
        #expect(abs(d32.intrinsicGateDelayPS - 11.22053) < 1e-4)
        // Leakage of the unit inverter: V_DD (I_off,N + pn I_off,P) / 2 (pW/µm).
        #expect(abs(d22.leakagePowerPWPerUM - 0.85 * (100 + 791.9 / 600.2 * 100) / 2) < 1e-9)
        #expect(abs(d32.leakagePowerPWPerUM - 112.635) < 1e-3)
        // Wire: ρ / (w² · AR): 4.03e-8 / (40 nm² · 1.9) = 13.257 Ω/µm; 56 nm wire at 32 nm 6.555 Ω/µm.
        #expect(abs(d22.wireResistanceOhmPerUM - 13.2566) < 1e-3)
        #expect(abs(d32.wireResistanceOhmPerUM - 6.5547) < 1e-3)
    }

    /// 22 → 32 nm: s_gate = 11.2205 / 6.3005 = 1.7809; s_leak = (112.635 · 32) / (98.574 · 22) = 1.6620.
    /// The sensing cycle keeps the 1 ns MLSA time: RRAM 1 + 0.45637 · 1.7809 = 1.8128 ns → clock
    /// 2.5379 ns; SRAM 1 + 2.51936 · 1.7809 = 5.4867 ns → 7.6815 ns. Computed; NeuroSim prints
    /// 2.4908 / 7.5752 ns (the reference tests compare).
    @Test func scaling22To32() throws {
        let s = try NeuroSimNodeScaling(node: 32, referenceNode: 22)
        #expect(abs(s.gateDelay - 1.78091) < 1e-4)
        #expect(abs(s.leakage - 1.66202) < 1e-4)
        #expect(abs(s.area - (243.0 * 896) / (167.0 * 616)) < 1e-12)
        #expect(abs(s.energy - 32.0 / 22 * pow(0.9 / 0.85, 2)) < 1e-12)
        #expect(abs(s.clockNS(.rram22, beta: 1.4) - 2.53786) < 1e-4)
        #expect(abs(s.clockNS(.sram22, beta: 1.4) - 7.68145) < 1e-4)
        // The reference node gives back the fitted clock and unit scales.
        let same = try NeuroSimNodeScaling(node: 22, referenceNode: 22)
        #expect(same.gateDelay == 1 && same.leakage == 1 && same.area == 1 && same.energy == 1)
        #expect(abs(same.clockNS(.rram22, beta: 1.4) - NeuroSimNodeScaling.referenceClockNS(.rram22)) < 1e-12)
        // The 1 ns clock floor holds when the sensing cycle is short (unvalidated, small node).
        var fast = NeuroSimUnitConstants.rram22
        fast.sensingNS = 0.5
        fast.senseAmplifierNS = 0.4
        #expect(same.clockNS(fast, beta: 1.0) == 1.0)
    }

    /// Physical orderings the cards must respect: the intrinsic delay falls from 90 to 22 nm, HP
    /// is faster than LP at every node, and HP leaks about 1,000 × more.
    @Test(arguments: TechnologyDeviceData.nodes)
    func orderings(node: Int) throws {
        let lp = try TechnologyDeviceData.ptm(node: node, roadmap: .LP)
        let hp = try TechnologyDeviceData.ptm(node: node, roadmap: .HP)
        try lp.validate()
        try hp.validate()
        #expect(hp.intrinsicGateDelayPS < lp.intrinsicGateDelayPS, "\(node) nm")
        #expect(hp.leakagePowerPWPerUM > 500 * lp.leakagePowerPWPerUM, "\(node) nm")
        if let next = TechnologyDeviceData.nodes.firstIndex(of: node).map({ $0 + 1 }),
           next < TechnologyDeviceData.nodes.count {
            let smaller = try TechnologyDeviceData.ptm(node: TechnologyDeviceData.nodes[next])
            #expect(smaller.intrinsicGateDelayPS < lp.intrinsicGateDelayPS, "\(node) nm → \(TechnologyDeviceData.nodes[next]) nm")
        }
    }

    /// Nodes without device data are refused with the key and the known nodes.
    @Test func unknownNodesAreRefused() throws {
        #expect(throws: CIMEstimateError.self) { try TechnologyDeviceData.ptm(node: 130) }
        #expect(throws: CIMEstimateError.self) { try TechnologyDeviceData.ptm(node: 14) }
        var spec = try CIMEstimateSpec.neuroSimVGG8("rram22")
        spec.neuroSim?.technode = 14
        do {
            _ = try spec.estimate()
            Issue.record("technode 14 was accepted")
        } catch let error as CIMEstimateError {
            #expect(error.description.contains("neuroSim.technode = 14"))
            #expect(error.description.contains("[90, 65, 45, 32, 22]"))
        }
        spec.neuroSim?.technode = 45
        let t = try #require(try spec.estimate().totals)
        #expect(t.clockPeriodNS > 2.04 && t.leakagePowerMW > 0.85)
        var bad = try TechnologyDeviceData.ptm(node: 22)
        bad.thresholdVoltage = 1.0
        #expect(throws: CIMEstimateError.self) { try bad.validate() }
        bad = try TechnologyDeviceData.ptm(node: 22)
        bad.onCurrentNMOS = 0
        #expect(throws: CIMEstimateError.self) { try bad.validate() }
    }

    /// In NeuroSim's synchronous mode buffers and bus are counted in clock cycles: their latency
    /// at 32 nm is the 22 nm latency × the clock ratio (NeuroSim's own buffer latency grows
    /// ×1.2216 RRAM / ×1.5375 SRAM, exactly its clock ratio; reference CSVs).
    @Test func clockedLatenciesFollowTheClock() throws {
        for config in ["rram", "sram"] {
            let r22 = try #require(try CIMEstimateSpec.neuroSimVGG8("\(config)22").estimate().neuroSim)
            let r32 = try #require(try CIMEstimateSpec.neuroSimVGG8("\(config)32").estimate().neuroSim)
            let k: NeuroSimUnitConstants = config == "rram" ? .rram22 : .sram22
            let s = try NeuroSimNodeScaling(node: 32, referenceNode: 22)
            let clockRatio = s.clockNS(k, beta: 1.4) / NeuroSimNodeScaling.referenceClockNS(k)
            for (a, b) in zip(r22.layers, r32.layers) {
                #expect(abs(b.bufferLatencyNS / a.bufferLatencyNS - clockRatio) < 1e-9, "\(config) buffer")
                #expect(abs(b.adcLatencyNS / a.adcLatencyNS - clockRatio) < 1e-9, "\(config) ADC")
                // Shift-add is clocked, the adder trees follow τ_gate: layer 1 (27 rows on one tile) has
                // no tree, the others lie between the two ratios.
                let acc = b.accumulationLatencyNS / a.accumulationLatencyNS
                if a.placement.novel || a.placement.tileRows > 1 || a.placement.subArrayRows > 4 {
                    #expect(acc > clockRatio + 1e-6 && acc < s.gateDelay - 1e-6, "\(config) accumulation \(acc)")
                } else {
                    #expect(abs(acc - clockRatio) < 1e-9, "\(config) accumulation \(acc)")
                }
                #expect(abs(b.leakagePowerUW / a.leakagePowerUW - s.leakage) < 1e-9, "\(config) leakage")
            }
        }
    }
}
