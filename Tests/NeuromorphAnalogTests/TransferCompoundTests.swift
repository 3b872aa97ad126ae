import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN

/// Shared helpers for the unit-cell algorithm tests.
enum CellTestSupport {
    /// Exact float updates (aihwkit `NONE_WITH_DEVICE`).
    static var floatUpdate: PulsedUpdateParameters {
        var p = PulsedUpdateParameters()
        p.pulseType = .float
        return p
    }

    static var expectedUpdate: PulsedUpdateParameters {
        var p = PulsedUpdateParameters()
        p.pulseType = .expected
        return p
    }

    static func makeCell<C: UnitCellConfiguration>(_ configuration: C, outputs: Int, inputs: Int, seed: UInt64 = 1,
                                                   io: IOParameters = .perfect,
                                                   update: PulsedUpdateParameters = floatUpdate) throws -> C.Cell {
        var g = SeededGenerator(seed: seed)
        return try configuration.makeCell(outputs: outputs, inputs: inputs, forwardIO: io, backwardIO: io, update: update,
                                          generator: &g)
    }

    /// `steps` SGD steps of a layer on seeded random batches; returns the weights after each step.
    static func train<L: Layer>(_ layer: inout L, steps: Int, seed: UInt64, batch: Int = 4, learningRate: Float = 0.05) -> [Tensor] {
        var data = SeededGenerator(seed: seed)
        var sgd = SGD(learningRate: learningRate)
        var trajectory: [Tensor] = []
        let inputs = (layer as? AnalogLinearShape)?.inputCount ?? 5
        let outputs = (layer as? AnalogLinearShape)?.outputCount ?? 3
        for _ in 0..<steps {
            let x = Tensor.randomUniform([batch, inputs], lower: -1, upper: 1, using: &data)
            let r = Tensor.randomNormal([batch, outputs], std: 0.5, using: &data)
            _ = layer.forward(x, mode: .training)
            _ = layer.backward(r)
            var slot = 0
            layer.update(with: &sgd, slot: &slot)
            trajectory.append((layer as? AnalogLinearShape)?.effectiveWeights ?? Tensor.zeros([0]))
        }
        return trajectory
    }

    static func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }
}

/// The layer facts the helpers need, for any cell.
protocol AnalogLinearShape {
    var inputCount: Int { get }
    var outputCount: Int { get }
    var effectiveWeights: Tensor { get }
}

extension AnalogLinear: AnalogLinearShape {
    var inputCount: Int { inputFeatures }
    var outputCount: Int { outputFeatures }
    var effectiveWeights: Tensor { weights }
}

/// Tiki-Taka v1, TTv2 and chopped TTv2 (note `analog-training.md` §1.1–1.3, digest
/// `ttv2_gradient-decomposition_shd.md` §1.4, aihwkit 1.1 transfer compounds).
@Suite struct TransferCompoundTests {
    typealias Support = CellTestSupport

    // aihwkit `getTransferEvery` and `finishUpdateCycle`: the transfer follows the rank-1
    // update that makes the running count a multiple of the period.
    @Test func scheduleSplitsBatchesAtTransferPoints() {
        #expect(TransferSchedule.period(transferEvery: 1, unitsInMiniBatch: true, batch: 32) == 32)
        #expect(TransferSchedule.period(transferEvery: 0.5, unitsInMiniBatch: true, batch: 7) == 4)
        #expect(TransferSchedule.period(transferEvery: 2.6, unitsInMiniBatch: false, batch: 7) == 3)
        #expect(TransferSchedule.period(transferEvery: 0, unitsInMiniBatch: false, batch: 7) == 0)
        let chunks = TransferSchedule.chunks(count: 0, batch: 10, period: 4)
        #expect(chunks.map(\.samples) == [0..<4, 4..<8, 8..<10] && chunks.map(\.transferAfter) == [true, true, false])
        let shifted = TransferSchedule.chunks(count: 3, batch: 5, period: 4)
        #expect(shifted.map(\.samples) == [0..<1, 1..<5] && shifted.map(\.transferAfter) == [true, true])
        #expect(TransferSchedule.chunks(count: 5, batch: 3, period: 0).map(\.transferAfter) == [false])
    }

