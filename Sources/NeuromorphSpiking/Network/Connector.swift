import NeuromorphCore

/// How a projection wires a presynaptic population to a postsynaptic one (PyNN's
/// connectors; NEST's `conn_spec` rules). A connector lists `(pre, post)` index pairs in a
/// deterministic order, drawing from the stream it is given.
public protocol Connector: Sendable {
    /// A short description (`fixed_indegree(64)`).
    var description: String { get }
    /// The connections from `preCount` to `postCount` neurons; invalid settings throw
    /// ``SpikingParameterError``.
    func connections(preCount: Int, postCount: Int, generator: inout SeededGenerator) throws -> [Connection]
}

/// One synapse to create; `weight`/`delaySteps` override the projection's defaults.
public struct Connection: Sendable, Equatable, Codable {
    public var pre: Int
    public var post: Int
    public var weight: Float?
    public var delaySteps: Int?

    public init(pre: Int, post: Int, weight: Float? = nil, delaySteps: Int? = nil) {
        self.pre = pre; self.post = post; self.weight = weight; self.delaySteps = delaySteps
    }
}

/// Every presynaptic neuron to every postsynaptic one (NEST `all_to_all`).
public struct AllToAll: Connector {
    /// Whether `i → i` is made when pre and post are the same population.
    public var allowAutapses: Bool
    public var samePopulation: Bool

    public init(allowAutapses: Bool = true, samePopulation: Bool = false) {
        self.allowAutapses = allowAutapses; self.samePopulation = samePopulation
    }

    public var description: String { "all_to_all" }

    public func connections(preCount: Int, postCount: Int, generator: inout SeededGenerator) throws -> [Connection] {
        var result: [Connection] = []
        result.reserveCapacity(preCount * postCount)
        for i in 0..<preCount {
            for j in 0..<postCount where allowAutapses || !samePopulation || i != j {
                result.append(Connection(pre: i, post: j))
            }
        }
        return result
    }
}

/// Neuron `i` to neuron `i` (NEST `one_to_one`); the populations must have the same size.
public struct OneToOne: Connector {
    public init() {}
    public var description: String { "one_to_one" }

    public func connections(preCount: Int, postCount: Int, generator: inout SeededGenerator) throws -> [Connection] {
        guard preCount == postCount else {
            throw SpikingParameterError(type: "one_to_one", field: "size", value: "\(preCount) → \(postCount)",
                                    expected: "populations of the same size")
        }
        return (0..<preCount).map { Connection(pre: $0, post: $0) }
    }
}

/// Each postsynaptic neuron receives exactly `inDegree` connections from uniformly drawn
/// presynaptic neurons (NEST `fixed_indegree`, multapses allowed as NEST's default).
public struct FixedInDegree: Connector {
    public var inDegree: Int
    public var allowAutapses: Bool
    public var samePopulation: Bool

    public init(_ inDegree: Int, allowAutapses: Bool = true, samePopulation: Bool = false) {
        self.inDegree = inDegree; self.allowAutapses = allowAutapses; self.samePopulation = samePopulation
    }

    public var description: String { "fixed_indegree(\(inDegree))" }

    public func connections(preCount: Int, postCount: Int, generator: inout SeededGenerator) throws -> [Connection] {
        let excludesSelf = samePopulation && !allowAutapses
        guard inDegree >= 0, preCount > (excludesSelf ? 1 : 0) || inDegree == 0 else {
            throw SpikingParameterError(type: "fixed_indegree", field: "indegree", value: "\(inDegree)",
                                    expected: "≥ 0, with a non-empty presynaptic population")
        }
        var result: [Connection] = []
        result.reserveCapacity(postCount * inDegree)
        for j in 0..<postCount {
            var made = 0
            while made < inDegree {
                let i = generator.nextInt(below: preCount)
                if excludesSelf && i == j { continue }
                result.append(Connection(pre: i, post: j))
                made += 1
            }
        }
        return result
    }
}

/// Each pair is connected independently with probability `p` (NEST `pairwise_bernoulli`,
/// PyNN `FixedProbabilityConnector`).
public struct FixedProbability: Connector {
    public var probability: Double
    public var allowAutapses: Bool
    public var samePopulation: Bool

    public init(_ probability: Double, allowAutapses: Bool = true, samePopulation: Bool = false) {
        self.probability = probability; self.allowAutapses = allowAutapses; self.samePopulation = samePopulation
    }

    public var description: String { "fixed_probability(\(probability))" }

    public func connections(preCount: Int, postCount: Int, generator: inout SeededGenerator) throws -> [Connection] {
        guard probability.isFinite, (0...1).contains(probability) else {
            throw SpikingParameterError(type: "fixed_probability", field: "p", value: "\(probability)", expected: "a probability in [0, 1]")
        }
        var result: [Connection] = []
        for i in 0..<preCount {
            for j in 0..<postCount where allowAutapses || !samePopulation || i != j {
                if generator.nextUniformDouble() < probability { result.append(Connection(pre: i, post: j)) }
            }
        }
        return result
    }
}

/// Exactly the listed connections (PyNN `FromListConnector`).
public struct FromList: Connector {
    public var list: [Connection]

    public init(_ list: [Connection]) { self.list = list }

    public var description: String { "from_list(\(list.count))" }

    public func connections(preCount: Int, postCount: Int, generator: inout SeededGenerator) throws -> [Connection] {
        for (k, c) in list.enumerated() {
            guard (0..<preCount).contains(c.pre), (0..<postCount).contains(c.post) else {
                throw SpikingParameterError(type: "from_list", field: "connections[\(k)]", value: "(\(c.pre), \(c.post))",
                                        expected: "pre in 0..<\(preCount) and post in 0..<\(postCount)")
            }
        }
        return list
    }
}
