import NeuromorphCore

// MARK: - The chopped fast-array update shared by c-TTv2 and AGAD

/// The running maxima `m_x`, `m_d` of aihwkit's `auto_scale` (`updateAutoScale`), kept by the
/// chopped transfer cells (``ChoppedTransferCompound``, ``DynamicTransferCompound``).
struct ChoppedAutoScale {
    var xMaxAverage: Float
    var dMaxAverage: Float

    /// aihwkit `updateAutoScale`: the first positive value is taken as is, then an EMA.
    static func runningMax(_ m: Float, _ value: Float, tau: Float) -> Float {
        if m <= 0 { return value }
        if value <= 0 { return m }
        return (1 - tau) * m + tau * value
    }

    /// The per-sample fast rates `η_b` (note §1.3): `fast_lr·BL·dw_min_A/(m_x·m_d)` with
    /// `auto_scale` (the maxima updated sample by sample), else `η_A` for every sample.
    mutating func sampleRates<Fast, Slow>(x: Tensor, d: Tensor, arrays: TransferArrays<Fast, Slow>,
                                          parameters: ChoppedTransferCompoundParameters, fastRate: Float) -> [Float] {
        let batch = x.rows, rows = arrays.rows, columns = arrays.columns
        var rates = [Float](repeating: fastRate, count: batch)
        guard parameters.autoScale else { return rates }
        let dwA = arrays.fast.nominalStep, bl = Float(arrays.fast.update.desiredBL)
        let tau = (1 - parameters.autoMomentum) / Float(batch)
        let fastLR = parameters.transfer.fastLR
        for b in 0..<batch {
            var xMax: Float = 0, dMax: Float = 0
            x.scalars.withUnsafeBufferPointer { xs in
                for j in 0..<columns { xMax = Swift.max(xMax, Swift.abs(xs[b * columns + j])) }
            }
            d.scalars.withUnsafeBufferPointer { ds in
                for i in 0..<rows { dMax = Swift.max(dMax, Swift.abs(ds[b * rows + i])) }
            }
            xMaxAverage = Self.runningMax(xMaxAverage, xMax, tau: tau)
            dMaxAverage = Self.runningMax(dMaxAverage, dMax, tau: tau)
            if fastLR > 0 {
                var rate = fastLR * bl * dwA
                if xMaxAverage > 0 && dMaxAverage > 0 { rate /= xMaxAverage * dMaxAverage }
                rates[b] = rate
            }
        }
        return rates
    }
}

extension TransferArrays {
    /// One chunk of a chopped fast update (note §1.3): `A ← A − Σ_b η_b (c_out∘d_b)ᵀ(c_in∘x_b)`,
    /// applied as one call with the `d` rows scaled by `η_b/η_ref` (the same expected update,
    /// and the same pulse probabilities under update management, whose gains depend on
    /// `η·max|x|·max|d|` only). Returns `η` of the chunk's last sample (aihwkit `tmp_count_lr`).
    mutating func updateFastChopped(x: Tensor, d: Tensor, samples: Range<Int>, sampleRates: [Float],
                                    columnSigns: [Float], rowSigns: [Float], deferringRefresh: Bool) -> Float {
        let rows = self.rows, columns = self.columns
        var xs = x.gatherRows(samples), ds = d.gatherRows(samples)
        for b in 0..<xs.rows {
            for j in 0..<columns { xs.scalars[b * columns + j] *= columnSigns[j] }
        }
        let reference = sampleRates[samples.lowerBound]
        for (b, sample) in samples.enumerated() {
            let scale = reference > 0 ? sampleRates[sample] / reference : 0
            for i in 0..<rows { ds.scalars[b * rows + i] *= rowSigns[i] * scale }
        }
        updateFast(x: xs, d: ds, samples: 0..<xs.rows, learningRate: reference, deferringRefresh: deferringRefresh)
        return sampleRates[samples.upperBound - 1]
    }
}

extension TransferArrays {
    /// The chopped fast update of a whole batch with the transfers' column reads inside it
    /// (c-TTv2 and AGAD): chunk c's samples scaled by the choppers it sees
    /// (`chunkSigns[c]`: x by the column signs, d by the row signs and `η_b/η_0`), one fast
    /// update at `η_0` reading fast column `reads[b]` after sample b
    /// (``updateFastReadingColumns(x:d:learningRate:reads:)``). Returns `[samples × rows]`.
    mutating func updateFastChoppedReading(x: Tensor, d: Tensor, chunks: [(samples: Range<Int>, transferAfter: Bool)],
                                           chunkSigns: [(columns: [Float], rows: [Float])], sampleRates: [Float],
                                           reads: [Int32]) -> [Float] {
        let rows = self.rows, columns = self.columns
        var xs = x, ds = d
        let reference = sampleRates[0]
        xs.scalars.withUnsafeMutableBufferPointer { xs in
            ds.scalars.withUnsafeMutableBufferPointer { ds in
                for (chunk, signs) in zip(chunks, chunkSigns) {
                    signs.columns.withUnsafeBufferPointer { columnSigns in
                        signs.rows.withUnsafeBufferPointer { rowSigns in
                            for b in chunk.samples {
                                let scale = reference > 0 ? sampleRates[b] / reference : 0
                                for j in 0..<columns { xs[b * columns + j] *= columnSigns[j] }
                                for i in 0..<rows { ds[b * rows + i] *= rowSigns[i] * scale }
                            }
                        }
                    }
                }
            }
        }
        return updateFastReadingColumns(x: xs, d: ds, learningRate: reference, reads: reads)
    }
}

