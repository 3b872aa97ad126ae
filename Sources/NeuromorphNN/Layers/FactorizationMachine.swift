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
