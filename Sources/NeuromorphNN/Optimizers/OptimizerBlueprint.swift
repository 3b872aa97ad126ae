import Foundation
import NeuromorphCore

/// An optimizer as a user writes it (`{kind: sgd, learning_rate: 0.1, momentum: 0.9}`):
/// its settings, decoded strictly, and how to make it. Each optimizer declares its
/// blueprint next to itself and one line in ``OptimizerRegistry/standard``.
public protocol OptimizerBlueprint: Codable, Sendable {
    /// The spec key, the value of `kind:`.
    static var kind: String { get }
    /// The base learning rate.
    var learningRate: Double { get }
    /// Whether a pulsed analog update can honour it: plain SGD without momentum or weight
    /// decay (the pulses apply `−η·δ·xᵀ` and nothing else).
    var isPlainSGD: Bool { get }
    /// The optimizer.
    func make() -> any Optimizer
}

/// The optimizers a spec can name, by their `kind:` key.
public enum OptimizerRegistry {
    public static let standard: [any OptimizerBlueprint.Type] = [SGDBlueprint.self, AdamBlueprint.self, RMSpropBlueprint.self]
    public static let byKind: [String: any OptimizerBlueprint.Type] =
        Dictionary(standard.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
    public static var kinds: [String] { standard.map { $0.kind } }
}

/// The keys every optimizer shares.
enum OptimizerKeys {
    static let common = ["kind", "learning_rate", "weight_decay"]

    static func learningRate<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Double {
        guard c.contains(key) else {
            throw SpecError(path: SpecError.render(c.codingPath + [key]), "missing; expected a positive learning rate")
        }
        return try c.decodeChecked(Double.self, forKey: key, "a positive rate") { $0 > 0 && $0.isFinite }
    }

    static func decayBiases<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K, weightDecay: Double) throws -> Bool {
        let value = try c.decodeIfPresent(Bool.self, forKey: key) ?? false
        if value && weightDecay == 0 {
            throw SpecError(path: SpecError.render(c.codingPath + [key]), "applies only with weight_decay > 0")
        }
        return value
    }

    static func weightDecay<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Double {
        try c.decodeCheckedIfPresent(Double.self, forKey: key, "a value ≥ 0") { $0 >= 0 && $0.isFinite } ?? 0
    }
}

/// `{kind: sgd, learning_rate, momentum: 0, nesterov: false, weight_decay: 0,
/// decay_biases: false}` (``SGD``; PyTorch's `torch.optim.SGD`, except that weight decay skips
/// biases unless `decay_biases`).
public struct SGDBlueprint: OptimizerBlueprint, Equatable {
    public static let kind = "sgd"
    public var learningRate: Double
    public var momentum: Double
    public var nesterov: Bool
    public var weightDecay: Double
    public var decayBiases: Bool

    public init(learningRate: Double, momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0,
                decayBiases: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.decayBiases = decayBiases
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, momentum, nesterov, learningRate = "learning_rate", weightDecay = "weight_decay"
        case decayBiases = "decay_biases"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        learningRate = try OptimizerKeys.learningRate(c, .learningRate)
        momentum = try c.decodeCheckedIfPresent(Double.self, forKey: .momentum, "a value in [0, 1)") { $0 >= 0 && $0 < 1 } ?? 0
        nesterov = try c.decodeIfPresent(Bool.self, forKey: .nesterov) ?? false
        weightDecay = try OptimizerKeys.weightDecay(c, .weightDecay)
        decayBiases = try OptimizerKeys.decayBiases(c, .decayBiases, weightDecay: weightDecay)
        if nesterov && momentum == 0 {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.nesterov]), "nesterov needs momentum > 0")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.kind, forKey: .kind)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encode(weightDecay, forKey: .weightDecay)
        try c.encode(momentum, forKey: .momentum)
        try c.encode(nesterov, forKey: .nesterov)
        if decayBiases { try c.encode(decayBiases, forKey: .decayBiases) }
    }

    public var isPlainSGD: Bool { momentum == 0 && !nesterov && weightDecay == 0 }

    public func make() -> any Optimizer {
        var sgd = SGD(learningRate: Float(learningRate), momentum: Float(momentum), weightDecay: Float(weightDecay), nesterov: nesterov)
        sgd.decayBiases = decayBiases
        return sgd
    }
}

/// The settings of the optimizers that take only a learning rate and an L2 weight decay
/// (`{kind: …, learning_rate, weight_decay: 0}`), decoded strictly.
public struct RateAndDecay: Decodable, Sendable, Equatable {
    public var learningRate: Double
    public var weightDecay: Double
    /// Whether weight decay also applies to biases and other `decays: false` parameters.
    public var decayBiases: Bool

