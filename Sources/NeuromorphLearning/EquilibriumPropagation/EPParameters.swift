import Foundation

/// The trainable tensors of an ``EPNetwork`` (or a gradient or optimizer buffer of the same
/// shape), as one flat list so optimizers and distance measures treat them alike.
///
/// Order: for each state layer n = 1…N the weight `w_n` then the bias `b_n`; for a
/// cross-entropy network the readout `w_out`, `b_out`; for a unidirectional network the
/// backward weights of layers 2…N. ``EPNetwork`` names the indices.
public struct EPParameters<S: EPScalar>: Sendable, Equatable, Codable {
    public var tensors: [[S]]

    public init(tensors: [[S]]) { self.tensors = tensors }

    /// Zeros shaped like `other`.
    public static func zeros(like other: EPParameters) -> EPParameters {
        EPParameters(tensors: other.tensors.map { [S](repeating: 0, count: $0.count) })
    }

    /// `self += scale · other`.
    public mutating func add(_ other: EPParameters, scale: S = 1) {
        precondition(other.tensors.count == tensors.count, "EPParameters.add: tensor counts differ")
        for t in tensors.indices {
            precondition(tensors[t].count == other.tensors[t].count, "EPParameters.add: tensor \(t) sizes differ")
            tensors[t].withUnsafeMutableBufferPointer { a in
                other.tensors[t].withUnsafeBufferPointer { b in
                    for i in a.indices { a[i] += scale * b[i] }
                }
            }
        }
    }

    /// `scale · self`.
    public func scaled(_ scale: S) -> EPParameters {
        EPParameters(tensors: tensors.map { $0.map { $0 * scale } })
    }

    /// All scalars in order.
    public var flattened: [S] { tensors.flatMap { $0 } }

    /// `Σ self·other` over all tensors.
    public func dot(_ other: EPParameters) -> S {
        var sum: S = 0
        for t in tensors.indices { for i in tensors[t].indices { sum += tensors[t][i] * other.tensors[t][i] } }
        return sum
    }

    /// The Euclidean norm over all tensors.
    public var norm: S { dot(self).squareRoot() }
}

/// Measures between two vectors of the same length (the gradient comparisons of learning-rules §2.1).
public enum EPVectorMeasure {
    /// `cos(a, b) = ⟨a,b⟩/(‖a‖‖b‖)` (0 when either is zero).
    public static func cosine<S: EPScalar>(_ a: [S], _ b: [S]) -> S {
        precondition(a.count == b.count, "cosine: lengths \(a.count) and \(b.count) differ")
        var (ab, aa, bb): (S, S, S) = (0, 0, 0)
        for i in a.indices { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i] }
        guard aa > 0, bb > 0 else { return 0 }
        return ab / (aa.squareRoot() * bb.squareRoot())
    }

    /// `‖a − b‖ / ‖b‖`: the relative RMSE of `a` against the reference `b`
    /// (`√(mean (a−b)²) / √(mean b²)`).
    public static func relativeRMSE<S: EPScalar>(_ a: [S], reference b: [S]) -> S {
        precondition(a.count == b.count, "relativeRMSE: lengths \(a.count) and \(b.count) differ")
        var (dd, bb): (S, S) = (0, 0)
        for i in a.indices { dd += (a[i] - b[i]) * (a[i] - b[i]); bb += b[i] * b[i] }
        return bb > 0 ? (dd / bb).squareRoot() : dd.squareRoot()
    }

    /// `‖a − b‖`.
    public static func distance<S: EPScalar>(_ a: [S], _ b: [S]) -> S {
        precondition(a.count == b.count, "distance: lengths \(a.count) and \(b.count) differ")
        var dd: S = 0
        for i in a.indices { dd += (a[i] - b[i]) * (a[i] - b[i]) }
        return dd.squareRoot()
    }

    /// The angle in degrees between two weight tensors, `arccos(⟨w_f,w_b⟩/(‖w_f‖‖w_b‖))` (Fig. 5).
    public static func angleDegrees<S: EPScalar>(_ a: [S], _ b: [S]) -> Double {
        let c = Swift.min(Swift.max(Double(cosine(a, b)), -1), 1)
        return Foundation.acos(c) * 180 / Double.pi
    }
}
