import NeuromorphCore

/// How the NMF factors are updated in one iteration.
public enum NMFUpdate: String, Sendable, Codable, CaseIterable {
    /// Zhao's printed matrix form read literally: all `k` components at once, each scaled by
    /// its own diagonal entry (a projected, diagonally scaled gradient step). Not monotone; on
    /// a planted rank-3 problem it collapses components and stalls (test
    /// `nmfFactorizesAPlantedNonnegativeMatrix`).
    case block
    /// Cichocki & Phan's Fast HALS, the algorithm Zhao names: the same per-component formula,
    /// one component after another with the others fixed (each step is the exact non-negative
    /// minimiser of its component, so the error never rises). The default.
    case sequential
}

/// Non-negative matrix factorisation of a batch gradient (Zhao et al. 2021 §2.3 "NMF
/// (modified Fast HALS)", digest `ttv2_gradient-decomposition_shd.md` §2.3; note
/// `analog-training.md` §1.9). The batch gradient `G` (tile orientation, `[n, m]`) is formed,
/// split into `G⁺ = ReLU(G)` and `G⁻ = ReLU(−G)`, and each part is factorised with `P`
/// iterations, warm-started from the previous batch:
///
/// ```
/// G⁺ ≈ L⁺ R⁺,  G⁻ ≈ L⁻ R⁻        L: [n, k] ≥ 0 (Zhao's ΔPᵀ),  R: [k, m] ≥ 0 (Zhao's XPᵀ)
/// R ← ReLU(R + diag(LᵀL)⁻¹ (Lᵀ G − LᵀL R))          (Zhao's XP update, transposed)
/// L ← ReLU(L + (G Rᵀ − L R Rᵀ) diag(R Rᵀ)⁻¹)         (Zhao's ΔP update, corrected)
/// Ĝ = L⁺R⁺ − L⁻R⁻                                    (2k rank-one terms, scales ±1)
/// ```
///
/// ``NMFUpdate/sequential`` (the default) applies each line one component `j` at a time with
/// the others fixed (Fast HALS); ``NMFUpdate/block`` applies it to all `k` at once.
///
/// Errata and design decisions (note §1.9, §2.3; digest §5 item 6):
/// - The printed ΔP update is dimensionally inconsistent; the corrected form is used.
/// - `G⁻ = ReLU(−G)` is the digest's reading of "use ReLU to restrict the sign".
/// - First batch: `|N(0, √(mean(G±)/k))|` (the printed Gaussian, made non-negative by `abs`).
/// - A component whose `L` column or `R` row is all zero at the start of a batch (e.g. after a
///   batch without positive entries) is drawn again from that distribution [I]; otherwise a
///   dead component never revives.
/// - A zero diagonal entry (dead component) skips that component's step.
/// - `k` is clamped to `min(m, n)`.
public struct NonnegativeGradientFactorization: GradientDecomposition {
    public let inputs: Int
    public let outputs: Int
    public let rank: Int
    /// Iterations per batch `P` (Zhao: 200).
    public let iterations: Int
    public let update: NMFUpdate
    /// The digital batch gradient `Σ_b d_bᵀ x_b` since the last batch, `[n, m]`.
    public private(set) var gradient: Tensor
    public private(set) var samples: Int = 0
    public private(set) var flops: Int = 0
    /// `L⁺` `[n, k]`, `R⁺` `[k, m]`, `L⁻`, `R⁻`.
    public private(set) var positiveOutput: Tensor
    public private(set) var positiveInput: Tensor
    public private(set) var negativeOutput: Tensor
    public private(set) var negativeInput: Tensor
    /// Initial draws and revivals.
    var generator: SeededGenerator

    public static var summaryName: String { "NMF" }

    public init(inputs: Int, outputs: Int, rank: Int, iterations: Int, update: NMFUpdate, generator: SeededGenerator) {
        precondition(inputs > 0 && outputs > 0 && rank > 0 && iterations >= 0, "NonnegativeGradientFactorization: bad sizes")
        self.inputs = inputs
        self.outputs = outputs
        self.rank = Swift.min(rank, inputs, outputs)
        self.iterations = iterations
        self.update = update
        self.generator = generator
        gradient = Tensor.zeros([outputs, inputs])
        positiveOutput = Tensor.zeros([outputs, self.rank])
        positiveInput = Tensor.zeros([self.rank, inputs])
        negativeOutput = positiveOutput
        negativeInput = positiveInput
    }

