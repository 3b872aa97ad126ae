/// Counts of every kind of event a spiking run performs (spiking note §1.9).
///
/// Energy is `E = Σ counterₖ · unitₖ + P_static · T` (``EnergyTable``). Counters add, so
/// per-thread or per-sample counters are summed in a fixed order.
public struct EventCounters: Sendable, Codable, Hashable {
    /// Spikes arriving from encoders or external sources.
    public var inputSpikes: Int = 0
    /// Spikes emitted by simulated neurons.
    public var emittedSpikes: Int = 0
    /// Synaptic operations: one per spike and target synapse (spike × fan-out).
    public var synapticOperations: Int = 0
    /// Neuron state updates (one per neuron per integrated step, or per event).
    public var neuronUpdates: Int = 0
    /// Weight memory reads.
    public var weightReads: Int = 0
    /// Weight memory writes (plasticity, programming).
    public var weightWrites: Int = 0
    /// Plasticity rule applications (one per synapse update).
    public var plasticityUpdates: Int = 0
    /// Requests granted by an arbiter.
    public var arbiterGrants: Int = 0
    /// Requests an arbiter dropped.
    public var arbiterDrops: Int = 0

    public init() {}

    /// Adds every counter of `other`.
    public static func += (lhs: inout EventCounters, rhs: EventCounters) {
        lhs.inputSpikes += rhs.inputSpikes
        lhs.emittedSpikes += rhs.emittedSpikes
        lhs.synapticOperations += rhs.synapticOperations
        lhs.neuronUpdates += rhs.neuronUpdates
        lhs.weightReads += rhs.weightReads
        lhs.weightWrites += rhs.weightWrites
        lhs.plasticityUpdates += rhs.plasticityUpdates
        lhs.arbiterGrants += rhs.arbiterGrants
        lhs.arbiterDrops += rhs.arbiterDrops
    }

    public static func + (lhs: EventCounters, rhs: EventCounters) -> EventCounters {
        var sum = lhs
        sum += rhs
        return sum
    }
}
