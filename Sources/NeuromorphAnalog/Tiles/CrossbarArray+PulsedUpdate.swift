import CPulseKernels
import NeuromorphCore

extension CrossbarArray {
    /// Pulse-train length and row/column gains for one sample (see ``PulsedUpdateParameters``).
    struct TrainGains {
        var bitLength: Int
        var columnGain: Float
        var rowGain: Float
    }

    func trainGains(xMax: Float, dMax: Float, learningRate: Float) -> TrainGains {
        let needed = (learningRate * xMax * dMax / nominalStep).rounded(.up)
        let bitLength = update.bitLengthManagement ? Int(Swift.min(Swift.max(needed, 1), Float(update.desiredBL))) : update.desiredBL
        let product = learningRate / (nominalStep * Float(bitLength))       // A·B
        if update.updateManagement {
            // aihwkit's rule when the gradient is clipped (k = η·max|x|·max|d|/dw_min above
            // desired_bl): scale only the d side, so the column probabilities stay
            // proportional to |x| with P = 1 at max|x| ("avoid clipping of x",
            // PulsedUpdateMetaParameter::performUpdateManagement).
            let k = learningRate * xMax * dMax / nominalStep
            let dValue = k > Float(update.desiredBL) ? dMax * Float(update.desiredBL) / k : dMax
            let ratio = dValue / xMax                                       // A/B so that A·xMax = B·dValue
            return TrainGains(bitLength: bitLength, columnGain: (product * ratio).squareRoot(),
                              rowGain: (product / ratio).squareRoot())
        }
        let gain = product.squareRoot()
        return TrainGains(bitLength: bitLength, columnGain: gain, rowGain: gain)
    }

    /// A pulse train of `bitLength` slots, each firing with probability `p` (bit t = slot t),
    /// from 32-bit uniforms (two per 64-bit draw).
    @inline(__always)
    static func pulseTrain(probability p: Float, bitLength: Int, generator: inout SeededGenerator) -> UInt64 {
        if p >= 1 { return bitLength == 64 ? ~0 : (1 << UInt64(bitLength)) - 1 }
        let threshold = UInt32(p * 4_294_967_040)          // the largest Float below 2³²
        var word: UInt64 = 0
        var t = 0
        while t < bitLength {
            let bits = generator.next()
            if UInt32(truncatingIfNeeded: bits) < threshold { word |= 1 << UInt64(t) }
            if t + 1 < bitLength && UInt32(truncatingIfNeeded: bits >> 32) < threshold { word |= 1 << UInt64(t + 1) }
            t += 2
        }
        return word
    }

    /// Pulse trains for `count` probabilities at once (``neuromorph_pulse_trains``: each slot
    /// fires with probability `p` as in ``pulseTrain(probability:bitLength:generator:)``, from
    /// a quarter of the draws), drawn from `generator` in order.
    @inline(__always)
    static func pulseTrains(probabilities: UnsafePointer<Float>, count: Int, bitLength: Int,
                            generator: inout SeededGenerator, into trains: UnsafeMutablePointer<UInt64>) {
        guard count > 0 else { return }
        withUnsafeMutablePointer(to: &generator.state) { state in
            state.withMemoryRebound(to: UInt64.self, capacity: 4) { rng in
                neuromorph_pulse_trains(probabilities, count, UInt32(bitLength), rng, trains)
            }
        }
    }

