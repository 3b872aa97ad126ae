import NeuromorphCore
import NeuromorphSpiking

/// The `spiking` section of a spec: a network in the NEST/PyNN shape and how long to run
/// it (`neuromorph snn SPEC`). Every key is checked; errors name the key path.
///
/// ```yaml
/// name: coba
/// spiking:
///   dt: 0.1                 # ms
///   duration: 1000          # ms
///   seed: 1
///   active_set: false       # advance only neurons that are not at rest
///   populations:
///     - {name: E, size: 3200, model: iaf_cond_exp, preset: brette2007, integrator: euler, threshold: greater}
///     - {name: kick, size: 50, model: poisson_generator, params: {rate: 300, start: 1, stop: 51}}
///   projections:
///     - {pre: E, post: E, connector: {rule: fixed_indegree, indegree: 64}, weight: 6, delay: 0.1}
///     - {pre: kick, post: E, connector: {rule: one_to_one}, weight: 6,
///        synapse: {model: stdp_synapse, tau_plus: 20, lambda: 0.01, Wmax: 100, timing: nest_lazy}}
///   record: [E]             # populations whose spikes are kept
/// ```
public struct SpikingSpecFile: Decodable, Sendable {
    public var name: String
    public var spiking: SpikingSpec

    enum CodingKeys: String, CodingKey, CaseIterable { case name, spiking }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? "snn"
        spiking = try c.decode(SpikingSpec.self, forKey: .spiking)
    }
}

public struct SpikingSpec: Decodable, Sendable {
    /// Step (ms).
    public var dt: Double
    /// Simulated time (ms).
    public var duration: Double
    public var seed: UInt64
    public var activeSet: Bool
    public var populations: [PopulationSpec]
    public var projections: [ProjectionSpec]
    /// Populations whose spikes are recorded (default: all).
    public var record: [String]?
    /// The per-event energy table the run is costed with (`energy: mubrain`).
    public var energy: EnergyTable?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dt, duration, seed, activeSet = "active_set", populations, projections, record, energy
    }

    /// Energy presets by spec name.
    static let energyTables: [String: EnergyTable] = [
        "mubrain": .muBrain, "mubrain_all_in": .muBrainAllIn, "chundi": .chundi,
        "moneta_inference": .monetaInference, "moneta_learning": .monetaLearning,
    ]

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dt = try c.decodeCheckedIfPresent(Double.self, forKey: .dt, "a positive step in ms") { $0 > 0 } ?? 0.1
        duration = try c.decodeChecked(Double.self, forKey: .duration, "a positive time in ms") { $0 > 0 }
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 1
        activeSet = try c.decodeIfPresent(Bool.self, forKey: .activeSet) ?? false
        populations = try c.decode([PopulationSpec].self, forKey: .populations)
        projections = try c.decodeIfPresent([ProjectionSpec].self, forKey: .projections) ?? []
        record = try c.decodeIfPresent([String].self, forKey: .record)
        if let name = try c.decodeIfPresent(String.self, forKey: .energy) {
            guard let table = Self.energyTables[name] else {
                throw SpecError(path: "spiking.energy", "unknown energy table '\(name)'; expected one of: \(Self.energyTables.keys.sorted().joined(separator: ", "))")
            }
            energy = table
        }
        guard !populations.isEmpty else {
            throw SpecError(path: "spiking.populations", "no populations; expected a list of {name, size, model}")
        }
        var seen: Set<String> = []
        for (k, p) in populations.enumerated() where !seen.insert(p.name).inserted {
            throw SpecError(path: "spiking.populations[\(k)].name", "'\(p.name)' is used twice; population names must be unique")
        }
        let names = populations.map(\.name)
        for (k, p) in projections.enumerated() {
            for (key, name) in [("pre", p.pre), ("post", p.post)] where !names.contains(name) {
                throw SpecError(path: "spiking.projections[\(k)].\(key)",
                                "unknown population '\(name)'; expected one of: \(names.joined(separator: ", "))")
            }
            let steps = (p.delay ?? dt) / dt
            guard abs(steps - steps.rounded()) < 1e-6, steps.rounded() >= 1 else {
                throw SpecError(path: "spiking.projections[\(k)].delay",
                                "\(p.delay ?? dt) ms is not a positive whole number of steps of dt = \(dt) ms")
            }
        }
        for (k, name) in (record ?? []).enumerated() where !names.contains(name) {
            throw SpecError(path: "spiking.record[\(k)]", "unknown population '\(name)'; expected one of: \(names.joined(separator: ", "))")
        }
    }

    /// Builds the network; the handles of the populations in spec order.
    public func network() throws -> (network: Network, populations: [Network.PopulationID], projections: [Network.ProjectionID]) {
        var net = Network()
        var ids: [Network.PopulationID] = []
        for (k, p) in populations.enumerated() {
            do {
                ids.append(try p.blueprint.add(to: &net, name: p.name, size: p.size, seed: seed &+ UInt64(k)))
            } catch let error as SpikingParameterError {
                throw SpecError(path: "spiking.populations[\(k)]", error.description)
            }
        }
        var projectionIDs: [Network.ProjectionID] = []
        for (k, p) in projections.enumerated() {
            let pre = ids[populations.firstIndex { $0.name == p.pre }!]
            let post = ids[populations.firstIndex { $0.name == p.post }!]
            do {
                projectionIDs.append(try p.synapse.connect(&net, pre, post, p.connector.connector, weight: p.weight,
                                                           delaySteps: Int(((p.delay ?? dt) / dt).rounded())))
            } catch let error as SpikingParameterError {
                throw SpecError(path: "spiking.projections[\(k)]", error.description)
            }
        }
        for (k, p) in populations.enumerated() where record?.contains(p.name) ?? true { net.recordSpikes(ids[k]) }
        return (net, ids, projectionIDs)
    }
}

