import NeuromorphCore

// MARK: - Reading one column or row

extension CrossbarArray {
    /// Reads columns `columns` of `W` through the forward periphery with its own settings
    /// (aihwkit's transfer read, `transfer_forward`): each one-hot input `e_j` gives
    ///
    /// ```
    /// r_j = f_out(W f_in(e_j)) ≈ W[:, j]      (exactly, with io = .perfect)
    /// ```
    ///
    /// Returns `[columns.count, rows]`: row `k` holds column `columns.lowerBound + k` of `W`.
    /// The noise is drawn from the array's `read` stream.
    public mutating func readColumns(_ columns: Range<Int>, io: IOParameters) -> Tensor {
        precondition(columns.lowerBound >= 0 && columns.upperBound <= self.columns,
                     "CrossbarArray.readColumns: \(columns) outside 0..<\(self.columns)")
        var oneHot = Tensor.zeros([columns.count, self.columns])
        for (k, j) in columns.enumerated() { oneHot.scalars[k * self.columns + j] = 1 }
        return forward(oneHot, io: io)
    }

    /// Reads rows `rows` of `W` through the backward periphery with settings `io`: each
    /// one-hot `e_i` gives `f_out(Wᵀ f_in(e_i)) ≈ W[i, :]`. Returns `[rows.count, columns]`.
    public mutating func readRows(_ rows: Range<Int>, io: IOParameters) -> Tensor {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= self.rows,
                     "CrossbarArray.readRows: \(rows) outside 0..<\(self.rows)")
        var oneHot = Tensor.zeros([rows.count, self.rows])
        for (k, i) in rows.enumerated() { oneHot.scalars[k * self.rows + i] = 1 }
        return backward(oneHot, io: io)
    }
}

// MARK: - Reading one slice from the devices

extension CrossbarArray {
    /// One column `t` (`columns: true`: `f_out(W f_in(e_t))`) or row `t` (`f_out(Wᵀ f_in(e_t))`)
    /// of the devices' weights through the periphery `io`: bit for bit what
    /// ``readColumns(_:io:)`` / ``readRows(_:io:)`` return for `t..<t+1` (same draws from the
    /// `read` stream), without the product over the whole array and correct even while
    /// ``weights`` is stale (see ``updateDevices(x:d:learningRate:)``).
    ///
    /// Why it is the same: with a one-hot input, noise management scales by `max|e_t| = 1`,
    /// the DAC maps the zeros to 0 and the one to the same code `q`, so every output of the
    /// full product is `q·w_it` plus exact zeros, which is `q·w_it` exactly (one rounding, FMA
    /// or not); the output noise and the ADC see the same number of outputs, so the same
    /// draws. Stochastic input rounding (one uniform per input element) and bound management
    /// (repeated reads of the whole input) break the argument: those settings fall back to
    /// the full read.
    mutating func readDeviceSlice(_ t: Int, columns byColumn: Bool, io: IOParameters) -> [Float] {
        guard !io.inputStochasticRounding, io.boundManagement == .none else {
            refreshWeights()
            return byColumn ? readColumns(t..<(t + 1), io: io).scalars : readRows(t..<(t + 1), io: io).scalars
        }
        let one = Tensor(shape: [1, 1], scalars: [1])
        if byColumn {
            precondition(t >= 0 && t < columns, "CrossbarArray.readDeviceSlice: column \(t) outside 0..<\(columns)")
            var column = [Float](repeating: 0, count: rows)
            for (k, range) in blockRows.enumerated() {
                let devices = blocks[k]
                for local in 0..<range.count { column[range.lowerBound + local] = devices.weight(at: local * columns + t) }
            }
            return readColumn(deviceWeights: column, io: io)
        }
        precondition(t >= 0 && t < rows, "CrossbarArray.readDeviceSlice: row \(t) outside 0..<\(rows)")
        let k = t / Self.rowsPerBlock, local = t - blockRows[k].lowerBound
        let devices = blocks[k]
        let row = (0..<columns).map { devices.weight(at: local * columns + $0) }
        return AnalogMatVec.apply(one, weights: Tensor(shape: [1, columns], scalars: row), transpose: .none,
                                  io: io, generator: &readGenerator).scalars
    }
}

extension CrossbarArray {
    /// The periphery half of ``readDeviceSlice(_:columns:io:)`` for a column: `f_out(w f_in(1))`
    /// of given device weights `w` (`rows` of them, e.g. a column as it stood inside a batch,
    /// ``updateDevices(x:d:learningRate:readingColumns:)``). Same settings restriction.
    mutating func readColumn(deviceWeights column: [Float], io: IOParameters) -> [Float] {
        precondition(column.count == rows, "CrossbarArray.readColumn: \(column.count) weights for \(rows) rows")
        let one = Tensor(shape: [1, 1], scalars: [1])
        return AnalogMatVec.apply(one, weights: Tensor(shape: [rows, 1], scalars: column), transpose: .transposed,
                                  io: io, generator: &readGenerator).scalars
    }

