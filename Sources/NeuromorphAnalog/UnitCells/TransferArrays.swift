import NeuromorphCore

/// The two arrays of a transfer compound and the bookkeeping all Tiki-Taka variants share
/// (aihwkit `TransferRPUDevice` with two devices): a fast array `A` (aihwkit device 0) that
/// receives the gradient, a slow array `C` (device 1) that receives transfers from `A`, and
///
/// ```
/// W = γ·A + C                     (aihwkit gamma_vec = [γ, 1]: γ^(n−1−k) for device k)
/// k    = rank-1 updates so far    (aihwkit current_update_idx_)
/// t    = next slice to transfer   (aihwkit current_slice_indices_[0]), cycling over the
///        columns of A (transfer_columns) or its rows
/// ```
///
/// Forward and backward products read `W` through the slow array's periphery and read stream
/// (aihwkit reads the reduced weight of the vector cell through the tile's IO). A transfer
/// reads one slice of `A` with one-hot inputs through its own IO parameters and `A`'s read
/// stream, and writes the slow array with its own pulsed-update settings (the slow array is
/// built with the transfer update, since it never receives the SGD update).
public struct TransferArrays<Fast: PulsedDeviceArray, Slow: PulsedDeviceArray>: Sendable, Codable {
    /// `A` (`device0`): the fast array, updated with the gradient.
    public internal(set) var fast: CrossbarArray<Fast>
    /// `C` (`device1`): the slow array, written only by transfers.
    public internal(set) var slow: CrossbarArray<Slow>
    /// `γ`: the weight of `A` in `W` (aihwkit `gamma`), dimensionless.
    public let gamma: Float
    /// Transfer columns (`W e_t`, forward reads) or rows (`e_tᵀ W`, backward reads).
    public let transferColumns: Bool
    /// `W = γA + C`, kept in step with the arrays.
    public private(set) var weights: Tensor
    /// `k`: rank-1 updates (samples) applied to `A` so far.
    public internal(set) var updateCount: Int = 0
    /// `t`: the next slice a transfer reads.
    public internal(set) var sliceIndex: Int = 0
    /// Transfer statistics (reads, threshold crossings, pulses written, chopper flips).
    public internal(set) var statistics = TransferStatistics()

    public init(fast: CrossbarArray<Fast>, slow: CrossbarArray<Slow>, gamma: Float, transferColumns: Bool) {
        precondition(fast.rows == slow.rows && fast.columns == slow.columns,
                     "TransferArrays: arrays of \(fast.rows)×\(fast.columns) and \(slow.rows)×\(slow.columns)")
        self.fast = fast
        self.slow = slow
        self.gamma = gamma
        self.transferColumns = transferColumns
        weights = slow.weights
        refresh()
    }

    public var rows: Int { fast.rows }
    public var columns: Int { fast.columns }
    /// Slices a full transfer sweep visits: columns (`transfer_columns`) or rows.
    public var sliceCount: Int { transferColumns ? columns : rows }
    /// Elements per slice.
    public var sliceLength: Int { transferColumns ? rows : columns }

    /// Brings `W` (and both arrays' ``CrossbarArray/weights``, which deferred updates leave
    /// stale) up to date with the devices.
    mutating func refresh() {
        // With γ = 0 nothing reads `A`'s copy between batches (transfers read the devices).
        if gamma == 0 { fast.deferRefresh() } else { fast.refreshWeights() }
        slow.refreshWeights()
        weights = gamma == 0 ? slow.weights : slow.weights + fast.weights * gamma
    }

    // MARK: - Products

    mutating func forward(_ x: Tensor) -> Tensor {
        slow.read(x, weights: weights, transpose: .transposed, io: slow.forwardIO)
    }

    mutating func backward(_ d: Tensor) -> Tensor {
        slow.read(d, weights: weights, transpose: .none, io: slow.backwardIO)
    }

    // MARK: - Updates

