/// A synaptic learning rule the clock-driven simulator applies on a projection: it sees
/// every presynaptic spike with the synapses of that neuron (a CSR row) and every
/// postsynaptic spike with the synapses into that neuron, and updates their weights.
///
/// Within one step all presynaptic spikes of the projection are handled before the
/// postsynaptic ones. Spike times are somatic spike steps; a rule may use each synapse's
/// delay (NEST's lazy STDP treats it as a dendritic delay). The
/// spiking-systems issue adds stochastic STDP (MONETA) and BCPNN as conformances.
public protocol PlasticityRule: Sendable {
    /// The rule's state for one projection (traces, spike histories).
    associatedtype State: Sendable

    /// A fresh state for a projection of `synapses` synapses from `pre` to `post` neurons.
    func makeState(pre: Int, post: Int, synapses: Int) -> State

    /// Checks the rule against the projection's initial weights; throws
    /// ``SpikingParameterError`` naming the field.
    func validate(initialWeights: [Float]) throws

    /// Presynaptic neuron `pre` fired at `step`. `synapses` are its synapse indices,
    /// `targets[s]` the postsynaptic neuron of synapse `s` and `delays[s]` its delay in steps.
    /// Returns the number of weight updates made.
    func presynapticSpike(_ state: inout State, pre: Int, step: Int, dt: Double, synapses: Range<Int>,
                          targets: UnsafePointer<Int32>, delays: UnsafePointer<Int32>,
                          weights: UnsafeMutablePointer<Float>) -> Int

    /// Postsynaptic neuron `post` fired at `step`. `incoming` lists the indices of its
    /// synapses and `sources[k]` the presynaptic neuron of `incoming[k]`.
    func postsynapticSpike(_ state: inout State, post: Int, step: Int, dt: Double,
                           incoming: UnsafeBufferPointer<Int32>, sources: UnsafeBufferPointer<Int32>,
                           weights: UnsafeMutablePointer<Float>) -> Int
}

/// Fixed weights (NEST `static_synapse`).
public struct StaticSynapse: PlasticityRule, Equatable, Codable {
    public init() {}
    public struct State: Sendable {}
    public func makeState(pre: Int, post: Int, synapses: Int) -> State { State() }
    public func validate(initialWeights: [Float]) throws {}
    public func presynapticSpike(_ state: inout State, pre: Int, step: Int, dt: Double, synapses: Range<Int>,
                                 targets: UnsafePointer<Int32>, delays: UnsafePointer<Int32>,
                                 weights: UnsafeMutablePointer<Float>) -> Int { 0 }
    public func postsynapticSpike(_ state: inout State, post: Int, step: Int, dt: Double,
                                  incoming: UnsafeBufferPointer<Int32>, sources: UnsafeBufferPointer<Int32>,
                                  weights: UnsafeMutablePointer<Float>) -> Int { 0 }
}
