import Foundation
import NeuromorphCore
import NeuromorphNN

/// The configuration of a ``SparseRecurrentLayer`` (Muller et al. 2020, Eq. 5; spec §1.2).
public struct SparseRecurrentConfiguration: Sendable, Codable, Equatable {
    /// Input features `n`.
    public var inputs: Int
    /// Learned input projections `k` (the free parameters are `k·n`).
    public var inputUnits: Int
    /// Units `m ≥ k` of the fixed recurrent matrix (the layer's output width).
    public var units: Int
    /// Probability that an entry of `W_rec` is non-zero (paper: 0.2).
    public var density: Double = 0.2
    /// The spectral radius `W_rec` is scaled to (paper: 0.95).
    public var spectralRadius: Double = 0.95
    /// Recurrent steps `t_max` (paper: 1 is as good as more).
    public var steps: Int = 1
    /// The nonlinearity `f` (ReLU on MNIST, sigmoid in AutoRec).
    public var activation: ActivationKind = .relu
    /// A learned bias on the `m` units inside `f` ([I]: the paper does not say; Keras layers have one).
    public var bias: Bool = true

    public init(inputs: Int, inputUnits: Int, units: Int, density: Double = 0.2, spectralRadius: Double = 0.95,
                steps: Int = 1, activation: ActivationKind = .relu, bias: Bool = true) {
        self.inputs = inputs
        self.inputUnits = inputUnits
        self.units = units
        self.density = density
        self.spectralRadius = spectralRadius
        self.steps = steps
        self.activation = activation
        self.bias = bias
    }

    /// Checks every field; throws ``LearningRuleParameterError`` naming the first bad one.
    public func validate() throws {
        func bad(_ field: String, _ value: Any, _ expected: String) -> LearningRuleParameterError {
            LearningRuleParameterError(type: "SparseRecurrentLayer", field: field, value: "\(value)", expected: expected)
        }
        guard inputs > 0 else { throw bad("inputs", inputs, "a positive feature count") }
        guard units > 0 else { throw bad("units", units, "a positive unit count m") }
        guard inputUnits > 0 && inputUnits <= units else { throw bad("input_units", inputUnits, "k in 1...m (m = \(units))") }
        guard density > 0 && density <= 1 else { throw bad("density", density, "a probability in (0, 1]") }
        guard spectralRadius > 0 && spectralRadius.isFinite else { throw bad("spectral_radius", spectralRadius, "a positive number") }
        guard steps >= 1 else { throw bad("steps", steps, "t_max ≥ 1") }
        guard [.relu, .sigmoid, .tanh].contains(activation) else {
            throw bad("activation", activation.rawValue, "relu, sigmoid or tanh")
        }
    }
}

/// A fixed sparse random recurrent matrix (Muller et al. 2020, §4.1): each of the `m × m`
/// entries is non-zero with probability `density`, non-zero values are `U(−1, 1)` ([I]: the
/// paper says "uniform"), and the whole matrix is rescaled so that its spectral radius
/// (largest eigenvalue modulus, from LAPACK `dgeev_`) equals `spectralRadius`.
public enum SparseRecurrentMatrix {
    /// The `[m, m]` matrix, drawn from `generator` and rescaled in `Double`.
    ///
    /// - Throws: ``LearningRuleParameterError`` when the draw has spectral radius 0 (all
    ///   eigenvalues zero, e.g. an empty or strictly triangular matrix: redraw with another
    ///   seed or a larger density) or LAPACK is unreachable.
    public static func make(units m: Int, density: Double, spectralRadius: Double,
                            generator: inout SeededGenerator) throws -> Tensor {
        var values = [Double](repeating: 0, count: m * m)
        for i in values.indices where generator.nextUniformDouble() < density {
            values[i] = 2 * generator.nextUniformDouble() - 1
        }
        let radius = try Eigenvalues.spectralRadius(values, n: m)
        guard radius > 1e-12 else {
            throw LearningRuleParameterError(type: "SparseRecurrentMatrix", field: "density", value: "\(density)",
                                             expected: "a density whose draw has a non-zero eigenvalue (m = \(m); try another seed)")
        }
        let scale = spectralRadius / radius
        return Tensor(shape: [m, m], scalars: values.map { Float($0 * scale) })
    }
}

/// sparseRec (Muller et al. 2020, Eq. 5; spec §1.2): a learned input projection followed
/// by a fixed sparse random recurrent matrix,
/// ```
/// y₀  = W_in x                  (k values; W_in is [k, n], kept in [−1, 1] by a BoxConstraint)
/// y₀* = y₀ zero-padded to m
/// y_t = f(y₀* + W_rec y_{t−1} + b)   t = 1 … t_max, with y_0 read as y₀*
/// ```
/// The output is `y_{t_max}` (`m` values). Only `W_in` (and the bias `b`, [I]) learn;
/// `W_rec` is drawn once (``SparseRecurrentMatrix``) and never changes, a once-programmed
/// crossbar with no update circuitry. The backward pass runs through the `t_max` steps
/// (BPTT) and needs products with `W_recᵀ` and `W_inᵀ` only.
///
/// Parameters are named like ``Linear``'s (`weight`, `bias`), so the paper's clipping of the
/// input weights after every step is `BoxConstraint(lower: −1, upper: 1, parameters: ["<i>.weight"])`.
public struct SparseRecurrentLayer: Layer {
    public let configuration: SparseRecurrentConfiguration
    /// `W_in`, `[k, n]`.
    public var weight: Parameter
    /// `b`, `[m]`.
    public var bias: Parameter?
    /// The fixed `W_rec`, `[m, m]` (not a parameter: never updated).
    public let recurrent: Tensor
    private var cachedInput = Tensor.zeros([0])
    /// Pre-activations `a_t`, t = 1 … t_max (training mode).
    private var cachedPre: [Tensor] = []
    /// Post-activations `y_t` (for sigmoid/tanh derivatives).
    private var cachedPost: [Tensor] = []

