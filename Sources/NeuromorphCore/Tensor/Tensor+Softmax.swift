import RealModule

// MARK: - Softmax along rows

extension Tensor {
    /// Row-wise softmax of a matrix view, numerically stabilized by the row maximum.
    public func softmaxRows() -> Tensor {
        var out = self
        let width = columns, height = rows
        out.scalars.withUnsafeMutableBufferPointer { p in
            for r in 0..<height {
                let row = UnsafeMutableBufferPointer(rebasing: p[(r * width)..<((r + 1) * width)])
                let m = row.max() ?? 0
                var total: Float = 0
                for c in row.indices {
                    row[c] = Float.exp(row[c] - m)
                    total += row[c]
                }
                let inv = 1 / total
                for c in row.indices { row[c] *= inv }
            }
        }
        return out
    }

    /// Row-wise log-softmax: `x − max − log Σ exp(x − max)`.
    public func logSoftmaxRows() -> Tensor {
        var out = self
        let width = columns, height = rows
        out.scalars.withUnsafeMutableBufferPointer { p in
            for r in 0..<height {
                let row = UnsafeMutableBufferPointer(rebasing: p[(r * width)..<((r + 1) * width)])
                let m = row.max() ?? 0
                var total: Float = 0
                for c in row.indices { total += Float.exp(row[c] - m) }
                let shift = m + Float.log(total)
                for c in row.indices { row[c] -= shift }
            }
        }
        return out
    }
}
