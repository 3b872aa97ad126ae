import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN

/// Mixed precision (note `analog-training.md` §1.6; aihwkit 1.1 `MixedPrecisionCompound`).
@Suite struct MixedPrecisionCompoundTests {
    typealias Support = CellTestSupport

    /// 1000 updates whose second input sits at 0.3 of a quantization bin (`n_x_bins` 2, so the
    /// bin is max|x| = 1), accumulated in χ with no transfer; returns χ of that input.
    static func accumulate(stochastic: Bool, seed: UInt64) throws -> Float {
        var p = MixedPrecisionCompoundParameters()
        p.transferEvery = 0
        p.nXBins = 2
        p.stocRoundX = stochastic
        var cell = try Support.makeCell(MixedPrecisionCompoundConfiguration(device: IdealPulsedDevice(), parameters: p),
                                        outputs: 1, inputs: 2, seed: seed)
        let x = Tensor(shape: [1, 2], scalars: [1, 0.3]), d = Tensor(shape: [1, 1], scalars: [-1])
        for _ in 0..<1000 { cell.update(x: x, d: d, rates: LearningRates(sgd: 1)) }
        #expect(cell.chi[0] == 1000)
        return cell.chi[1]
    }

    // C1 (digest §2.7 item 1, note §2.2): 1000 updates of 0.3 level: round-to-nearest gives
    // exactly 0, stochastic rounding 300 ± 14.5 (1σ = √(1000·0.21)); tolerance 3σ.
    @Test func c1StochasticRoundingKeepsSubBinUpdates() throws {
        #expect(try Self.accumulate(stochastic: false, seed: 1) == 0)
        for seed in [2, 3, 4] as [UInt64] {
            let sr = try Self.accumulate(stochastic: true, seed: seed)
            #expect(abs(sr - 300) <= 3 * 14.5, "stochastic rounding: \(sr)")
        }
    }

    // Note §1.6: with float writes the transfer moves whole multiples of ε from χ to W and keeps
    // the remainder, so W + χ is SGD's weight at every step (exact up to float rounding), and
    // every |χ| stays below ε after a full transfer.
    @Test func weightsPlusChiFollowSGD() throws {
        var p = MixedPrecisionCompoundParameters()
        p.granularity = 0.01
        func layer<C: UnitCellConfiguration>(_ c: C) throws -> AnalogLinear<C.Cell> {
            var g = SeededGenerator(seed: 31)
            return try AnalogLinear(5, 3, cell: c, forwardIO: .perfect, backwardIO: .perfect, update: Support.floatUpdate,
                                    generator: &g)
        }
        var sgd = try layer(SingleDeviceConfiguration(device: IdealPulsedDevice()))
        var mixed = try layer(MixedPrecisionCompoundConfiguration(device: IdealPulsedDevice(), parameters: p))
        let reference = Support.train(&sgd, steps: 15, seed: 32)
        _ = Support.train(&mixed, steps: 15, seed: 32)
        let cell = mixed.tiles[0][0]
        let combined = cell.weights + Tensor(shape: [3, 5], scalars: cell.chi)
        #expect(Support.maxDifference(combined, reference[14]) < 1e-5)
        #expect(cell.chi.allSatisfy { abs($0) < 0.01 })
        #expect(Support.maxDifference(cell.weights, reference[0]) > 0.02 && cell.statistics.thresholdCrossings > 0)
    }

    // aihwkit `transfer`: n_rows_per_transfer rows per event, cycling over the rows.
    @Test func rowsAreWrittenInTurn() throws {
        var p = MixedPrecisionCompoundParameters()
        p.nRowsPerTransfer = 2
        p.granularity = 0.01
        var cell = try Support.makeCell(MixedPrecisionCompoundConfiguration(device: IdealPulsedDevice(), parameters: p), outputs: 3, inputs: 1)
        cell.program(Tensor.zeros([3, 1]))
        cell.update(x: Tensor(shape: [1, 1], scalars: [1]), d: Tensor(shape: [1, 3], scalars: [-1.5, -2.5, -3.5]), rates: LearningRates(sgd: 0.01))
        #expect(Support.maxDifference(cell.weights, Tensor(shape: [3, 1], scalars: [0.01, 0.02, 0])) < 1e-6)
        #expect(cell.rowIndex == 2 && abs(cell.chi[2] - 0.035) < 1e-6 && abs(cell.chi[0] - 0.005) < 1e-6)
        cell.update(x: Tensor(shape: [1, 1], scalars: [0]), d: Tensor(shape: [1, 3], scalars: [0, 0, 0]), rates: LearningRates(sgd: 0.01))
        #expect(abs(cell.weights.scalars[2] - 0.03) < 1e-6 && cell.rowIndex == 1)
        let names = cell.internalState.map(\.name)
        #expect(names.contains("chi") && names.contains("counters.row_index"))
    }
}