    // Brief: "with ideal devices and no noise TT/TTv2/c-TTv2 reduce to plain SGD's trajectory
    // where theory says they must (γ = 1 with no transfer)". W = A + C with C fixed at the
    // initial weights and A ← A − η dᵀx from 0 is SGD's W ← W − η dᵀx (float rounding only).
    @Test func gammaOneWithoutTransferFollowsSGDExactly() throws {
        let device = IdealPulsedDevice()
        var tt = TransferCompoundParameters()
        tt.gamma = 1; tt.transferEvery = 0; tt.fastLR = 0
        var ttv2 = BufferedTransferCompoundParameters()
        ttv2.transfer.gamma = 1; ttv2.transfer.transferEvery = 0; ttv2.transfer.fastLR = 0
        var chopped = ChoppedTransferCompoundParameters()
        chopped.transfer.gamma = 1; chopped.transfer.transferEvery = 0; chopped.transfer.fastLR = 0
        chopped.inChopProbability = 0
        func layer<C: UnitCellConfiguration>(_ c: C) throws -> AnalogLinear<C.Cell> {
            var g = SeededGenerator(seed: 21)
            return try AnalogLinear(5, 3, cell: c, forwardIO: .perfect, backwardIO: .perfect, update: Support.floatUpdate,
                                    generator: &g)
        }
        var sgd = try layer(SingleDeviceConfiguration(device: device))
        var a = try layer(TransferCompoundConfiguration(device: device, parameters: tt))
        var b = try layer(BufferedTransferCompoundConfiguration(device: device, parameters: ttv2))
        var c = try layer(ChoppedTransferCompoundConfiguration(device: device, parameters: chopped))
        let reference = Support.train(&sgd, steps: 20, seed: 22)
        let paths = [Support.train(&a, steps: 20, seed: 22), Support.train(&b, steps: 20, seed: 22),
                     Support.train(&c, steps: 20, seed: 22)]
        for path in paths {
            let worst = zip(path, reference).map { Support.maxDifference($0, $1) }.max() ?? 1
            #expect(worst < 1e-5, "largest deviation from SGD: \(worst)")
        }
        #expect(Support.maxDifference(reference[0], reference[19]) > 0.01)   // the weights did move
        #expect(b.tiles[0][0].buffer.allSatisfy { $0 == 0 } && c.tiles[0][0].buffer.allSatisfy { $0 == 0 })
    }

    // Note §1.1 (Gokmen Alg. 1 lines 13-16): one transfer adds η_C·A e_t to column t of C,
    // t cycles over the columns, and the read threshold T zeroes |v| < T.
    @Test func tikiTakaTransferAddsTheReadColumnToC() throws {
        var p = TransferCompoundParameters()
        p.transferUpdate = Support.floatUpdate
        p.transferForward = .perfect
        p.nReadsPerTransfer = 2
        p.readThreshold = 0.05
        var cell = try Support.makeCell(TransferCompoundConfiguration(device: IdealPulsedDevice(), parameters: p), outputs: 2, inputs: 3)
        cell.program(Tensor.zeros([2, 3]))
        cell.arrays.fast.setWeights(Tensor(shape: [2, 3], scalars: [0.1, 0.2, 0.3, -0.4, 0.01, 0.6]))
        cell.transfer(learningRate: 0.5)
        let c = cell.arrays.slow.weights.scalars
        let expected: [Float] = [0.05, 0.1, 0, -0.2, 0, 0]        // columns 0 and 1; 0.01 < T
        #expect(zip(c, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "C = \(c)")
        #expect(cell.arrays.sliceIndex == 2 && cell.arrays.statistics.reads == 2)
        cell.transfer(learningRate: 0.5)                         // columns 2, then 0 again
        #expect(cell.arrays.sliceIndex == 1)
        #expect(abs(cell.arrays.slow.weights.scalars[2] - 0.15) < 1e-6 && abs(cell.arrays.slow.weights.scalars[0] - 0.1) < 1e-6)
    }

