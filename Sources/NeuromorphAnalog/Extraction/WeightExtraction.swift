import COpenBLAS
import NeuromorphCore

/// The inputs of a least-squares weight extraction (Gokmen 2021 Part II Fig. 6, digest
/// `ttv2_gradient-decomposition_shd.md` §1.5): 10,240 uniform-random products (the paper's
/// best, error std 0.002 on a 512×512 tile), or one-hot inputs repeated `r` times (512 or
/// 10,240 products for a 512-input tile: "very poor" and "better").
public enum ExtractionInputs: Sendable, Codable, Equatable {
    /// `count` inputs uniform on [−1, 1].
    case uniform(count: Int)
    /// Every one-hot input `e_j`, the whole set `repeats` times (`repeats · in` products).
    case oneHot(repeats: Int)

    /// The number of matrix-vector products for a tile of `inputs` inputs.
    public func productCount(inputs: Int) -> Int {
        switch self {
        case .uniform(let count): return count
        case .oneHot(let repeats): return repeats * inputs
        }
    }

    /// Products `start ..< start + count` of the set as a `[count, inputs]` batch; uniform draws
    /// come from `generator` in order.
    func batch(start: Int, count: Int, inputs: Int, generator: inout SeededGenerator) -> Tensor {
        switch self {
        case .uniform:
            return Tensor.randomUniform([count, inputs], lower: -1, upper: 1, using: &generator)
        case .oneHot:
            var x = Tensor.zeros([count, inputs])
            for r in 0..<count { x.scalars[r * inputs + (start + r) % inputs] = 1 }
            return x
        }
    }
}

/// Least-squares extraction of a tile's weights from its own noisy products (Gokmen 2021
/// Eq. 4, digest §1.5; note `analog-training.md` §1.10):
///
/// ```
/// Y = tile.forward(X)            (through the tile's periphery: DAC, noise, ADC, management)
/// Ĉ = ((X Xᵀ)⁻¹ X Yᵀ)ᵀ            (X: [in, N] inputs, Y: [out, N] outputs)
/// ```
///
/// The error of each weight is `σ_out √((XXᵀ)⁻¹_jj)`: about `σ_out √(3/N)` for uniform inputs
/// (every product informs every weight) and `σ_out/√r` for one-hot × r, so uniform inputs win
/// at equal N (G4: one-hot×1 > one-hot×20 > uniform).
public enum WeightExtraction {
    /// Extracts `[out, in]` weights from `forward` (a batch `[B, in]` → `[B, out]`), in batches
    /// of `batchSize` products; uniform inputs from `generator`.
    public static func extract(inputs set: ExtractionInputs, inputCount: Int, outputCount: Int, batchSize: Int = 1024,
                               generator: inout SeededGenerator, forward: (Tensor) -> Tensor) throws -> Tensor {
        let total = set.productCount(inputs: inputCount)
        guard total > 0 else {
            throw ExtractionError(field: "mvms", "needs a positive number of products, got \(total)")
        }
        guard batchSize > 0 else { throw ExtractionError(field: "batch_size", "must be ≥ 1, got \(batchSize)") }
        var averager = RunningAverager(inputs: inputCount, outputs: outputCount)
        var start = 0
        while start < total {
            let count = Swift.min(batchSize, total - start)
            let x = set.batch(start: start, count: count, inputs: inputCount, generator: &generator)
            averager.accumulate(x: x, y: forward(x))
            start += count
        }
        return try averager.estimate()
    }

    /// Extracts a unit cell's effective weights through its forward periphery.
    public static func extract<Cell: UnitCell>(from cell: inout Cell, inputs set: ExtractionInputs, batchSize: Int = 1024,
                                               generator: inout SeededGenerator) throws -> Tensor {
        try extract(inputs: set, inputCount: cell.columns, outputCount: cell.rows, batchSize: batchSize,
                    generator: &generator) { cell.forward($0) }
    }
}

/// One seeded input set whose `(X Xᵀ)⁻¹` is computed once and shared by every tile of the same
/// input size ("a digital processor can regenerate the same inputs from a seed, so `M_xx⁻¹` can
/// be precomputed and shared across tiles", Gokmen 2021 §II, digest §1.5).
public struct SharedExtractionInputs: Sendable {
    /// The inputs `[N, in]`.
    public let inputs: Tensor
    /// `(X Xᵀ)⁻¹`, row-major `[in, in]`.
    let inverseGram: [Double]

    /// `count` uniform inputs on [−1, 1] from `generator`, and the inverse of their Gram matrix.
    public init(inputCount: Int, count: Int, generator: inout SeededGenerator) throws {
        guard inputCount > 0, count >= inputCount else {
            throw ExtractionError(field: "mvms", "needs at least \(inputCount) products for \(inputCount) inputs, got \(count)")
        }
        inputs = Tensor.randomUniform([count, inputCount], lower: -1, upper: 1, using: &generator)
        var averager = RunningAverager(inputs: inputCount, outputs: 1)
        averager.accumulate(x: inputs, y: Tensor.zeros([count, 1]))
        var identity = [Double](repeating: 0, count: inputCount * inputCount)
        for i in 0..<inputCount { identity[i * inputCount + i] = 1 }
        inverseGram = try RunningAverager.solve(gram: averager.inputGram, rightHandSides: identity, size: inputCount,
                                                columns: inputCount)
    }

    /// A tile's weights `[out, in]` from its products of ``inputs`` (one `[N, in] → [N, out]` call).
    public func extract(outputCount: Int, forward: (Tensor) -> Tensor) -> Tensor {
        let n = inputs.columns
        let y = forward(inputs)
        precondition(y.rows == inputs.rows && y.columns == outputCount, "SharedExtractionInputs.extract: outputs \(y.shape)")
        var averager = RunningAverager(inputs: n, outputs: outputCount)
        averager.accumulate(x: inputs, y: y)
        var solution = [Double](repeating: 0, count: n * outputCount)   // (M_xx)⁻¹ M_xy, [in, out]
        inverseGram.withUnsafeBufferPointer { a in
            averager.inputOutput.withUnsafeBufferPointer { b in
                solution.withUnsafeMutableBufferPointer { c in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(outputCount), Int32(n), 1,
                                a.baseAddress, Int32(n), b.baseAddress, Int32(outputCount), 0, c.baseAddress, Int32(outputCount))
                }
            }
        }
        var weights = [Float](repeating: 0, count: n * outputCount)
        for i in 0..<n { for o in 0..<outputCount { weights[o * n + i] = Float(solution[i * outputCount + o]) } }
        return Tensor(shape: [outputCount, n], scalars: weights)
    }
}
