import Foundation
import NeuromorphCore

/// Eigenvalues of a general (non-symmetric) real matrix through LAPACK's `dgeev_`, which
/// Debian's OpenBLAS exports (the library every Neuromorph binary already links through
/// `COpenBLAS`).
///
/// `COpenBLAS/shim.h` declares only what other targets need and is not ours to extend, so
/// the Fortran symbol is looked up once in the running process with `dlsym` and called
/// through a `@convention(c)` pointer: column-major, every argument by pointer, 32-bit
/// integers, and the two hidden Fortran lengths of the `CHARACTER*1` arguments `jobvl`,
/// `jobvr` passed last (gfortran's convention).
public enum Eigenvalues {
    /// `dgeev_(jobvl, jobvr, n, a, lda, wr, wi, vl, ldvl, vr, ldvr, work, lwork, info, len_jobvl, len_jobvr)`.
    typealias DGEEV = @convention(c) (
        UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafePointer<Int32>, UnsafeMutablePointer<Double>,
        UnsafePointer<Int32>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>,
        UnsafeMutablePointer<Double>, UnsafePointer<Int32>, UnsafeMutablePointer<Double>, UnsafePointer<Int32>,
        UnsafeMutablePointer<Double>, UnsafePointer<Int32>, UnsafeMutablePointer<Int32>, Int, Int) -> Void

    /// The process's `dgeev_`, or nil when no loaded library exports it.
    static let dgeev: DGEEV? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "dgeev_") else { return nil }
        return unsafeBitCast(symbol, to: DGEEV.self)
    }()

    /// Whether LAPACK's `dgeev_` is reachable in this process.
    public static var isAvailable: Bool { dgeev != nil }

    /// The eigenvalues `(real, imaginary)` of the `n × n` row-major matrix `matrix`.
    ///
    /// - Throws: ``LearningRuleParameterError`` when `dgeev_` is not reachable or does not
    ///   converge (`info > 0`).
    public static func of(_ matrix: [Double], n: Int) throws -> (real: [Double], imaginary: [Double]) {
        precondition(matrix.count == n * n && n > 0, "Eigenvalues.of: \(matrix.count) values for n = \(n)")
        guard let dgeev else {
            throw LearningRuleParameterError(type: "Eigenvalues", field: "dgeev_", value: "not found",
                                             expected: "an OpenBLAS that exports LAPACK's dgeev_ (libopenblas-dev)")
        }
        // Row-major A is column-major Aᵀ, which has the same eigenvalues.
        var a = matrix
        var wr = [Double](repeating: 0, count: n), wi = [Double](repeating: 0, count: n)
        var left = [Double](repeating: 0, count: 1), right = [Double](repeating: 0, count: 1)
        var size = Int32(n), one: Int32 = 1, info: Int32 = 0
        let no: [CChar] = [CChar(UInt8(ascii: "N")), 0]
        // Workspace query, then the decomposition.
        var query = [Double](repeating: 0, count: 1)
        var lwork: Int32 = -1
        dgeev(no, no, &size, &a, &size, &wr, &wi, &left, &one, &right, &one, &query, &lwork, &info, 1, 1)
        lwork = Int32(Swift.max(query[0].rounded(.up), Double(4 * n)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dgeev(no, no, &size, &a, &size, &wr, &wi, &left, &one, &right, &one, &work, &lwork, &info, 1, 1)
        guard info == 0 else {
            throw LearningRuleParameterError(type: "Eigenvalues", field: "dgeev_ info", value: "\(info)",
                                             expected: "0 (the QR algorithm did not converge)")
        }
        return (wr, wi)
    }

    /// The spectral radius `max |λ|` of the `n × n` row-major matrix.
    public static func spectralRadius(_ matrix: [Double], n: Int) throws -> Double {
        let (re, im) = try of(matrix, n: n)
        return zip(re, im).map { ($0 * $0 + $1 * $1).squareRoot() }.max() ?? 0
    }
}