    /// The column trains of one sample: column j (x_j ≠ 0) fires slot t with probability
    /// `gain·|x_j|`. Writes the columns with a non-empty train (index, train, sign) in order
    /// from the start of the three outputs and returns how many.
    static func columnTrains(x: UnsafePointer<Float>, count inputs: Int, gain: Float, bitLength: Int,
                             indices: UnsafeMutablePointer<Int32>, trains: UnsafeMutablePointer<UInt64>,
                             negative: UnsafeMutablePointer<Bool>, generator: inout SeededGenerator) -> Int {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: inputs) { probabilities in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: inputs) { drawn in
                var nonzero = 0
                for j in 0..<inputs where x[j] != 0 {
                    probabilities[nonzero] = gain * Swift.abs(x[j])
                    indices[nonzero] = Int32(truncatingIfNeeded: j)
                    nonzero += 1
                }
                pulseTrains(probabilities: probabilities.baseAddress!, count: nonzero, bitLength: bitLength,
                            generator: &generator, into: drawn.baseAddress!)
                var active = 0
                for k in 0..<nonzero {
                    let j = Int(indices[k])
                    indices[active] = Int32(truncatingIfNeeded: j)
                    trains[active] = drawn[k]
                    negative[active] = x[j] < 0
                    active &+= drawn[k] != 0 ? 1 : 0
                }
                return active
            }
        }
    }

    /// One-slot column trains of one sample (the common case: `bitLength == 1` and every
    /// probability below 1): column `j` fires when `u_j < |x_j|·scale`, where the 32-bit
    /// uniforms `u_{2k}`, `u_{2k+1}` are the low and high halves of the `k`-th 64-bit draw.
    /// Writes the firing columns (index, train 1, sign) in order from the start of the three
    /// outputs and returns how many fired.
    ///
    /// The same draws and the same comparisons as a per-column loop, in two passes: all
    /// uniforms first (the generator's serial chain alone), then a branch-free compaction
    /// (every column writes its slot, the slot advances only when it fires), so the
    /// data-dependent firing test costs no mispredicted branches.
    @inline(__always)
    static func oneSlotColumnTrains(x: UnsafePointer<Float>, count inputs: Int, scale: Float,
                                    indices: UnsafeMutablePointer<Int32>, trains: UnsafeMutablePointer<UInt64>,
                                    negative: UnsafeMutablePointer<Bool>, generator: inout SeededGenerator) -> Int {
        let pairs = (inputs + 1) / 2
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * pairs) { buffer in
            let uniforms = buffer.baseAddress!
            for k in 0..<pairs {
                let bits = generator.next()
                uniforms[2 * k] = UInt32(truncatingIfNeeded: bits)
                uniforms[2 * k + 1] = UInt32(truncatingIfNeeded: bits >> 32)
            }
            var active = 0
            for j in 0..<inputs {
                let v = x[j]
                let fires = uniforms[j] < UInt32(Swift.abs(v) * scale)
                indices[active] = Int32(truncatingIfNeeded: j)
                trains[active] = 1
                negative[active] = v < 0
                active &+= fires ? 1 : 0
            }
            return active
        }
    }

    /// The stochastic pulse-coincidence update (Gokmen & Vlasov 2016), one rank-1 update per
    /// sample: row and column pulse trains are bit-packed into 64-bit words, rows and columns
    /// without pulses are skipped, and each coincidence count `popcount(row & column)` is
    /// applied as that many device pulses with cycle-to-cycle noise. The column trains of
    /// all samples are drawn first; then the row blocks run in parallel, each through all
    /// samples in order with its own stream.
    ///
    /// `columnReads` (the batched path only, see ``readsColumnsInsideBatches``): after sample
    /// b, column `columnReads[b]` (−1: none) is read; returns the devices' weights there,
    /// `[samples × rows]` (empty without reads).
    @discardableResult
    mutating func stochasticUpdate(x: Tensor, d: Tensor, learningRate: Float, columnReads: [Int32]? = nil) -> [Float] {
        let draw = drawColumnTrains(x: x, d: d, learningRate: learningRate)
        return applyColumnTrains(draw, d: d, columnReads: columnReads)
    }

    /// Step 1 of ``stochasticUpdate(x:d:learningRate:columnReads:)``: the column trains and gains.
    mutating func drawColumnTrains(x: Tensor, d: Tensor, learningRate: Float) -> ColumnTrainDraw {
        let inputs = columns, outputs = rows, batch = x.rows
        // 1. Column trains and gains per sample, drawn in parallel over samples: sample b
        // uses its own stream derived from the array's `columns` stream (numbered by b: the
        // sample index within that one named stream, not a separate stream name), and writes its active
        // columns into its own slice [b·inputs, b·inputs + count_b) of flat buffers. For
        // one-slot trains (the common case of small gradients) one 64-bit draw serves two
        // columns.
        let capacity = batch * inputs
        // Written before read (only each sample's first count_b entries are used): no zero-fill.
        var columnIndex = [Int32](unsafeUninitializedCapacity: capacity) { _, n in n = capacity }
        var columnTrain = [UInt64](unsafeUninitializedCapacity: capacity) { _, n in n = capacity }
        var columnNegative = [Bool](unsafeUninitializedCapacity: capacity) { _, n in n = capacity }
        var sampleCount = [Int](repeating: 0, count: batch)
        var rowGain = [Float](repeating: 0, count: batch)
        var bitLength = [Int](repeating: 0, count: batch)
        let streamSeed = columnGenerator.next()
        let sampleChunks = Swift.min(batch, 8)
        x.scalars.withUnsafeBufferPointer { xs in
            d.scalars.withUnsafeBufferPointer { ds in
                columnIndex.withUnsafeMutableBufferPointer { ci in
                    columnTrain.withUnsafeMutableBufferPointer { ct in
                        columnNegative.withUnsafeMutableBufferPointer { cn in
                            sampleCount.withUnsafeMutableBufferPointer { counts in
                                rowGain.withUnsafeMutableBufferPointer { gainsOut in
                                    bitLength.withUnsafeMutableBufferPointer { lengthsOut in
                                        ComputeThreads.forEachChunk(sampleChunks) { chunk in
                                            let lower = chunk * batch / sampleChunks, upper = (chunk + 1) * batch / sampleChunks
                                            for b in lower..<upper {
                                                var generator = SeededGenerator(seed: streamSeed, stream: UInt64(b))
                                                let xRow = xs.baseAddress! + b * inputs
                                                let xMax = AnalogMatVec.absMax(xRow, count: inputs)
                                                let dMax = AnalogMatVec.absMax(ds.baseAddress! + b * outputs, count: outputs)
                                                guard xMax > 0, dMax > 0 else { counts[b] = 0; continue }
                                                let gains = trainGains(xMax: xMax, dMax: dMax, learningRate: learningRate)
                                                gainsOut[b] = gains.rowGain
                                                lengthsOut[b] = gains.bitLength
                                                let gain = gains.columnGain
                                                let base = b * inputs
                                                var active = 0
                                                if gains.bitLength == 1 && gain * xMax < 1 {
                                                    active = Self.oneSlotColumnTrains(
                                                        x: xRow, count: inputs, scale: gain * 4_294_967_040,
                                                        indices: ci.baseAddress! + base, trains: ct.baseAddress! + base,
                                                        negative: cn.baseAddress! + base, generator: &generator)
                                                } else {
                                                    active = Self.columnTrains(
                                                        x: xRow, count: inputs, gain: gain, bitLength: gains.bitLength,
                                                        indices: ci.baseAddress! + base, trains: ct.baseAddress! + base,
                                                        negative: cn.baseAddress! + base, generator: &generator)
                                                }
                                                counts[b] = active
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return ColumnTrainDraw(index: columnIndex, train: columnTrain, negative: columnNegative, count: sampleCount,
                               rowGain: rowGain, bitLength: bitLength)
    }

    /// Step 2 of ``stochasticUpdate(x:d:learningRate:columnReads:)``: the row trains and the
    /// device pulses, per row block from the block's stream.
    mutating func applyColumnTrains(_ draw: ColumnTrainDraw, d: Tensor, columnReads: [Int32]?) -> [Float] {
        let inputs = columns, outputs = rows, batch = draw.count.count
        let (columnIndex, columnTrain, columnNegative) = (draw.index, draw.train, draw.negative)
        let (sampleCount, rowGain, bitLength) = (draw.count, draw.rowGain, draw.bitLength)
        // Models with a batched kernel take the whole mini-batch per block (trains of at most
        // 31 slots: bit 31 of a column word carries its sign); a single sample that reaches
        // only a few columns (a transfer's one-column write) takes the sparse path instead.
        if bitLength.allSatisfy({ $0 <= PulseTrainBatch.maxBitLength }) && blocks.allSatisfy({ $0.acceptsTrainBatches }) {
            if columnReads == nil && draw.isSparseSample {
                applySparseSample(d: d, draw: draw)
                return []
            }
            return applyTrainBatches(d: d, columnIndex: columnIndex, columnTrain: columnTrain, columnNegative: columnNegative,
                                     sampleCount: sampleCount, rowGain: rowGain, bitLength: bitLength, columnReads: columnReads)
        }
        precondition(columnReads == nil, "CrossbarArray.stochasticUpdate: column reads need the batched path")
        // For one-slot trains every active column coincides with every firing row, so a row's
        // pulses are exactly the sample's active columns: keep their directions for both row
        // signs (up where d·x < 0) and apply them without a per-column coincidence test.
        let columnPositive = columnNegative.map { !$0 }
        var sampleStart = [Int](repeating: 0, count: batch + 1)
        var sampleEnd = [Int](repeating: 0, count: batch)
        for b in 0..<batch {
            sampleStart[b] = b * inputs
            sampleEnd[b] = b * inputs + sampleCount[b]
        }
        // 2. Row blocks in parallel. The shared inputs are read through raw pointers (no
        // reference counting across threads) and each block keeps its generator in a local
        // copy (no shared cache lines).
        let ranges = blockRows
        let gains = rowGain, lengths = bitLength, starts = sampleStart, ends = sampleEnd
        let ones = [UInt8](repeating: 1, count: inputs)
        withExtendedLifetime((columnIndex, columnTrain, columnNegative, columnPositive, ones, gains, lengths, starts, ends, ranges)) {
            let ci = columnIndex.withUnsafeBufferPointer { $0 }, ct = columnTrain.withUnsafeBufferPointer { $0 }
            let cn = columnNegative.withUnsafeBufferPointer { $0 }, rg = gains.withUnsafeBufferPointer { $0 }
            let bl = lengths.withUnsafeBufferPointer { $0 }, ss = starts.withUnsafeBufferPointer { $0 }
            let se = ends.withUnsafeBufferPointer { $0 }
            let cp = columnPositive.withUnsafeBufferPointer { $0 }, one = ones.withUnsafeBufferPointer { $0 }
            let rr = ranges.withUnsafeBufferPointer { $0 }
            d.scalars.withUnsafeBufferPointer { ds in
                blocks.withUnsafeMutableBufferPointer { devices in
                    blockGenerators.withUnsafeMutableBufferPointer { generators in
                        blockPulseCounts.withUnsafeMutableBufferPointer { counts in
                            ComputeThreads.forEachChunk(rr.count) { k in
                                let range = rr[k]
                                var generator = generators[k]
                                // One row's coincidences, gathered and applied in one device call.
                                let hitColumns = UnsafeMutablePointer<Int32>.allocate(capacity: inputs)
                                let hitCounts = UnsafeMutablePointer<UInt8>.allocate(capacity: inputs)
                                let hitUp = UnsafeMutablePointer<Bool>.allocate(capacity: inputs)
                                defer { hitColumns.deallocate(); hitCounts.deallocate(); hitUp.deallocate() }
                                counts[k].withUnsafeMutableBufferPointer { count in
                                    for b in 0..<batch where se[b] > ss[b] {
                                        let first = ss[b], last = se[b]
                                        for i in range {
                                            let di = ds[b * outputs + i]
                                            guard di != 0 else { continue }
                                            let rowTrain = Self.pulseTrain(probability: rg[b] * Swift.abs(di), bitLength: bl[b],
                                                                           generator: &generator)
                                            guard rowTrain != 0 else { continue }
                                            let rowNegative = di < 0
                                            let base = (i - range.lowerBound) * inputs
                                            if bl[b] == 1 {
                                                // up = rowNegative != columnNegative
                                                let up = rowNegative ? cp.baseAddress! + first : cn.baseAddress! + first
                                                devices[k].applyRowPulses(base: base, columns: ci.baseAddress! + first,
                                                                          counts: one.baseAddress!, up: up, n: last - first,
                                                                          generator: &generator)
                                                for c in first..<last { count[base + Int(ci[c])] &+= 1 }
                                                continue
                                            }
                                            // W ← W − η d x: d·x < 0 raises the weight.
                                            let hits = neuromorph_row_coincidences(
                                                rowTrain, rowNegative, ct.baseAddress! + first, ci.baseAddress! + first,
                                                cn.baseAddress! + first, last - first, hitColumns, hitCounts, hitUp,
                                                count.baseAddress! + base)
                                            if hits > 0 {
                                                devices[k].applyRowPulses(base: base, columns: hitColumns, counts: hitCounts, up: hitUp,
                                                                          n: hits, generator: &generator)
                                            }
                                        }
                                    }
                                }
                                generators[k] = generator
                            }
                        }
                    }
                }
            }
        }
        return []
    }

    /// Step 2 of ``stochasticUpdate(x:d:learningRate:)`` for one sample that reaches only a
    /// few columns (a transfer's write to one column of the slow array): per row block, the
    /// rows' trains drawn in order from the block's stream, every row's coincidences gathered
    /// into one list of devices (flat indices into the block) and applied in one
    /// ``PulsedDeviceArray/applyRowPulses(base:columns:counts:up:n:generator:)`` call, whose
    /// kernel takes eight devices at a time across the rows. (The batched kernel would set up
    /// each row's column group for a single update.)
    private mutating func applySparseSample(d: Tensor, draw: ColumnTrainDraw) {
        let active = draw.count[0], inputs = columns
        guard active > 0 else { return }
        forEachRowBlock(d: d, work: active * rows) { range, ds, device, generator, count in
            let hits = SparseHitBuffers(capacity: range.count * active)
            defer { hits.deallocate() }
            Self.applySparseRows(range, inputs: inputs, d: ds.baseAddress!, draw: draw, hits: hits, device: &device,
                                 generator: &generator, count: count)
        }
    }

    /// One sparse sample's update of the rows `range` of a block (`d` the sample's values for
    /// every row of the array, `inputs` its columns):
    /// the rows' trains from the block's stream, their coincidences with the sample's few
    /// active columns gathered into `hits` and applied in one device call.
    private static func applySparseRows(_ range: Range<Int>, inputs: Int, d ds: UnsafePointer<Float>, draw: ColumnTrainDraw,
                                        hits buffers: SparseHitBuffers, device: inout Devices, generator: inout SeededGenerator,
                                        count: UnsafeMutableBufferPointer<UInt32>) {
        let active = draw.count[0], rowGain = draw.rowGain[0], bitLength = draw.bitLength[0]
        draw.index.withUnsafeBufferPointer { ci in
            draw.train.withUnsafeBufferPointer { ct in
                draw.negative.withUnsafeBufferPointer { cn in
                    var hits = 0
                    for i in range {
                        let di = ds[i]
                        guard di != 0 else { continue }
                        let rowTrain = pulseTrain(probability: rowGain * Swift.abs(di), bitLength: bitLength, generator: &generator)
                        guard rowTrain != 0 else { continue }
                        let base = (i - range.lowerBound) * inputs
                        // W ← W − η d x: d·x < 0 raises the weight.
                        let rowHits = neuromorph_row_coincidences(
                            rowTrain, di < 0, ct.baseAddress!, ci.baseAddress!, cn.baseAddress!, active,
                            buffers.columns + hits, buffers.counts + hits, buffers.up + hits, count.baseAddress! + base)
                        for h in hits..<(hits + rowHits) { buffers.columns[h] &+= Int32(truncatingIfNeeded: base) }
                        hits += rowHits
                    }
                    if hits > 0 {
                        device.applyRowPulses(base: 0, columns: buffers.columns, counts: buffers.counts, up: buffers.up, n: hits,
                                              generator: &generator)
                    }
                }
            }
        }
    }

    /// Single-sample updates `W ← W − η_k d_kᵀ x_k`, in order, with the same draws and the same
    /// result as ``updateDevices(x:d:learningRate:)`` for each in turn (`weights` left stale):
    /// their column trains come from the column stream in order; where every one of them takes
    /// the sparse path (a batch's transfer writes to one column each of `C`), the row blocks
    /// then run once for all of them, in parallel, each applying them to its rows in order from
    /// its own stream, rather than once per update on the calling thread.
    mutating func updateDevices(sequence updates: [SingleSampleUpdate]) {
        let live = updates.filter { $0.learningRate > 0 }
        guard update.pulseType == .stochastic, update.desiredBL <= Self.packedTrainLimit, !live.isEmpty else {
            for u in updates { updateDevices(x: u.x, d: u.d, learningRate: u.learningRate) }
            return
        }
        for u in live {
            precondition(u.x.rows == 1 && u.d.rows == 1 && u.x.columns == columns && u.d.columns == rows,
                         "CrossbarArray.updateDevices(sequence:): x \(u.x.shape), d \(u.d.shape) for a \(rows)×\(columns) array")
        }
        let draws = live.map { drawColumnTrains(x: $0.x, d: $0.d, learningRate: $0.learningRate) }
        guard blocks.allSatisfy({ $0.acceptsTrainBatches }) && draws.allSatisfy({ $0.isSparseSample }) else {
            for (u, draw) in zip(live, draws) { applyColumnTrains(draw, d: u.d, columnReads: nil) }
            return
        }
        let inputs = columns, outputs = rows
        let ds = Tensor(shape: [live.count, outputs], scalars: live.flatMap { $0.d.scalars })
        let widest = draws.map { $0.count[0] }.max() ?? 0
        let work = draws.reduce(0) { $0 + $1.count[0] } * outputs
        forEachRowBlock(d: ds, work: work, parallelFrom: 4_096) { range, d, device, generator, count in
            let hits = SparseHitBuffers(capacity: range.count * widest)
            defer { hits.deallocate() }
            for (k, draw) in draws.enumerated() where draw.count[0] > 0 {
                Self.applySparseRows(range, inputs: inputs, d: d.baseAddress! + k * outputs, draw: draw, hits: hits, device: &device,
                                     generator: &generator, count: count)
            }
        }
    }

    /// The row blocks of a pulsed update: `body(rows, d, devices, stream, pulse counts)` for each
    /// block, with `d`'s scalars, the block's devices, its stream (kept for the next update)
    /// and its pulse counters; in parallel from `threshold` units of `work` on (below, on this
    /// thread: waking the helpers would cost more), the same numbers either way.
    private mutating func forEachRowBlock(
        d: Tensor, work: Int, parallelFrom threshold: Int = 32_768,
        _ body: (Range<Int>, UnsafeBufferPointer<Float>, inout Devices, inout SeededGenerator, UnsafeMutableBufferPointer<UInt32>) -> Void
    ) {
        let ranges = blockRows
        ranges.withUnsafeBufferPointer { rr in
            d.scalars.withUnsafeBufferPointer { ds in
                blocks.withUnsafeMutableBufferPointer { devices in
                    blockGenerators.withUnsafeMutableBufferPointer { generators in
                        blockPulseCounts.withUnsafeMutableBufferPointer { counts in
                            ComputeThreads.forEachChunk(rr.count, work: work, parallelFrom: threshold) { k in
                                var generator = generators[k]
                                counts[k].withUnsafeMutableBufferPointer { count in
                                    body(rr[k], ds, &devices[k], &generator, count)
                                }
                                generators[k] = generator
                            }
                        }
                    }
                }
            }
        }
    }

    /// Step 2 of ``stochasticUpdate(x:d:learningRate:)`` for models with a batched kernel:
    /// the samples' column trains as dense words (``PulseTrainBatch``), then per row block, in
    /// parallel, its row trains drawn from the block's stream in the same order as the
    /// row-by-row path (samples outer, rows inner), a lane seed from the same stream, and
    /// one ``PulsedDeviceArray/applyTrainBatch(_:generator:)`` call.
    private mutating func applyTrainBatches(d: Tensor, columnIndex: [Int32], columnTrain: [UInt64], columnNegative: [Bool],
                                            sampleCount: [Int], rowGain: [Float], bitLength: [Int], columnReads: [Int32]?) -> [Float] {
        let inputs = columns, outputs = rows, batch = sampleCount.count
        let readColumns = columnReads ?? []
        precondition(columnReads == nil || readColumns.count == batch, "CrossbarArray: \(readColumns.count) column reads for \(batch) samples")
        let padded = PulseTrainBatch.paddedColumns(inputs)
        var words = [UInt32](repeating: 0, count: batch * padded)
        words.withUnsafeMutableBufferPointer { words in
            columnIndex.withUnsafeBufferPointer { index in
                columnTrain.withUnsafeBufferPointer { train in
                    columnNegative.withUnsafeBufferPointer { negative in
                        for b in 0..<batch {
                            let start = b * inputs
                            for c in start..<(start + sampleCount[b]) {
                                words[b * padded + Int(index[c])] = UInt32(truncatingIfNeeded: train[c]) | (negative[c] ? 0x8000_0000 : 0)
                            }
                        }
                    }
                }
            }
        }
        let hasReads = columnReads != nil
        let readOut = UnsafeMutableBufferPointer<Float>.allocate(capacity: hasReads ? batch * outputs : 0)
        readOut.initialize(repeating: 0)
        defer { readOut.deallocate() }
        withExtendedLifetime((words, rowGain, bitLength, sampleCount, readColumns)) {
            let cw = words.withUnsafeBufferPointer { $0 }, rg = rowGain.withUnsafeBufferPointer { $0 }
            let bl = bitLength.withUnsafeBufferPointer { $0 }, sc = sampleCount.withUnsafeBufferPointer { $0 }
            let rc = readColumns.withUnsafeBufferPointer { $0 }
            // work: the devices the samples' trains can reach
            forEachRowBlock(d: d, work: sampleCount.reduce(0, +) * outputs) { range, ds, device, generator, count in
                var rowTrains = [UInt32](repeating: 0, count: range.count * batch)
                var rowNegative = [Bool](repeating: false, count: range.count * batch)
                // Per sample, the trains of the rows with d ≠ 0, drawn at once.
                withUnsafeTemporaryAllocation(of: Float.self, capacity: range.count) { probabilities in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: range.count) { firing in
                        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: range.count) { drawn in
                            for b in 0..<batch where sc[b] > 0 {
                                var nonzero = 0
                                for i in range where ds[b * outputs + i] != 0 {
                                    probabilities[nonzero] = rg[b] * Swift.abs(ds[b * outputs + i])
                                    firing[nonzero] = i
                                    nonzero += 1
                                }
                                Self.pulseTrains(probabilities: probabilities.baseAddress!, count: nonzero,
                                                 bitLength: bl[b], generator: &generator, into: drawn.baseAddress!)
                                for k in 0..<nonzero {
                                    let i = firing[k]
                                    let slot = (i - range.lowerBound) * batch + b
                                    rowTrains[slot] = UInt32(truncatingIfNeeded: drawn[k])
                                    rowNegative[slot] = ds[b * outputs + i] < 0
                                }
                            }
                        }
                    }
                }
                let laneSeed = generator.next()
                var blockReads = [Float](repeating: 0, count: hasReads ? batch * range.count : 0)
                rowTrains.withUnsafeBufferPointer { rt in
                    rowNegative.withUnsafeBufferPointer { rn in
                        blockReads.withUnsafeMutableBufferPointer { br in
                            var trains = PulseTrainBatch(
                                samples: batch, rows: range.count, columns: inputs, paddedColumns: padded,
                                columnTrains: cw.baseAddress!, rowTrains: rt.baseAddress!,
                                rowNegative: rn.baseAddress!, pulseCounts: count.baseAddress!,
                                writeCounts: nil, laneSeed: laneSeed)
                            if hasReads {
                                trains.readColumns = rc.baseAddress
                                trains.readWeights = br.baseAddress
                            }
                            device.applyTrainBatch(trains, generator: &generator)
                        }
                    }
                }
                if hasReads {
                    for b in 0..<batch where rc[b] >= 0 {
                        for local in 0..<range.count {
                            readOut[b * outputs + range.lowerBound + local] = blockReads[b * range.count + local]
                        }
                    }
                }
            }
        }
        return hasReads ? Array(readOut) : []
    }

    /// The expected-value update (Gokmen 2021 Eq. 3): the batch's expected coincidence counts
    /// `n⁺_ij = (η/dw_min) Σ_b max(−d_bi x_bj, 0)` (up) and `n⁻_ij` (down), applied as noise-free
    /// steps evaluated at the current weights: `w ← w + n⁺·step⁺(w) + n⁻·step⁻(w)`.
    mutating func expectedUpdate(x: Tensor, d: Tensor, learningRate: Float) {
        let positiveX = x.map { Swift.max($0, 0) }, negativeX = x.map { Swift.min($0, 0) }
        let positiveD = d.map { Swift.max($0, 0) }, negativeD = d.map { Swift.min($0, 0) }
        let scale = learningRate / nominalStep
        // up: d·x < 0  ⇔ (d⁺, −x⁻) or (−d⁻, x⁺) pairs
        var up = Tensor.zeros([0]), down = Tensor.zeros([0])
        Tensor.gemm(positiveD, .transposed, negativeX, .none, alpha: -scale, into: &up)
        Tensor.gemm(negativeD, .transposed, positiveX, .none, alpha: -scale, beta: 1, into: &up)
        Tensor.gemm(positiveD, .transposed, positiveX, .none, alpha: scale, into: &down)
        Tensor.gemm(negativeD, .transposed, negativeX, .none, alpha: scale, beta: 1, into: &down)
        for (k, range) in blockRows.enumerated() {
            var targets = blocks[k].weights
            let offset = range.lowerBound * columns
            for local in targets.indices {
                targets[local] += up.scalars[offset + local] * blocks[k].expectedStep(at: local, up: true)
                    + down.scalars[offset + local] * blocks[k].expectedStep(at: local, up: false)
            }
            blocks[k].setWeights(targets)
        }
    }
}

/// The sparse path of a pulsed update (a single sample that reaches few columns: a transfer's
/// write to one column of `C`).
enum CrossbarArraySparsePath {
    /// Single samples with at most this many active columns take it.
    static let sampleColumns = 8
}

/// Step 1 of a stochastic update: every sample's column trains (the columns with a
/// non-empty train, in order: index, train, sign) with its row gain and train length.
struct ColumnTrainDraw {
    /// Sample b's active columns are entries `b·columns ..< b·columns + count[b]`.
    var index: [Int32]
    var train: [UInt64]
    var negative: [Bool]
    var count: [Int]
    var rowGain: [Float]
    var bitLength: [Int]

    /// Whether a single-sample draw reaches few enough columns, with short enough trains,
    /// for the sparse path of ``CrossbarArray``.
    var isSparseSample: Bool {
        count.count == 1 && count[0] <= CrossbarArraySparsePath.sampleColumns && bitLength[0] <= PulseTrainBatch.maxBitLength
    }
}

/// The hit lists of the sparse path: per hit, the device (flat index in its block), its pulse count and direction.
struct SparseHitBuffers {
    let columns: UnsafeMutablePointer<Int32>
    let counts: UnsafeMutablePointer<UInt8>
    let up: UnsafeMutablePointer<Bool>

    init(capacity: Int) {
        columns = .allocate(capacity: capacity)
        counts = .allocate(capacity: capacity)
        up = .allocate(capacity: capacity)
    }

    func deallocate() { columns.deallocate(); counts.deallocate(); up.deallocate() }
}

/// One sample's update `W ← W − η dᵀx` (`x`: `[1, columns]`, `d`: `[1, rows]`).
struct SingleSampleUpdate {
    var x: Tensor
    var d: Tensor
    var learningRate: Float
}