    /// Draws `W_rec` and initializes `W_in`, `b ~ U(−1/√n, 1/√n)` (PyTorch's `nn.Linear`).
    public init(_ configuration: SparseRecurrentConfiguration, generator: inout SeededGenerator) throws {
        try configuration.validate()
        self.configuration = configuration
        let (n, k, m) = (configuration.inputs, configuration.inputUnits, configuration.units)
        var recurrentStream = generator.split(stream: 0x5ec)
        recurrent = try SparseRecurrentMatrix.make(units: m, density: configuration.density,
                                                   spectralRadius: configuration.spectralRadius, generator: &recurrentStream)
        let bound = 1 / Float(n).squareRoot()
        weight = Parameter(name: "weight", value: .randomUniform([k, n], lower: -bound, upper: bound, using: &generator))
        bias = configuration.bias
            ? Parameter(name: "bias", value: .randomUniform([m], lower: -bound, upper: bound, using: &generator), decays: false)
            : nil
    }

    public var summary: String {
        let c = configuration
        return "SparseRec(\(c.inputs) → k \(c.inputUnits) → m \(c.units), density \(c.density), ρ \(c.spectralRadius), t_max \(c.steps), \(c.activation.rawValue))"
    }

    /// Free (trainable) parameters: `k·n` (+ `m` bias).
    public var freeParameters: Int { weight.value.count + (bias?.value.count ?? 0) }

    // MARK: - Forward

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        let (n, k, m) = (configuration.inputs, configuration.inputUnits, configuration.units)
        precondition(input.columns == n, "SparseRecurrentLayer: input has \(input.columns) features, expected \(n)")
        let rows = input.rows
        var y0 = Tensor.zeros([0])
        Tensor.gemm(input.reshaped([rows, n]), .none, weight.value, .transposed, into: &y0)
        var padded = Tensor.zeros([rows, m])
        padded.addColumns(y0, at: 0..<k)
        if mode == .training {
            cachedInput = input.reshaped([rows, n])
            cachedPre = []
            cachedPost = []
        }
        var previous = padded
        for _ in 0..<configuration.steps {
            var pre = padded
            if let bias { pre.addRowVector(bias.value) }
            Tensor.gemm(previous, .none, recurrent, .transposed, beta: 1, into: &pre)
            let post = Self.activate(pre, configuration.activation)
            if mode == .training {
                cachedPre.append(pre)
                cachedPost.append(post)
            }
            previous = post
        }
        return previous
    }

    static func activate(_ x: Tensor, _ kind: ActivationKind) -> Tensor {
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { p in
            switch kind {
            case .sigmoid: for i in p.indices { p[i] = 1 / (1 + Foundation.exp(-p[i])) }
            case .tanh: for i in p.indices { p[i] = Foundation.tanh(p[i]) }
            default: for i in p.indices { p[i] = Swift.max(p[i], 0) }
            }
        }
        return y
    }

    // MARK: - Backward (through time)

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        let (n, k, m) = (configuration.inputs, configuration.inputUnits, configuration.units)
        precondition(cachedPre.count == configuration.steps && cachedInput.rows == outputGradient.rows,
                     "SparseRecurrentLayer.backward: call forward(mode: .training) first")
        let rows = outputGradient.rows
        var g = outputGradient.reshaped([rows, m])
        var dPadded = Tensor.zeros([rows, m])
        var dBias = Tensor.zeros([m])
        for t in stride(from: configuration.steps - 1, through: 0, by: -1) {
            // da_t = dy_t ⊙ f'(a_t); y₀* and b receive da_t; dy_{t−1} = da_t W_rec.
            var da = g
            da.scalars.withUnsafeMutableBufferPointer { d in
                switch configuration.activation {
                case .sigmoid:
                    cachedPost[t].scalars.withUnsafeBufferPointer { y in for i in d.indices { d[i] *= y[i] * (1 - y[i]) } }
                case .tanh:
                    cachedPost[t].scalars.withUnsafeBufferPointer { y in for i in d.indices { d[i] *= 1 - y[i] * y[i] } }
                default:
                    cachedPre[t].scalars.withUnsafeBufferPointer { a in for i in d.indices where a[i] <= 0 { d[i] = 0 } }
                }
            }
            dPadded += da
            if bias != nil { dBias += da.sumRows() }
            Tensor.gemm(da, .none, recurrent, .none, into: &g)
        }
        dPadded += g   // y_0 is y₀* itself
        let dy0 = dPadded.columns(0..<k)
        Tensor.gemm(dy0, .transposed, cachedInput, .none, into: &weight.gradient)
        weight.gradient.reshape([k, n])
        if bias != nil { bias!.gradient = dBias }
        guard needsInputGradient else { return Tensor.zeros([0]) }
        var inputGradient = Tensor.zeros([0])
        Tensor.gemm(dy0, .none, weight.value, .none, into: &inputGradient)
        return inputGradient
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&weight)
        if bias != nil { try body(&bias!) }
    }
}