    /// The pulsed update `A ← A − η Σ_b d_bᵀ x_b` over samples `range` of the batch. With
    /// `deferringRefresh`, `A`'s ``CrossbarArray/weights`` copy is left stale until
    /// ``refresh()`` (the caller reads `A` only through ``readFastSlice(_:io:)`` meanwhile):
    /// a transfer after every sample then costs no copy of the whole array per sample.
    mutating func updateFast(x: Tensor, d: Tensor, samples range: Range<Int>, learningRate: Float,
                             deferringRefresh: Bool = false) {
        let xs = range.count == x.rows ? x : x.gatherRows(range)
        let ds = range.count == x.rows ? d : d.gatherRows(range)
        if deferringRefresh {
            fast.updateDevices(x: xs, d: ds, learningRate: learningRate)
        } else {
            fast.update(x: xs, d: ds, learningRate: learningRate)
        }
        updateCount += range.count
    }

    /// Reads slice `t` of `A` (`A e_t` or `e_tᵀ A`) through `io` with bound management off
    /// (aihwkit forces it off for transfer reads), from the devices
    /// (``CrossbarArray/readDeviceSlice(_:columns:io:)``: the same numbers as a one-hot
    /// product with the whole array).
    /// The fast update of a whole batch with the transfer reads inside it
    /// (``CrossbarArray/updateDevices(x:d:learningRate:readingColumns:)``): after sample b,
    /// the fast devices' column `reads[b]` (−1: none). Returns `[samples × rows]`.
    mutating func updateFastReadingColumns(x: Tensor, d: Tensor, learningRate: Float, reads: [Int32]) -> [Float] {
        let values = fast.updateDevices(x: x, d: d, learningRate: learningRate, readingColumns: reads)
        updateCount += x.rows
        return values
    }

    /// Whether a batch's transfer reads can be taken inside one fast update
    /// (``updateFastReadingColumns(x:d:learningRate:reads:)``): column transfers, a fast array
    /// that supports it and a transfer read ``readFastSlice(_:io:)`` takes from the devices.
    func readsTransfersInsideBatches(io: IOParameters) -> Bool {
        transferColumns && !io.inputStochasticRounding && fast.readsColumnsInsideBatches
    }

    /// ``readFastSlice(_:io:)`` of a column given the fast devices' weights at the read.
    mutating func readFastColumn(deviceWeights: [Float], io: IOParameters) -> [Float] {
        var io = io
        io.boundManagement = .none
        statistics.reads += 1
        return fast.readColumn(deviceWeights: deviceWeights, io: io)
    }

    mutating func readFastSlice(_ t: Int, io: IOParameters) -> [Float] {
        var io = io
        io.boundManagement = .none
        statistics.reads += 1
        return fast.readDeviceSlice(t, columns: transferColumns, io: io)
    }

    /// The one-sample update of `C` that writes `v` to slice `t` (aihwkit `writeVector`:
    /// `x = e_t, d = −v` for columns, `x = v, d = −e_t` for rows).
    func slowSliceUpdate(_ t: Int, values v: [Float]) -> (x: Tensor, d: Tensor) {
        var oneHot = Tensor.zeros([1, sliceCount])
        let vector = Tensor(shape: [1, sliceLength], scalars: v)
        if transferColumns {
            oneHot.scalars[t] = 1
            return (oneHot, vector * -1)
        }
        oneHot.scalars[t] = -1
        return (vector, oneHot)
    }

    /// The pulsed write `C_slice t += η v` through the slow array's update settings. With
    /// `deferringRefresh`, `C`'s ``CrossbarArray/weights`` copy is left stale until
    /// ``refresh()``.
    mutating func writeSlowSlice(_ t: Int, values v: [Float], learningRate: Float, deferringRefresh: Bool = false) {
        guard learningRate > 0, v.contains(where: { $0 != 0 }) else { return }
        let (x, d) = slowSliceUpdate(t, values: v)
        let before = slow.slicePulseCount(t, columns: transferColumns)
        if deferringRefresh {
            slow.updateDevices(x: x, d: d, learningRate: learningRate)
        } else {
            slow.update(x: x, d: d, learningRate: learningRate)
        }
        statistics.slowPulses += slow.slicePulseCount(t, columns: transferColumns) - before
    }

