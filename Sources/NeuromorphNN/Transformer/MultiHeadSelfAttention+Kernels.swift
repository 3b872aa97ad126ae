import NeuromorphCore
import RealModule

// MARK: - Attention products per (sample, head)
//
// Every product of the attention is a sequence of "row times matrix" steps
// (`out = α · a · B` with `a` a short row and `B` a small row-major block), computed by
// `AttentionKernels.rowTimesMatrix` with SIMD accumulators held in registers. Each
// (sample, head) writes its own rows only, so samples run as independent chunks.

extension MultiHeadSelfAttention {
    /// `P[s, h] = softmax_rows(Q_{s,h} K_{s,h}ᵀ / √d_h)` as an `[N·H·T, T]` matrix.
    func scores(_ q: Tensor, _ k: Tensor, batch n: Int, length t: Int) -> Tensor {
        let (h, dh, d) = (heads, headDimension, modelDimension)
        let scale = 1 / Float(dh).squareRoot()
        var p = Tensor.zeros([n * h * t, t])
        q.scalars.withUnsafeBufferPointer { qp in
            k.scalars.withUnsafeBufferPointer { kp in
                p.scalars.withUnsafeMutableBufferPointer { pp in
                    let (qb, kb, pb) = (qp.baseAddress!, kp.baseAddress!, pp.baseAddress!)
                    ComputeThreads.forEachChunk(n) { s in
                        withUnsafeTemporaryAllocation(of: Float.self, capacity: dh * t) { scratch in
                            let kT = scratch.baseAddress!
                            for head in 0..<h {
                                AttentionKernels.transpose(kb + s * t * d + head * dh, rows: t, columns: dh,
                                                           rowStride: d, into: kT)
                                for i in 0..<t {
                                    let pRow = pb + ((s * h + head) * t + i) * t
                                    AttentionKernels.rowTimesMatrix(qb + (s * t + i) * d + head * dh, count: dh,
                                                                    kT, rowStride: t, columns: t, alpha: scale, into: pRow)
                                    AttentionKernels.softmax(pRow, count: t)
                                }
                            }
                        }
                    }
                }
            }
        }
        return p
    }

    /// `O_{s,h} = P_{s,h} V_{s,h}`, heads concatenated: an `[N·T, d]` matrix.
    func mix(_ p: Tensor, _ v: Tensor, batch n: Int, length t: Int) -> Tensor {
        let (h, dh, d) = (heads, headDimension, modelDimension)
        var o = Tensor.zeros([n * t, d])
        p.scalars.withUnsafeBufferPointer { pp in
            v.scalars.withUnsafeBufferPointer { vp in
                o.scalars.withUnsafeMutableBufferPointer { op in
                    let (pb, vb, ob) = (pp.baseAddress!, vp.baseAddress!, op.baseAddress!)
                    ComputeThreads.forEachChunk(n) { s in
                        for head in 0..<h {
                            let vHead = vb + s * t * d + head * dh
                            for i in 0..<t {
                                AttentionKernels.rowTimesMatrix(pb + ((s * h + head) * t + i) * t, count: t,
                                                                vHead, rowStride: d, columns: dh, alpha: 1,
                                                                into: ob + (s * t + i) * d + head * dh)
                            }
                        }
                    }
                }
            }
        }
        return o
    }

