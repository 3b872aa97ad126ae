import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN

/// One substrate a trained network is evaluated on by `neuromorph compare` (issue 17 item 1):
/// digital float32 or int8, analog crossbars trained on chip, PCM inference over time, or a
/// rate-coded spiking network. Each kind is a value type with its settings, decoded strictly
/// from one entry of the spec's `substrates:` list (`{kind: …, …}`), and one line in
/// ``SubstrateRegistry/standard``; nothing else changes to add a substrate.
///
/// `evaluate` sees the model trained once (digital, float32), the data it was trained on and
/// the model's ``Workload`` (the same description `neuromorph estimate` and `neuromorph map`
/// cost), and returns one or more rows (PCM: one per time and drift-compensation setting).
public protocol Substrate: Codable, Sendable {
    /// The spec key, the value of `kind:`.
    static var kind: String { get }
    /// A short label for tables (`digital int8`, `analog constant_step`).
    var label: String { get }
    /// The settings of a seconds-long run (`--quick`); the default keeps them.
    func quickened() -> Self
    func evaluate(model: Sequential, data: ExperimentData, workload: Workload,
                  context: SubstrateContext) throws -> SubstrateResult
}

/// What every substrate shares besides the model, data and workload.
public struct SubstrateContext: Sendable {
    /// The whole experiment spec (training settings, seed, name).
    public var spec: ExperimentSpec
    /// The checkpoint the trained model came from (`<path>.<parameter>.npy` files), for
    /// substrates that start a new model from its weights.
    public var checkpoint: URL
    /// A folder of this substrate's own (e.g. the on-chip training run), or nil to write nothing.
    public var folder: URL?
    /// Progress lines.
    public var log: @Sendable (String) -> Void

    public init(spec: ExperimentSpec, checkpoint: URL, folder: URL?, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.spec = spec
        self.checkpoint = checkpoint
        self.folder = folder
        self.log = log
    }

    /// The classification objective of the spec.
    var objective: any Objective { spec.training.objective.objective(loss: spec.training.loss) }

    /// `data`'s test set, or its first `limit` samples.
    static func test(_ data: ExperimentData, limit: Int?) -> LabeledTensors {
        guard let limit, limit < data.test.count else { return data.testTensors }
        return data.test.prefix(limit).tensors
    }
}

/// The rows one substrate contributes to a comparison.
public struct SubstrateResult: Sendable, Codable, Equatable {
    public var rows: [ComparisonRow]
    public init(rows: [ComparisonRow]) { self.rows = rows }
}

// MARK: - Registry

/// The substrate kinds a `substrates:` list can name, by their `kind:` key.
public enum SubstrateRegistry {
    /// Every built-in kind. Adding a kind: write its type in `Compare/` and add it here.
    public static let standard: [any Substrate.Type] = [
        DigitalSubstrate.self, AnalogCrossbarSubstrate.self, PCMInferenceSubstrate.self, SpikingSubstrate.self,
    ]

    /// The kinds by key.
    public static let byKind: [String: any Substrate.Type] =
        Dictionary(standard.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })

    /// The keys, in registry order, for error messages.
    public static var kinds: [String] { standard.map { $0.kind } }
}

/// One entry of `substrates:`: any registered substrate, decoded by its `kind:`.
public struct SubstrateEntry: Codable, Sendable, Equatable {
    public var substrate: any Substrate

    public init(_ substrate: any Substrate) { self.substrate = substrate }

    /// The `kind:` key.
    public var kind: String { type(of: substrate).kind }

    enum KindKey: String, CodingKey { case kind }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        let key = AnyKey(stringValue: "kind")
        let listing = SubstrateRegistry.kinds.joined(separator: ", ")
        guard c.contains(key) else {
            throw SpecError(path: SpecError.render(c.codingPath + [key]), "missing; expected one of: \(listing)")
        }
        let raw = try c.decode(String.self, forKey: key)
        guard let kind = SubstrateRegistry.byKind[raw] else {
            throw SpecError(path: SpecError.render(c.codingPath + [key]), "'\(raw)' is not allowed; expected one of: \(listing)")
        }
        substrate = try kind.init(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: KindKey.self)
        try c.encode(kind, forKey: .kind)
        try substrate.encode(to: encoder)
    }

    public static func == (a: SubstrateEntry, b: SubstrateEntry) -> Bool {
        a.kind == b.kind && a.canonicalJSON == b.canonicalJSON
    }

    var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
    }
}

extension Decoder {
    /// Rejects keys other than `kind` and `allowed` of a substrate entry, naming the key path.
    func rejectUnknownSubstrateKeys(_ allowed: [String]) throws {
        try rejectUnknownKeys(allowed: ["kind"] + allowed)
    }
}

// MARK: - Quick runs

extension Substrate {
    /// The settings of a seconds-long run (`neuromorph compare --quick`); unchanged by default.
    public func quickened() -> Self { self }
}

extension SubstrateComparison {
    /// `spec` cut down for a quick run: at most 2,000 training and 500 test samples, 2 epochs,
    /// and every substrate's ``Substrate/quickened()`` settings.
    public static func quick(_ spec: ExperimentSpec) -> ExperimentSpec {
        var s = spec
        s.data.trainLimit = Swift.min(s.data.trainLimit ?? 2000, 2000)
        s.data.testLimit = Swift.min(s.data.testLimit ?? 500, 500)
        s.training.epochs = Swift.min(s.training.epochs, 2)
        s.substrates = s.substrates?.map { SubstrateEntry($0.substrate.quickened()) }
        return s
    }
}
