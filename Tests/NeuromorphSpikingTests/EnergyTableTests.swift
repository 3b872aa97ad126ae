import Testing
import NeuromorphChipModels
@testable import NeuromorphSpiking

/// Energy per event (spiking note §1.9 and its cross-checks).
@Suite struct EnergyTableTests {
    func counters(input: Int = 0, emitted: Int = 0, sops: Int = 0) -> EventCounters {
        var c = EventCounters()
        c.inputSpikes = input
        c.emittedSpikes = emitted
        c.synapticOperations = sops
        return c
    }

    /// Consistency check (note §1.9 [I]): Chundi 195 nJ / 1.5 pJ = 130,000 SOPs, so 130,000
    /// SOPs cost 195 nJ (Table 2 [T]; 1.5 pJ/SOP is the input).
    @Test func chundiSOPsPerInference() throws {
        let r = try EnergyTable.chundi.report(counters(sops: 130_000), durationSeconds: 0)
        #expect(abs(r.totalJ - 195e-9) < 1e-9 * 195e-9)
        // Standby 75 nW over the 0.5 s MNIST frame adds 37.5 nJ.
        let framed = try EnergyTable.chundi.report(counters(sops: 130_000), durationSeconds: 0.5)
        #expect(abs(framed.staticJ - 37.5e-9) < 1e-15)
    }

    /// μBrain (digest UB §2.5): 11,500 spikes × 26 pJ = 299 nJ, within 3 % of the reported
    /// 308 nJ per prediction; split form 11,500 × 8.4 pJ + 58.3 µW × 4.2 ms = 341.9 nJ
    /// = I_total·V_dd·t (consistency check: the split is derived from those currents).
    @Test func muBrainPerClassification() throws {
        let c = counters(input: 6_400, emitted: 5_100)
        let allIn = try EnergyTable.muBrainAllIn.report(c, durationSeconds: 0)
        #expect(abs(allIn.totalJ - 299e-9) < 1e-12)
        #expect(abs(allIn.totalJ - 308e-9) / 308e-9 < 0.03)
        let split = try EnergyTable.muBrain.report(c, durationSeconds: 4.2e-3)
        #expect(abs(split.totalJ - 341.88e-9) < 0.01e-9)
        #expect(abs(split.totalJ - MuBrainEnergy.mnist.currentEnergyJ) < 1e-6 * split.totalJ)
        #expect(abs(EnergyTable.muBrain.staticPowerW - 58.3e-6) < 1e-12)
        #expect(abs(EnergyTable.muBrain.emittedSpikeJ - 8.4e-12) < 0.05e-12)
        // Note §1.9 cross-check: 308 nJ / (6,400·64 + 5,100·10) ≈ 0.67 pJ per SOP.
        #expect(abs(308e-9 / Double(6_400 * 64 + 5_100 * 10) - 0.67e-12) < 0.005e-12)
    }

    /// MONETA (digest MO §3.6 [C]): 1/18.69 TOPS/W = 53.5 fJ/op, 1/7.25 TOPS/W = 138 fJ/op,
    /// two ops per SOP.
    @Test func monetaPerOp() {
        #expect(abs(EnergyTable.monetaInference.synapticOperationJ / 2 - 53.5e-15) < 0.05e-15)
        #expect(abs(EnergyTable.monetaLearning.synapticOperationJ / 2 - 138e-15) < 0.5e-15)
    }

    @Test func reportSumsLinesAndStatic() throws {
        let t = try EnergyTable(name: "t", inputSpikeJ: 1, synapticOperationJ: 2, arbiterDropJ: 5, staticPowerW: 10)
        var c = counters(input: 3, sops: 4)
        c.arbiterDrops = 1
        let r = try t.report(c, durationSeconds: 0.5)
        #expect(r.dynamicJ == 3 + 8 + 5 && r.staticJ == 5 && r.totalJ == 21)
        #expect(r.description.contains("synaptic operations: 4"))
        #expect(throws: SpikingParameterError.self) { try EnergyTable(name: "bad", weightReadJ: -1) }
        #expect(throws: SpikingParameterError.self) { try t.report(c, durationSeconds: -1) }
    }
}
