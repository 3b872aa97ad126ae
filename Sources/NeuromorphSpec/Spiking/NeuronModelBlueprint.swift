import NeuromorphCore
import NeuromorphSpiking

/// How a `model:` name of the `spiking.populations` list becomes neurons: the extra keys it
/// accepts, its strict decoder, and how it adds a population. Each model registers one
/// blueprint in ``NeuronModelRegistry`` (no central switch).
protocol NeuronModelBlueprint: Sendable {
    /// The keys besides `name`, `size` and `model`.
    static var keys: [String] { get }
    init(from decoder: any Decoder) throws
    func add(to network: inout Network, name: String, size: Int, seed: UInt64) throws -> Network.PopulationID
}

/// The neuron models a spec can name (NEST's model names).
enum NeuronModelRegistry {
    static let blueprints: [String: any NeuronModelBlueprint.Type] = [
        "iaf_cond_exp": LIFCondExpBlueprint.self,
        "iaf_psc_exp": LIFCurrentExpBlueprint.self,
        "poisson_generator": PoissonBlueprint.self,
        "spike_generator": SpikeGeneratorBlueprint.self,
    ]
}

/// `model: iaf_cond_exp` with `preset` (nest, pynn, brette2007), `params` (NEST names
/// overriding the preset), `integrator`, `threshold` (greater_or_equal, greater) and
/// `refractory` (nest, brian2).
struct LIFCondExpBlueprint: NeuronModelBlueprint {
    static let keys = ["preset", "params", "integrator", "threshold", "refractory"]
    enum Preset: String, CaseIterable { case nest, pynn, brette2007 }
    enum CodingKeys: String, CodingKey { case preset, params, integrator, threshold, refractory }
    let model: LIFCondExp

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let preset = try c.decodeChoiceIfPresent(Preset.self, forKey: .preset) ?? .nest
        var parameters: LIFCondExp.Parameters = switch preset {
        case .nest: .nest
        case .pynn: .pyNN
        case .brette2007: .brette2007
        }
        if c.contains(.params) {
            let overrides = try c.decode([String: Double].self, forKey: .params)
            let fields: [String: WritableKeyPath<LIFCondExp.Parameters, Double>] = [
                "C_m": \.C_m, "g_L": \.g_L, "E_L": \.E_L, "V_th": \.V_th, "V_reset": \.V_reset, "t_ref": \.t_ref,
                "E_ex": \.E_ex, "E_in": \.E_in, "tau_syn_ex": \.tau_syn_ex, "tau_syn_in": \.tau_syn_in, "I_e": \.I_e,
            ]
            for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
                guard let field = fields[key] else {
                    throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.params]) + ".\(key)",
                                    "unknown iaf_cond_exp parameter; expected one of: \(fields.keys.sorted().joined(separator: ", "))")
                }
                parameters[keyPath: field] = value
            }
        }
        do { try parameters.validate() } catch let error as SpikingParameterError {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.params]) + ".\(error.field)", error.description)
        }
        let integrator = try c.decodeChoiceIfPresent(LIFCondExp.Integrator.self, forKey: .integrator) ?? .rkf45
        let threshold = try c.decodeChoiceIfPresent(ThresholdComparison.self, forKey: .threshold) ?? .greaterOrEqual
        let refractory = try c.decodeChoiceIfPresent(LIFCondExp.RefractoryConvention.self, forKey: .refractory) ?? .nest
        model = LIFCondExp(parameters, integrator: integrator, comparison: threshold, refractory: refractory)
    }

    func add(to network: inout Network, name: String, size: Int, seed: UInt64) throws -> Network.PopulationID {
        try network.addPopulation(name, model, count: size)
    }
}

