import NeuromorphCore

/// One term `s · u vᵀ` of a low-rank gradient in the tile's orientation: `u` over the
/// outputs (rows), `v` over the inputs (columns).
public struct RankOneTerm: Sendable, Equatable {
    /// The term's weight (SBPCA's σ_j; ±1 for NMF's positive and negative parts).
    public var scale: Float
    /// Length `rows` (Zhao's Δ̂_j, or a column of ΔPᵀ).
    public var output: [Float]
    /// Length `columns` (Zhao's X̂_j, or a column of XP).
    public var input: [Float]

    public init(scale: Float, output: [Float], input: [Float]) {
        self.scale = scale
        self.output = output
        self.input = input
    }
}

/// A streaming low-rank approximation of a mini-batch gradient (Zhao et al. 2021, digest
/// `ttv2_gradient-decomposition_shd.md` §2.3; note `analog-training.md` §1.8-1.9):
///
/// ```
/// accumulate(x_b, d_b)      per sample b of the batch (x: inputs, d: output errors)
/// finishBatch() → {s_j, u_j, v_j}   with  Σ_j s_j u_j v_jᵀ ≈ (1/S) Σ_b d_bᵀ x_b
/// ```
///
/// i.e. the mean per-sample gradient of the `S` samples since the last `finishBatch`, in the
/// tile's `[rows, columns]` orientation (Zhao's `G` is its transpose). Conformances:
/// ``StreamingBatchPCA`` (SBPCA: `k(m + n)` memory, never forms `G`) and
/// ``NonnegativeGradientFactorization`` (NMF: forms `G`, then `2k` non-negative terms).
public protocol GradientDecomposition: Sendable, Codable, Equatable {
    /// Inputs `m` (the tile's columns).
    var inputs: Int { get }
    /// Outputs `n` (the tile's rows).
    var outputs: Int { get }
    /// The rank `k` in use (the configured rank, at most `min(m, n)`).
    var rank: Int { get }
    /// Samples accumulated since the last ``finishBatch()``.
    var samples: Int { get }
    /// Digital memory the method holds, in floats.
    var memoryFloats: Int { get }
    /// Floating-point operations so far (multiply and add counted separately), for Z7.
    var flops: Int { get }
    /// Streams a batch of samples: `x` `[B, inputs]`, `d` `[B, outputs]`.
    mutating func accumulate(x: Tensor, d: Tensor)
    /// The rank-one terms of the batch's mean gradient; starts the next batch. Empty when no
    /// sample was accumulated.
    mutating func finishBatch() -> [RankOneTerm]
    /// The method's state by name for export (`sbpca.input_basis`, `nmf.positive.input_factor`, …).
    var internalState: [(name: String, tensor: Tensor)] { get }
    /// A short name for summaries (`SBPCA`, `NMF`).
    static var summaryName: String { get }
}

/// A value that builds one kind of ``GradientDecomposition`` for a tile size.
public protocol GradientDecompositionConfiguration: Sendable, Codable, Equatable {
    associatedtype Decomposition: GradientDecomposition
    /// A decomposition for `inputs × outputs` gradients drawing its random numbers from
    /// `generator`; bad parameters throw ``DeviceParameterError``.
    func makeDecomposition(inputs: Int, outputs: Int, generator: SeededGenerator) throws -> Decomposition
}

extension Array where Element == RankOneTerm {
    /// `Σ_j s_j u_j v_jᵀ` as a `[rows, columns]` tensor, summed in `Double` (rank-sum's
    /// recomposition, 2kmn operations).
    public func recomposed(rows: Int, columns: Int) -> Tensor {
        var sum = [Double](repeating: 0, count: rows * columns)
        for term in self {
            precondition(term.output.count == rows && term.input.count == columns, "recomposed: term of wrong size")
            for i in 0..<rows {
                let a = Double(term.scale) * Double(term.output[i])
                guard a != 0 else { continue }
                for j in 0..<columns { sum[i * columns + j] += a * Double(term.input[j]) }
            }
        }
        return Tensor(shape: [rows, columns], scalars: sum.map { Float($0) })
    }
}