/// One population: `{name, size, model, …model keys}`.
public struct PopulationSpec: Decodable, Sendable {
    public var name: String
    public var size: Int
    public var model: String
    var blueprint: any NeuronModelBlueprint

    enum CodingKeys: String, CodingKey { case name, size, model }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        size = try c.decodeChecked(Int.self, forKey: .size, "a positive number of neurons") { $0 > 0 && $0 <= 50_000_000 }
        model = try c.decode(String.self, forKey: .model)
        guard let kind = NeuronModelRegistry.blueprints[model] else {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.model]),
                            "unknown neuron model '\(model)'; expected one of: \(NeuronModelRegistry.blueprints.keys.sorted().joined(separator: ", "))")
        }
        try decoder.rejectUnknownKeys(allowed: ["name", "size", "model"] + kind.keys)
        blueprint = try kind.init(from: decoder)
    }
}

/// One projection: `{pre, post, connector, weight, delay, synapse}`.
public struct ProjectionSpec: Decodable, Sendable {
    public var pre: String
    public var post: String
    public var connector: ConnectorSpec
    public var weight: Float
    /// Delay (ms), a whole number of steps ≥ 1 (default: one step).
    public var delay: Double?
    var synapse: any SynapseBlueprint
    /// The fixed-point format the weights must fit (`{bits, fraction, signed}`), if any.
    public var weightFormat: QFormat?

    enum CodingKeys: String, CodingKey, CaseIterable { case pre, post, connector, weight, delay, synapse, weightFormat = "weight_format" }

    struct FormatSpec: Decodable {
        var format: QFormat
        enum CodingKeys: String, CodingKey, CaseIterable { case bits, fraction, signed }
        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
            let c = try decoder.container(keyedBy: CodingKeys.self)
            do {
                format = try QFormat(bits: try c.decode(Int.self, forKey: .bits),
                                     fraction: try c.decodeIfPresent(Int.self, forKey: .fraction) ?? 0,
                                     signed: try c.decodeIfPresent(Bool.self, forKey: .signed) ?? true)
            } catch let error as SpikingParameterError {
                throw SpecError(path: SpecError.render(decoder.codingPath) + ".\(error.field)", error.description)
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pre = try c.decode(String.self, forKey: .pre)
        post = try c.decode(String.self, forKey: .post)
        connector = try c.decode(ConnectorSpec.self, forKey: .connector)
        weight = try c.decodeChecked(Float.self, forKey: .weight, "a finite weight (nS; negative inhibits)") { $0.isFinite }
        delay = try c.decodeCheckedIfPresent(Double.self, forKey: .delay, "a positive delay in ms") { $0 > 0 }
        synapse = try c.decodeIfPresent(SynapseSpec.self, forKey: .synapse)?.blueprint ?? StaticSynapseBlueprint()
        weightFormat = try c.decodeIfPresent(FormatSpec.self, forKey: .weightFormat)?.format
        if let format = weightFormat {
            var weights = [(path: String, value: Float)]()
            weights.append((SpecError.render(c.codingPath + [CodingKeys.weight]), weight))
            if let list = connector.connector as? FromList {
                for (k, connection) in list.list.enumerated() {
                    if let w = connection.weight { weights.append((SpecError.render(c.codingPath + [CodingKeys.connector]) + ".connections[\(k)]", w)) }
                }
            }
            for (path, w) in weights where !(format.minimumValue...format.maximumValue).contains(Double(w)) {
                throw SpecError(path: path, "weight \(w) is outside \(format) (range \(format.minimumValue)…\(format.maximumValue))")
            }
        }
    }
}