/// Checkpoint/resume of every unit cell: encoding a layer's state mid-training, restoring it
/// into a fresh layer and continuing gives bit-identical weights and state to not stopping
/// (every array, buffer, chopper, counter and random stream is in the state).
@Suite struct UnitCellResumeTests {
    typealias Support = CellTestSupport

    static func resumesBitIdentically<C: UnitCellConfiguration>(_ configuration: C) throws {
        func make(_ seed: UInt64) throws -> AnalogLinear<C.Cell> {
            var g = SeededGenerator(seed: seed)
            return try AnalogLinear(6, 3, cell: configuration, generator: &g)
        }
        var layer = try make(41)
        _ = Support.train(&layer, steps: 3, seed: 42, learningRate: 0.1)
        let state = try layer.encodedState()
        var copy = try make(43)
        #expect(copy.weights != layer.weights)
        try copy.restoreState(from: state)
        #expect(copy.weights == layer.weights)
        let continued = Support.train(&layer, steps: 4, seed: 44, learningRate: 0.1)
        let resumed = Support.train(&copy, steps: 4, seed: 44, learningRate: 0.1)
        #expect(continued == resumed, "\(C.Cell.summaryName)")
        #expect(try layer.encodedState() == copy.encodedState())
        #expect(continued[0] != continued[3], "\(C.Cell.summaryName) did not train")
    }

    @Test func transferCompound() throws {
        var p = TransferCompoundParameters()
        p.gamma = 0.5
        p.unitsInMiniBatch = false
        p.transferEvery = 3
        try Self.resumesBitIdentically(TransferCompoundConfiguration(device: SoftBoundsDevice(), parameters: p))
    }

    @Test func bufferedTransferCompound() throws {
        var p = BufferedTransferCompoundParameters.gokmen(hystereticReset: 0.6)
        p.transfer.transferLR = 50
        try Self.resumesBitIdentically(BufferedTransferCompoundConfiguration(device: SoftBoundsDevice(), parameters: p))
    }

    @Test func choppedTransferCompound() throws {
        var p = ChoppedTransferCompoundParameters()
        p.inChopProbability = 0.5
        p.outChopProbability = 0.3
        p.autoScale = true
        try Self.resumesBitIdentically(ChoppedTransferCompoundConfiguration(device: SoftBoundsDevice(), parameters: p))
    }

    @Test func dynamicTransferCompound() throws {
        var p = DynamicTransferCompoundParameters()
        p.chopped.inChopProbability = 0.5
        p.chopped.inChopRandom = true
        p.chopped.outChopProbability = 0.3
        p.chopped.autoScale = true
        try Self.resumesBitIdentically(DynamicTransferCompoundConfiguration(device: SoftBoundsDevice(), parameters: p))
        // The ReRamSB preset's devices (write noise, reference subtraction) resume too.
        var sb = AihwkitDevicePresets.reramSB
        sb.subtractSymmetryPoint = true
        try Self.resumesBitIdentically(DynamicTransferCompoundConfiguration(device: WriteNoiseDevice(base: sb, writeNoiseStd: 56), parameters: p))
    }

    @Test func stochasticHamiltonianDescent() throws {
        var p = StochasticHamiltonianDescentParameters()
        p.zeroShiftPairs = 20
        try Self.resumesBitIdentically(StochasticHamiltonianDescentConfiguration(device: AsymmetricSoftBoundsDevice(), parameters: p))
    }

    @Test func mixedPrecisionCompound() throws {
        var p = MixedPrecisionCompoundParameters()
        p.nXBins = 8
        p.nDBins = 8
        p.nRowsPerTransfer = 2
        try Self.resumesBitIdentically(MixedPrecisionCompoundConfiguration(device: SoftBoundsDevice(), parameters: p))
    }
}
