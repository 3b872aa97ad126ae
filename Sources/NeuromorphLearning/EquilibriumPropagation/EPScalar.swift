import COpenBLAS
import Foundation

/// The scalar an energy-based network computes in: `Float` for training, `Double` for the
/// gradient checks (the EP–BPTT and bias-order tests of learning-rules §2.1 need ~1e-12).
///
/// Each conformance forwards its matrix product to OpenBLAS (`cblas_sgemm` / `cblas_dgemm`),
/// so generic code is specialized to a direct BLAS call (static dispatch, no type switch).
public protocol EPScalar: BinaryFloatingPoint, Codable, Sendable where RawSignificand: FixedWidthInteger {
    /// Row-major `C = alpha · op(A) · op(B) + beta · C`, `op(A)` m×k, `op(B)` k×n.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// `e^x`.
    static func exponential(_ x: Self) -> Self
    /// `log x`.
    static func logarithm(_ x: Self) -> Self
}

extension Float: EPScalar {
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable public static func exponential(_ x: Float) -> Float { Foundation.exp(x) }
    @inlinable public static func logarithm(_ x: Float) -> Float { Foundation.log(x) }
}

extension Double: EPScalar {
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable public static func exponential(_ x: Double) -> Double { Foundation.exp(x) }
    @inlinable public static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
}

/// `C = alpha · op(A) · op(B) + beta · C` on whole arrays (row-major; `lda`/`ldb` are the
/// stored column counts). Skips empty products.
@inline(__always)
func epGemm<S: EPScalar>(_ a: [S], transposeA: Bool = false, _ b: [S], transposeB: Bool = false,
                         m: Int, n: Int, k: Int, alpha: S = 1, beta: S = 0, into c: inout [S]) {
    precondition(c.count >= m * n, "epGemm: C holds \(c.count), needs \(m * n)")
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        if beta == 0 { for i in 0..<(m * n) { c[i] = 0 } } else if beta != 1 { for i in 0..<(m * n) { c[i] *= beta } }
        return
    }
    let lda = transposeA ? m : k
    let ldb = transposeB ? k : n
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                S.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                       a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb, beta: beta,
                       c: pc.baseAddress!, ldc: n)
            }
        }
    }
}
