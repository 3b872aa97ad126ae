import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

/// A mini-batch of rank-one pulse-train updates applied in one call (`PulseTrainBatch`,
/// `neuromorph_soft_bounds_train_batch`): the same pulses per device as the row-by-row path
/// (Gokmen & Vlasov 2016's coincidences; aihwkit's per-sample update order), the soft-bounds
/// device's distribution with additive noise (digest `ttv2_gradient-decomposition_shd.md`
/// §1.3), and the same numbers for any thread count.
@Suite("Batched pulse-train updates (soft bounds, additive noise)")
struct PulseTrainBatchTests {
    /// A batch whose every device gets `pulses[b]` pulses in sample b (row trains of
    /// `pulses[b]` slots, every column train full), up where `up[b]`.
    struct UniformBatch {
        var rows: Int, columns: Int, pulses: [Int], up: [Bool]
        var padded: Int { PulseTrainBatch.paddedColumns(columns) }

        var columnWords: [UInt32] {
            var words = [UInt32](repeating: 0, count: pulses.count * padded)
            for b in pulses.indices {
                for j in 0..<columns { words[b * padded + j] = 0x7fff_ffff | (up[b] ? 0x8000_0000 : 0) }
            }
            return words
        }

        // A negative column (x < 0) with a positive row (d > 0): d·x < 0 raises the weight.
        var rowWords: [UInt32] {
            var words = [UInt32](repeating: 0, count: rows * pulses.count)
            for i in 0..<rows { for b in pulses.indices { words[i * pulses.count + b] = UInt32((1 << pulses[b]) - 1) } }
            return words
        }

        /// Odd rows negative: their devices move the other way (`up[b]` inverted).
        var rowNegative: [Bool] {
            (0..<(rows * pulses.count)).map { ($0 / pulses.count) % 2 == 1 }
        }

        func apply<A: PulsedDeviceArray>(to array: inout A, rowByRow: Bool, seed: UInt64) -> [UInt32] {
            var counts = [UInt32](repeating: 0, count: rows * columns)
            var g = SeededGenerator(seed: seed)
            let (cw, rw, rn) = (columnWords, rowWords, rowNegative)
            cw.withUnsafeBufferPointer { c in
                rw.withUnsafeBufferPointer { r in
                    rn.withUnsafeBufferPointer { n in
                        counts.withUnsafeMutableBufferPointer { pc in
                            let batch = PulseTrainBatch(samples: pulses.count, rows: rows, columns: columns, paddedColumns: padded,
                                                        columnTrains: c.baseAddress!, rowTrains: r.baseAddress!,
                                                        rowNegative: n.baseAddress!, pulseCounts: pc.baseAddress!,
                                                        writeCounts: nil, laneSeed: seed &+ 1)
                            if rowByRow {
                                array.applyTrainBatchRowByRow(batch, generator: &g)
                            } else {
                                array.applyTrainBatch(batch, generator: &g)
                            }
                        }
                    }
                }
            }
            return counts
        }
    }

    /// The exact mean and standard deviation (Double) of the soft-bounds device's weight after
    /// the batch's affine noisy steps `w ← r w + q + s σ ξ` (no bound reached).
    static func exactMoments(from w0: Double, pulses: [Int], up: [Bool]) -> (mean: Double, sd: Double) {
        let s = 0.002, sigma = 3.75
        var mean = w0, variance = 0.0
        for (n, isUp) in zip(pulses, up) {
            let slope = isUp ? 1 / 1.25 : 1 / 0.75
            let r = 1 - s * slope, q = isUp ? s : -s
            for _ in 0..<n { mean = r * mean + q; variance = r * r * variance + s * s * sigma * sigma }
        }
        return (mean, variance.squareRoot())
    }