    mutating func writeSlowSlice(_ write: TransferSliceWrite, deferringRefresh: Bool = false) {
        writeSlowSlice(write.slice, values: write.values, learningRate: write.learningRate, deferringRefresh: deferringRefresh)
    }

    /// A batch's transfer writes, in order, leaving `C`'s weight copy for ``refresh()``: the
    /// same draws and result as ``writeSlowSlice(_:deferringRefresh:)`` for each in turn, in one
    /// pass over `C`'s row blocks (``CrossbarArray/updateDevices(sequence:)``). Nothing reads `C`
    /// between the transfers of a batch, so they may wait for its last read of `A`.
    mutating func writeSlowSlices(_ writes: [TransferSliceWrite]) {
        var updates: [SingleSampleUpdate] = []
        var slices: [Int] = []
        for write in writes where write.learningRate > 0 && write.values.contains(where: { $0 != 0 }) {
            let (x, d) = slowSliceUpdate(write.slice, values: write.values)
            updates.append(SingleSampleUpdate(x: x, d: d, learningRate: write.learningRate))
            slices.append(write.slice)
        }
        guard !updates.isEmpty else { return }
        // Each write pulses only its own slice: the pulses written are the growth of the
        // written slices' counts.
        slices.sort()
        var distinct: [Int] = []
        for t in slices where distinct.last != t { distinct.append(t) }
        let before = slow.slicesPulseCount(distinct, columns: transferColumns)
        slow.updateDevices(sequence: updates)
        statistics.slowPulses += slow.slicesPulseCount(distinct, columns: transferColumns) - before
    }

    /// The index of element `i` of slice `t` in a `[rows, columns]` buffer (`H`, AGAD's means).
    @inline(__always)
    func bufferIndex(slice t: Int, element i: Int) -> Int {
        transferColumns ? i * columns + t : t * columns + i
    }

    /// Visits element `i` of each transfer's slice (`slices[j]`), `body(j, i, index)` with the
    /// element's ``bufferIndex(slice:element:)``, each element's transfers in order, in the
    /// order that walks a `[rows, columns]` buffer along its rows: elements outer for column
    /// slices (a batch's transfers read neighbouring columns, a run of each row), transfers
    /// outer for row slices. Walking down one column per transfer instead missed the cache on
    /// every element.
    @inline(__always)
    func forEachBufferElement(slices: [Int], _ body: (_ transfer: Int, _ element: Int, _ index: Int) -> Void) {
        let columns = self.columns, length = sliceLength
        slices.withUnsafeBufferPointer { slices in
            if transferColumns {
                for i in 0..<length {
                    for j in slices.indices { body(j, i, i * columns + slices[j]) }
                }
            } else {
                for j in slices.indices {
                    for i in 0..<length { body(j, i, slices[j] * columns + i) }
                }
            }
        }
    }

    mutating func advanceSlice() { sliceIndex = (sliceIndex + 1) % sliceCount }

    mutating func finishBatch() {
        guard fast.hasSlowDynamics || slow.hasSlowDynamics else { return }
        fast.postUpdate()
        slow.postUpdate()
        refresh()
    }

    /// aihwkit `onSetWeights`: `A ← 0`, `C ← target` (the last device holds the weights,
    /// scaled by its `γ = 1`), counters reset.
    mutating func program(_ target: Tensor) {
        fast.setWeights(Tensor.zeros([rows, columns]))
        slow.setWeights(target)
        updateCount = 0
        sliceIndex = 0
        refresh()
    }

    /// `device0.*` (A), `device1.*` (C), the counters and statistics.
    var exportedTensors: [(name: String, tensor: Tensor)] {
        fast.exportedTensors(prefix: "device0") + slow.exportedTensors(prefix: "device1") + [
            ("counters.update_count", Tensor([Float(updateCount)])),
            ("counters.slice_index", Tensor([Float(sliceIndex)])),
        ] + statistics.exportedTensors
    }
}