    public init(learningRate: Double, weightDecay: Double = 0, decayBiases: Bool = false) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.decayBiases = decayBiases
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, learningRate = "learning_rate", weightDecay = "weight_decay", decayBiases = "decay_biases"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        learningRate = try OptimizerKeys.learningRate(c, .learningRate)
        weightDecay = try OptimizerKeys.weightDecay(c, .weightDecay)
        decayBiases = try OptimizerKeys.decayBiases(c, .decayBiases, weightDecay: weightDecay)
    }

    func encode(kind: String, to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encode(weightDecay, forKey: .weightDecay)
        if decayBiases { try c.encode(decayBiases, forKey: .decayBiases) }
    }
}

/// An optimizer whose settings are a learning rate and a weight decay (``RateAndDecay``):
/// decoding, encoding and the accessors come from here; a conformance adds its `kind` and `make`.
public protocol RateAndDecayBlueprint: OptimizerBlueprint {
    var settings: RateAndDecay { get }
    init(settings: RateAndDecay)
}

extension RateAndDecayBlueprint {
    public init(learningRate: Double, weightDecay: Double = 0, decayBiases: Bool = false) {
        self.init(settings: RateAndDecay(learningRate: learningRate, weightDecay: weightDecay, decayBiases: decayBiases))
    }

    public init(from decoder: any Decoder) throws { self.init(settings: try RateAndDecay(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try settings.encode(kind: Self.kind, to: encoder) }
    public var learningRate: Double { settings.learningRate }
    public var weightDecay: Double { settings.weightDecay }
    public var isPlainSGD: Bool { false }
}

/// `{kind: adam, learning_rate, weight_decay: 0, decay_biases: false}` (``Adam``; β₁ 0.9,
/// β₂ 0.999, ε 1e-8).
public struct AdamBlueprint: RateAndDecayBlueprint, Equatable {
    public static let kind = "adam"
    public var settings: RateAndDecay
    public init(settings: RateAndDecay) { self.settings = settings }

    public func make() -> any Optimizer {
        var adam = Adam(learningRate: Float(learningRate), weightDecay: Float(weightDecay))
        adam.decayBiases = settings.decayBiases
        return adam
    }
}

/// `{kind: rmsprop, learning_rate, weight_decay: 0, decay_biases: false}` (``RMSprop``;
/// ρ 0.99, ε 1e-8).
public struct RMSpropBlueprint: RateAndDecayBlueprint, Equatable {
    public static let kind = "rmsprop"
    public var settings: RateAndDecay
    public init(settings: RateAndDecay) { self.settings = settings }

    public func make() -> any Optimizer {
        var rmsprop = RMSprop(learningRate: Float(learningRate), weightDecay: Float(weightDecay))
        rmsprop.decayBiases = settings.decayBiases
        return rmsprop
    }
}

/// The optimizer entry of a training spec: any registered blueprint, decoded by `kind:`.
public struct OptimizerSpec: Codable, Sendable, Equatable {
    public var blueprint: any OptimizerBlueprint

    public init(_ blueprint: any OptimizerBlueprint) { self.blueprint = blueprint }

    public static func sgd(learningRate: Double, momentum: Double = 0, nesterov: Bool = false,
                           weightDecay: Double = 0) -> OptimizerSpec {
        OptimizerSpec(SGDBlueprint(learningRate: learningRate, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay))
    }
    public static func adam(learningRate: Double, weightDecay: Double = 0) -> OptimizerSpec {
        OptimizerSpec(AdamBlueprint(learningRate: learningRate, weightDecay: weightDecay))
    }
    public static func rmsprop(learningRate: Double, weightDecay: Double = 0) -> OptimizerSpec {
        OptimizerSpec(RMSpropBlueprint(learningRate: learningRate, weightDecay: weightDecay))
    }

    /// The `kind:` key.
    public var kind: String { type(of: blueprint).kind }
    public var learningRate: Double { blueprint.learningRate }

    public init(from decoder: any Decoder) throws {
        let kind = try decoder.registeredKind(key: "kind", in: OptimizerRegistry.byKind, listing: OptimizerRegistry.kinds)
        blueprint = try kind.init(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws { try blueprint.encode(to: encoder) }

    public static func == (a: OptimizerSpec, b: OptimizerSpec) -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(a)) == (try? encoder.encode(b))
    }
}
