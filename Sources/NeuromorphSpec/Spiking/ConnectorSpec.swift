import NeuromorphCore
import NeuromorphSpiking

/// `connector: {rule: …}` with NEST's rule names: `all_to_all`, `one_to_one`,
/// `fixed_indegree` (`indegree`), `pairwise_bernoulli` (`p`), `from_list`
/// (`connections: [[pre, post], [pre, post, weight], …]`); `allow_autapses` where it applies.
public struct ConnectorSpec: Decodable, Sendable {
    public let connector: any Connector

    enum CodingKeys: String, CodingKey, CaseIterable {
        case rule, indegree, p, connections, allowAutapses = "allow_autapses"
    }

    /// Each rule's extra keys and how it decodes.
    static let rules: [String: (keys: [String], make: @Sendable (KeyedDecodingContainer<CodingKeys>) throws -> any Connector)] = [
        "all_to_all": (["allow_autapses"], { c in
            AllToAll(allowAutapses: try c.decodeIfPresent(Bool.self, forKey: .allowAutapses) ?? true, samePopulation: false)
        }),
        "one_to_one": ([], { _ in OneToOne() }),
        "fixed_indegree": (["indegree", "allow_autapses"], { c in
            FixedInDegree(try c.decodeChecked(Int.self, forKey: .indegree, "a number of inputs ≥ 0") { $0 >= 0 },
                          allowAutapses: try c.decodeIfPresent(Bool.self, forKey: .allowAutapses) ?? true)
        }),
        "pairwise_bernoulli": (["p", "allow_autapses"], { c in
            FixedProbability(try c.decodeChecked(Double.self, forKey: .p, "a probability in [0, 1]") { (0...1).contains($0) },
                             allowAutapses: try c.decodeIfPresent(Bool.self, forKey: .allowAutapses) ?? true)
        }),
        "from_list": (["connections"], { c in
            let rows = try c.decode([[Double]].self, forKey: .connections)
            return FromList(try rows.enumerated().map { k, row in
                guard (2...3).contains(row.count), row[0] >= 0, row[1] >= 0, row[0] == row[0].rounded(), row[1] == row[1].rounded(),
                      row.allSatisfy(\.isFinite) else {
                    throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.connections]) + "[\(k)]",
                                    "expected [pre, post] or [pre, post, weight] with neuron indices ≥ 0")
                }
                return Connection(pre: Int(row[0]), post: Int(row[1]), weight: row.count == 3 ? Float(row[2]) : nil)
            })
        }),
    ]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let rule = try c.decode(String.self, forKey: .rule)
        guard let entry = Self.rules[rule] else {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.rule]),
                            "unknown rule '\(rule)'; expected one of: \(Self.rules.keys.sorted().joined(separator: ", "))")
        }
        try decoder.rejectUnknownKeys(allowed: ["rule"] + entry.keys)
        connector = try entry.make(c)
    }
}