    /// Four samples (7 up, 1 down, 31 up, 3 down; the opposite on the odd, negative rows) on
    /// 19,894 devices (rows of 203 columns, so the last group of eight is partial): the
    /// batched kernel's end weights have the exact mean and standard deviation within 4
    /// standard errors on both row parities, its pulse counts equal the row-by-row path's
    /// exactly (42 per device), and so do the row-by-row path's moments.
    @Test func batchMomentsAndCounts() throws {
        let device = AggregatedPulsesTests.reramLike()
        let batch = UniformBatch(rows: 98, columns: 203, pulses: [7, 1, 31, 3], up: [true, false, true, false])
        let count = batch.rows * batch.columns
        let exact = Self.exactMoments(from: 0.1, pulses: batch.pulses, up: batch.up)
        let flipped = Self.exactMoments(from: 0.1, pulses: batch.pulses, up: batch.up.map { !$0 })
        for rowByRow in [false, true] {
            var array = try makeDevicesArray(device, rows: batch.rows, columns: batch.columns, seed: 31)
            #expect(array.acceptsTrainBatches)
            array.setWeights([Float](repeating: 0.1, count: count))
            let counts = batch.apply(to: &array, rowByRow: rowByRow, seed: 32)
            #expect(counts.allSatisfy { $0 == 42 }, "row by row: \(rowByRow)")
            let w = array.weights
            for (parity, moments) in [(0, exact), (1, flipped)] {
                let rows = (0..<batch.rows).filter { $0 % 2 == parity }
                let part = rows.flatMap { w[($0 * batch.columns)..<(($0 + 1) * batch.columns)] }
                let n = Double(part.count)
                #expect(Swift.abs(devicesMean(part) - moments.mean) < 4 * moments.sd / n.squareRoot(),
                        "row by row: \(rowByRow), rows \(parity)")
                #expect(Swift.abs(devicesStandardDeviation(part) - moments.sd) < 4 * moments.sd / (2 * n).squareRoot(),
                        "row by row: \(rowByRow), rows \(parity)")
            }
        }
    }

    /// Devices at the upper bound receiving 20 up pulses (the even rows) go pulse by pulse
    /// (the closed form's 9-sd margin fails): they stay within their bounds and end near the
    /// bound, the two paths' means within 4 standard errors of each other.
    @Test func devicesAtABoundGoPulseByPulse() throws {
        let device = AggregatedPulsesTests.reramLike()
        let batch = UniformBatch(rows: 40, columns: 100, pulses: [20], up: [true])
        var means: [Double] = [], sds: [Double] = []
        for rowByRow in [false, true] {
            var array = try makeDevicesArray(device, rows: batch.rows, columns: batch.columns, seed: 41)
            array.setWeights([Float](repeating: 1.25, count: 4_000))
            _ = batch.apply(to: &array, rowByRow: rowByRow, seed: 42)
            let w = array.weights
            #expect(w.allSatisfy { $0 >= -0.75 && $0 <= 1.25 })
            // the even rows (positive) pulse up, into the bound
            let up = stride(from: 0, to: batch.rows, by: 2).flatMap { w[($0 * 100)..<(($0 + 1) * 100)] }
            means.append(devicesMean(up))
            sds.append(devicesStandardDeviation(up))
        }
        #expect(means[0] > 1.2 && means[0] < 1.25)
        #expect(Swift.abs(means[0] - means[1]) < 4 * Swift.max(sds[0], sds[1]) * (2.0 / 2_000).squareRoot())
    }

    /// The write-noise wrapper passes its counters down: one write per device and sample with
    /// a pulse, as its row-by-row path counts them.
    @Test func writeCountsFollowTheRowByRowPath() throws {
        let device = WriteNoiseDevice(base: AggregatedPulsesTests.reramLike(), writeNoiseStd: 56)
        let batch = UniformBatch(rows: 9, columns: 21, pulses: [3, 0, 2], up: [true, true, false])
        var batched = try makeDevicesArray(device, rows: 9, columns: 21, seed: 51)
        var reference = batched
        #expect(batched.acceptsTrainBatches)
        _ = batch.apply(to: &batched, rowByRow: false, seed: 52)
        _ = batch.apply(to: &reference, rowByRow: true, seed: 52)
        #expect(batched.writes == reference.writes)
        #expect(batched.writes.allSatisfy { $0 == reference.writes[0] } && reference.writes[0] >= 2)
    }

    /// A ReRamSB tile (soft bounds with a reference, write noise) updated with a batch of 24
    /// samples takes the batched path and gives bit-identical devices and counters on 1 and
    /// 2 threads (each row block draws from its own stream).
    @Test func tileUpdateIsTheSameOnOneAndTwoThreads() throws {
        let device = try #require(DeviceRegistry.entry(named: "reram_sb")?.configuration() as? WriteNoiseDevice<SoftBoundsReferenceDevice>)
        var g = SeededGenerator(seed: 61)
        let x = Tensor.randomNormal([24, 150], using: &g), d = Tensor.randomNormal([24, 130], using: &g) * 0.3
        var results: [([Float], [UInt32])] = []
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            var tileGenerator = SeededGenerator(seed: 62)
            var tile = try CrossbarArray(outputs: 130, inputs: 150, device: device, generator: &tileGenerator)
            #expect(tile.blocks.allSatisfy { $0.acceptsTrainBatches })
            tile.update(x: x, d: d, learningRate: 0.1)
            tile.update(x: x * -1, d: d, learningRate: 0.05)
            results.append((tile.blocks.flatMap { $0.weights }, tile.pulseCounts))
        }
        ComputeThreads.set(1)
        #expect(results[0].0 == results[1].0)
        #expect(results[0].1 == results[1].1)
        #expect(results[0].1.contains { $0 > 0 })
    }
}
