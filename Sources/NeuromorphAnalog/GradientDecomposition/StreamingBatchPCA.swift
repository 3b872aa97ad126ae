import NeuromorphCore

/// Streaming Batch PCA (SBPCA; Zhao et al. 2021 §2.3, digest
/// `ttv2_gradient-decomposition_shd.md` §2.3; note `analog-training.md` §1.8 with its
/// corrected forms): a rank-`k` estimate `Ĝ = X̂ diag(σ̂) Δ̂ᵀ` of the batch's mean gradient,
/// updated block by block without ever forming `G` (memory `k(m + n) + k`, plus one block of
/// samples). For block `i` (`i` blocks before it) of `b` samples, `x_b` `[b, m]`, `d_b` `[b, n]`:
///
/// ```
/// P_x = x_b X̂,  P_d = d_b Δ̂                                   (b × k)
/// σ̂  ← (i/(i+1)) σ̂ + (1/(i+1)) · colsum(P_x ⊙ P_d)/b
/// X̂  ← QR[(i/(i+1)) X̂ + (1/(i+1)) · x_bᵀ P_d Σ̂⁻¹ / b]
/// Δ̂  ← QR[(i/(i+1)) Δ̂ + (1/(i+1)) · d_bᵀ P_x Σ̂⁻¹ / b]
/// ```
///
/// with Householder QR and `diag(R) ≥ 0` (``HouseholderQR``). The products cost exactly
/// Zhao's `4Bk(m + n)` over a batch of `B` samples (counted in ``flops``).
///
/// Errata and design decisions (note §2.3, digest §5 item 5):
/// - Zhao types `X̂` and `Δ̂` both as n×k; here `X̂` is m×k (inputs) and `Δ̂` n×k (outputs).
/// - The printed `X̂` update omits the error block and the `Δ̂` update is not printed; the
///   corrected, symmetric forms above are the note's [I].
/// - The first block of each batch starts from a random orthonormal `Δ̂₀` (stream of the
///   decomposition) and takes one power step, `X̂ = QR[G_0 Δ̂₀]`, `Δ̂ = QR[G_0ᵀ X̂]`,
///   `σ̂ = diag(X̂ᵀ G_0 Δ̂) = diag(R) ≥ 0` ("σ̂ from the first block" [I]), so `Σ̂⁻¹` never
///   divides by a random projection.
/// - `σ̂` is updated before the factors and the new `σ̂` scales them [I]. A `σ̂_j` of zero (or
///   below 10⁻⁷ max|σ̂|) leaves its direction unchanged in that block.
/// - Each batch restarts from scratch (the note: "reset each batch"). A last partial block is
///   processed with its own size. `k` is clamped to `min(m, n)`.
public struct StreamingBatchPCA: GradientDecomposition {
    public let inputs: Int
    public let outputs: Int
    public let rank: Int
    /// Samples per block `b`.
    public let blockSize: Int
    /// `X̂ᵀ` `[k, m]`: row `j` is the input direction `X̂_j`.
    public private(set) var inputBasis: Tensor
    /// `Δ̂ᵀ` `[k, n]`: row `j` is the output direction `Δ̂_j`.
    public private(set) var outputBasis: Tensor
    /// `σ̂` (k).
    public private(set) var sigma: [Float]
    /// Blocks processed in the current batch (`i`).
    public private(set) var blockIndex: Int = 0
    public private(set) var samples: Int = 0
    public private(set) var flops: Int = 0
    /// Samples of the current, incomplete block (`[pending, m]` and `[pending, n]` in use).
    var pendingX: [Float]
    var pendingD: [Float]
    var pending: Int = 0
    /// The random initial `Δ̂₀` of each batch.
    var generator: SeededGenerator

    public static var summaryName: String { "SBPCA" }

