import NeuromorphCore

/// A second-order factorization machine over categorical fields (Rendle 2010, Eq. 1),
/// the regression model of ratings data (libFM):
/// ```
/// ŷ(x) = w₀ + Σᵢ wᵢ xᵢ + Σᵢ<ⱼ ⟨vᵢ, vⱼ⟩ xᵢ xⱼ
///      = w₀ + Σ_f w[i_f] + ½ Σ_d [ (Σ_f V[i_f, d])² − Σ_f V[i_f, d]² ]     (one-hot fields, O(F·k))
/// ```
/// Each input row holds one index per field (`[N, F]`, e.g. user and item of a rating):
/// field `f` with `fields[f]` values is one-hot encoded at global feature
/// `offset_f + index`, so the row activates exactly `F` of the `n = Σ fields` features.
/// Gradients (Rendle 2010, Eq. 4): `∂ŷ/∂w₀ = 1`, `∂ŷ/∂w[i_f] = 1`,
/// `∂ŷ/∂V[i_f, d] = S_d − V[i_f, d]` with `S_d = Σ_g V[i_g, d]`.
///
/// Initialization as libFM: `w₀ = 0`, `w = 0`, `V ~ N(0, initStd²)` (`init_stdev` 0.1).
public struct FactorizationMachine: Layer {
    /// Values per field (`[943, 1682]` for MovieLens-100K users and items).
    public let fields: [Int]
    /// The latent dimension `k`.
    public let factors: Int
    public var globalBias: Parameter
    public var weights: Parameter
    /// `[n, k]`, one row per one-hot feature.
    public var factorTable: Parameter
    let offsets: [Int]
    private var cachedFeatures: [Int32] = []
    private var cachedSums = Tensor.zeros([0])

    public init(fields: [Int], factors: Int, initStd: Float = 0.1, generator: inout SeededGenerator) {
        precondition(!fields.isEmpty && fields.allSatisfy { $0 > 0 } && factors > 0, "FactorizationMachine: empty fields or factors")
        self.fields = fields
        self.factors = factors
        var running = 0
        offsets = fields.map { count in defer { running += count }; return running }
        let n = fields.reduce(0, +)
        globalBias = Parameter(name: "global_bias", value: .zeros([1]), decays: false)
        weights = Parameter(name: "weights", value: .zeros([n]))
        factorTable = Parameter(name: "factors", value: .randomNormal([n, factors], std: initStd, using: &generator))
    }

    public var summary: String { "FactorizationMachine(fields \(fields), k \(factors))" }

    /// The global feature index of every (row, field), checked against the field sizes.
    func featureIndices(_ input: Tensor) -> [Int32] {
        let f = fields.count
        precondition(input.columns == f, "FactorizationMachine: input has \(input.columns) columns, expected one index per field (\(f))")
        var indices = [Int32](repeating: 0, count: input.rows * f)
        for r in 0..<input.rows {
            for c in 0..<f {
                let value = input.scalars[r * f + c]
                let index = Int(value)
                precondition(Float(index) == value && index >= 0 && index < fields[c],
                             "FactorizationMachine: field \(c) index \(value) outside 0..<\(fields[c])")
                indices[r * f + c] = Int32(offsets[c] + index)
            }
        }
        return indices
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        let features = featureIndices(input)
        let (rows, f, k) = (input.rows, fields.count, factors)
        var output = Tensor.zeros([rows, 1])
        var sums = Tensor.zeros([rows, k])
        let w0 = globalBias.value.scalars[0]
        weights.value.scalars.withUnsafeBufferPointer { w in
            factorTable.value.scalars.withUnsafeBufferPointer { v in
                sums.scalars.withUnsafeMutableBufferPointer { s in
                    output.scalars.withUnsafeMutableBufferPointer { y in
                        for r in 0..<rows {
                            var linear = w0, squares: Float = 0
                            for c in 0..<f {
                                let i = Int(features[r * f + c])
                                linear += w[i]
                                for d in 0..<k {
                                    let value = v[i * k + d]
                                    s[r * k + d] += value
                                    squares += value * value
                                }
                            }
                            var pairwise: Float = 0
                            for d in 0..<k { pairwise += s[r * k + d] * s[r * k + d] }
                            y[r] = linear + 0.5 * (pairwise - squares)
                        }
                    }
                }
            }
        }
        if mode == .training {
            cachedFeatures = features
            cachedSums = sums
        }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        let (f, k) = (fields.count, factors)
        let rows = outputGradient.count
        precondition(cachedFeatures.count == rows * f, "FactorizationMachine.backward: call forward(mode: .training) first")
        var dw0: Float = 0
        var dw = Tensor.zeros(weights.value.shape)
        var dv = Tensor.zeros(factorTable.value.shape)
        factorTable.value.scalars.withUnsafeBufferPointer { v in
            dw.scalars.withUnsafeMutableBufferPointer { gw in
                dv.scalars.withUnsafeMutableBufferPointer { gv in
                    for r in 0..<rows {
                        let g = outputGradient.scalars[r]
                        dw0 += g
                        for c in 0..<f {
                            let i = Int(cachedFeatures[r * f + c])
                            gw[i] += g
                            for d in 0..<k { gv[i * k + d] += g * (cachedSums.scalars[r * k + d] - v[i * k + d]) }
                        }
                    }
                }
            }
        }
        globalBias.gradient = Tensor(shape: [1], scalars: [dw0])
        weights.gradient = dw
        factorTable.gradient = dv
        // Indices are not differentiable: no input gradient.
        return Tensor.zeros([rows, f])
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&globalBias)
        try body(&weights)
        try body(&factorTable)
    }
}

