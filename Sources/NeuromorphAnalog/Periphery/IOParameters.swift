import NeuromorphCore

/// How the input of an analog matrix-vector product is scaled before the DAC, so that
/// small inputs do not drown in the fixed output noise (aihwkit `NoiseManagementType`).
public enum NoiseManagement: String, Sendable, Codable, CaseIterable {
    /// Inputs enter unscaled (clipped at the input bound).
    case none
    /// Each input vector is divided by its largest absolute value α = max|x| and the output
    /// multiplied back by α (aihwkit `ABS_MAX`, the default).
    case absMax = "abs_max"
}

/// What happens when an analog output saturates at the ADC bound (aihwkit
/// `BoundManagementType`).
public enum BoundManagement: String, Sendable, Codable, CaseIterable {
    /// Saturated outputs stay clipped.
    case none
    /// The product is repeated with the input halved until no output of that vector
    /// saturates (or the scale reaches `maxBoundManagementFactor`); the output is scaled
    /// back digitally (aihwkit `ITERATIVE`, the default for the forward pass).
    case iterative
}

/// The periphery of one analog matrix-vector product (forward `y = W x` or backward
/// `z = Wᵀ d`): DAC, weight/output noise, ADC, noise and bound management. Field names and
/// defaults follow aihwkit 1.1's `IOParameters`.
///
/// The product computed for one input vector `x` (Gokmen 2021, digest
/// `ttv2_gradient-decomposition_shd.md` §1.2 "MVM non-idealities"):
/// ```
/// α      = max|x|                          (noise management, or 1)
/// x_q    = clamp(round(x/(α s)/Δx)·Δx, ±b_in)   Δx = inputResolution · 2 b_in      (DAC)
/// y'     = W x_q + σ_out ξ + σ_w ‖x_q‖ ξ'                                          (analog)
/// y      = α s · clamp(round(y'/Δy)·Δy, ±b_out)   Δy = outputResolution · 2 b_out  (ADC)
/// ```
/// with `s` the bound-management scale (1, 2, 4, … while any |y'| ≥ b_out). A resolution of
/// `1/(2ⁿ − 2)` gives `2ⁿ − 1` levels, i.e. an n-bit converter.
public struct IOParameters: Sendable, Codable, Equatable {
    /// Ideal product: no DAC, noise, bound or ADC (aihwkit `is_perfect`).
    public var isPerfect: Bool = false
    /// DAC input range ±`inputBound`, in units of the (noise-managed) input.
    public var inputBound: Float = 1
    /// DAC step as a fraction of the full input range 2·`inputBound`; 1/126 is 7 bits; ≤ 0 is
    /// an ideal DAC (aihwkit `inp_res`).
    public var inputResolution: Float = 1.0 / 126
    /// Round the DAC stochastically instead of to nearest (aihwkit `inp_sto_round`).
    public var inputStochasticRounding: Bool = false
    /// ADC output range ±`outputBound`, in weight × input units (aihwkit `out_bound`).
    public var outputBound: Float = 12
    /// ADC step as a fraction of the full output range 2·`outputBound`; 1/510 is 9 bits; ≤ 0
    /// is an ideal ADC (aihwkit `out_res`).
    public var outputResolution: Float = 1.0 / 510
    /// Standard deviation of the Gaussian noise added to every analog output, in weight ×
    /// input units (aihwkit `out_noise`).
    public var outputNoise: Float = 0.06
    /// Output-referred weight noise: an extra Gaussian of std `weightNoise·‖x_q‖₂` per
    /// output, drawn anew at each read (aihwkit `w_noise` with `w_noise_type` additive constant).
    public var weightNoise: Float = 0
    public var noiseManagement: NoiseManagement = .absMax
    public var boundManagement: BoundManagement = .iterative
    /// Largest input down-scaling bound management may apply (aihwkit `max_bm_factor`).
    public var maxBoundManagementFactor: Float = 1000
    /// Bound management also stops once the down-scaled input step, `factor · Δx` with
    /// `Δx = inp_res · 2 · inp_bound`, exceeds this (aihwkit `max_bm_res`, default 0.25): with
    /// the 7-bit DAC that caps the factor at 16 (0.25 / (2/126) = 15.75), as in aihwkit.
    public var maxBoundManagementResolution: Float = 0.25
    /// A fixed digital factor applied to every output (aihwkit `out_scale`).
    public var outputScale: Float = 1

    public init() {}

    /// aihwkit's forward defaults (7-bit DAC, 9-bit ADC, bound 12, noise 0.06, abs-max
    /// noise management, iterative bound management).
    public static let forwardDefault = IOParameters()

    /// aihwkit's backward defaults: as forward, without bound management (aihwkit ignores
    /// bound management in the backward pass).
    public static var backwardDefault: IOParameters {
        var io = IOParameters()
        io.boundManagement = .none
        return io
    }

