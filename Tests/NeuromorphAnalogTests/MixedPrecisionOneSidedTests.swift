import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// ``MixedPrecisionCompound`` writing onto a ``OneSidedUnitCell`` (aihwkit
/// `MixedPrecisionCompound(device=OneSidedUnitCell(...))`, the `MixedPrecisionPCMPreset`;
/// `rpu_mixedprec_device.cpp` `forwardUpdate`, `rpu_onesided_device.cpp` `finishUpdateCycle`).
@Suite struct MixedPrecisionOneSidedTests {
    typealias Support = CellTestSupport

    // With ideal unbounded devices and exact float pulses the pair is transparent: χ and W
    // follow the single-array compound's trajectory (W = g⁺ − g⁻ to 1e-5, both ≥ 0).
    @Test func anIdealPairFollowsTheSingleArray() throws {
        var p = MixedPrecisionCompoundParameters()
        p.granularity = 0.01
        var single = try Support.makeCell(MixedPrecisionCompoundConfiguration(device: IdealPulsedDevice(), parameters: p),
                                          outputs: 4, inputs: 5)
        var pair = try Support.makeCell(MixedPrecisionOneSidedConfiguration(device: IdealPulsedDevice(), parameters: p),
                                        outputs: 4, inputs: 5)
        var g = SeededGenerator(seed: 2)
        let w0 = Tensor.randomUniform([4, 5], lower: -0.3, upper: 0.3, using: &g)
        single.program(w0)
        pair.program(w0)
        for _ in 0..<6 {
            let x = Tensor.randomUniform([3, 5], lower: -1, upper: 1, using: &g), d = Tensor.randomNormal([3, 4], std: 0.5, using: &g)
            single.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
            pair.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
            single.finishBatch()
            pair.finishBatch()
        }
        #expect(Support.maxDifference(single.weights, pair.weights) < 1e-5, "\(single.weights) vs \(pair.weights)")
        #expect(zip(single.chi, pair.chi).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(Support.maxDifference(single.weights, w0) > 0.05, "the transfers moved W")
        #expect(pair.array.arrays.allSatisfy { $0.weights.scalars.allSatisfy { $0 >= 0 } })
    }

    // Each transfer counts the rows it scans as vector updates (aihwkit calls
    // finishUpdateCycle once per row with m_batch_info = n), rows that crossed or not, so
    // `refresh_every` 1 with `units_in_mbatch` refreshes once per transfer: after k mini-batches
    // of transfer_every 1 with n_rows_per_transfer 2 the pair has counted 2k.
    @Test func eachTransferCountsTheScannedRows() throws {
        var p = MixedPrecisionCompoundParameters()
        p.nRowsPerTransfer = 2
        var pair = OneSidedUnitCellParameters()
        pair.refreshEvery = 1
        var cell = try Support.makeCell(MixedPrecisionOneSidedConfiguration(device: AihwkitDevicePresets.pcm, parameters: p, oneSided: pair),
                                        outputs: 4, inputs: 3, update: .aihwkitPreset())
        cell.program(Tensor.zeros([4, 3]))
        var g = SeededGenerator(seed: 3)
        for k in 1...5 {
            let x = Tensor.randomUniform([2, 3], lower: -1, upper: 1, using: &g), d = Tensor.randomNormal([2, 4], std: 1, using: &g)
            cell.update(x: x, d: d, rates: LearningRates(sgd: k == 3 ? 0 : 0.5))   // batch 3 crosses no row
            #expect(cell.array.updateCount == 2 * k, "after batch \(k)")
        }
        #expect(cell.statistics.slowPulses > 0)
        let names = cell.internalState.map(\.name)
        #expect(names.contains("device0.device0.weights") && names.contains("device0.device1.weights")
                && names.contains("device0.counters.refresh_counter") && names.contains("chi"), "\(names)")
        #expect(MixedPrecisionCompound<OneSidedUnitCell<ExpStepComplexNoiseDeviceArray>>.summaryName
                == "MixedPrecisionCompound(OneSidedUnitCell(ExpStepComplexNoiseDeviceArray))")
    }

    // Checkpoint/resume bit-identical (the must-show for every cell), with the PCM
    // preset's devices and a refresh every batch.
    @Test func resumesBitIdentically() throws {
        var pair = OneSidedUnitCellParameters()
        pair.refreshEvery = 1
        try UnitCellResumeTests.resumesBitIdentically(
            MixedPrecisionOneSidedConfiguration(device: AihwkitDevicePresets.pcm, oneSided: pair))
        try UnitCellResumeTests.resumesBitIdentically(OneSidedUnitCellConfiguration(device: AihwkitDevicePresets.pcm, parameters: pair))
    }
}