    /// `mn` for `G` plus `2k(m + n)` factor floats.
    public var memoryFloats: Int { inputs * outputs + 2 * rank * (inputs + outputs) }

    public mutating func accumulate(x: Tensor, d: Tensor) {
        precondition(x.rows == d.rows && x.columns == inputs && d.columns == outputs,
                     "NMF.accumulate: x \(x.shape), d \(d.shape) for \(inputs) inputs, \(outputs) outputs")
        Tensor.gemm(d, .transposed, x, .none, alpha: 1, beta: 1, into: &gradient)
        samples += x.rows
        flops += 2 * x.rows * inputs * outputs
    }

    public mutating func finishBatch() -> [RankOneTerm] {
        guard samples > 0 else { return [] }
        let mean = gradient * (1 / Float(samples))
        let positive = mean.map { Swift.max($0, 0) }, negative = mean.map { Swift.max(-$0, 0) }
        Self.revive(&positiveOutput, &positiveInput, target: positive, generator: &generator)
        Self.revive(&negativeOutput, &negativeInput, target: negative, generator: &generator)
        flops += Self.factorize(positive, output: &positiveOutput, input: &positiveInput, iterations: iterations, update: update).flops
        flops += Self.factorize(negative, output: &negativeOutput, input: &negativeInput, iterations: iterations, update: update).flops
        var terms: [RankOneTerm] = []
        for (sign, output, input) in [(Float(1), positiveOutput, positiveInput), (-1, negativeOutput, negativeInput)] {
            for j in 0..<rank {
                terms.append(RankOneTerm(scale: sign, output: (0..<outputs).map { output.scalars[$0 * rank + j] },
                                         input: Array(input.scalars[(j * inputs)..<((j + 1) * inputs)])))
            }
        }
        gradient = Tensor.zeros([outputs, inputs])
        samples = 0
        return terms
    }

    /// Draws every component whose factors are all zero from `|N(0, √(mean(target)/k))|`
    /// (all of them at the first batch).
    static func revive(_ output: inout Tensor, _ input: inout Tensor, target: Tensor, generator: inout SeededGenerator) {
        let k = input.rows, n = output.rows, m = input.columns
        let std = (target.scalars.reduce(0, +) / Float(target.count) / Float(k)).squareRoot()
        for j in 0..<k {
            let deadOutput = (0..<n).allSatisfy { output.scalars[$0 * k + j] == 0 }
            let deadInput = (0..<m).allSatisfy { input.scalars[j * m + $0] == 0 }
            guard deadOutput || deadInput else { continue }
            for i in 0..<n { output.scalars[i * k + j] = Swift.abs(std * generator.nextNormal()) }
            for c in 0..<m { input.scalars[j * m + c] = Swift.abs(std * generator.nextNormal()) }
        }
    }