/// Sample `b`'s column of a batch's reads `[samples × rows]`.
func readColumn(_ reads: [Float], after b: Int, rows: Int) -> [Float] {
    Array(reads[(b * rows)..<((b + 1) * rows)])
}

/// The batch flow the chopped transfer cells share (c-TTv2 ``ChoppedTransferCompound``, AGAD
/// ``DynamicTransferCompound``): the whole batch in one fast update with the transfer reads
/// inside it where the arrays allow (``TransferArrays/readsTransfersInsideBatches(io:)``),
/// otherwise chunk by chunk, each chunk's fast update followed by its transfer.
protocol ChoppedTransferCell {
    associatedtype Fast: PulsedDeviceArray
    associatedtype Slow: PulsedDeviceArray
    var arrays: TransferArrays<Fast, Slow> { get set }
    var currentFastRate: Float { get set }
    var columnChopper: [Float] { get }
    var rowChopper: [Float] { get }
    /// The transfer read's periphery (`transfer_forward`).
    var transferReadIO: IOParameters { get }
    /// One transfer of slice `sliceIndex`, leaving `C`'s weight copy for the refresh.
    mutating func transferDeferringRefresh(learningRate: Float)
    /// The one-call path (choppers advanced through the batch's transfers first).
    mutating func updateReadingInsideBatch(x: Tensor, d: Tensor, chunks: [(samples: Range<Int>, transferAfter: Bool)],
                                           sampleRates: [Float], transferRate: Float)
}

extension ChoppedTransferCell {
    mutating func applyChoppedBatch(x: Tensor, d: Tensor, chunks: [(samples: Range<Int>, transferAfter: Bool)],
                                    sampleRates: [Float], transferRate: Float) {
        if chunks.count > 1 && arrays.readsTransfersInsideBatches(io: transferReadIO) {
            updateReadingInsideBatch(x: x, d: d, chunks: chunks, sampleRates: sampleRates, transferRate: transferRate)
            return
        }
        for chunk in chunks {
            // `A` and `C` are read only through transfer reads of the devices until the
            // refresh at the end: no copy of their weights per chunk.
            currentFastRate = arrays.updateFastChopped(x: x, d: d, samples: chunk.samples, sampleRates: sampleRates,
                                                       columnSigns: columnChopper, rowSigns: rowChopper, deferringRefresh: true)
            if chunk.transferAfter { transferDeferringRefresh(learningRate: transferRate) }
        }
    }
}

// MARK: - The chopped transfer read's shared pieces

extension ChoppedTransferCompoundParameters {
    /// The read-to-buffer scale `λ = |η_C|/bg` with the buffer granularity `bg` (aihwkit
    /// `getBufferGranularity`, `getTransferLRScale`; note §1.3); with
    /// `correct_gradient_magnitudes`, `bg` is in units of `dw_min_C` and `λ` is divided by the
    /// fast rate of the last sample.
    func bufferScale<Fast, Slow>(transferRate: Float, currentFastRate: Float, arrays: TransferArrays<Fast, Slow>) -> Float {
        let dwA = arrays.fast.nominalStep, dwC = arrays.slow.nominalStep
        var bg = (bufferGranularity > 0 ? bufferGranularity : 1) * dwA
        if autoGranularity > 0 {
            bg *= autoGranularity / (Float(arrays.sliceCount) * Swift.abs(transfer.transferEvery))
        }
        if correctGradientMagnitudes {
            bg *= dwC / dwA
            return currentFastRate > 0 ? Swift.abs(transferRate) / currentFastRate / bg : 0
        }
        return Swift.abs(transferRate) / bg
    }

    /// After the read of slice `t`: at the end of a sweep the output choppers flip with
    /// `out_chop_prob` each and the sweep counter advances; then the next slice.
    func finishSliceRead<Fast, Slow>(_ t: Int, arrays: inout TransferArrays<Fast, Slow>, outChopper: inout [Float],
                                     sweeps: inout Int, generator: inout SeededGenerator) {
        if t == arrays.sliceCount - 1 {
            if outChopProbability > 0 {
                for i in outChopper.indices where generator.nextUniform() < outChopProbability {
                    outChopper[i] = -outChopper[i]
                    arrays.statistics.chopperFlips += 1
                }
            }
            sweeps += 1
        }
        arrays.advanceSlice()
    }
}
