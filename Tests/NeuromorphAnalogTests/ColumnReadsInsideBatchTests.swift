import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

/// Column reads inside a mini-batch (`PulseTrainBatch.readColumns`): a transfer of Tiki-Taka
/// after sample b reads the fast array as it stood after that sample (aihwkit's per-sample
/// transfer order, digest `ttv2_gradient-decomposition_shd.md` §1; note `analog-training.md`
/// §1.2–1.3), so one batched update with reads must give what per-sample updates with a read
/// in between give.
@Suite("Column reads inside a batched pulse update")
struct ColumnReadsInsideBatchTests {
    typealias Uniform = PulseTrainBatchTests.UniformBatch

    /// `batch` applied in one call with reads `reads` (one per sample, −1: none); returns the
    /// reads `[samples × rows]` and the pulse counts.
    static func applyReading<A: PulsedDeviceArray>(_ batch: Uniform, reads: [Int32], to array: inout A, rowByRow: Bool,
                                                   seed: UInt64) -> (reads: [Float], counts: [UInt32]) {
        var counts = [UInt32](repeating: 0, count: batch.rows * batch.columns)
        var values = [Float](repeating: .nan, count: batch.pulses.count * batch.rows)
        var g = SeededGenerator(seed: seed)
        let (cw, rw, rn) = (batch.columnWords, batch.rowWords, batch.rowNegative)
        cw.withUnsafeBufferPointer { c in
            rw.withUnsafeBufferPointer { r in
                rn.withUnsafeBufferPointer { n in
                    counts.withUnsafeMutableBufferPointer { pc in
                        reads.withUnsafeBufferPointer { rc in
                            values.withUnsafeMutableBufferPointer { out in
                                var trains = PulseTrainBatch(samples: batch.pulses.count, rows: batch.rows, columns: batch.columns,
                                                             paddedColumns: batch.padded, columnTrains: c.baseAddress!,
                                                             rowTrains: r.baseAddress!, rowNegative: n.baseAddress!,
                                                             pulseCounts: pc.baseAddress!, writeCounts: nil, laneSeed: seed &+ 1)
                                trains.readColumns = rc.baseAddress
                                trains.readWeights = out.baseAddress
                                if rowByRow {
                                    array.applyTrainBatchRowByRow(trains, generator: &g)
                                } else {
                                    array.applyTrainBatch(trains, generator: &g)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (values, counts)
    }

    /// The reference semantics (the row-by-row path, any model): the reads equal
    /// `weight(at:)` after single-sample batches applied one by one from the same stream, bit
    /// for bit, and so do the end weights.
    @Test func rowByRowReadsEqualReadsBetweenSingleSampleBatches() throws {
        var p = PulsedDeviceParameters()
        p.dwMin = 0.01
        let device = ConstantStepDevice(pulsed: p)
        let batch = Uniform(rows: 5, columns: 11, pulses: [3, 1, 4, 2], up: [true, false, true, true])
        let reads: [Int32] = [2, -1, 10, 2]
        var batched = try makeDevicesArray(device, rows: 5, columns: 11, seed: 71)
        var stepped = batched
        let result = Self.applyReading(batch, reads: reads, to: &batched, rowByRow: true, seed: 72)
        var g = SeededGenerator(seed: 72)
        var expected = [Float](repeating: .nan, count: 4 * 5)
        for b in 0..<4 {
            let one = Uniform(rows: 5, columns: 11, pulses: [batch.pulses[b]], up: [batch.up[b]])
            let (cw, rw, rn) = (one.columnWords, one.rowWords, one.rowNegative)
            var counts = [UInt32](repeating: 0, count: 55)
            cw.withUnsafeBufferPointer { c in
                rw.withUnsafeBufferPointer { r in
                    rn.withUnsafeBufferPointer { n in
                        counts.withUnsafeMutableBufferPointer { pc in
                            stepped.applyTrainBatchRowByRow(
                                PulseTrainBatch(samples: 1, rows: 5, columns: 11, paddedColumns: one.padded, columnTrains: c.baseAddress!,
                                                rowTrains: r.baseAddress!, rowNegative: n.baseAddress!, pulseCounts: pc.baseAddress!,
                                                writeCounts: nil, laneSeed: 0),
                                generator: &g)
                        }
                    }
                }
            }
            if reads[b] >= 0 {
                for i in 0..<5 { expected[b * 5 + i] = stepped.weight(at: i * 11 + Int(reads[b])) }
            }
        }
        for k in expected.indices where !expected[k].isNaN { #expect(result.reads[k] == expected[k], "slot \(k)") }
        #expect(batched.weights == stepped.weights)
        #expect(result.reads[5..<10].allSatisfy { $0.isNaN })   // sample 1 reads nothing
    }

    /// The batched soft-bounds kernel: reads after samples 0 and 2 (the same column twice, in
    /// the partial last group) and after sample 1 (another column) have the exact mean and
    /// standard deviation of the pulses up to that sample within 4 standard errors, on
    /// 400 devices each; reading changes neither the pulse counts (42) nor the end weights'
    /// distribution.
    @Test func kernelReadsHaveTheMomentsOfThePrefix() throws {
        let device = AggregatedPulsesTests.reramLike()
        let batch = Uniform(rows: 800, columns: 21, pulses: [7, 1, 31, 3], up: [true, false, true, false])
        let reads: [Int32] = [17, 3, 17, -1]
        var array = try makeDevicesArray(device, rows: batch.rows, columns: batch.columns, seed: 81)
        #expect(array.acceptsTrainBatches)
        array.setWeights([Float](repeating: 0.1, count: batch.rows * batch.columns))
        let result = Self.applyReading(batch, reads: reads, to: &array, rowByRow: false, seed: 82)
        #expect(result.counts.allSatisfy { $0 == 42 })
        let evenRows = stride(from: 0, to: batch.rows, by: 2)
        func check(_ values: [Float], _ moments: (mean: Double, sd: Double), _ label: String) {
            let n = Double(values.count)
            #expect(Swift.abs(devicesMean(values) - moments.mean) < 4 * moments.sd / n.squareRoot(), "\(label) mean")
            #expect(Swift.abs(devicesStandardDeviation(values) - moments.sd) < 4 * moments.sd / (2 * n).squareRoot(), "\(label) sd")
        }
        for b in 0..<3 {
            let values = evenRows.map { result.reads[b * batch.rows + $0] }
            check(values, PulseTrainBatchTests.exactMoments(from: 0.1, pulses: Array(batch.pulses[...b]), up: Array(batch.up[...b])),
                  "read after sample \(b)")
        }
        let w = array.weights
        check(evenRows.map { w[$0 * batch.columns + 17] }, PulseTrainBatchTests.exactMoments(from: 0.1, pulses: batch.pulses, up: batch.up),
              "end weights of the read column")
    }

    /// Through the ReRamSB wrappers (reference subtraction, write noise): a read after the
    /// last sample is exactly `weight(at:)` of the array after the batch.
    @Test func wrappersTransformTheReadsAsTheirWeights() throws {
        let device = try #require(DeviceRegistry.entry(named: "reram_sb")?.configuration() as? WriteNoiseDevice<SoftBoundsReferenceDevice>)
        let batch = Uniform(rows: 30, columns: 12, pulses: [2, 5, 1], up: [true, false, true])
        let reads: [Int32] = [4, -1, 9]
        var array = try makeDevicesArray(device, rows: 30, columns: 12, seed: 91)
        #expect(array.acceptsTrainBatches)
        let result = Self.applyReading(batch, reads: reads, to: &array, rowByRow: false, seed: 92)
        for i in 0..<30 { #expect(result.reads[2 * 30 + i] == array.weight(at: i * 12 + 9), "row \(i)") }
        #expect(result.reads[0..<30].allSatisfy { $0.isFinite })
    }

    /// The TTv2 ReRamSB preset's cell (chopped transfer compound, `in_chop_prob = 0`, one
    /// column transfer per sample) takes the one-call path: a batch of 40 makes 40 transfer
    /// reads, moves the slice index by 40, and gives the same cell on 1 and 2 threads.
    @Test func ttv2ReRamSBCellReadsInsideTheBatch() throws {
        let device = try #require(DeviceRegistry.entry(named: "reram_sb")?.configuration() as? WriteNoiseDevice<SoftBoundsReferenceDevice>)
        var parameters = ChoppedTransferCompoundParameters()
        parameters.transfer.transferForward = .aihwkitPresetTransfer
        parameters.inChopProbability = 0
        parameters.autoScale = true
        parameters.autoGranularity = 1000
        parameters.transfer.fastLR = 0.5
        var g = SeededGenerator(seed: 101)
        let x = Tensor.randomUniform([40, 70], using: &g), d = Tensor.randomNormal([40, 90], using: &g) * 0.05
        var weights: [[Float]] = []
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            var cell = try CellTestSupport.makeCell(ChoppedTransferCompoundConfiguration(device: device, parameters: parameters),
                                                    outputs: 90, inputs: 70, seed: 102, io: .aihwkitPreset,
                                                    update: .aihwkitPreset(desiredBL: 31))
            #expect(cell.arrays.readsTransfersInsideBatches(io: parameters.transfer.transferForward))
            cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
            #expect(cell.arrays.statistics.reads == 40)
            #expect(cell.arrays.sliceIndex == 40)
            cell.update(x: x, d: d * -1, rates: LearningRates(sgd: 0.1))
            #expect(cell.arrays.sliceIndex == 80 % 70)
            weights.append(cell.weights.scalars)
        }
        ComputeThreads.set(1)
        #expect(weights[0] == weights[1])
    }

    /// With choppers (c-TTv2: `in_chop_prob` 0.3, `out_chop_prob` 0.2, 7 columns so a batch of
    /// 40 makes five sweeps): the one-call path advances the choppers through the batch's
    /// transfers first; their flips draw only from the chopper stream, so they end exactly as
    /// on the chunk-by-chunk path (forced here by stochastic rounding of the transfer read's
    /// input, which that path alone supports).
    @Test func choppersEvolveAsChunkByChunk() throws {
        let device = try #require(DeviceRegistry.entry(named: "reram_sb")?.configuration() as? WriteNoiseDevice<SoftBoundsReferenceDevice>)
        var g = SeededGenerator(seed: 111)
        let x = Tensor.randomUniform([40, 7], using: &g), d = Tensor.randomNormal([40, 9], using: &g) * 0.05
        var cells: [ChoppedTransferCompound<WriteNoiseDeviceArray<ReferenceSubtractedDeviceArray<LinearStepDeviceArray>>,
                                            WriteNoiseDeviceArray<ReferenceSubtractedDeviceArray<LinearStepDeviceArray>>>] = []
        for insideBatch in [true, false] {
            var parameters = ChoppedTransferCompoundParameters()
            parameters.transfer.transferForward = .aihwkitPresetTransfer
            parameters.transfer.transferForward.inputStochasticRounding = !insideBatch
            parameters.inChopProbability = 0.3
            parameters.outChopProbability = 0.2
            var cell = try CellTestSupport.makeCell(ChoppedTransferCompoundConfiguration(device: device, parameters: parameters),
                                                    outputs: 9, inputs: 7, seed: 112, io: .aihwkitPreset,
                                                    update: .aihwkitPreset(desiredBL: 31))
            #expect(cell.arrays.readsTransfersInsideBatches(io: parameters.transfer.transferForward) == insideBatch)
            cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
            cells.append(cell)
        }
        #expect(cells[0].inChopper == cells[1].inChopper)
        #expect(cells[0].outChopper == cells[1].outChopper)
        #expect(cells[0].sweeps == cells[1].sweeps && cells[0].sweeps == 5)
        #expect(cells[0].arrays.statistics.chopperFlips == cells[1].arrays.statistics.chopperFlips)
        #expect(cells[0].arrays.statistics.chopperFlips > 0 && cells[0].outChopper.contains(-1))
        #expect(cells[0].arrays.statistics.reads == 40 && cells[1].arrays.statistics.reads == 40)
    }

    /// AGAD (`DynamicTransferCompound`, `in_chop_prob` 0.25 periodic, `out_chop_prob` 0.2):
    /// the one-call path advances choppers, switch flags and sweeps first; they end exactly as
    /// on the chunk-by-chunk path, and both paths make 40 reads.
    @Test func agadChoppersEvolveAsChunkByChunk() throws {
        let device = try #require(DeviceRegistry.entry(named: "reram_sb")?.configuration() as? WriteNoiseDevice<SoftBoundsReferenceDevice>)
        var g = SeededGenerator(seed: 121)
        let x = Tensor.randomUniform([40, 7], using: &g), d = Tensor.randomNormal([40, 9], using: &g) * 0.05
        var states: [([Float], [Float], [Bool], Int, Int, Int)] = []
        for insideBatch in [true, false] {
            var parameters = DynamicTransferCompoundParameters()
            parameters.chopped.transfer.transferForward = .aihwkitPresetTransfer
            parameters.chopped.transfer.transferForward.inputStochasticRounding = !insideBatch
            parameters.chopped.inChopProbability = 0.25
            parameters.chopped.outChopProbability = 0.2
            var cell = try CellTestSupport.makeCell(DynamicTransferCompoundConfiguration(device: device, parameters: parameters),
                                                    outputs: 9, inputs: 7, seed: 122, io: .aihwkitPreset,
                                                    update: .aihwkitPreset(desiredBL: 31))
            #expect(cell.arrays.readsTransfersInsideBatches(io: parameters.chopped.transfer.transferForward) == insideBatch)
            cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
            states.append((cell.inChopper, cell.outChopper, cell.switched, cell.sweeps, cell.arrays.statistics.chopperFlips,
                           cell.arrays.statistics.reads))
        }
        #expect(states[0].0 == states[1].0 && states[0].1 == states[1].1 && states[0].2 == states[1].2)
        #expect(states[0].3 == states[1].3 && states[0].3 == 5)
        #expect(states[0].4 == states[1].4 && states[0].4 > 0)
        #expect(states[0].5 == 40 && states[1].5 == 40)
    }

    /// Gokmen's TTv2 cell (`BufferedTransferCompound`, hysteretic reset, one read per sample)
    /// on ReRamSB devices takes the one-call path: one read per sample, the slice index moved
    /// by the batch, the same cell on 1 and 2 threads; with stochastic input rounding on the
    /// transfer read it keeps the chunk-by-chunk loop, with as many reads.
    @Test func bufferedTTv2ReadsInsideTheBatch() throws {
        let device = try #require(DeviceRegistry.entry(named: "reram_sb")?.configuration() as? WriteNoiseDevice<SoftBoundsReferenceDevice>)
        var g = SeededGenerator(seed: 131)
        let x = Tensor.randomUniform([30, 20], using: &g), d = Tensor.randomNormal([30, 12], using: &g) * 0.05
        var weights: [[Float]] = []
        for (threads, insideBatch) in [(1, true), (2, true), (1, false)] {
            ComputeThreads.set(threads)
            var parameters = BufferedTransferCompoundParameters.gokmen(hystereticReset: 0.6)
            parameters.transfer.transferForward = .aihwkitPresetTransfer
            parameters.transfer.transferForward.inputStochasticRounding = !insideBatch
            parameters.transfer.unitsInMiniBatch = false
            parameters.transfer.transferEvery = 1
            var cell = try CellTestSupport.makeCell(BufferedTransferCompoundConfiguration(device: device, parameters: parameters),
                                                    outputs: 12, inputs: 20, seed: 132, io: .aihwkitPreset,
                                                    update: .aihwkitPreset(desiredBL: 31))
            #expect(cell.arrays.readsTransfersInsideBatches(io: parameters.transfer.transferForward) == insideBatch)
            cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
            #expect(cell.arrays.statistics.reads == 30)
            #expect(cell.arrays.sliceIndex == 10)
            weights.append(cell.weights.scalars)
        }
        ComputeThreads.set(1)
        #expect(weights[0] == weights[1])
    }
}