    /// Whether ``updateDevices(x:d:learningRate:readingColumns:)`` can read columns inside a
    /// mini-batch: stochastic pulse trains of at most 31 slots on devices with a batched kernel.
    var readsColumnsInsideBatches: Bool {
        update.pulseType == .stochastic && update.desiredBL <= PulseTrainBatch.maxBitLength
            && blocks.allSatisfy { $0.acceptsTrainBatches }
    }

    /// ``updateDevices(x:d:learningRate:)`` with column reads inside the batch: after sample b,
    /// the devices' weights of column `reads[b]` (−1: none), as
    /// ``PulsedDeviceArray/weight(at:)`` returns them at that point — what a transfer read
    /// after that sample sees (``readColumn(deviceWeights:io:)``). Returns `[samples × rows]`.
    /// Needs ``readsColumnsInsideBatches``.
    mutating func updateDevices(x: Tensor, d: Tensor, learningRate: Float, readingColumns reads: [Int32]) -> [Float] {
        precondition(readsColumnsInsideBatches && reads.count == x.rows
                        && reads.allSatisfy { $0 >= -1 && Int($0) < columns },
                     "CrossbarArray.updateDevices(readingColumns:): \(reads.count) reads for \(x.rows) samples")
        precondition(x.rows == d.rows && x.columns == columns && d.columns == rows,
                     "CrossbarArray.update: x \(x.shape), d \(d.shape) for a \(rows)×\(columns) array")
        guard learningRate > 0 else {
            // No pulses: every read sees the devices as they are.
            var values = [Float](repeating: 0, count: x.rows * rows)
            for (b, column) in reads.enumerated() where column >= 0 {
                for (k, range) in blockRows.enumerated() {
                    for local in 0..<range.count {
                        values[b * rows + range.lowerBound + local] = blocks[k].weight(at: local * columns + Int(column))
                    }
                }
            }
            return values
        }
        return stochasticUpdate(x: x, d: d, learningRate: learningRate, columnReads: reads)
    }
}

// MARK: - Pulsing one column or row

extension CrossbarArray {
    /// Applies `counts[i]` single pulses to device `(i, column)` for every row `i`: upwards
    /// where `counts[i] > 0`, downwards where `< 0`, each pulse with the device's step,
    /// nonlinearity, bounds and cycle-to-cycle noise (drawn from the stream of the row's
    /// block). The write half of aihwkit's transfer (`transfer_columns`) with given counts.
    public mutating func applyPulses(toColumn column: Int, counts: [Int]) {
        precondition((0..<columns).contains(column) && counts.count == rows,
                     "CrossbarArray.applyPulses(toColumn:): column \(column), \(counts.count) counts for a \(rows)×\(columns) array")
        for (k, range) in blockRows.enumerated() {
            for i in range where counts[i] != 0 {
                let local = (i - range.lowerBound) * columns + column
                let n = Swift.abs(counts[i])
                blocks[k].applyPulses(at: local, count: n, up: counts[i] > 0, generator: &blockGenerators[k])
                blockPulseCounts[k][local] &+= UInt32(truncatingIfNeeded: n)
            }
        }
        refreshWeights()
    }

    /// Applies `counts[j]` single pulses to device `(row, j)` for every column `j` (signs as
    /// in ``applyPulses(toColumn:counts:)``).
    public mutating func applyPulses(toRow row: Int, counts: [Int]) {
        precondition((0..<rows).contains(row) && counts.count == columns,
                     "CrossbarArray.applyPulses(toRow:): row \(row), \(counts.count) counts for a \(rows)×\(columns) array")
        let k = row / Self.rowsPerBlock
        let base = (row - blockRows[k].lowerBound) * columns
        for j in 0..<columns where counts[j] != 0 {
            let n = Swift.abs(counts[j])
            blocks[k].applyPulses(at: base + j, count: n, up: counts[j] > 0, generator: &blockGenerators[k])
            blockPulseCounts[k][base + j] &+= UInt32(truncatingIfNeeded: n)
        }
        refreshWeights()
    }
}

// MARK: - Resetting columns

extension CrossbarArray {
    /// Resets every device of `columns` to its sampled reset value (aihwkit
    /// `reset_columns`): `w_ij = reset_ij + reset_std · ξ`, clipped to the device's bounds,
    /// where `reset_ij = reset + reset_dtod · ξ'` was sampled once per device (the
    /// `reset`, `reset_dtod`, `reset_std` parameters of ``PulsedDeviceParameters``). Models
    /// without reset parameters (ideal, NeuroSim) go to weight 0. Noise from stream `post`.
    public mutating func resetColumns(_ columns: Range<Int>) {
        precondition(columns.lowerBound >= 0 && columns.upperBound <= self.columns,
                     "CrossbarArray.resetColumns: \(columns) outside 0..<\(self.columns)")
        guard !columns.isEmpty else { return }
        for (k, range) in blockRows.enumerated() {
            var indices: [Int] = []
            indices.reserveCapacity(range.count * columns.count)
            for local in 0..<range.count {
                for j in columns { indices.append(local * self.columns + j) }
            }
            blocks[k].resetDevices(at: indices, generator: &postGenerator)
        }
        refreshWeights()
    }

    /// Resets every device (``resetColumns(_:)`` over all columns).
    public mutating func reset() { resetColumns(0..<columns) }
}