/// `model: poisson_generator` with `params: {rate (Hz), start (ms), stop (ms)}`.
struct PoissonBlueprint: NeuronModelBlueprint {
    static let keys = ["params"]
    struct Params: Decodable {
        var rate: Double
        var start: Double
        var stop: Double
        enum CodingKeys: String, CodingKey, CaseIterable { case rate, start, stop }
        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
            let c = try decoder.container(keyedBy: CodingKeys.self)
            rate = try c.decodeChecked(Double.self, forKey: .rate, "a rate ≥ 0 Hz below 1/dt") { $0 >= 0 }
            start = try c.decodeCheckedIfPresent(Double.self, forKey: .start, "a time ≥ 0 ms") { $0 >= 0 } ?? 0
            stop = try c.decodeCheckedIfPresent(Double.self, forKey: .stop, "a time in ms after start") { $0 >= 0 } ?? .infinity
        }
    }
    enum CodingKeys: String, CodingKey { case params }
    let params: Params

    init(from decoder: any Decoder) throws {
        params = try decoder.container(keyedBy: CodingKeys.self).decode(Params.self, forKey: .params)
    }

    func add(to network: inout Network, name: String, size: Int, seed: UInt64) throws -> Network.PopulationID {
        try network.addPopulation(name, PoissonSource(rate: params.rate, start: params.start, stop: params.stop, seed: seed), count: size)
    }
}

/// `model: spike_generator` with `spike_steps: [[step, …] per neuron]`.
struct SpikeGeneratorBlueprint: NeuronModelBlueprint {
    static let keys = ["spike_steps"]
    enum CodingKeys: String, CodingKey { case spikeSteps = "spike_steps" }
    let steps: [[Int]]

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        steps = try c.decode([[Int]].self, forKey: .spikeSteps)
        if steps.joined().contains(where: { $0 < 0 }) {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.spikeSteps]), "negative step; expected steps ≥ 0")
        }
    }

    func add(to network: inout Network, name: String, size: Int, seed: UInt64) throws -> Network.PopulationID {
        guard steps.count <= size else {
            throw SpikingParameterError(type: "spike_generator '\(name)'", field: "spike_steps", value: "\(steps.count) lists",
                                    expected: "at most one list per neuron (size \(size))")
        }
        return try network.addPopulation(name, SpikeTimesSource(steps: steps), count: size)
    }
}

/// `model: iaf_psc_exp` with `params` (NEST names and defaults), `threshold` and `reset`
/// (to_value, subtract).
struct LIFCurrentExpBlueprint: NeuronModelBlueprint {
    static let keys = ["params", "threshold", "reset"]
    enum CodingKeys: String, CodingKey { case params, threshold, reset }
    let model: LIFCurrentExp

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var parameters = LIFCurrentExp.Parameters()
        if c.contains(.params) {
            let fields: [String: WritableKeyPath<LIFCurrentExp.Parameters, Double>] = [
                "C_m": \.C_m, "tau_m": \.tau_m, "tau_syn_ex": \.tau_syn_ex, "tau_syn_in": \.tau_syn_in, "t_ref": \.t_ref,
                "E_L": \.E_L, "V_reset": \.V_reset, "V_th": \.V_th, "I_e": \.I_e,
            ]
            for (key, value) in try c.decode([String: Double].self, forKey: .params).sorted(by: { $0.key < $1.key }) {
                guard let field = fields[key] else {
                    throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.params]) + ".\(key)",
                                    "unknown iaf_psc_exp parameter; expected one of: \(fields.keys.sorted().joined(separator: ", "))")
                }
                parameters[keyPath: field] = value
            }
        }
        do { try parameters.validate() } catch let error as SpikingParameterError {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.params]) + ".\(error.field)", error.description)
        }
        model = LIFCurrentExp(parameters,
                              comparison: try c.decodeChoiceIfPresent(ThresholdComparison.self, forKey: .threshold) ?? .greaterOrEqual,
                              reset: try c.decodeChoiceIfPresent(ResetMode.self, forKey: .reset) ?? .toValue)
    }

    func add(to network: inout Network, name: String, size: Int, seed: UInt64) throws -> Network.PopulationID {
        try network.addPopulation(name, model, count: size)
    }
}
