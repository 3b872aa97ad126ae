import COpenBLAS
import NeuromorphCore

/// A bad extraction request: too few matrix-vector products, a singular input Gram matrix or
/// mismatched sizes (names the field and what was expected).
public struct ExtractionError: UserFacingError, Sendable, Equatable {
    public var field: String
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "weight extraction \(field): \(message)" }
}

/// The streaming least-squares estimator of a tile's weights from its matrix-vector products
/// (Gokmen 2021 Part II, digest `ttv2_gradient-decomposition_shd.md` §1.5; note
/// `analog-training.md` §1.10):
///
/// ```
/// M_xx ← M_xx + x xᵀ          ([in, in], Double)
/// M_xy ← M_xy + x yᵀ          ([in, out], Double)
/// Ĉ    = ((M_xx)⁻¹ M_xy)ᵀ      ([out, in]; Eq. 4 for a whole set, C_avg_hat while the tile trains)
/// ```
///
/// Fed with products of a fixed tile it is Eq. 4's least-squares extraction; fed with sparse
/// products interleaved with training it estimates the time average of the evolving weights
/// (Gokmen's analog stochastic weight averaging). The sums are kept in Double so that 10⁵
/// products of a 512-input tile keep their precision. aihwkit has only
/// `read_weights(x_values=None, over_sampling=10)` (Gaussian inputs, one lstsq).
public struct RunningAverager: Sendable, Codable, Equatable {
    public let inputs: Int
    public let outputs: Int
    /// `Σ x xᵀ`, row-major `[in, in]`.
    public private(set) var inputGram: [Double]
    /// `Σ x yᵀ`, row-major `[in, out]`.
    public private(set) var inputOutput: [Double]
    /// Products accumulated.
    public private(set) var count: Int = 0

    public init(inputs: Int, outputs: Int) {
        precondition(inputs > 0 && outputs > 0, "RunningAverager: sizes must be positive")
        self.inputs = inputs
        self.outputs = outputs
        inputGram = [Double](repeating: 0, count: inputs * inputs)
        inputOutput = [Double](repeating: 0, count: inputs * outputs)
    }

    /// Adds a batch of products: `x` `[B, in]` and the tile's outputs `y` `[B, out]`.
    public mutating func accumulate(x: Tensor, y: Tensor) {
        precondition(x.rows == y.rows && x.columns == inputs && y.columns == outputs,
                     "RunningAverager.accumulate: x \(x.shape), y \(y.shape) for \(inputs) inputs, \(outputs) outputs")
        let b = x.rows
        guard b > 0 else { return }
        let xd = x.scalars.map(Double.init), yd = y.scalars.map(Double.init)
        let m = Int32(inputs), n = Int32(outputs), k = Int32(b)
        xd.withUnsafeBufferPointer { xp in
            yd.withUnsafeBufferPointer { yp in
                inputGram.withUnsafeMutableBufferPointer { g in
                    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, m, k, 1, xp.baseAddress, m, xp.baseAddress, m,
                                1, g.baseAddress, m)
                }
                inputOutput.withUnsafeMutableBufferPointer { c in
                    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, k, 1, xp.baseAddress, m, yp.baseAddress, n,
                                1, c.baseAddress, n)
                }
            }
        }
        count += b
    }

    /// Forgets everything (the start of a new averaging window).
    public mutating func reset() { self = RunningAverager(inputs: inputs, outputs: outputs) }

    /// `Ĉ = ((M_xx)⁻¹ M_xy)ᵀ` as `[out, in]`. Throws ``ExtractionError`` when fewer products than
    /// inputs were accumulated or `M_xx` is singular (e.g. a one-hot set missing an input).
    public func estimate() throws -> Tensor {
        guard count >= inputs else {
            throw ExtractionError(field: "mvms", "needs at least \(inputs) products (one per input) to solve, got \(count)")
        }
        let solution = try Self.solve(gram: inputGram, rightHandSides: inputOutput, size: inputs, columns: outputs)
        var weights = [Float](repeating: 0, count: inputs * outputs)
        for i in 0..<inputs { for o in 0..<outputs { weights[o * inputs + i] = Float(solution[i * outputs + o]) } }
        return Tensor(shape: [outputs, inputs], scalars: weights)
    }

    /// Solves `G A = B` (`G` `[size, size]`, `B` `[size, columns]`, row-major) by LU with partial
    /// pivoting (LAPACK `dgesv_`). `G` is symmetric, so its row-major layout is its column-major
    /// one; `B` is transposed in and out.
    static func solve(gram: [Double], rightHandSides: [Double], size: Int, columns: Int) throws -> [Double] {
        var a = gram
        var b = [Double](repeating: 0, count: size * columns)           // column-major [size, columns]
        for i in 0..<size { for c in 0..<columns { b[c * size + i] = rightHandSides[i * columns + c] } }
        var n = Int32(size), nrhs = Int32(columns), lda = Int32(size), ldb = Int32(size), info: Int32 = 0
        var pivots = [Int32](repeating: 0, count: size)
        dgesv_(&n, &nrhs, &a, &lda, &pivots, &b, &ldb, &info)
        guard info == 0 else {
            throw ExtractionError(field: "inputs", "the input Gram matrix Σ x xᵀ is singular (LAPACK dgesv info \(info)); the inputs must span every input direction")
        }
        var result = [Double](repeating: 0, count: size * columns)
        for i in 0..<size { for c in 0..<columns { result[i * columns + c] = b[c * size + i] } }
        return result
    }
}