// MARK: - libFM's SGD conventions (Muller et al. 2020 §4.3; learning-rules spec §1.2)

/// How a prediction outside the training rating range contributes to the gradient.
public enum ClippedPredictionGradient: String, Sendable, Codable, CaseIterable {
    /// The gradient of the clipped prediction: `∂clip(ŷ)/∂ŷ = 0` outside the range, so a
    /// clipped rating contributes nothing (spec §1.2's reading). From libFM's initialization
    /// (`w₀ = w = 0`, small `V`) every prediction starts below the range, so training with
    /// this rule never moves.
    case zero
    /// libFM's `fm_learn_sgd_element.h` (the default): the error of the clipped prediction
    /// times the unclipped derivative, `(clip(ŷ) − r)·∂ŷ/∂θ`.
    case libFM = "libfm"
}

/// The regression conventions Muller et al. copied from libFM (spec §1.2):
/// - predictions are clipped to the training rating range `[r_min, r_max]`;
/// - L2 applies only to the rows that the batch activates (its users and items), once per
///   row per batch: `g_i += λ θ_i`;
/// - the per-rating gradients are summed over the batch, and only the global bias's is
///   divided by the batch size `B`.
///
/// With `e = clip(ŷ) − r` (libFM's `mult`, no factor 2) the step minimizes, for the
/// non-bias parameters, `L = Σ_batch ½ e² + ½ λ Σ_{active rows} (w_i² + ‖v_i‖²)`.
public struct LibFMConventions: Sendable, Codable, Equatable {
    public var ratingRange: ClosedRange<Float>
    /// `λ` (libFM's `-regular`; the paper's grid 0.02 … 0.08).
    public var l2: Float
    public var clippedGradient: ClippedPredictionGradient

    public init(ratingRange: ClosedRange<Float>, l2: Float, clippedGradient: ClippedPredictionGradient = .libFM) {
        self.ratingRange = ratingRange
        self.l2 = l2
        self.clippedGradient = clippedGradient
    }
}

/// A batch gradient of a ``FactorizationMachine`` that touches only the batch's rows.
public struct FactorizationMachineSparseGradient: Sendable, Equatable {
    /// `Σ e / B` (libFM's bias-gradient scaling).
    public var globalBias: Float
    /// The active global feature indices, ascending.
    public var rows: [Int]
    /// `∂/∂w_i` per active row (data term + `λ w_i`).
    public var weights: [Float]
    /// `∂/∂V[i, ·]` per active row, `rows.count × k` (data term + `λ V[i, ·]`).
    public var factors: [Float]
    /// `Σ ½ e²` over the batch (clipped predictions).
    public var halfSquaredError: Double
}

extension FactorizationMachine {
    /// `ŷ` for one row of global feature indices, O(F·k) (Rendle 2010, Eq. 5), with the
    /// factor sums `S_d = Σ_f V[i_f, d]` written to `sums`.
    @inline(__always)
    func predictRow(_ features: UnsafeBufferPointer<Int32>, w: UnsafeBufferPointer<Float>, v: UnsafeBufferPointer<Float>,
                    sums: UnsafeMutableBufferPointer<Float>) -> Float {
        let k = factors
        var linear = globalBias.value.scalars[0], squares: Float = 0
        for d in 0..<k { sums[d] = 0 }
        for i32 in features {
            let i = Int(i32)
            linear += w[i]
            for d in 0..<k {
                let value = v[i * k + d]
                sums[d] += value
                squares += value * value
            }
        }
        var pairwise: Float = 0
        for d in 0..<k { pairwise += sums[d] * sums[d] }
        return linear + 0.5 * (pairwise - squares)
    }

    /// Predictions clipped to `range`, `[N, 1]`.
    public func predictClipped(_ input: Tensor, range: ClosedRange<Float>) -> Tensor {
        var copy = self
        return copy.forward(input, mode: .inference).clamped(to: range)
    }

