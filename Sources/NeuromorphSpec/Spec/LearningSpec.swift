import NeuromorphCore
import NeuromorphNN

/// `training.objective`: what the model is trained for.
///
/// ```yaml
/// objective: classification             # default: a loss on labels, accuracy
/// objective: {kind: regression, clip: [1, 5]}   # MSE on real targets, RMSE/MAE
/// ```
public struct ObjectiveSpec: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case classification, regression }
    public var kind: Kind
    /// Regression: clamp predictions to this range for scoring (libFM's rating convention).
    public var clip: [Double]?

    public init(kind: Kind = .classification, clip: [Double]? = nil) {
        self.kind = kind
        self.clip = clip
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case kind, clip }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let raw = try? single.decode(String.self) {
            guard let kind = Kind(rawValue: raw) else {
                throw SpecError(path: SpecError.render(decoder.codingPath),
                                "'\(raw)' is not allowed; expected one of: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.kind = kind
            return
        }
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeChoice(Kind.self, forKey: .kind)
        clip = try c.decodeIfPresent([Double].self, forKey: .clip)
        if let clip {
            guard clip.count == 2, clip[0] < clip[1], clip.allSatisfy(\.isFinite) else {
                throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.clip]), "\(clip) is invalid; expected [low, high] with low < high")
            }
            guard kind == .regression else {
                throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.clip]), "applies to kind 'regression' only")
            }
        }
    }

    /// The objective with the spec's loss (classification) or MSE (regression).
    public func objective(loss: LossKind) -> any Objective {
        switch kind {
        case .classification: Classification(loss.loss)
        case .regression: Regression(clip: clip.map { Float($0[0])...Float($0[1]) })
        }
    }
}

/// `training.procedure`: how the model learns; `{kind: backpropagation}` by default.
///
/// ```yaml
/// procedure: backpropagation
/// procedure: {kind: equilibrium_propagation, estimator: symmetric, beta: 0.5, T: 20, K: 6}
/// ```
/// Every procedure registers in ``registry`` with the keys it takes beside `kind` and a decoder
/// for them; unknown kinds and keys are rejected with the key path.
public struct ProcedureSpec: Codable, Sendable, Equatable {
    /// What a procedure needs to run: a feed-forward ``LearningProcedure`` that the
    /// experiment runner's `Trainer` drives, or the Equilibrium Propagation settings (EP relaxes
    /// its own energy-based network, so the runner hands the whole run to
    /// ``EquilibriumPropagationExperiment``).
    public enum Settings: Sendable, Equatable {
        case backpropagation
        case equilibriumPropagation(EquilibriumPropagationSpec)
    }

    /// One registered procedure: its `kind`, the keys it accepts beside `kind`, and the
    /// decoder of its settings (given the procedure mapping's decoder).
    public struct Entry: Sendable {
        public var kind: String
        public var keys: [String]
        public var decode: @Sendable (any Decoder) throws -> Settings
    }

    /// The registered procedures by key.
    public static let registry: [Entry] = [
        Entry(kind: "backpropagation", keys: [], decode: { _ in .backpropagation }),
        Entry(kind: EquilibriumPropagationSpec.kind, keys: EquilibriumPropagationSpec.keys,
              decode: { .equilibriumPropagation(try EquilibriumPropagationSpec(from: $0)) }),
    ]

    public var kind: String
    public var settings: Settings

    public init(kind: String = "backpropagation") {
        self.kind = kind
        self.settings = .backpropagation
    }

    /// Equilibrium Propagation with `settings`.
    public init(equilibriumPropagation settings: EquilibriumPropagationSpec) {
        self.kind = EquilibriumPropagationSpec.kind
        self.settings = .equilibriumPropagation(settings)
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case kind }

    public init(from decoder: any Decoder) throws {
        let kinds = Self.registry.map(\.kind)
        let raw: String
        let path: [any CodingKey]
        let isMapping: Bool
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            raw = text
            path = decoder.codingPath
            isMapping = false
        } else {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            raw = try c.decode(String.self, forKey: .kind)
            path = c.codingPath + [CodingKeys.kind]
            isMapping = true
        }
        guard let entry = Self.registry.first(where: { $0.kind == raw }) else {
            throw SpecError(path: SpecError.render(path), "'\(raw)' is not allowed; expected one of: \(kinds.joined(separator: ", "))")
        }
        if isMapping { try decoder.rejectUnknownKeys(allowed: ["kind"] + entry.keys) }
        kind = raw
        settings = try entry.decode(decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        switch settings {
        case .backpropagation:
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(kind, forKey: .kind)
        case .equilibriumPropagation(let ep):
            try ep.encode(to: encoder)
        }
    }

    /// The feed-forward procedure the runner's `Trainer` drives (``Settings/backpropagation``;
    /// EP runs go through ``EquilibriumPropagationExperiment`` before this is asked).
    public func procedure() -> any LearningProcedure {
        Backpropagation()
    }

    /// The EP settings when `kind` is `equilibrium_propagation`.
    public var equilibriumPropagation: EquilibriumPropagationSpec? {
        if case .equilibriumPropagation(let ep) = settings { return ep }
        return nil
    }
}

/// One entry of `training.constraints`, applied after every step:
/// `{kind: box, lower: -1, upper: 1, parameters: ["0.weight"]}` (parameters: dotted paths
/// or layer prefixes; omitted: all digital parameters).
public struct ConstraintSpec: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case box }
    public var kind: Kind
    public var lower: Double
    public var upper: Double
    public var parameters: [String]?

    public init(kind: Kind = .box, lower: Double, upper: Double, parameters: [String]? = nil) {
        self.kind = kind
        self.lower = lower
        self.upper = upper
        self.parameters = parameters
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case kind, lower, upper, parameters }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeChoice(Kind.self, forKey: .kind)
        lower = try c.decodeChecked(Double.self, forKey: .lower, "a finite number") { $0.isFinite }
        upper = try c.decodeChecked(Double.self, forKey: .upper, "a finite number") { $0.isFinite }
        parameters = try c.decodeIfPresent([String].self, forKey: .parameters)
        guard lower <= upper else {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.upper]), "\(upper) is below lower \(lower)")
        }
    }

    public var constraint: any WeightConstraint {
        BoxConstraint(lower: Float(lower), upper: Float(upper), parameters: parameters)
    }
}