    // aihwkit `transfer_columns: false`: rows are read with backward passes and written to the
    // same row of C (TT v1), and the TTv2 buffer is indexed by that row.
    @Test func rowTransfersReadAndWriteRows() throws {
        var p = TransferCompoundParameters()
        p.transferColumns = false
        p.transferUpdate = Support.floatUpdate
        p.transferForward = .perfect
        var cell = try Support.makeCell(TransferCompoundConfiguration(device: IdealPulsedDevice(), parameters: p), outputs: 2, inputs: 3)
        cell.program(Tensor.zeros([2, 3]))
        cell.arrays.fast.setWeights(Tensor(shape: [2, 3], scalars: [0.1, 0.2, 0.3, -0.4, 0.5, 0.6]))
        cell.transfer(learningRate: 0.5)
        cell.transfer(learningRate: 0.5)
        #expect(Support.maxDifference(cell.arrays.slow.weights, Tensor(shape: [2, 3], scalars: [0.05, 0.1, 0.15, -0.2, 0.25, 0.3])) < 1e-6)
        #expect(cell.arrays.sliceIndex == 0 && cell.arrays.sliceCount == 2)

        var b = BufferedTransferCompoundParameters.gokmen()
        b.transfer.transferColumns = false
        b.transfer.transferForward = .perfect
        var buffered = try Support.makeCell(BufferedTransferCompoundConfiguration(fast: IdealPulsedDevice(), slow: IdealPulsedDevice(dwMin: 0.01),
                                                                                  parameters: b), outputs: 2, inputs: 3)
        buffered.program(Tensor.zeros([2, 3]))
        buffered.arrays.fast.setWeights(Tensor(shape: [2, 3], scalars: [0.1, 0.2, 0.3, -0.4, 0.5, 0.6]))
        buffered.transferSlice(learningRate: 0.04)       // row 0: H = 0.004, 0.008, 0.012 → one pulse at (0, 2)
        #expect(abs(buffered.buffer[0] - 0.004) < 1e-6 && abs(buffered.buffer[1] - 0.008) < 1e-6 && buffered.buffer[2] == 0)
        #expect(buffered.buffer[3...].allSatisfy { $0 == 0 })
        #expect(Support.maxDifference(buffered.arrays.slow.weights, Tensor(shape: [2, 3], scalars: [0, 0, 0.01, 0, 0, 0])) < 1e-6)
    }

    // aihwkit: with units_in_mbatch false and transfer_every 2, a batch of 5 samples after 1
    // earlier sample makes transfers after samples 2, 4 and 6 (3 reads).
    @Test func transfersFollowTheRankOneCount() throws {
        var p = TransferCompoundParameters()
        p.unitsInMiniBatch = false
        p.transferEvery = 2
        p.transferForward = .perfect
        var cell = try Support.makeCell(TransferCompoundConfiguration(device: IdealPulsedDevice(), parameters: p), outputs: 2, inputs: 3)
        var g = SeededGenerator(seed: 3)
        cell.update(x: .randomUniform([1, 3], using: &g), d: .randomUniform([1, 2], using: &g), rates: LearningRates(sgd: 0.1))
        #expect(cell.arrays.statistics.reads == 0)
        cell.update(x: .randomUniform([5, 3], using: &g), d: .randomUniform([5, 2], using: &g), rates: LearningRates(sgd: 0.1))
        #expect(cell.arrays.statistics.reads == 3 && cell.arrays.updateCount == 6 && cell.arrays.sliceIndex == 0)
    }

