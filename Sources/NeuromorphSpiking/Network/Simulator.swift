import NeuromorphCore

/// The clock-driven simulator: advances every population by `dt`, applies plasticity,
/// delivers spikes through per-population ring buffers of future input, and absorbs the
/// input due this step (spiking note §1.4).
///
/// Each step: (1) every population integrates and fires; (2) every plastic projection
/// updates its weights for this step's spikes (NEST delivers the updated weight);
/// (3) every projection queues its presynaptic spikes `delay` steps ahead; (4) every
/// population adds the input due now. With `activeSet`, only blocks of 32 neurons that
/// are not at rest are advanced (the wavefront planner's front): a block wakes when input
/// is queued for it and sleeps when all its neurons are quiescent and nothing is pending.
///
/// Runs are deterministic: connections are drawn from streams split from `seed` by
/// projection index, delivery and accumulation follow a fixed order, and the result does
/// not depend on the thread count.
public final class Simulator {
    public let network: Network
    /// Step (ms).
    public let dt: Double
    /// Whether only active blocks are advanced.
    public let activeSet: Bool
    /// Quiescence tolerance for the active set (model units: mV, nS).
    public var quiescenceTolerance: Float = 1e-4
    /// Steps simulated so far.
    public private(set) var step = 0
    /// Every event counted so far.
    public private(set) var counters = EventCounters()

    let populations: [any PopulationRunning]
    let projections: [any ProjectionRunning]
    var recordedSpikes: [Int: [SpikeRecord]]
    var probeValues: [[Float]]

    /// Builds the network: draws every connection, validates rules against their weights.
    public init(_ network: Network, dt: Double, seed: UInt64, activeSet: Bool = false) throws {
        guard dt.isFinite, dt > 0 else {
            throw SpikingParameterError(type: "simulator", field: "dt", value: "\(dt)", expected: "a positive step in ms")
        }
        self.network = network
        self.dt = dt
        self.activeSet = activeSet
        let root = SeededGenerator(seed: seed, key: "spiking/connections")
        var tables: [SynapseTable] = []
        var maxDelay = [Int](repeating: 1, count: network.populations.count)
        for (k, p) in network.projections.enumerated() {
            var generator = root.split(stream: UInt64(k))
            let table: SynapseTable
            do {
                let connections = try p.connector.connections(preCount: network.populations[p.pre.index].count,
                                                              postCount: network.populations[p.post.index].count,
                                                              generator: &generator)
                table = try SynapseTable(preCount: network.populations[p.pre.index].count, connections: connections,
                                         defaultWeight: p.weight, defaultDelay: p.delaySteps)
            } catch let error as SpikingParameterError {
                throw SpikingParameterError(type: "projection '\(p.name)': \(error.type)", field: error.field,
                                            value: error.value, expected: error.expected)
            }
            maxDelay[p.post.index] = Swift.max(maxDelay[p.post.index], Int(table.delays.max() ?? 1))
            tables.append(table)
        }
        let rings = network.populations.enumerated().map { InputRing(count: $1.count, slots: maxDelay[$0] + 1) }
        let populations = network.populations.enumerated().map { $1.make(rings[$0]) }
        self.populations = populations
        self.projections = try network.projections.enumerated().map { k, p in
            do {
                return try p.make(tables[k], populations[p.pre.index], populations[p.post.index], rings[p.post.index])
            } catch let error as SpikingParameterError {
                throw SpikingParameterError(type: "projection '\(p.name)': \(error.type)", field: error.field,
                                        value: error.value, expected: error.expected)
            }
        }
        for probe in network.probes {
            let population = populations[probe.population.index]
            guard population.recordables.contains(probe.recordable) else {
                throw SpikingParameterError(type: "probe on '\(network.populations[probe.population.index].name)'",
                                        field: "recordable", value: probe.recordable,
                                        expected: "one of \(population.recordables)")
            }
            if let bad = probe.neurons.first(where: { !(0..<population.count).contains($0) }) {
                throw SpikingParameterError(type: "probe on '\(network.populations[probe.population.index].name)'",
                                        field: "neurons", value: "\(bad)", expected: "indices in 0..<\(population.count)")
            }
        }
        recordedSpikes = Dictionary(uniqueKeysWithValues: network.spikeRecorders.map { ($0, []) })
        probeValues = network.probes.map { _ in [] }
    }

    /// Simulates `steps` more steps.
    public func run(steps: Int) {
        for _ in 0..<Swift.max(0, steps) { advanceOneStep() }
    }

    /// Simulates `duration` more milliseconds (rounded to whole steps).
    public func run(duration: Double) { run(steps: Int((duration / dt).rounded())) }

    func advanceOneStep() {
        let now = step
        for (k, population) in populations.enumerated() {
            counters.neuronUpdates += population.advance(step: now, dt: dt, activeSet: activeSet)
            counters.emittedSpikes += population.firedCount
            if recordedSpikes[k] != nil, population.firedCount > 0 {
                let s = Int32(clamping: now)
                for i in 0..<population.firedCount {
                    recordedSpikes[k, default: []].append(SpikeRecord(neuron: population.fired[i], step: s))
                }
            }
        }
        for projection in projections {
            let updates = projection.learn(step: now, dt: dt)
            counters.plasticityUpdates += updates
            counters.weightWrites += updates
        }
        for projection in projections {
            let events = projection.deliver(step: now, trackActivity: activeSet)
            counters.synapticOperations += events
            counters.weightReads += events
        }
        for population in populations { population.absorb(step: now, activeSet: activeSet) }
        if activeSet, now % 8 == 7 {
            for population in populations { population.deactivateQuietBlocks(step: now, tolerance: quiescenceTolerance) }
        }
        for (k, probe) in network.probes.enumerated() {
            let population = populations[probe.population.index]
            for neuron in probe.neurons {
                probeValues[k].append(Float(population.value(of: probe.recordable, neuron: neuron) ?? .nan))
            }
        }
        step += 1
    }

    // MARK: - Results

    /// The recorded spikes of `population` (empty unless ``Network/recordSpikes(_:)``).
    public func spikes(of population: Network.PopulationID) -> [SpikeRecord] { recordedSpikes[population.index] ?? [] }

    /// The values of probe `index` (in the order probes were added): `[step][neuron]`.
    public func probe(_ index: Int) -> [[Float]] {
        let width = network.probes[index].neurons.count
        guard width > 0 else { return [] }
        return stride(from: 0, to: probeValues[index].count, by: width).map { Array(probeValues[index][$0..<($0 + width)]) }
    }

    /// The current synapses of a projection.
    public func synapses(of projection: Network.ProjectionID) -> SynapseTable { projections[projection.index].table }

    /// A state variable of one neuron now.
    public func value(_ population: Network.PopulationID, _ recordable: String, neuron: Int) -> Double? {
        populations[population.index].value(of: recordable, neuron: neuron)
    }

    /// Sets the constant input current (pA) of one neuron (NEST `I_e`; a DC generator).
    public func setCurrent(_ population: Network.PopulationID, neuron: Int, current: Double) {
        populations[population.index].setCurrent(current, neuron: neuron)
    }
}
