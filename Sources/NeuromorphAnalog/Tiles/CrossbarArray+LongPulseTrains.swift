import NeuromorphCore

// MARK: - Pulse trains longer than one 64-bit word

extension CrossbarArray {
    /// The longest train the packed one-word path (``stochasticUpdate(x:d:learningRate:)``)
    /// handles; longer `desired_bl` values (aihwkit's `EcRamMO`/`Idealized` TTv2 and AGAD
    /// presets use 100) go through ``longTrainUpdate(x:d:learningRate:)``.
    static var packedTrainLimit: Int { 64 }

    /// The stochastic pulse-coincidence update for `desired_bl > 64` (Gokmen & Vlasov 2016;
    /// aihwkit `STOCHASTIC_COMPRESSED` with a long train): the same gains, clipping and
    /// update management as the packed path (``trainGains(xMax:dMax:learningRate:)``), with
    /// each train stored as `⌈BL/64⌉` words, so
    ///
    /// ```
    /// coincidences_ij = Σ_words popcount(row_i[w] & column_j[w])   (at most BL ≤ 255)
    /// E[coincidences_ij] · dw_min = η |d_i x_j|   (unclipped)
    /// ```
    ///
    /// Column trains of sample `b` come from the array's `columns` stream numbered by `b`; row
    /// trains and cycle-to-cycle noise from each row block's own stream, so the result does
    /// not depend on the thread count.
    mutating func longTrainUpdate(x: Tensor, d: Tensor, learningRate: Float) {
        let inputs = columns, outputs = rows
        let streamSeed = columnGenerator.next()
        // 1. Per sample: train length, row gain and the active columns' trains.
        let plans = longTrainPlans(x: x, d: d, learningRate: learningRate, streamSeed: streamSeed)
        // 2. Row blocks in parallel, each through all samples in order with its own stream.
        let ranges = blockRows
        let samples = plans
        d.scalars.withUnsafeBufferPointer { ds in
            blocks.withUnsafeMutableBufferPointer { devices in
                blockGenerators.withUnsafeMutableBufferPointer { generators in
                    blockPulseCounts.withUnsafeMutableBufferPointer { counts in
                        ComputeThreads.forEachChunk(ranges.count) { k in
                            let range = ranges[k]
                            var generator = generators[k]
                            var hitColumns = [Int32](repeating: 0, count: inputs)
                            var hitCounts = [UInt8](repeating: 0, count: inputs)
                            var hitUp = [Bool](repeating: false, count: inputs)
                            for (b, plan) in samples.enumerated() where !plan.columns.isEmpty {
                                let words = plan.words
                                for i in range {
                                    let di = ds[b * outputs + i]
                                    guard di != 0 else { continue }
                                    let rowTrain = Self.longPulseTrain(probability: plan.rowGain * Swift.abs(di),
                                                                       bitLength: plan.bitLength, generator: &generator)
                                    guard rowTrain.contains(where: { $0 != 0 }) else { continue }
                                    let rowNegative = di < 0
                                    let base = (i - range.lowerBound) * inputs
                                    var hits = 0
                                    for c in plan.columns.indices {
                                        var coincidences = 0
                                        for w in 0..<words { coincidences += (rowTrain[w] & plan.trains[c * words + w]).nonzeroBitCount }
                                        guard coincidences > 0 else { continue }
                                        let column = plan.columns[c]
                                        hitColumns[hits] = column
                                        hitCounts[hits] = UInt8(coincidences)
                                        // W ← W − η d x: d·x < 0 raises the weight.
                                        hitUp[hits] = rowNegative != plan.negative[c]
                                        counts[k][base + Int(column)] &+= UInt32(coincidences)
                                        hits += 1
                                    }
                                    if hits > 0 {
                                        hitColumns.withUnsafeBufferPointer { hc in
                                            hitCounts.withUnsafeBufferPointer { hn in
                                                hitUp.withUnsafeBufferPointer { hu in
                                                    devices[k].applyRowPulses(base: base, columns: hc.baseAddress!, counts: hn.baseAddress!,
                                                                              up: hu.baseAddress!, n: hits, generator: &generator)
                                                }
                                            }
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

    /// A train of `bitLength` slots (bit `t % 64` of word `t / 64`), each firing with
    /// probability `p`, from the packed path's one-word trains.
    /// Step 1 of a long-train update: per sample its train length, row gain and the active
    /// columns' trains (``trainGains(xMax:dMax:learningRate:)``), sample `b`'s from the stream
    /// `streamSeed` numbered by `b`. Used by ``longTrainUpdate(x:d:learningRate:)`` and by
    /// arrays that share their trains (``sharedTrainUpdate(_:x:d:learningRate:)``).
    func longTrainPlans(x: Tensor, d: Tensor, learningRate: Float, streamSeed: UInt64) -> [LongTrainSample] {
        let inputs = columns, outputs = rows, batch = x.rows
        var plans: [LongTrainSample] = []
        plans.reserveCapacity(batch)
        for b in 0..<batch {
            var generator = SeededGenerator(seed: streamSeed, stream: UInt64(b))
            var xMax: Float = 0, dMax: Float = 0
            for j in 0..<inputs { xMax = Swift.max(xMax, Swift.abs(x.scalars[b * inputs + j])) }
            for i in 0..<outputs { dMax = Swift.max(dMax, Swift.abs(d.scalars[b * outputs + i])) }
            guard xMax > 0, dMax > 0 else { plans.append(LongTrainSample()); continue }
            let gains = trainGains(xMax: xMax, dMax: dMax, learningRate: learningRate)
            var plan = LongTrainSample(bitLength: gains.bitLength, rowGain: gains.rowGain)
            var train = [UInt64](repeating: 0, count: plan.words)
            for j in 0..<inputs {
                let v = x.scalars[b * inputs + j]
                guard v != 0 else { continue }
                let fired = train.withUnsafeMutableBufferPointer {
                    Self.drawTrain(into: $0.baseAddress!, probability: gains.columnGain * Swift.abs(v),
                                   bitLength: gains.bitLength, generator: &generator)
                }
                guard fired else { continue }
                plan.columns.append(Int32(j))
                plan.negative.append(v < 0)
                plan.trains += train
            }
            plans.append(plan)
        }
        return plans
    }

    static func longPulseTrain(probability p: Float, bitLength: Int, generator: inout SeededGenerator) -> [UInt64] {
        var words: [UInt64] = []
        var remaining = bitLength
        while remaining > 0 {
            let length = Swift.min(remaining, packedTrainLimit)
            words.append(pulseTrain(probability: p, bitLength: length, generator: &generator))
            remaining -= length
        }
        return words
    }
}

/// One sample's column side of a long-train update.
struct LongTrainSample {
    var bitLength = 0
    var rowGain: Float = 0
    /// Active columns, their signs and their trains (`words` per column, consecutive).
    var columns: [Int32] = []
    var negative: [Bool] = []
    var trains: [UInt64] = []

    var words: Int { (bitLength + 63) / 64 }
}
