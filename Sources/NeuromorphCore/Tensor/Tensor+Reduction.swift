import RealModule

// MARK: - Reductions
//
// Reductions run in a fixed order over the buffer, so their results do not depend on
// the thread count.

extension Tensor {
    /// Sum of all elements (accumulated in `Double` for accuracy).
    public func sum() -> Float {
        scalars.withUnsafeBufferPointer { buffer in
            var total: Double = 0
            for x in buffer { total += Double(x) }
            return Float(total)
        }
    }

    /// Mean of all elements.
    public func mean() -> Float { count == 0 ? 0 : sum() / Float(count) }

    /// Largest element.
    public func max() -> Float { scalars.max() ?? -.infinity }

    /// Smallest element.
    public func min() -> Float { scalars.min() ?? .infinity }

    /// Largest absolute value.
    public func absMax() -> Float {
        scalars.withUnsafeBufferPointer { buffer in
            var m: Float = 0
            for x in buffer { m = Swift.max(m, Swift.abs(x)) }
            return m
        }
    }

    /// Sum of squares.
    public func squaredNorm() -> Float {
        scalars.withUnsafeBufferPointer { buffer in
            var total: Float = 0
            for x in buffer { total = Relaxed.multiplyAdd(x, x, total) }
            return total
        }
    }

    /// Column sums of a matrix view: a vector of `columns` elements (bias gradients).
    public func sumRows() -> Tensor {
        let width = columns, height = rows
        var out = [Float](repeating: 0, count: width)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for r in 0..<height {
                    let base = r * width
                    for c in 0..<width { dst[c] += src[base + c] }
                }
            }
        }
        return Tensor(out)
    }

    /// Index of the largest element of each row of a matrix view.
    public func argmaxRows() -> [Int] {
        let width = columns, height = rows
        return scalars.withUnsafeBufferPointer { src in
            (0..<height).map { r in
                var best = 0
                var bestValue = -Float.infinity
                for c in 0..<width where src[r * width + c] > bestValue {
                    bestValue = src[r * width + c]
                    best = c
                }
                return best
            }
        }
    }
}
