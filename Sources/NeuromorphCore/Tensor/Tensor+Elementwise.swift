import RealModule

// MARK: - Element-wise arithmetic

extension Tensor {
    /// Applies `transform` to every element.
    @inlinable
    public func map(_ transform: (Float) -> Float) -> Tensor {
        var out = self
        out.apply(transform)
        return out
    }

    /// Applies `transform` to every element in place.
    @inlinable
    public mutating func apply(_ transform: (Float) -> Float) {
        scalars.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] = transform(buffer[i]) }
        }
    }

    /// Combines two tensors of equal shape element by element.
    @inlinable
    public func zipMap(_ other: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "zipMap: shapes \(shape) and \(other.shape) differ")
        var out = self
        out.scalars.withUnsafeMutableBufferPointer { dst in
            other.scalars.withUnsafeBufferPointer { src in
                for i in dst.indices { dst[i] = combine(dst[i], src[i]) }
            }
        }
        return out
    }

    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, +) }
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, -) }
    /// Element-wise (Hadamard) product.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, *) }
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 * rhs } }
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { $0 * lhs } }
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 + rhs } }
    public static prefix func - (x: Tensor) -> Tensor { x.map { -$0 } }

    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs.addScaled(rhs, by: 1) }
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs.addScaled(rhs, by: -1) }
    public static func *= (lhs: inout Tensor, rhs: Float) { lhs.apply { $0 * rhs } }

    /// `self += alpha * other` (an axpy over the contiguous buffers).
    @inlinable
    public mutating func addScaled(_ other: Tensor, by alpha: Float) {
        precondition(count == other.count, "addScaled: \(shape) and \(other.shape) differ in size")
        scalars.withUnsafeMutableBufferPointer { dst in
            other.scalars.withUnsafeBufferPointer { src in
                for i in dst.indices { dst[i] = Relaxed.multiplyAdd(alpha, src[i], dst[i]) }
            }
        }
    }

    /// Adds `vector` to every row of a matrix view (bias addition).
    public mutating func addRowVector(_ vector: Tensor) {
        let width = columns
        precondition(vector.count == width, "addRowVector: vector of \(vector.count) for rows of \(width)")
        let height = rows
        scalars.withUnsafeMutableBufferPointer { dst in
            vector.scalars.withUnsafeBufferPointer { v in
                for r in 0..<height {
                    let base = r * width
                    for c in 0..<width { dst[base + c] += v[c] }
                }
            }
        }
    }

    /// Multiplies every row of a matrix view element-wise by `vector` (per-column scaling).
    public mutating func multiplyRows(by vector: Tensor) {
        let width = columns
        precondition(vector.count == width, "multiplyRows: vector of \(vector.count) for rows of \(width)")
        let height = rows
        scalars.withUnsafeMutableBufferPointer { dst in
            vector.scalars.withUnsafeBufferPointer { v in
                for r in 0..<height {
                    let base = r * width
                    for c in 0..<width { dst[base + c] *= v[c] }
                }
            }
        }
    }

    /// Clamps every element into `range`.
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        map { Swift.min(Swift.max($0, range.lowerBound), range.upperBound) }
    }
}