    /// `P` iterations on `target ≈ output · input` (both factors ≥ 0), updating `input` (R)
    /// then `output` (L) in each. Returns the operations counted (`4kmn + 4k²(m + n)` per
    /// iteration plus the elementwise steps) and, with `recordErrors`, `‖target − L R‖_F` after
    /// every iteration.
    @discardableResult
    public static func factorize(_ target: Tensor, output: inout Tensor, input: inout Tensor, iterations: Int,
                                 update: NMFUpdate, recordErrors: Bool = false) -> (flops: Int, errors: [Float]) {
        let n = target.rows, m = target.columns, k = input.rows
        precondition(output.shape == [n, k] && input.shape == [k, m], "NMF.factorize: factors \(output.shape), \(input.shape) for \(target.shape)")
        var gram = Tensor.zeros([0]), cross = Tensor.zeros([0]), product = Tensor.zeros([0])
        var count = 0
        var errors: [Float] = []
        for _ in 0..<iterations {
            // R ← ReLU(R + diag(LᵀL)⁻¹ (LᵀG − LᵀL R))
            Tensor.gemm(output, .transposed, output, .none, into: &gram)      // [k, k]
            Tensor.gemm(output, .transposed, target, .none, into: &cross)     // [k, m]
            switch update {
            case .block:
                Tensor.gemm(gram, .none, input, .none, into: &product)        // [k, m]
                for j in 0..<k where gram.scalars[j * k + j] > 0 {
                    let inverse = 1 / gram.scalars[j * k + j]
                    for c in 0..<m {
                        let index = j * m + c
                        input.scalars[index] = Swift.max(0, input.scalars[index] + inverse * (cross.scalars[index] - product.scalars[index]))
                    }
                }
            case .sequential:
                for j in 0..<k where gram.scalars[j * k + j] > 0 {
                    let inverse = 1 / gram.scalars[j * k + j]
                    for c in 0..<m {
                        var s: Float = 0
                        for l in 0..<k { s += gram.scalars[j * k + l] * input.scalars[l * m + c] }
                        let index = j * m + c
                        input.scalars[index] = Swift.max(0, input.scalars[index] + inverse * (cross.scalars[index] - s))
                    }
                }
            }
            // L ← ReLU(L + (G Rᵀ − L R Rᵀ) diag(R Rᵀ)⁻¹)
            Tensor.gemm(input, .none, input, .transposed, into: &gram)        // [k, k]
            Tensor.gemm(target, .none, input, .transposed, into: &cross)      // [n, k]
            switch update {
            case .block:
                Tensor.gemm(output, .none, gram, .none, into: &product)       // [n, k]
                for j in 0..<k where gram.scalars[j * k + j] > 0 {
                    let inverse = 1 / gram.scalars[j * k + j]
                    for i in 0..<n {
                        let index = i * k + j
                        output.scalars[index] = Swift.max(0, output.scalars[index] + inverse * (cross.scalars[index] - product.scalars[index]))
                    }
                }
            case .sequential:
                for j in 0..<k where gram.scalars[j * k + j] > 0 {
                    let inverse = 1 / gram.scalars[j * k + j]
                    for i in 0..<n {
                        var s: Float = 0
                        for l in 0..<k { s += output.scalars[i * k + l] * gram.scalars[l * k + j] }
                        let index = i * k + j
                        output.scalars[index] = Swift.max(0, output.scalars[index] + inverse * (cross.scalars[index] - s))
                    }
                }
            }
            count += 4 * k * m * n + 4 * k * k * (m + n) + 3 * k * (m + n)
            if recordErrors {
                let residual = target - Tensor.matmul(output, input)
                errors.append(residual.scalars.reduce(0) { $0 + $1 * $1 }.squareRoot())
            }
        }
        return (count, errors)
    }

    public var internalState: [(name: String, tensor: Tensor)] {
        [("nmf.gradient", gradient),
         ("nmf.positive.output_factor", positiveOutput), ("nmf.positive.input_factor", positiveInput),
         ("nmf.negative.output_factor", negativeOutput), ("nmf.negative.input_factor", negativeInput)]
    }
}

/// Builds ``NonnegativeGradientFactorization`` decompositions (Zhao: rank 1, 3 or 10; 200
/// iterations per batch).
public struct NonnegativeGradientFactorizationConfiguration: GradientDecompositionConfiguration {
    /// Rank `k` of each part (≥ 1; clamped to `min(m, n)`). Default 10.
    public var rank: Int
    /// Iterations per batch `P` (≥ 1). Default 200.
    public var iterations: Int
    /// Update order. Default `sequential` (Fast HALS; Zhao's matrix form read as a simultaneous
    /// `block` update does not converge on planted problems, docs/gradient-decomposition.md).
    public var update: NMFUpdate

    public init(rank: Int = 10, iterations: Int = 200, update: NMFUpdate = .sequential) {
        self.rank = rank
        self.iterations = iterations
        self.update = update
    }

    public func makeDecomposition(inputs: Int, outputs: Int, generator: SeededGenerator) throws -> NonnegativeGradientFactorization {
        guard rank >= 1 else { throw DeviceParameterError(device: "NMF", parameter: "rank", "must be an integer ≥ 1, got \(rank)") }
        guard iterations >= 1 else {
            throw DeviceParameterError(device: "NMF", parameter: "iterations", "must be an integer ≥ 1, got \(iterations)")
        }
        return NonnegativeGradientFactorization(inputs: inputs, outputs: outputs, rank: rank, iterations: iterations,
                                                update: update, generator: generator)
    }
}