extension CrossbarArray {
    /// Pulses applied so far to column `t` (or row `t`).
    func slicePulseCount(_ t: Int, columns byColumn: Bool) -> Int {
        slicesPulseCount([t], columns: byColumn)
    }

    /// Pulses applied so far to the columns (or rows) `slices`, together.
    func slicesPulseCount(_ slices: [Int], columns byColumn: Bool) -> Int {
        var total = 0
        let columns = self.columns
        for (k, range) in blockRows.enumerated() {
            blockPulseCounts[k].withUnsafeBufferPointer { counts in
                if byColumn {
                    // along the rows (a batch's slices are neighbouring columns)
                    for local in 0..<range.count {
                        for t in slices { total += Int(counts[local * columns + t]) }
                    }
                } else {
                    for t in slices where range.contains(t) {
                        let base = (t - range.lowerBound) * columns
                        for j in 0..<columns { total += Int(counts[base + j]) }
                    }
                }
            }
        }
        return total
    }
}

/// Counts of what a transfer compound's transfers did, for `results.json`-style reports and
/// checkpoint export.
public struct TransferStatistics: Sendable, Codable, Equatable {
    /// One-hot slice reads of the fast array.
    public var reads: Int = 0
    /// Buffer elements that crossed the threshold (TTv2, c-TTv2, mixed precision rows with a
    /// nonzero count).
    public var thresholdCrossings: Int = 0
    /// Pulses applied to the slow array by transfers.
    public var slowPulses: Int = 0
    /// Chopper sign changes (input and output choppers).
    public var chopperFlips: Int = 0

    public init() {}

    var exportedTensors: [(name: String, tensor: Tensor)] {
        [("statistics.reads", Tensor([Float(reads)])),
         ("statistics.threshold_crossings", Tensor([Float(thresholdCrossings)])),
         ("statistics.slow_pulses", Tensor([Float(slowPulses)])),
         ("statistics.chopper_flips", Tensor([Float(chopperFlips)]))]
    }
}

/// When transfers happen inside a mini-batch (aihwkit `TransferRPUDevice::getTransferEvery`
/// and `finishUpdateCycle`): after the rank-1 update that makes the running count `k` a
/// multiple of
///
/// ```
/// n = units_in_mbatch ? max(ceil(transfer_every · B), 0) : max(round(transfer_every), 0)
/// ```
///
/// (`B` the batch size; `n = 0` never transfers).
public enum TransferSchedule {
    public static func period(transferEvery: Float, unitsInMiniBatch: Bool, batch: Int) -> Int {
        let value = unitsInMiniBatch ? (transferEvery * Float(batch)).rounded(.up) : transferEvery.rounded()
        return Swift.max(Int(value), 0)
    }

    /// The batch `0..<batch` split into consecutive sample ranges, each flagged when a
    /// transfer follows it, for a running count `count` before the batch.
    public static func chunks(count: Int, batch: Int, period: Int) -> [(samples: Range<Int>, transferAfter: Bool)] {
        guard period > 0 else { return batch > 0 ? [(0..<batch, false)] : [] }
        var result: [(samples: Range<Int>, transferAfter: Bool)] = []
        var start = 0
        // First sample s with (count + s + 1) % period == 0.
        var s = (period - (count % period)) - 1
        while s < batch {
            result.append((start..<(s + 1), true))
            start = s + 1
            s += period
        }
        if start < batch { result.append((start..<batch, false)) }
        return result
    }
}

/// The transfer-read IO aihwkit uses by default: its `IOParameters()` defaults (the forward
/// defaults here) with bound management off.
extension IOParameters {
    public static var transferDefault: IOParameters {
        var io = IOParameters.forwardDefault
        io.boundManagement = .none
        return io
    }
}

/// A transfer's pulsed write `C_slice t += η v` (``TransferArrays/writeSlowSlice(_:deferringRefresh:)``).
struct TransferSliceWrite {
    var slice: Int
    var values: [Float]
    var learningRate: Float
}