    /// `dP̂ = G V̂ᵀ` (`[N·H·T, T]`) and `dV̂ = P̂ᵀ G` (`[N·T, d]`) from `G = dLoss/dO`.
    func mixBackward(_ g: Tensor, batch n: Int, length t: Int) -> (Tensor, Tensor) {
        let (h, dh, d) = (heads, headDimension, modelDimension)
        var dp = Tensor.zeros([n * h * t, t])
        var dv = Tensor.zeros([n * t, d])
        g.scalars.withUnsafeBufferPointer { gp in
            cachedQuantizedProbabilities.scalars.withUnsafeBufferPointer { pp in
                cachedQuantizedValue.scalars.withUnsafeBufferPointer { vp in
                    dp.scalars.withUnsafeMutableBufferPointer { dpp in
                        dv.scalars.withUnsafeMutableBufferPointer { dvp in
                            let (gb, pb, vb) = (gp.baseAddress!, pp.baseAddress!, vp.baseAddress!)
                            let (dpb, dvb) = (dpp.baseAddress!, dvp.baseAddress!)
                            ComputeThreads.forEachChunk(n) { s in
                                withUnsafeTemporaryAllocation(of: Float.self, capacity: dh * t + t) { scratch in
                                    let (vT, column) = (scratch.baseAddress!, scratch.baseAddress! + dh * t)
                                    for head in 0..<h {
                                        let gHead = gb + s * t * d + head * dh
                                        let pHead = pb + (s * h + head) * t * t
                                        AttentionKernels.transpose(vb + s * t * d + head * dh, rows: t, columns: dh,
                                                                   rowStride: d, into: vT)
                                        for i in 0..<t {
                                            AttentionKernels.rowTimesMatrix(gHead + i * d, count: dh, vT, rowStride: t,
                                                                            columns: t, alpha: 1,
                                                                            into: dpb + (s * h + head) * t * t + i * t)
                                        }
                                        for j in 0..<t {
                                            for i in 0..<t { column[i] = pHead[i * t + j] }
                                            AttentionKernels.rowTimesMatrix(column, count: t, gHead, rowStride: d,
                                                                            columns: dh, alpha: 1,
                                                                            into: dvb + (s * t + j) * d + head * dh)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dp, dv)
    }

    /// Softmax backward `dS = P ⊙ (dP − rowsum(dP ⊙ P)) / √d_h` (float `P`), then
    /// `dQ̂ = dS K̂` and `dK̂ = dSᵀ Q̂`, both `[N·T, d]`.
    func scoresBackward(_ dProbabilities: Tensor, batch n: Int, length t: Int) -> (Tensor, Tensor) {
        let (h, dh, d) = (heads, headDimension, modelDimension)
        let scale = 1 / Float(dh).squareRoot()
        var dq = Tensor.zeros([n * t, d])
        var dk = Tensor.zeros([n * t, d])
        var ds = dProbabilities
        ds.scalars.withUnsafeMutableBufferPointer { dsp in
            cachedProbabilities.scalars.withUnsafeBufferPointer { pp in
                cachedQuantizedQuery.scalars.withUnsafeBufferPointer { qp in
                    cachedQuantizedKey.scalars.withUnsafeBufferPointer { kp in
                        dq.scalars.withUnsafeMutableBufferPointer { dqp in
                            dk.scalars.withUnsafeMutableBufferPointer { dkp in
                                let (dsb, pb, qb, kb) = (dsp.baseAddress!, pp.baseAddress!, qp.baseAddress!, kp.baseAddress!)
                                let (dqb, dkb) = (dqp.baseAddress!, dkp.baseAddress!)
                                ComputeThreads.forEachChunk(n) { s in
                                    withUnsafeTemporaryAllocation(of: Float.self, capacity: t) { scratch in
                                        let column = scratch.baseAddress!
                                        for head in 0..<h {
                                            let dsHead = dsb + (s * h + head) * t * t
                                            let pHead = pb + (s * h + head) * t * t
                                            for i in 0..<t {
                                                let (dsRow, pRow) = (dsHead + i * t, pHead + i * t)
                                                var inner: Float = 0
                                                for j in 0..<t { inner += dsRow[j] * pRow[j] }
                                                for j in 0..<t { dsRow[j] = pRow[j] * (dsRow[j] - inner) * scale }
                                            }
                                            let (qHead, kHead) = (qb + s * t * d + head * dh, kb + s * t * d + head * dh)
                                            for i in 0..<t {
                                                AttentionKernels.rowTimesMatrix(dsHead + i * t, count: t, kHead, rowStride: d,
                                                                                columns: dh, alpha: 1,
                                                                                into: dqb + (s * t + i) * d + head * dh)
                                            }
                                            for j in 0..<t {
                                                for i in 0..<t { column[i] = dsHead[i * t + j] }
                                                AttentionKernels.rowTimesMatrix(column, count: t, qHead, rowStride: d,
                                                                                columns: dh, alpha: 1,
                                                                                into: dkb + (s * t + j) * d + head * dh)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dq, dk)
    }
}

// MARK: - Small dense kernels

/// The register-blocked building blocks of the attention products.
enum AttentionKernels {
    /// `out[j] = α Σ_c a[c] · B[c·rowStride + j]` for `j < columns`: a row vector of `count`
    /// elements times a `count × columns` block of a row-major matrix. Sixteen, eight or
    /// four columns at a time are accumulated in SIMD registers over all of `c`, so `out`
    /// is written once and never aliased in the inner loop.
    @inline(__always)
    static func rowTimesMatrix(_ a: UnsafePointer<Float>, count: Int, _ b: UnsafePointer<Float>, rowStride: Int,
                               columns: Int, alpha: Float, into out: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 16 <= columns {
            var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
            for c in 0..<count {
                let x = SIMD8<Float>(repeating: a[c])
                let row = UnsafeRawPointer(b + c * rowStride + j)
                acc0 += x * row.loadUnaligned(as: SIMD8<Float>.self)
                acc1 += x * row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            }
            UnsafeMutableRawPointer(out + j).storeBytes(of: acc0 * alpha, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(out + j + 8).storeBytes(of: acc1 * alpha, as: SIMD8<Float>.self)
            j += 16
        }
        if j + 8 <= columns {
            var acc = SIMD8<Float>()
            for c in 0..<count {
                acc += SIMD8<Float>(repeating: a[c]) * UnsafeRawPointer(b + c * rowStride + j).loadUnaligned(as: SIMD8<Float>.self)
            }
            UnsafeMutableRawPointer(out + j).storeBytes(of: acc * alpha, as: SIMD8<Float>.self)
            j += 8
        }
        if j + 4 <= columns {
            var acc = SIMD4<Float>()
            for c in 0..<count {
                acc += SIMD4<Float>(repeating: a[c]) * UnsafeRawPointer(b + c * rowStride + j).loadUnaligned(as: SIMD4<Float>.self)
            }
            UnsafeMutableRawPointer(out + j).storeBytes(of: acc * alpha, as: SIMD4<Float>.self)
            j += 4
        }
        while j < columns {
            var acc: Float = 0
            for c in 0..<count { acc += a[c] * b[c * rowStride + j] }
            out[j] = acc * alpha
            j += 1
        }
    }

    /// `out[c·rows + r] = x[r·rowStride + c]`: a `rows × columns` block, transposed.
    @inline(__always)
    static func transpose(_ x: UnsafePointer<Float>, rows: Int, columns: Int, rowStride: Int,
                          into out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            for c in 0..<columns { out[c * rows + r] = x[r * rowStride + c] }
        }
    }

    /// In-place softmax of `count` values, stabilized by their maximum. The exponentials
    /// and their sum are separate loops so the exponentials vectorize.
    @inline(__always)
    static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var rowMax = -Float.infinity
        for j in 0..<count { rowMax = Swift.max(rowMax, x[j]) }
        for j in 0..<count { x[j] = FastMath.exp(x[j] - rowMax) }
        var total: Float = 0
        for j in 0..<count { total = Relaxed.sum(total, x[j]) }
        let inverse = 1 / total
        for j in 0..<count { x[j] *= inverse }
    }
}
