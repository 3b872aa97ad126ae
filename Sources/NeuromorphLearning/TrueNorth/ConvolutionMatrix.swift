/// The block-Toeplitz convolution matrix W(K) of a multi-channel, strided, unpadded
/// convolution (Appuswamy et al. 2016, §3; learning-rules note §1.4): `vec(y)ᵀ = vec(x)ᵀ W(K)`.
///
/// Rows are input pixels (axons) in (channel, row, column) order; columns are outputs
/// (neurons) in (feature, row, column) order; the entry is the kernel weight linking them:
/// ```
/// W[(c, a, b), (o, l, q)] = K[o][c][a − l·s][b − q·s]   (0 outside the kernel)
/// ```
/// so `y[o][l][q] = Σ_c Σ_i Σ_j K[o][c][i][j] x[c][l·s + i][q·s + j]` (cross-correlation,
/// as in deep-learning convolutions).
public struct ConvolutionMatrix<Scalar: Numeric & Sendable>: Sendable {
    public let rows: Int
    public let columns: Int
    /// Row-major entries.
    public var entries: [Scalar]

    /// Builds W(K). `kernels[o]` holds feature o's kernel in (channel, row, column) order,
    /// `channels · size · size` values.
    ///
    /// - Throws: `LearningRuleParameterError` for an empty kernel list, kernels of the wrong
    ///   length, a non-positive size or stride, or an input smaller than the kernel.
    public init(kernels: [[Scalar]], channels: Int, size: Int, height: Int, width: Int, stride: Int = 1) throws {
        guard channels >= 1, size >= 1, stride >= 1 else {
            throw LearningRuleParameterError(type: "ConvolutionMatrix", field: "channels/size/stride",
                                             value: "\(channels)/\(size)/\(stride)", expected: "positive integers")
        }
        guard height >= size, width >= size else {
            throw LearningRuleParameterError(type: "ConvolutionMatrix", field: "height×width", value: "\(height)×\(width)",
                                             expected: "at least the kernel size \(size)×\(size)")
        }
        guard !kernels.isEmpty, kernels.allSatisfy({ $0.count == channels * size * size }) else {
            throw LearningRuleParameterError(type: "ConvolutionMatrix", field: "kernels", value: "\(kernels.map(\.count)) values",
                                             expected: "one or more kernels of channels·size·size = \(channels * size * size) values")
        }
        let outHeight = (height - size) / stride + 1, outWidth = (width - size) / stride + 1
        rows = channels * height * width
        columns = kernels.count * outHeight * outWidth
        entries = [Scalar](repeating: 0, count: rows * columns)
        for (o, kernel) in kernels.enumerated() {
            for l in 0..<outHeight { for q in 0..<outWidth {
                let column = (o * outHeight + l) * outWidth + q
                for c in 0..<channels { for i in 0..<size { for j in 0..<size {
                    let row = (c * height + l * stride + i) * width + q * stride + j
                    entries[row * columns + column] = kernel[(c * size + i) * size + j]
                } } }
            } }
        }
    }

    /// Entry (row, column).
    public subscript(row: Int, column: Int) -> Scalar { entries[row * columns + column] }

    /// `vec(x)ᵀ W`: the outputs for input values `x` (one per row).
    public func apply(_ x: [Scalar]) -> [Scalar] {
        precondition(x.count == rows, "ConvolutionMatrix.apply: \(x.count) inputs for \(rows) rows")
        var y = [Scalar](repeating: 0, count: columns)
        for r in 0..<rows where x[r] != 0 {
            for c in 0..<columns { y[c] += x[r] * entries[r * columns + c] }
        }
        return y
    }
}

/// A direct integer cross-correlation, the reference the core and W(K) are checked
/// against: `y[o][l][q] = Σ_c Σ_i Σ_j K[o][c][i][j] x[c][l·s + i][q·s + j]`.
public func directConvolution(_ x: [Int], kernels: [[Int]], channels: Int, size: Int, height: Int, width: Int,
                              stride: Int = 1) -> [Int] {
    let outHeight = (height - size) / stride + 1, outWidth = (width - size) / stride + 1
    var y = [Int](repeating: 0, count: kernels.count * outHeight * outWidth)
    for (o, kernel) in kernels.enumerated() {
        for l in 0..<outHeight { for q in 0..<outWidth {
            var sum = 0
            for c in 0..<channels { for i in 0..<size { for j in 0..<size {
                sum += kernel[(c * size + i) * size + j] * x[(c * height + l * stride + i) * width + q * stride + j]
            } } }
            y[(o * outHeight + l) * outWidth + q] = sum
        } }
    }
    return y
}
