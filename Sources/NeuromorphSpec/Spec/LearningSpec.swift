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

/// `training.procedure`: how the model learns; `{kind: backpropagation}` by default. Later
/// procedures (Equilibrium Propagation, local plasticity) register here.
public struct ProcedureSpec: Codable, Sendable, Equatable {
    /// The registered procedures by key, each with its maker.
    public static let registry: [(kind: String, make: @Sendable () -> any LearningProcedure)] = [
        ("backpropagation", { Backpropagation() }),
    ]

    public var kind: String

    public init(kind: String = "backpropagation") { self.kind = kind }

    enum CodingKeys: String, CodingKey, CaseIterable { case kind }

    public init(from decoder: any Decoder) throws {
        let kinds = Self.registry.map(\.kind)
        let raw: String
        let path: [any CodingKey]
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            raw = text
            path = decoder.codingPath
        } else {
            try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
            let c = try decoder.container(keyedBy: CodingKeys.self)
            raw = try c.decode(String.self, forKey: .kind)
            path = c.codingPath + [CodingKeys.kind]
        }
        guard kinds.contains(raw) else {
            throw SpecError(path: SpecError.render(path), "'\(raw)' is not allowed; expected one of: \(kinds.joined(separator: ", "))")
        }
        kind = raw
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
    }

    /// The procedure.
    public func procedure() -> any LearningProcedure {
        (Self.registry.first { $0.kind == kind }?.make ?? { Backpropagation() })()
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
