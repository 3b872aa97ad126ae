import NeuromorphCore

// MARK: - One set of pulse trains for several arrays

extension CrossbarArray {
    /// The stochastic pulsed update of several arrays of one shape with *one* set of pulse
    /// trains, the devices of a ``VectorUnitCell`` under `update_policy: all` (aihwkit 1.1
    /// `VectorRPUDevice::doSparseUpdate` / `doDenseUpdate`: the tile draws the row and column
    /// trains once and hands the same coincidences to every device of the cross-point):
    ///
    /// ```
    /// n_ij(b) = Σ_words popcount(row_i(b) & column_j(b))     drawn once per sample b
    /// device k: n_ij(b) pulses in direction −sign(d_bi x_bj), with its own cycle-to-cycle noise
    /// ```
    ///
    /// The trains follow the single-array update (``trainGains(xMax:dMax:learningRate:)``:
    /// bit-length and update management with the devices' common `dw_min`, as aihwkit's
    /// averaged weight granularity for one model) and come from array 0's streams: column
    /// trains of sample `b` from its `columns` stream numbered by `b`, row trains from its
    /// block streams. Each array's device noise comes from its own block streams (array 0's
    /// interleaved with the row trains, as in its own update), so the coincidences are equal
    /// across arrays and the noise is independent. Row blocks run in parallel; the result does
    /// not depend on the thread count.
    ///
    /// Other pulse types (`expected`, `float`) have no random trains: each array is updated on
    /// its own, with the same counts by construction.
    static func sharedTrainUpdate(_ arrays: inout [CrossbarArray], x: Tensor, d: Tensor, learningRate: Float) {
        // No copy of an array is held while its devices are pulsed (it would copy their buffers).
        guard !arrays.isEmpty else { return }
        let inputs = arrays[0].columns, outputs = arrays[0].rows, ranges = arrays[0].blockRows
        precondition(arrays.allSatisfy { $0.rows == outputs && $0.columns == inputs && $0.blockRows == ranges },
                     "CrossbarArray.sharedTrainUpdate: arrays of different shapes")
        guard arrays.count > 1, arrays[0].update.pulseType == .stochastic else {
            for a in arrays.indices { arrays[a].update(x: x, d: d, learningRate: learningRate) }
            return
        }
        precondition(x.rows == d.rows && x.columns == inputs && d.columns == outputs,
                     "CrossbarArray.sharedTrainUpdate: x \(x.shape), d \(d.shape) for a \(outputs)×\(inputs) array")
        guard learningRate > 0 else { return }
        // 1. Per sample: train length, row gain and the active columns' trains (array 0's
        // `columns` stream, numbered by the sample).
        let streamSeed = arrays[0].columnGenerator.next()
        let plans = arrays[0].longTrainPlans(x: x, d: d, learningRate: learningRate, streamSeed: streamSeed)
        // 2. Take the blocks out of the arrays (so each is uniquely referenced while pulsed),
        // flat by array then block: slot a · blocks + k.
        let count = arrays.count, blockCount = ranges.count
        var devices: [Devices] = [], generators: [SeededGenerator] = [], pulseCounts: [[UInt32]] = []
        devices.reserveCapacity(count * blockCount)
        for a in arrays.indices {
            devices += arrays[a].blocks
            arrays[a].blocks = []
            generators += arrays[a].blockGenerators
            pulseCounts += arrays[a].blockPulseCounts
            arrays[a].blockPulseCounts = []
        }
        let samples = plans
        let maxWords = samples.map(\.words).max() ?? 1
        d.scalars.withUnsafeBufferPointer { ds in
            devices.withUnsafeMutableBufferPointer { dv in
                generators.withUnsafeMutableBufferPointer { gv in
                    pulseCounts.withUnsafeMutableBufferPointer { cv in
                        ComputeThreads.forEachChunk(blockCount) { k in
                            let range = ranges[k]
                            var local = (0..<count).map { gv[$0 * blockCount + k] }
                            var rowTrain = [UInt64](repeating: 0, count: Swift.max(maxWords, 1))
                            var hitColumns = [Int32](repeating: 0, count: inputs)
                            var hitCounts = [UInt8](repeating: 0, count: inputs)
                            var hitUp = [Bool](repeating: false, count: inputs)
                            for (b, plan) in samples.enumerated() where !plan.columns.isEmpty {
                                let words = plan.words
                                for i in range {
                                    let di = ds[b * outputs + i]
                                    guard di != 0 else { continue }
                                    let fired = rowTrain.withUnsafeMutableBufferPointer {
                                        Self.drawTrain(into: $0.baseAddress!, probability: plan.rowGain * Swift.abs(di),
                                                       bitLength: plan.bitLength, generator: &local[0])
                                    }
                                    guard fired else { continue }
                                    let rowNegative = di < 0
                                    var hits = 0
                                    for c in plan.columns.indices {
                                        var coincidences = 0
                                        for w in 0..<words { coincidences += (rowTrain[w] & plan.trains[c * words + w]).nonzeroBitCount }
                                        guard coincidences > 0 else { continue }
                                        hitColumns[hits] = plan.columns[c]
                                        hitCounts[hits] = UInt8(coincidences)
                                        // W ← W − η d x: d·x < 0 raises the weight.
                                        hitUp[hits] = rowNegative != plan.negative[c]
                                        hits += 1
                                    }
                                    guard hits > 0 else { continue }
                                    let base = (i - range.lowerBound) * inputs
                                    hitColumns.withUnsafeBufferPointer { hc in
                                        hitCounts.withUnsafeBufferPointer { hn in
                                            hitUp.withUnsafeBufferPointer { hu in
                                                for a in 0..<count {
                                                    let slot = a * blockCount + k
                                                    dv[slot].applyRowPulses(base: base, columns: hc.baseAddress!, counts: hn.baseAddress!,
                                                                            up: hu.baseAddress!, n: hits, generator: &local[a])
                                                    for h in 0..<hits { cv[slot][base + Int(hc[h])] &+= UInt32(hn[h]) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            for a in 0..<count { gv[a * blockCount + k] = local[a] }
                        }
                    }
                }
            }
        }
        // 3. Back into the arrays.
        for a in arrays.indices {
            let slots = (a * blockCount)..<((a + 1) * blockCount)
            arrays[a].blocks = Array(devices[slots])
            arrays[a].blockGenerators = Array(generators[slots])
            arrays[a].blockPulseCounts = Array(pulseCounts[slots])
        }
        devices = []
        pulseCounts = []
        for a in arrays.indices { arrays[a].refreshWeights() }
    }

    /// A train of `bitLength` slots into `⌈bitLength/64⌉` words (bit `t % 64` of word `t / 64`),
    /// each slot firing with probability `p`, drawn as the single-array update draws them
    /// (``pulseTrain(probability:bitLength:generator:)`` per word). Returns whether any fired.
    static func drawTrain(into words: UnsafeMutablePointer<UInt64>, probability p: Float, bitLength: Int,
                          generator: inout SeededGenerator) -> Bool {
        var remaining = bitLength, w = 0, any: UInt64 = 0
        while remaining > 0 {
            let length = Swift.min(remaining, packedTrainLimit)
            words[w] = pulseTrain(probability: p, bitLength: length, generator: &generator)
            any |= words[w]
            remaining -= length
            w += 1
        }
        return any != 0
    }
}
