/// One recorded spike: which neuron of a population fired, and when (in simulation steps).
public struct SpikeRecord: Sendable, Codable, Hashable {
    /// Index of the neuron within its population.
    public var neuron: Int32
    /// Step at which the spike was emitted (time = step · dt).
    public var step: Int32

    public init(neuron: Int32, step: Int32) {
        self.neuron = neuron
        self.step = step
    }
}
