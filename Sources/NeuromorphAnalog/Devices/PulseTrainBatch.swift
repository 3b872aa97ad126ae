import NeuromorphCore

/// A mini-batch of rank-one pulse-train updates on one crossbar block (the stochastic
/// pulsed update of Gokmen & Vlasov 2016, one update per sample, samples in order), handed
/// to the devices in one call so that a model with a batched kernel keeps each device's
/// weight in a register across the samples.
///
/// - `columnTrains[b·paddedColumns + j]`: sample b's pulse train for column j (bit t = slot
///   t, at most 31 slots), with bit 31 set where `x_bj < 0`; 0 where the column does not
///   fire and in the padding up to `paddedColumns` (a multiple of 8).
/// - `rowTrains[i·samples + b]`: row i's train for sample b (0: no pulse);
///   `rowNegative[i·samples + b]`: whether `d_bi < 0`.
/// - Device (i, j) receives `popcount(rowTrains[i,b] & columnTrains[b,j])` pulses for
///   sample b, up where `d·x < 0` (`W ← W − η d xᵀ`); the count is added to
///   `pulseCounts[i·columns + j]` (the crossbar's counter).
/// - `laneSeed` seeds a batched kernel's own normal streams (drawn by the crossbar from the
///   block's generator, so every stream is a function of the tile's seed).
public struct PulseTrainBatch {
    public var samples: Int
    public var rows: Int
    public var columns: Int
    public var paddedColumns: Int
    public var columnTrains: UnsafePointer<UInt32>
    public var rowTrains: UnsafePointer<UInt32>
    public var rowNegative: UnsafePointer<Bool>
    public var pulseCounts: UnsafeMutablePointer<UInt32>
    /// A write-noise wrapper's per-device write counter (one per update with a pulse), passed
    /// down to a base with a kernel; `nil` from the crossbar.
    public var writeCounts: UnsafeMutablePointer<UInt32>?
    public var laneSeed: UInt64
    /// Column reads inside the batch (the transfer reads of Tiki-Taka): after sample b, column
    /// `readColumns[b]` (−1: none) is read into `readWeights[b·rows + i]`, what
    /// ``PulsedDeviceArray/weight(at:)`` of device (i, column) returns at that point. `nil`:
    /// no reads. (`readWrites` is the write-noise wrapper's: its counters at the reads.)
    public var readColumns: UnsafePointer<Int32>? = nil
    public var readWeights: UnsafeMutablePointer<Float>? = nil
    public var readWrites: UnsafeMutablePointer<UInt32>? = nil

    /// The longest train a batch can carry: bit 31 of a column word is its sign.
    public static let maxBitLength = 31

    /// Columns rounded up to the kernels' vector width.
    public static func paddedColumns(_ columns: Int) -> Int { (columns + 7) / 8 * 8 }
}

extension PulsedDeviceArray {
    /// No batched kernel by default: the crossbar applies the updates row by row.
    public var acceptsTrainBatches: Bool { false }

    public mutating func applyTrainBatch(_ batch: PulseTrainBatch, generator: inout SeededGenerator) {
        applyTrainBatchRowByRow(batch, generator: &generator)
    }

    /// The batch as the row-by-row calls it stands for (samples in order, rows in order,
    /// each row's coincidences through ``applyRowPulses(base:columns:counts:up:n:generator:)``):
    /// correct for every model (`writeCounts` is not used: wrappers count their own writes).
    public mutating func applyTrainBatchRowByRow(_ batch: PulseTrainBatch, generator: inout SeededGenerator) {
        let columns = batch.columns
        var hitColumns = [Int32](repeating: 0, count: columns)
        var hitCounts = [UInt8](repeating: 0, count: columns)
        var hitUp = [Bool](repeating: false, count: columns)
        for b in 0..<batch.samples {
            for i in 0..<batch.rows {
                let row = UInt64(batch.rowTrains[i * batch.samples + b])
                guard row != 0 else { continue }
                let rowNegative = batch.rowNegative[i * batch.samples + b]
                var hits = 0
                for j in 0..<columns {
                    let word = batch.columnTrains[b * batch.paddedColumns + j]
                    let k = (UInt64(word & 0x7fff_ffff) & row).nonzeroBitCount
                    guard k > 0 else { continue }
                    hitColumns[hits] = Int32(j)
                    hitCounts[hits] = UInt8(k)
                    hitUp[hits] = rowNegative != (word >> 31 != 0)
                    batch.pulseCounts[i * columns + j] &+= UInt32(k)
                    hits += 1
                }
                guard hits > 0 else { continue }
                hitColumns.withUnsafeBufferPointer { c in
                    hitCounts.withUnsafeBufferPointer { n in
                        hitUp.withUnsafeBufferPointer { u in
                            applyRowPulses(base: i * columns, columns: c.baseAddress!, counts: n.baseAddress!,
                                           up: u.baseAddress!, n: hits, generator: &generator)
                        }
                    }
                }
            }
            if let reads = batch.readColumns, let out = batch.readWeights, reads[b] >= 0 {
                let column = Int(reads[b])
                for i in 0..<batch.rows { out[b * batch.rows + i] = weight(at: i * columns + column) }
            }
        }
    }
}