    /// A 1×1 TTv2 cell on ideal devices with float writes of `C`'s single pulses (dw_min_C =
    /// 0.01, so θ = 0.01): `increments` (in threshold units) are fed into `H` through reads of
    /// `A = 0.5`; returns the pulses written after each.
    static func buffered(_ p: BufferedTransferCompoundParameters, increments: [Float]) throws -> (steps: [Float], buffer: [Float]) {
        var p = p
        p.transfer.transferForward = .perfect
        var cell = try Support.makeCell(BufferedTransferCompoundConfiguration(fast: IdealPulsedDevice(), slow: IdealPulsedDevice(dwMin: 0.01),
                                                                              parameters: p), outputs: 1, inputs: 1)
        cell.program(Tensor.zeros([1, 1]))
        cell.arrays.fast.setWeights(Tensor(shape: [1, 1], scalars: [0.5]))
        var steps: [Float] = [], buffer: [Float] = []
        for increment in increments {
            let before = cell.arrays.slow.weights.scalars[0]
            cell.transferSlice(learningRate: increment * 0.01 / 0.5)
            steps.append(((cell.arrays.slow.weights.scalars[0] - before) / 0.01).rounded())
            buffer.append(cell.buffer[0] / 0.01)
        }
        return (steps, buffer)
    }

    // G3 (digest §1.4 "Hysteretic variant", note §2.1 G3): with the reset H ← 0.6·sign(H) a
    // same-sign pulse needs a further 0.4 and an opposite-sign pulse 1.6 (exact thresholds,
    // probed 0.01 on either side).
    @Test func hystereticResetGivesThresholdsPointFourAndOnePointSix() throws {
        let hysteretic = try Self.buffered(.gokmen(hystereticReset: 0.6), increments: [1.0, 0.39, 0.02, -1.59, -0.02])
        #expect(hysteretic.steps == [1, 0, 1, 0, -1], "pulses \(hysteretic.steps)")
        #expect(abs(hysteretic.buffer[0] - 0.6) < 1e-5 && abs(hysteretic.buffer[4] + 0.6) < 1e-5, "H \(hysteretic.buffer)")
        // The paper's plain TTv2 (reset to 0) needs a full 1 in either direction.
        let plain = try Self.buffered(.gokmen(), increments: [1.0, 0.99, 0.02, -0.99, -0.02])
        #expect(plain.steps == [1, 0, 1, 0, -1] && plain.buffer[0] == 0, "plain \(plain.steps) \(plain.buffer)")
        // aihwkit's default (forget_buffer, momentum 0.1): H ← 0.1·ω after a write.
        let aihwkit = try Self.buffered(BufferedTransferCompoundParameters(), increments: [1.5, 0.8])
        #expect(aihwkit.steps == [1, 0] && abs(aihwkit.buffer[0] - 0.15) < 1e-5 && abs(aihwkit.buffer[1] - 0.95) < 1e-4)
        // forget_buffer off: H ← ω − (1 − momentum)·m·θ.
        var keep = BufferedTransferCompoundParameters()
        keep.forgetBuffer = false
        keep.momentum = 0
        let faithful = try Self.buffered(keep, increments: [1.5, 0.4])
        #expect(faithful.steps == [1, 0] && abs(faithful.buffer[0] - 0.5) < 1e-5 && abs(faithful.buffer[1] - 0.9) < 1e-5)
    }

