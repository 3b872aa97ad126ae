import COpenBLAS
import NeuromorphCore

/// Householder QR through LAPACK (`sgeqrf_` + `sorgqr_` from OpenBLAS) with the sign
/// convention `diag(R) ≥ 0`, so the orthonormal factor of a matrix is unique when it has full
/// column rank (note `analog-training.md` §1.8: "Householder QR with diag(R) ≥ 0").
enum HouseholderQR {
    /// Replaces the `k` vectors of length `m` stored one after another in `vectors` (row `j` of a
    /// row-major `[k, m]` tensor, i.e. column `j` of a column-major `m × k` matrix) by the
    /// orthonormal factor `Q` of `A = Q R`, columns flipped so that `R_jj ≥ 0`. Returns
    /// `diag(R)` (≥ 0). Needs `m ≥ k`.
    @discardableResult
    static func orthonormalize(_ vectors: inout Tensor) -> [Float] {
        let k = vectors.rows, m = vectors.columns
        precondition(m >= k && k > 0, "HouseholderQR: \(k) vectors of length \(m)")
        var rows = Int32(m), cols = Int32(k), lda = Int32(m), info: Int32 = 0
        var tau = [Float](repeating: 0, count: k)
        var lwork = Int32(Swift.max(1, k * 64))
        var work = [Float](repeating: 0, count: Int(lwork))
        var diagonal = [Float](repeating: 0, count: k)
        vectors.scalars.withUnsafeMutableBufferPointer { a in
            sgeqrf_(&rows, &cols, a.baseAddress, &lda, &tau, &work, &lwork, &info)
            precondition(info == 0, "sgeqrf_ failed: info \(info)")
            for j in 0..<k { diagonal[j] = a[j * m + j] }
            var reflectors = Int32(k)
            sorgqr_(&rows, &cols, &reflectors, a.baseAddress, &lda, &tau, &work, &lwork, &info)
            precondition(info == 0, "sorgqr_ failed: info \(info)")
            for j in 0..<k where diagonal[j] < 0 {
                for i in 0..<m { a[j * m + i] = -a[j * m + i] }
            }
        }
        return diagonal.map { Swift.abs($0) }
    }

    /// `k` orthonormal random vectors of length `m` (`[k, m]`): the Q factor of Gaussian draws.
    static func randomOrthonormal(count k: Int, length m: Int, generator: inout SeededGenerator) -> Tensor {
        var vectors = Tensor.randomNormal([k, m], using: &generator)
        orthonormalize(&vectors)
        return vectors
    }
}
