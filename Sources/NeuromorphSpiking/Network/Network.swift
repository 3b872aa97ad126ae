import NeuromorphCore

/// A spiking network description in the NEST/PyNN shape: populations of one neuron model
/// each, projections between them with a connector, a weight, a delay and a plasticity
/// rule, and what to record. A value: build it, then run it with ``Simulator``.
///
/// ```swift
/// var net = Network()
/// let e = try net.addPopulation("E", LIFCondExp(.brette2007), count: 3200)
/// try net.connect(e, e, FixedInDegree(64), weight: 6, delaySteps: 1)
/// net.recordSpikes(e)
/// let sim = try Simulator(net, dt: 0.1, seed: 1)
/// sim.run(steps: 10_000)
/// ```
public struct Network: Sendable {
    /// A population's handle.
    public struct PopulationID: Hashable, Sendable, Codable { public let index: Int }
    /// A projection's handle.
    public struct ProjectionID: Hashable, Sendable, Codable { public let index: Int }

    struct PopulationEntry: Sendable {
        var name: String
        var count: Int
        var modelDescription: String
        var make: @Sendable (_ ring: InputRing) -> any PopulationRunning
    }

    struct ProjectionEntry: Sendable {
        var name: String
        var pre: PopulationID
        var post: PopulationID
        var connector: any Connector
        var weight: Float
        var delaySteps: Int
        var make: @Sendable (_ synapses: SynapseTable, _ pre: any PopulationRunning, _ post: any PopulationRunning,
                             _ ring: InputRing) throws -> any ProjectionRunning
    }

    struct ProbeEntry: Sendable {
        var population: PopulationID
        var recordable: String
        var neurons: [Int]
    }

    var populations: [PopulationEntry] = []
    var projections: [ProjectionEntry] = []
    var spikeRecorders: Set<Int> = []
    var probes: [ProbeEntry] = []

    public init() {}

    /// The populations' names in order.
    public var populationNames: [String] { populations.map(\.name) }

    /// The population called `name`, if any.
    public func population(named name: String) -> PopulationID? {
        populations.firstIndex { $0.name == name }.map(PopulationID.init)
    }

    /// Adds `count` neurons of `model`.
    @discardableResult
    public mutating func addPopulation<Model: NeuronModel>(_ name: String, _ model: Model, count: Int) throws -> PopulationID {
        guard count > 0 else {
            throw SpikingParameterError(type: "population '\(name)'", field: "size", value: "\(count)", expected: "a positive number of neurons")
        }
        guard population(named: name) == nil else {
            throw SpikingParameterError(type: "population '\(name)'", field: "name", value: name, expected: "a name not used by another population")
        }
        populations.append(PopulationEntry(name: name, count: count, modelDescription: "\(Model.self)") { ring in
            PopulationRunner(model: model, count: count, ring: ring)
        })
        return PopulationID(index: populations.count - 1)
    }

    /// Connects `pre` to `post`. A positive weight excites (adds to `g_ex`), a negative
    /// one inhibits (adds `−w` to `g_in`), NEST's sign convention. `delaySteps ≥ 1`.
    @discardableResult
    public mutating func connect<Rule: PlasticityRule>(_ pre: PopulationID, _ post: PopulationID, _ connector: some Connector,
                                                       weight: Float, delaySteps: Int = 1, plasticity: Rule,
                                                       name: String? = nil) throws -> ProjectionID {
        let label = name ?? "\(populations[pre.index].name)→\(populations[post.index].name)"
        guard populations.indices.contains(pre.index), populations.indices.contains(post.index) else {
            throw SpikingParameterError(type: "projection '\(label)'", field: "pre/post", value: "\(pre.index)/\(post.index)",
                                    expected: "populations of this network")
        }
        guard weight.isFinite else {
            throw SpikingParameterError(type: "projection '\(label)'", field: "weight", value: "\(weight)", expected: "a finite number")
        }
        guard delaySteps >= 1, delaySteps <= 1 << 15 else {
            throw SpikingParameterError(type: "projection '\(label)'", field: "delay", value: "\(delaySteps) steps",
                                    expected: "1…32768 steps (a delay of at least one time step)")
        }
        projections.append(ProjectionEntry(name: label, pre: pre, post: post, connector: connector, weight: weight,
                                           delaySteps: delaySteps) { table, preRunner, postRunner, ring in
            try plasticity.validate(initialWeights: table.weights)
            return ProjectionRunner(rule: plasticity, table: table, pre: preRunner, post: postRunner, ring: ring)
        })
        return ProjectionID(index: projections.count - 1)
    }

    /// Connects with fixed weights (NEST `static_synapse`).
    @discardableResult
    public mutating func connect(_ pre: PopulationID, _ post: PopulationID, _ connector: some Connector,
                                 weight: Float, delaySteps: Int = 1, name: String? = nil) throws -> ProjectionID {
        try connect(pre, post, connector, weight: weight, delaySteps: delaySteps, plasticity: StaticSynapse(), name: name)
    }

    /// Records every spike of `population`.
    public mutating func recordSpikes(_ population: PopulationID) { spikeRecorders.insert(population.index) }

    /// Records `recordable` (`V_m`, `g_ex`, …) of `neurons` after every step.
    public mutating func probe(_ population: PopulationID, _ recordable: String, neurons: [Int]) {
        probes.append(ProbeEntry(population: population, recordable: recordable, neurons: neurons))
    }
}