    /// The libFM batch gradient of `input` (`[B, F]` indices) against `targets` (B ratings).
    public func libFMGradient(_ input: Tensor, targets: [Float], conventions: LibFMConventions) -> FactorizationMachineSparseGradient {
        let features = featureIndices(input)
        let (rows, f, k) = (input.rows, fields.count, factors)
        precondition(targets.count == rows, "FactorizationMachine.libFMGradient: \(targets.count) targets for \(rows) rows")
        var slot: [Int: Int] = [:]
        var active: [Int] = []
        for i in features where slot[Int(i)] == nil {
            slot[Int(i)] = 0
            active.append(Int(i))
        }
        active.sort()
        for (s, i) in active.enumerated() { slot[i] = s }
        var gw = [Float](repeating: 0, count: active.count)
        var gv = [Float](repeating: 0, count: active.count * k)
        var errorSum: Float = 0
        var halfSquared = 0.0
        var sums = [Float](repeating: 0, count: k)
        let (lo, hi) = (conventions.ratingRange.lowerBound, conventions.ratingRange.upperBound)
        weights.value.scalars.withUnsafeBufferPointer { w in
            factorTable.value.scalars.withUnsafeBufferPointer { v in
                features.withUnsafeBufferPointer { all in
                    sums.withUnsafeMutableBufferPointer { s in
                        for r in 0..<rows {
                            let row = UnsafeBufferPointer(rebasing: all[(r * f)..<((r + 1) * f)])
                            let y = predictRow(row, w: w, v: v, sums: s)
                            let clipped = Swift.min(Swift.max(y, lo), hi)
                            let e = clipped - targets[r]
                            halfSquared += 0.5 * Double(e) * Double(e)
                            let g = (conventions.clippedGradient == .zero && clipped != y) ? 0 : e
                            guard g != 0 else { continue }
                            errorSum += g
                            for i32 in row {
                                let i = Int(i32), a = slot[i]!
                                gw[a] += g
                                for d in 0..<k { gv[a * k + d] += g * (s[d] - v[i * k + d]) }
                            }
                        }
                    }
                }
                // L2 once per active row.
                let lambda = conventions.l2
                for (a, i) in active.enumerated() {
                    gw[a] += lambda * w[i]
                    for d in 0..<k { gv[a * k + d] += lambda * v[i * k + d] }
                }
            }
        }
        return FactorizationMachineSparseGradient(globalBias: errorSum / Float(Swift.max(rows, 1)), rows: active, weights: gw,
                                                  factors: gv, halfSquaredError: halfSquared)
    }

    /// Plain SGD on the touched rows only: `θ ← θ − η g` (O(B·F·k) per batch).
    public mutating func applySGD(_ gradient: FactorizationMachineSparseGradient, learningRate: Float) {
        let k = factors
        globalBias.value.scalars[0] -= learningRate * gradient.globalBias
        weights.value.scalars.withUnsafeMutableBufferPointer { w in
            factorTable.value.scalars.withUnsafeMutableBufferPointer { v in
                for (a, i) in gradient.rows.enumerated() {
                    w[i] -= learningRate * gradient.weights[a]
                    for d in 0..<k { v[i * k + d] -= learningRate * gradient.factors[a * k + d] }
                }
            }
        }
    }
}

/// `{type: factorization_machine, factors: 8, fields: [943, 1682]}`: a factorization
/// machine over index-encoded categorical fields, the first layer of a model on a data set
/// that has them (a ratings data set: a user and an item field); `fields` defaults to the
/// data set's and may only be larger.
public struct FactorizationMachineBlueprint: LayerBlueprint, Equatable {
    public static let type = "factorization_machine"
    public var factors: Int
    public var fields: [Int]?
    /// libFM `init_stdev`.
    public var initStd: Double?

    public init(factors: Int, fields: [Int]? = nil, initStd: Double? = nil) {
        self.factors = factors
        self.fields = fields
        self.initStd = initStd
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case factors, fields, initStd = "init_std" }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        factors = try c.requiredPositive(.factors, layer: Self.type, "'factors' (the latent dimension k)")
        fields = try c.decodeIfPresent([Int].self, forKey: .fields)
        if let fields, fields.isEmpty || fields.contains(where: { $0 <= 0 }) {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.fields]), "\(fields) is invalid; expected positive field sizes")
        }
        initStd = try c.decodeCheckedIfPresent(Double.self, forKey: .initStd, "a standard deviation ≥ 0") { $0 >= 0 && $0.isFinite }
    }

    func resolvedFields(for input: [Int], context: LayerBuildContext) throws -> [Int] {
        guard let data = context.inputFields else {
            throw context.error("a factorization machine reads index-encoded categorical fields; "
                                + "use a data set that has them (dataset: movielens) and put it first in model.layers")
        }
        let fields = fields ?? data
        guard input == [fields.count] else {
            throw context.error("needs one index per field (\(fields.count) fields) but receives \(input)")
        }
        for (f, (mine, theirs)) in zip(fields, data).enumerated() where mine < theirs {
            throw context.error("field \(f) has \(mine) values but the data has \(theirs)", key: "fields")
        }
        return fields
    }

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] {
        _ = try resolvedFields(for: input, context: context)
        return [1]
    }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        FactorizationMachine(fields: try resolvedFields(for: input, context: context), factors: factors,
                             initStd: Float(initStd ?? 0.1), generator: &context.generator)
    }
}
