import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// Golden fixed-seed trajectories of the transfer cells on the path the aihwkit presets take:
/// soft-bounds devices with additive cycle-to-cycle noise (aihwkit presets' `mult_noise =
/// False`), so the fast update runs through the batched pulse kernel with the transfer reads
/// inside the batch, and the batch's transfer writes to `C` through
/// `CrossbarArray.updateDevices(sequence:)`. (``TransferCellTrajectoryTests`` covers the
/// row-by-row path of multiplicative noise.) 70×20 cells (two row blocks), batches of 16,
/// 12 updates; the hash covers `A`, `C`, `W` and the transfer counters after every update.
/// Recorded with commit db033f9, before that session's speed work (one-pass transfer writes,
/// the row-wise buffer loop, the pool's branch-free slow list), which was meant to change no
/// bit: these hashes are the check.
@Suite struct BatchedTransferTrajectoryTests {
    static let outputs = 70, inputs = 20, steps = 12, batch = 16

    enum Cell: String, CaseIterable, CustomStringConvertible {
        case ttv2, cttv2, agad
        var description: String { rawValue }
    }

    static let expected: [Cell: UInt64] = [
        .ttv2: 5_872_719_275_359_075_699, .cttv2: 15_498_274_239_430_984_120, .agad: 5_859_283_890_162_801_515,
    ]

    static func check<Configuration: UnitCellConfiguration, F: PulsedDeviceArray, S: PulsedDeviceArray>(
        _ configuration: Configuration, _ name: Cell, arrays: @escaping (Configuration.Cell) -> TransferArrays<F, S>
    ) throws {
        let io = IOParameters.aihwkitPreset
        let update = PulsedUpdateParameters.aihwkitPreset(desiredBL: 31)
        var g = SeededGenerator(seed: 9)
        var cell = try configuration.makeCell(outputs: outputs, inputs: inputs, forwardIO: io, backwardIO: io, update: update,
                                              generator: &g)
        var print = TransferCellTrajectoryTests.Fingerprint()
        var data = SeededGenerator(seed: 78)
        for _ in 0..<steps {
            let x = Tensor.randomUniform([batch, inputs], lower: -1, upper: 1, using: &data)
            let d = Tensor.randomNormal([batch, outputs], std: 0.5, using: &data)
            cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
            cell.finishBatch()
            let a = arrays(cell)
            print.mix(a.fast.weights); print.mix(a.slow.weights); print.mix(cell.weights); print.mix(a.statistics)
        }
        let a = arrays(cell)
        #expect(a.fast.readsColumnsInsideBatches, "\(name): not the batched path")
        #expect(a.statistics.slowPulses > 0, "\(name): C never written")
        #expect(print.hash == expected[name], "\(name): trajectory hash \(print.hash) (recorded \(expected[name] ?? 0))")
    }

    @Test(arguments: Cell.allCases) func trajectoryIsUnchanged(_ cell: Cell) throws {
        var pulsed = PulsedDeviceParameters()
        pulsed.dwMin = 0.01
        pulsed.noise = .additive
        let device = SoftBoundsDevice(pulsed: pulsed)
        switch cell {
        case .ttv2:
            try Self.check(BufferedTransferCompoundConfiguration(device: device), cell) { $0.arrays }
        case .cttv2:
            let p = TransferCellTrajectoryTests.choppedParameters
            try Self.check(ChoppedTransferCompoundConfiguration(device: device, parameters: p), cell) { $0.arrays }
        case .agad:
            let p = TransferCellTrajectoryTests.dynamicParameters
            try Self.check(DynamicTransferCompoundConfiguration(device: device, parameters: p), cell) { $0.arrays }
        }
    }
}
