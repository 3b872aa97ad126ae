/// A dense, contiguous, row-major tensor of `Float`.
///
/// `Tensor` is a value type (copy-on-write through its `Array` storage). Shapes are
/// checked once at the boundary of every operation with `precondition`; hot loops run
/// over the contiguous buffer. Images use the NCHW layout, matrices are `[rows, cols]`,
/// and linear-layer weights are `[out, in]` (the PyTorch and aihwkit convention, so
/// weights exported as `.npy` load directly into either).
public struct Tensor: Sendable, Equatable, Codable {
    /// The extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.product`.
    public var scalars: [Float]

    /// A tensor with the given shape and elements.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor: shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// The element count of `shape`, or `nil` when a dimension is negative or the product
    /// overflows `Int` (shapes read from files are checked with this before any allocation).
    public static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for extent in shape {
            guard extent >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    private enum CodingKeys: String, CodingKey { case shape, scalars }

    /// Decodes a tensor (checkpoint state files), checking that the shape has no negative
    /// dimension and that its product equals the number of scalars; a corrupt file throws a
    /// `DecodingError` instead of trapping later.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let shape = try c.decode([Int].self, forKey: .shape)
        let scalars = try c.decode([Float].self, forKey: .scalars)
        guard let count = Self.elementCount(shape), count == scalars.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .shape, in: c,
                debugDescription: "tensor shape \(shape) does not match its \(scalars.count) scalars; expected non-negative dimensions whose product is the scalar count")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of the given shape filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// A tensor whose elements the caller overwrites before reading (skips zero-filling;
    /// for outputs that a kernel writes completely, such as a `beta = 0` GEMM).
    public static func uninitialized(_ shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *)
        let scalars = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// A 1-D tensor.
    public init(_ scalars: [Float]) { self.init(shape: [scalars.count], scalars: scalars) }

    /// A 2-D tensor from rows of equal length.
    public init(rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "Tensor(rows:): ragged rows")
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// Number of elements.
    @inlinable public var count: Int { scalars.count }
    /// Number of dimensions.
    @inlinable public var rank: Int { shape.count }

    /// Rows of the matrix view: the first dimension (1 for a vector or scalar).
    @inlinable public var rows: Int { rank >= 2 ? shape[0] : 1 }
    /// Columns of the matrix view: the product of all dimensions after the first
    /// (the length of a vector).
    @inlinable public var columns: Int { rank >= 2 ? (shape[0] == 0 ? 0 : count / shape[0]) : count }

    /// The same elements with a new shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var copy = self
        copy.reshape(newShape)
        return copy
    }

    /// Changes the shape in place; `-1` in one position is inferred.
    public mutating func reshape(_ newShape: [Int]) {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "reshape: cannot infer \(newShape) from \(shape)")
            resolved[inferred] = count / known
        }
        precondition(resolved.reduce(1, *) == count, "reshape: \(shape) -> \(newShape) changes the element count")
        shape = resolved
    }

    /// Element at a multi-index.
    public subscript(_ index: Int...) -> Float {
        get { scalars[offset(index)] }
        set { scalars[offset(index)] = newValue }
    }

    private func offset(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor index \(index) for shape \(shape)")
        var flat = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "Tensor index \(index) out of range for shape \(shape)")
            flat = flat * extent + i
        }
        return flat
    }

    /// Row `i` of a matrix view as a new 1-D tensor.
    public func row(_ i: Int) -> Tensor {
        let width = columns
        precondition(i >= 0 && i < rows, "row: \(i) out of range 0..<\(rows)")
        return Tensor(Array(scalars[(i * width)..<((i + 1) * width)]))
    }

    /// Rows `indices` of the first dimension gathered into a new tensor (used for batching).
    public func gatherRows(_ indices: some Collection<Int>) -> Tensor {
        let width = shape.isEmpty ? 1 : count / Swift.max(shape[0], 1)
        var out = [Float](repeating: 0, count: indices.count * width)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (k, i) in indices.enumerated() {
                    precondition(i >= 0 && i < shape[0], "gatherRows: row \(i) out of range 0..<\(shape[0])")
                    (dst.baseAddress! + k * width).update(from: src.baseAddress! + i * width, count: width)
                }
            }
        }
        var newShape = shape
        newShape[0] = indices.count
        return Tensor(shape: newShape, scalars: out)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}

import Foundation

// MARK: - Column blocks (tile splits)

extension Tensor {
    /// Columns `range` of a matrix view, as a new `[rows, range.count]` matrix.
    public func columns(_ range: Range<Int>) -> Tensor {
        let width = columns, height = rows
        precondition(range.lowerBound >= 0 && range.upperBound <= width, "columns: \(range) outside 0..<\(width)")
        if range == 0..<width { return reshaped([height, width]) }
        var out = [Float](repeating: 0, count: height * range.count)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for r in 0..<height {
                    (dst.baseAddress! + r * range.count).update(from: src.baseAddress! + r * width + range.lowerBound,
                                                                 count: range.count)
                }
            }
        }
        return Tensor(shape: [height, range.count], scalars: out)
    }

    /// Adds `block` (`[rows, range.count]`) into columns `range` of this matrix view.
    public mutating func addColumns(_ block: Tensor, at range: Range<Int>) {
        let width = columns, height = rows
        precondition(block.rows == height && block.columns == range.count && range.upperBound <= width,
                     "addColumns: block \(block.shape) into columns \(range) of \(shape)")
        scalars.withUnsafeMutableBufferPointer { dst in
            block.scalars.withUnsafeBufferPointer { src in
                for r in 0..<height {
                    for c in 0..<range.count { dst[r * width + range.lowerBound + c] += src[r * range.count + c] }
                }
            }
        }
    }
}
