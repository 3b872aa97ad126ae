import COpenBLAS

// MARK: - Matrix products through OpenBLAS

/// Whether a matrix operand enters a product as stored or transposed.
public enum Transpose: Sendable {
    case none, transposed

    @usableFromInline var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

extension Tensor {
    /// `C = alpha · op(A) · op(B) + beta · C` through `cblas_sgemm`, with `A`, `B`, `C`
    /// in their matrix views (`rows × columns`). `C` must already have the result shape
    /// when `beta != 0`; otherwise it is (re)shaped to `[m, n]`.
    @inlinable
    public static func gemm(
        _ a: Tensor, _ transA: Transpose = .none,
        _ b: Tensor, _ transB: Transpose = .none,
        alpha: Float = 1, beta: Float = 0, into c: inout Tensor
    ) {
        let (m, k) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        precondition(k == kb, "gemm: inner dimensions \(k) and \(kb) differ (A \(a.shape), B \(b.shape))")
        if beta == 0 {
            if c.count != m * n { c = Tensor.uninitialized([m, n]) } else if c.shape != [m, n] { c.reshape([m, n]) }
            if k == 0 { c.apply { _ in 0 } }
        } else {
            precondition(c.rows == m && c.columns == n, "gemm: C has shape \(c.shape), expected [\(m), \(n)]")
        }
        guard m > 0, n > 0 else { return }
        if k == 0 {
            if beta != 0 { c.apply { beta * $0 } }
            return
        }
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                c.scalars.withUnsafeMutableBufferPointer { pc in
                    guard let pa = pa.baseAddress, let pb = pb.baseAddress, let pc = pc.baseAddress else { return }
                    BLASKernels.sgemm(transA, transB, m: m, n: n, k: k, alpha: alpha,
                                      pa, lda: a.columns, pb, ldb: b.columns, beta: beta, pc, ldc: n)
                }
            }
        }
    }

    /// The matrix product `A · B`.
    public static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor { matmul(a, .none, b, .none) }

    /// The matrix product `op(A) · op(B)`.
    public static func matmul(_ a: Tensor, _ transA: Transpose, _ b: Tensor, _ transB: Transpose) -> Tensor {
        var c = Tensor.zeros([0])
        gemm(a, transA, b, transB, into: &c)
        return c
    }

    /// `y = alpha · op(A) · x + beta · y` through `cblas_sgemv`.
    public static func gemv(_ a: Tensor, transpose transA: Transpose = .none, _ x: Tensor,
                            alpha: Float = 1, beta: Float = 0, into y: inout Tensor) {
        let outLength = transA == .none ? a.rows : a.columns
        let inLength = transA == .none ? a.columns : a.rows
        precondition(x.count == inLength, "gemv: x has \(x.count) elements, expected \(inLength)")
        if beta == 0 && y.count != outLength { y = Tensor.zeros([outLength]) }
        precondition(y.count == outLength, "gemv: y has \(y.count) elements, expected \(outLength)")
        guard a.count > 0 else { return }
        let (rows, columns) = (a.rows, a.columns)
        // Cut the outputs into blocks that depend only on the shape (see ProductSplit).
        let split = ProductSplit(m: outLength, n: 1, k: inLength)
        let blocks = split.axis == .rows ? split.blocks : 1
        a.scalars.withUnsafeBufferPointer { pa in
            x.scalars.withUnsafeBufferPointer { px in
                y.scalars.withUnsafeMutableBufferPointer { py in
                    guard let pa = pa.baseAddress, let px = px.baseAddress, let py = py.baseAddress else { return }
                    ComputeThreads.forEachChunk(blocks) { block in
                        let r = blocks == 1 ? 0..<outLength : split.range(of: block)
                        if transA == .none {
                            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(r.count), Int32(columns), alpha,
                                        pa + r.lowerBound * columns, Int32(columns), px, 1, beta, py + r.lowerBound, 1)
                        } else {
                            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(rows), Int32(r.count), alpha,
                                        pa + r.lowerBound, Int32(columns), px, 1, beta, py + r.lowerBound, 1)
                        }
                    }
                }
            }
        }
    }

    /// The rank-1 update `A += alpha · x yᵀ` through `cblas_sger`.
    public mutating func addOuterProduct(_ x: Tensor, _ y: Tensor, alpha: Float = 1) {
        precondition(x.count == rows && y.count == columns,
                     "addOuterProduct: \(x.count)×\(y.count) into \(shape)")
        let (m, n) = (rows, columns)
        scalars.withUnsafeMutableBufferPointer { pa in
            x.scalars.withUnsafeBufferPointer { px in
                y.scalars.withUnsafeBufferPointer { py in
                    cblas_sger(CblasRowMajor, Int32(m), Int32(n), alpha, px.baseAddress, 1,
                               py.baseAddress, 1, pa.baseAddress, Int32(n))
                }
            }
        }
    }

    /// The outer product `x yᵀ` as an `[x.count, y.count]` matrix.
    public static func outer(_ x: Tensor, _ y: Tensor) -> Tensor {
        var out = Tensor.zeros([x.count, y.count])
        out.addOuterProduct(x, y)
        return out
    }

    /// The transpose of a matrix view.
    public func transposed() -> Tensor {
        let (m, n) = (rows, columns)
        var out = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let block = 32
                for i0 in stride(from: 0, to: m, by: block) {
                    for j0 in stride(from: 0, to: n, by: block) {
                        for i in i0..<Swift.min(i0 + block, m) {
                            for j in j0..<Swift.min(j0 + block, n) { dst[j * m + i] = src[i * n + j] }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, m], scalars: out)
    }
}