    /// The exact floating-point product.
    public static var perfect: IOParameters {
        var io = IOParameters()
        io.isPerfect = true
        return io
    }

    /// Checks the parameters, naming the first bad one.
    public func validate(_ owner: String) throws {
        func bad(_ field: String, _ expected: String) -> DeviceParameterError {
            DeviceParameterError(device: owner, parameter: field, expected)
        }
        if isPerfect { return }
        guard inputBound > 0 else { throw bad("inputBound", "must be > 0, got \(inputBound)") }
        guard outputBound > 0 else { throw bad("outputBound", "must be > 0, got \(outputBound)") }
        guard inputResolution < 1 else { throw bad("inputResolution", "must be < 1 (a fraction of the range) or ≤ 0 (ideal), got \(inputResolution)") }
        guard outputResolution < 1 else { throw bad("outputResolution", "must be < 1 or ≤ 0 (ideal), got \(outputResolution)") }
        guard outputNoise >= 0 else { throw bad("outputNoise", "must be ≥ 0, got \(outputNoise)") }
        guard weightNoise >= 0 else { throw bad("weightNoise", "must be ≥ 0, got \(weightNoise)") }
        guard maxBoundManagementFactor >= 1 else { throw bad("maxBoundManagementFactor", "must be ≥ 1, got \(maxBoundManagementFactor)") }
    }
}

extension IOParameters {
    /// Whether bound management at `factor` has coarsened the input step past
    /// ``maxBoundManagementResolution`` (aihwkit's second stopping rule; never with an ideal DAC).
    @inlinable
    func boundManagementResolutionReached(_ factor: Float) -> Bool {
        inputResolution > 0 && factor * inputResolution * 2 * inputBound > maxBoundManagementResolution
    }
}

// MARK: - Spec keys (aihwkit's names)

extension IOParameters {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case isPerfect = "is_perfect", inputBound = "inp_bound", inputResolution = "inp_res"
        case inputStochasticRounding = "inp_sto_round", outputBound = "out_bound", outputResolution = "out_res"
        case outputNoise = "out_noise", weightNoise = "w_noise", noiseManagement = "noise_management"
        case boundManagement = "bound_management", maxBoundManagementFactor = "max_bm_factor", outputScale = "out_scale"
        case maxBoundManagementResolution = "max_bm_res"
    }

    /// Decodes from a spec with aihwkit's key names; missing keys keep their defaults and
    /// unknown keys are rejected with the allowed ones.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        isPerfect = try c.decodeIfPresent(Bool.self, forKey: .isPerfect) ?? isPerfect
        inputBound = try c.decodeCheckedIfPresent(Float.self, forKey: .inputBound, "a bound > 0") { $0 > 0 } ?? inputBound
        inputResolution = try c.decodeCheckedIfPresent(Float.self, forKey: .inputResolution,
                                                       "a step < 1 as a fraction of the range, e.g. 0.0079365 for 7 bits, or ≤ 0 for ideal") { $0 < 1 } ?? inputResolution
        inputStochasticRounding = try c.decodeIfPresent(Bool.self, forKey: .inputStochasticRounding) ?? inputStochasticRounding
        outputBound = try c.decodeCheckedIfPresent(Float.self, forKey: .outputBound, "a bound > 0") { $0 > 0 } ?? outputBound
        outputResolution = try c.decodeCheckedIfPresent(Float.self, forKey: .outputResolution,
                                                        "a step < 1 as a fraction of the range, or ≤ 0 for ideal") { $0 < 1 } ?? outputResolution
        outputNoise = try c.decodeCheckedIfPresent(Float.self, forKey: .outputNoise, "a standard deviation ≥ 0") { $0 >= 0 } ?? outputNoise
        weightNoise = try c.decodeCheckedIfPresent(Float.self, forKey: .weightNoise, "a standard deviation ≥ 0") { $0 >= 0 } ?? weightNoise
        noiseManagement = try c.decodeChoiceIfPresent(NoiseManagement.self, forKey: .noiseManagement) ?? noiseManagement
        boundManagement = try c.decodeChoiceIfPresent(BoundManagement.self, forKey: .boundManagement) ?? boundManagement
        maxBoundManagementFactor = try c.decodeCheckedIfPresent(Float.self, forKey: .maxBoundManagementFactor, "a factor ≥ 1") { $0 >= 1 }
            ?? maxBoundManagementFactor
        maxBoundManagementResolution = try c.decodeCheckedIfPresent(Float.self, forKey: .maxBoundManagementResolution,
                                                                    "a resolution > 0") { $0 > 0 } ?? maxBoundManagementResolution
        outputScale = try c.decodeIfPresent(Float.self, forKey: .outputScale) ?? outputScale
    }
}