    public init(inputs: Int, outputs: Int, rank: Int, blockSize: Int, generator: SeededGenerator) {
        precondition(inputs > 0 && outputs > 0 && rank > 0 && blockSize > 0, "StreamingBatchPCA: sizes must be positive")
        self.inputs = inputs
        self.outputs = outputs
        self.rank = Swift.min(rank, inputs, outputs)
        self.blockSize = blockSize
        self.generator = generator
        inputBasis = Tensor.zeros([self.rank, inputs])
        outputBasis = Tensor.zeros([self.rank, outputs])
        sigma = [Float](repeating: 0, count: self.rank)
        pendingX = [Float](repeating: 0, count: blockSize * inputs)
        pendingD = [Float](repeating: 0, count: blockSize * outputs)
    }

    /// `k(m + n) + k` factor floats plus the `b(m + n)` block buffer.
    public var memoryFloats: Int { rank * (inputs + outputs) + rank + blockSize * (inputs + outputs) }

    public mutating func accumulate(x: Tensor, d: Tensor) {
        precondition(x.rows == d.rows && x.columns == inputs && d.columns == outputs,
                     "StreamingBatchPCA.accumulate: x \(x.shape), d \(d.shape) for \(inputs) inputs, \(outputs) outputs")
        for s in 0..<x.rows {
            for j in 0..<inputs { pendingX[pending * inputs + j] = x.scalars[s * inputs + j] }
            for i in 0..<outputs { pendingD[pending * outputs + i] = d.scalars[s * outputs + i] }
            pending += 1
            samples += 1
            if pending == blockSize { processPendingBlock() }
        }
    }

    public mutating func finishBatch() -> [RankOneTerm] {
        if pending > 0 { processPendingBlock() }
        guard blockIndex > 0 else { return [] }
        let terms = (0..<rank).map { j in
            RankOneTerm(scale: sigma[j], output: Array(outputBasis.scalars[(j * outputs)..<((j + 1) * outputs)]),
                        input: Array(inputBasis.scalars[(j * inputs)..<((j + 1) * inputs)]))
        }
        blockIndex = 0
        samples = 0
        return terms
    }

    /// The current estimate `Ĝ = Σ_j σ̂_j Δ̂_j X̂_jᵀ` (`[n, m]`, the tile's orientation).
    public var estimate: Tensor {
        (0..<rank).map { j in
            RankOneTerm(scale: sigma[j], output: Array(outputBasis.scalars[(j * outputs)..<((j + 1) * outputs)]),
                        input: Array(inputBasis.scalars[(j * inputs)..<((j + 1) * inputs)]))
        }.recomposed(rows: outputs, columns: inputs)
    }

    mutating func processPendingBlock() {
        let b = pending
        let x = Tensor(shape: [b, inputs], scalars: Array(pendingX[0..<(b * inputs)]))
        let d = Tensor(shape: [b, outputs], scalars: Array(pendingD[0..<(b * outputs)]))
        pending = 0
        let k = rank, m = inputs, n = outputs
        let inverseB = 1 / Float(b)
        if blockIndex == 0 {
            // One power step from a random orthonormal Δ̂₀: X̂ = QR[G Δ̂₀], Δ̂ = QR[Gᵀ X̂].
            let start = HouseholderQR.randomOrthonormal(count: k, length: n, generator: &generator)
            var pd = Tensor.zeros([0]), px = Tensor.zeros([0])
            Tensor.gemm(d, .none, start, .transposed, into: &pd)                    // [b, k]
            Tensor.gemm(pd, .transposed, x, .none, alpha: inverseB, into: &inputBasis)  // [k, m] = (x_bᵀ P_d)ᵀ / b
            HouseholderQR.orthonormalize(&inputBasis)
            Tensor.gemm(x, .none, inputBasis, .transposed, into: &px)               // [b, k]
            Tensor.gemm(px, .transposed, d, .none, alpha: inverseB, into: &outputBasis) // [k, n]
            HouseholderQR.orthonormalize(&outputBasis)
            Tensor.gemm(d, .none, outputBasis, .transposed, into: &pd)
            sigma = Self.columnSums(px, pd, scale: inverseB)
            flops += 2 * b * k * (2 * n + m) + 2 * b * k * (m + n) + 2 * b * k
        } else {
            var px = Tensor.zeros([0]), pd = Tensor.zeros([0])
            Tensor.gemm(x, .none, inputBasis, .transposed, into: &px)               // P_x [b, k]
            Tensor.gemm(d, .none, outputBasis, .transposed, into: &pd)              // P_d [b, k]
            let s = Self.columnSums(px, pd, scale: inverseB)
            let i = Float(blockIndex)
            let keep = i / (i + 1), add = 1 / (i + 1)
            for j in 0..<k { sigma[j] = keep * sigma[j] + add * s[j] }
            let largest = sigma.map { Swift.abs($0) }.max() ?? 0
            let inverse = sigma.map { Swift.abs($0) > 1e-7 * largest && $0 != 0 ? 1 / $0 : 0 }
            var yx = Tensor.zeros([0]), yd = Tensor.zeros([0])
            Tensor.gemm(pd, .transposed, x, .none, alpha: inverseB, into: &yx)      // (x_bᵀ P_d)ᵀ / b  [k, m]
            Tensor.gemm(px, .transposed, d, .none, alpha: inverseB, into: &yd)      // (d_bᵀ P_x)ᵀ / b  [k, n]
            Self.mix(&inputBasis, keep: keep, add: add, update: yx, inverseSigma: inverse)
            Self.mix(&outputBasis, keep: keep, add: add, update: yd, inverseSigma: inverse)
            HouseholderQR.orthonormalize(&inputBasis)
            HouseholderQR.orthonormalize(&outputBasis)
            flops += 4 * b * k * (m + n) + 2 * b * k
        }
        blockIndex += 1
    }