// MARK: - Raw-buffer products

/// `cblas_sgemm` on raw row-major buffers, for kernels that keep their operands in reused
/// scratch buffers instead of tensors (the batched convolution). Large products are cut
/// into output blocks run on Neuromorph's threads (``ProductSplit``): the same bits for
/// any thread count.
public enum BLASKernels {
    /// `C = alpha · op(A) · op(B) + beta · C` with `op(A)` `m × k`, `op(B)` `k × n`, `C`
    /// `m × n`, all row-major with leading dimensions `lda`, `ldb`, `ldc`.
    public static func sgemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
                             _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                             beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0 && n > 0 else { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        let split = ProductSplit(m: m, n: n, k: k)
        guard split.blocks > 1 else {
            cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k), alpha,
                        a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            return
        }
        switch split.axis {
        case .columns:
            ComputeThreads.forEachChunk(split.blocks) { block in
                let r = split.range(of: block)
                let bBlock = transB == .none ? b + r.lowerBound : b + r.lowerBound * ldb
                cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(r.count), Int32(k), alpha,
                            a, Int32(lda), bBlock, Int32(ldb), beta, c + r.lowerBound, Int32(ldc))
            }
        case .rows:
            ComputeThreads.forEachChunk(split.blocks) { block in
                let r = split.range(of: block)
                let aBlock = transA == .none ? a + r.lowerBound * lda : a + r.lowerBound
                cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(r.count), Int32(n), Int32(k), alpha,
                            aBlock, Int32(lda), b, Int32(ldb), beta, c + r.lowerBound * ldc, Int32(ldc))
            }
        case .inner:
            sgemmInnerBlocks(split, transA, transB, m: m, n: n, k: k, alpha: alpha, a, lda: lda, b, ldb: ldb,
                             beta: beta, c, ldc: ldc)
        }
    }

    /// The inner-dimension cut: block `i` computes the partial product over its inner range
    /// into its own `m × n` buffer; then `C = alpha · Σᵢ Pᵢ + beta · C`, summed in block order.
    private static func sgemmInnerBlocks(_ split: ProductSplit, _ transA: Transpose, _ transB: Transpose,
                                         m: Int, n: Int, k: Int, alpha: Float,
                                         _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                                         beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        let size = m * n
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: split.blocks * size)
        defer { partials.deallocate() }
        ComputeThreads.forEachChunk(split.blocks) { block in
            let r = split.range(of: block)
            let aBlock = transA == .none ? a + r.lowerBound : a + r.lowerBound * lda
            let bBlock = transB == .none ? b + r.lowerBound * ldb : b + r.lowerBound
            cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(r.count), 1,
                        aBlock, Int32(lda), bBlock, Int32(ldb), 0, partials + block * size, Int32(n))
        }
        let blocks = split.blocks
        ComputeThreads.forEachChunk(m) { i in
            let row = c + i * ldc
            for j in 0..<n {
                var total = partials[i * n + j]
                for block in 1..<blocks { total += partials[block * size + i * n + j] }
                row[j] = beta == 0 ? alpha * total : alpha * total + beta * row[j]
            }
        }
    }
}
