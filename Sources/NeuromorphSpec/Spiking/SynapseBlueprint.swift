import NeuromorphCore
import NeuromorphSpiking

/// How a projection's `synapse: {model: …}` becomes a plasticity rule (NEST's synapse model
/// names). Each rule registers a blueprint in ``SynapseRegistry``.
protocol SynapseBlueprint: Sendable {
    /// The keys besides `model`.
    static var keys: [String] { get }
    init(from decoder: any Decoder) throws
    func connect(_ network: inout Network, _ pre: Network.PopulationID, _ post: Network.PopulationID,
                 _ connector: any Connector, weight: Float, delaySteps: Int) throws -> Network.ProjectionID
}

enum SynapseRegistry {
    static let blueprints: [String: any SynapseBlueprint.Type] = [
        "static_synapse": StaticSynapseBlueprint.self,
        "stdp_synapse": STDPSynapseBlueprint.self,
    ]
}

/// `synapse: {model: NAME, …}`.
struct SynapseSpec: Decodable, Sendable {
    let blueprint: any SynapseBlueprint
    enum CodingKeys: String, CodingKey { case model }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let model = try c.decode(String.self, forKey: .model)
        guard let kind = SynapseRegistry.blueprints[model] else {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.model]),
                            "unknown synapse model '\(model)'; expected one of: \(SynapseRegistry.blueprints.keys.sorted().joined(separator: ", "))")
        }
        try decoder.rejectUnknownKeys(allowed: ["model"] + kind.keys)
        blueprint = try kind.init(from: decoder)
    }
}

struct StaticSynapseBlueprint: SynapseBlueprint {
    static let keys: [String] = []
    init() {}
    init(from decoder: any Decoder) throws {}
    func connect(_ network: inout Network, _ pre: Network.PopulationID, _ post: Network.PopulationID,
                 _ connector: any Connector, weight: Float, delaySteps: Int) throws -> Network.ProjectionID {
        try network.connect(pre, post, connector, weight: weight, delaySteps: delaySteps)
    }
}

/// `synapse: {model: stdp_synapse, tau_plus, tau_minus, lambda, alpha, mu_plus, mu_minus, Wmax, timing, pairing}`
/// (NEST names and defaults; ``PairSTDP``).
struct STDPSynapseBlueprint: SynapseBlueprint {
    static let keys = ["tau_plus", "tau_minus", "lambda", "alpha", "mu_plus", "mu_minus", "Wmax", "timing", "pairing"]
    enum CodingKeys: String, CodingKey {
        case tauPlus = "tau_plus", tauMinus = "tau_minus", lambda, alpha, muPlus = "mu_plus", muMinus = "mu_minus"
        case wmax = "Wmax", timing, pairing
    }
    let rule: PairSTDP

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = PairSTDP()
        func positive(_ key: CodingKeys, _ fallback: Double) throws -> Double {
            try c.decodeCheckedIfPresent(Double.self, forKey: key, "a positive number") { $0 > 0 } ?? fallback
        }
        func nonNegative(_ key: CodingKeys, _ fallback: Double) throws -> Double {
            try c.decodeCheckedIfPresent(Double.self, forKey: key, "a number ≥ 0") { $0 >= 0 } ?? fallback
        }
        rule = PairSTDP(tau_plus: try positive(.tauPlus, d.tau_plus), tau_minus: try positive(.tauMinus, d.tau_minus),
                        lambda: try nonNegative(.lambda, d.lambda), alpha: try nonNegative(.alpha, d.alpha),
                        mu_plus: try nonNegative(.muPlus, d.mu_plus), mu_minus: try nonNegative(.muMinus, d.mu_minus),
                        Wmax: try positive(.wmax, d.Wmax),
                        timing: try c.decodeChoiceIfPresent(PairSTDP.Timing.self, forKey: .timing) ?? d.timing,
                        pairing: try c.decodeChoiceIfPresent(PairSTDP.Pairing.self, forKey: .pairing) ?? d.pairing)
    }

    func connect(_ network: inout Network, _ pre: Network.PopulationID, _ post: Network.PopulationID,
                 _ connector: any Connector, weight: Float, delaySteps: Int) throws -> Network.ProjectionID {
        try network.connect(pre, post, connector, weight: weight, delaySteps: delaySteps, plasticity: rule)
    }
}