    // Digest §1.8 item 5: "H accumulates η_c·v" and a pulse fires only where |H| crosses 1
    // (here one element of two crosses); statistics count reads, crossings and C pulses.
    @Test func bufferAccumulatesReadsUntilTheThreshold() throws {
        var p = BufferedTransferCompoundParameters.gokmen()
        p.transfer.transferForward = .perfect
        var cell = try Support.makeCell(BufferedTransferCompoundConfiguration(fast: IdealPulsedDevice(), slow: IdealPulsedDevice(dwMin: 0.01),
                                                                              parameters: p), outputs: 2, inputs: 1)
        cell.program(Tensor.zeros([2, 1]))
        cell.arrays.fast.setWeights(Tensor(shape: [2, 1], scalars: [0.3, -0.1]))
        for _ in 0..<3 { cell.transferSlice(learningRate: 0.01) }       // H += 0.003, −0.001 per read
        #expect(abs(cell.buffer[0] - 0.009) < 1e-6 && abs(cell.buffer[1] + 0.003) < 1e-6)
        #expect(cell.arrays.slow.weights.scalars == [0, 0])
        cell.transferSlice(learningRate: 0.01)                           // 0.012 ≥ θ = 0.01
        #expect(abs(cell.arrays.slow.weights.scalars[0] - 0.01) < 1e-6 && cell.buffer[0] == 0 && abs(cell.buffer[1] + 0.004) < 1e-6)
        #expect(cell.arrays.statistics.reads == 4 && cell.arrays.statistics.thresholdCrossings == 1
                && cell.arrays.statistics.slowPulses == 1)
        let names = cell.internalState.map(\.name)
        #expect(names.contains("buffer") && names.contains("device1.pulse_counts") && names.contains("statistics.threshold_crossings"))
    }

    // Note §1.3: a regular input chopper (in_chop_random false) flips every max(ceil(1/p), 2)
    // sweeps, right after its slice is read.
    @Test func regularChoppersFlipOnSchedule() throws {
        var p = ChoppedTransferCompoundParameters()
        p.inChopProbability = 0.5
        p.inChopRandom = false
        p.transfer.transferForward = .perfect
        var cell = try Support.makeCell(ChoppedTransferCompoundConfiguration(device: IdealPulsedDevice(), parameters: p), outputs: 2, inputs: 3)
        var history: [[Float]] = []
        for _ in 0..<4 {             // 4 sweeps of 3 columns
            for _ in 0..<3 { cell.transferSlice(learningRate: 0) }
            history.append(cell.inChopper)
        }
        #expect(history == [[1, 1, 1], [-1, -1, -1], [-1, -1, -1], [1, 1, 1]], "\(history)")
        #expect(cell.sweeps == 4 && cell.arrays.statistics.chopperFlips == 6)
    }

    // Note §1.3: the chopper signs written onto A are undone by the read, so with choppers that
    // flip at every read C still descends the (constant) gradient on every element, and A
    // stays bounded by one sweep's accumulation instead of growing.
    @Test func choppedGradientIsDechoppedAtTheTransfer() throws {
        var p = ChoppedTransferCompoundParameters()
        p.inChopProbability = 1
        p.transfer.transferForward = .perfect
        p.transfer.fastLR = 0.01
        p.transfer.transferLR = 0.01
        p.transfer.scaleTransferLR = false
        p.transfer.transferUpdate = Support.floatUpdate
        var cell = try Support.makeCell(ChoppedTransferCompoundConfiguration(device: IdealPulsedDevice(), parameters: p), outputs: 2, inputs: 3)
        cell.program(Tensor.zeros([2, 3]))
        let x = Tensor(shape: [1, 3], scalars: [1, -0.5, 0.8]), d = Tensor(shape: [1, 2], scalars: [0.6, -1])
        var largestA: Float = 0
        for _ in 0..<600 {
            cell.update(x: x, d: d, rates: LearningRates(sgd: 1))
            largestA = max(largestA, cell.arrays.fast.weights.absMax())
        }
        let gradient = Tensor.matmul(d, .transposed, x, .none).scalars
        let c = cell.arrays.slow.weights.scalars
        #expect(zip(c, gradient).allSatisfy { $0 * $1 < 0 }, "C \(c) against gradient \(gradient)")
        #expect(largestA <= 3 * 0.01 * 1 + 1e-5, "largest |A| \(largestA)")
        #expect(cell.arrays.statistics.chopperFlips > 0)
    }

    // aihwkit `updateAutoScale`: the first maxima are taken as they are, then an EMA with
    // τ = (1 − auto_momentum)/B; η_A = fast_lr·desired_bl·dw_min_A/(m_x m_d).
    @Test func autoScaleTracksRunningMaxima() throws {
        var p = ChoppedTransferCompoundParameters()
        p.autoScale = true
        p.autoMomentum = 0.9
        p.transfer.transferEvery = 0
        p.transfer.gamma = 1
        var cell = try Support.makeCell(ChoppedTransferCompoundConfiguration(device: IdealPulsedDevice(), parameters: p), outputs: 1, inputs: 2)
        cell.update(x: Tensor(shape: [1, 2], scalars: [0.5, -2]), d: Tensor(shape: [1, 1], scalars: [0.25]), rates: LearningRates(sgd: 0.1))
        #expect(cell.xMaxAverage == 2 && cell.dMaxAverage == 0.25)
        cell.update(x: Tensor(shape: [1, 2], scalars: [1, 0]), d: Tensor(shape: [1, 1], scalars: [1]), rates: LearningRates(sgd: 0.1))
        #expect(abs(cell.xMaxAverage - (0.9 * 2 + 0.1 * 1)) < 1e-6 && abs(cell.dMaxAverage - (0.9 * 0.25 + 0.1)) < 1e-6)
        let expected = 1 * 31 * 0.001 / (cell.xMaxAverage * cell.dMaxAverage)
        #expect(abs(cell.currentFastRate - expected) < 1e-6)
    }

    @Test func badParametersNameTheirField() {
        var tt = TransferCompoundParameters()
        tt.transferEvery = -1
        #expect(throws: DeviceParameterError.self) { try tt.validate() }
        tt.transferEvery = 0
        #expect((try? tt.validate()) == nil)          // no transfer and γ = 0: weights could never move
        var chopped = ChoppedTransferCompoundParameters()
        chopped.inChopProbability = 1.5
        #expect(throws: DeviceParameterError.self) { try chopped.validate() }
        var buffered = BufferedTransferCompoundParameters()
        buffered.momentum = 0
        buffered.hystereticReset = 1.2
        do { try buffered.validate(); Issue.record("hysteretic_reset 1.2 accepted") } catch let error as DeviceParameterError {
            #expect(error.parameter == "hysteretic_reset")
        } catch { Issue.record("\(error)") }
    }
}