    /// `colsum(a ⊙ b) · scale` for two `[b, k]` tensors.
    static func columnSums(_ a: Tensor, _ b: Tensor, scale: Float) -> [Float] {
        let k = a.columns
        var sums = [Float](repeating: 0, count: k)
        for r in 0..<a.rows {
            for j in 0..<k { sums[j] += a.scalars[r * k + j] * b.scalars[r * k + j] }
        }
        return sums.map { $0 * scale }
    }

    /// `basis ← keep · basis + add · diag(inverseSigma) · update` (rows are directions).
    static func mix(_ basis: inout Tensor, keep: Float, add: Float, update: Tensor, inverseSigma: [Float]) {
        let width = basis.columns
        basis.scalars.withUnsafeMutableBufferPointer { out in
            update.scalars.withUnsafeBufferPointer { u in
                for j in 0..<inverseSigma.count {
                    let scale = add * inverseSigma[j]
                    for c in 0..<width { out[j * width + c] = keep * out[j * width + c] + scale * u[j * width + c] }
                }
            }
        }
    }

    public var internalState: [(name: String, tensor: Tensor)] {
        [("sbpca.input_basis", inputBasis), ("sbpca.output_basis", outputBasis),
         ("sbpca.sigma", Tensor(sigma))]
    }
}

/// Builds ``StreamingBatchPCA`` decompositions (Zhao: rank 1, 3 or 10; block 32, also 128,
/// 512, 1024).
public struct StreamingBatchPCAConfiguration: GradientDecompositionConfiguration {
    /// Rank `k` (≥ 1; clamped to `min(m, n)` per tile). Default 10.
    public var rank: Int
    /// Samples per block `b` (≥ 1). Default 32.
    public var blockSize: Int

    public init(rank: Int = 10, blockSize: Int = 32) {
        self.rank = rank
        self.blockSize = blockSize
    }

    public func makeDecomposition(inputs: Int, outputs: Int, generator: SeededGenerator) throws -> StreamingBatchPCA {
        guard rank >= 1 else { throw DeviceParameterError(device: "SBPCA", parameter: "rank", "must be an integer ≥ 1, got \(rank)") }
        guard blockSize >= 1 else {
            throw DeviceParameterError(device: "SBPCA", parameter: "block_size", "must be an integer ≥ 1, got \(blockSize)")
        }
        return StreamingBatchPCA(inputs: inputs, outputs: outputs, rank: rank, blockSize: blockSize, generator: generator)
    }
}