/// The Gokmen 2021 array settings the TTv2 experiments use (digest §1.3, note §2.1).
@Suite struct GokmenSettingsTests {
    // G1 [C] (digest §1.3): n_states = 2/(μ_s μ_dw) = 20,080 / 1,204.8 / 15.06 / 8.03 for
    // μ_dw = 0.6e-4 / 1e-3 / 0.08 / 0.15 (exact up to Float rounding).
    @Test(arguments: [(Float(0.6e-4), Float(20_080.3)), (1e-3, 1_204.82), (0.08, 15.060), (0.15, 8.0321)])
    func g1StateCounts(muDw: Float, states: Float) {
        let n = LinearStepDevice.gokmen(muDw: muDw).nominalStateCount
        #expect(abs(n - states) / states < 1e-4, "μ_dw \(muDw): \(n)")
    }

    // G2 (digest §1.3), a consistency check of the paper's own numbers: σ_MV = 0.06 is 10 % of
    // the nominal weight maximum 1/μ_s = 0.6024, and the output bound 20 × 0.6024 = 12.05.
    @Test func g2NoiseAndBoundAreRelativeToTheWeightMaximum() {
        let (lower, upper) = LinearStepDevice.gokmen1200States.nominalSoftBounds
        #expect(abs(upper - 0.6024) < 1e-4 && abs(lower + 0.6024) < 1e-4)
        #expect(abs(0.1 * upper - 0.06) < 0.0005 && abs(20 * upper - 12.05) < 0.005)   // 12.048, printed as 12.05
        #expect(IOParameters.forwardDefault.outputNoise == 0.06)
    }
}

