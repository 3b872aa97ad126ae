/// A spiking neuron model the clock-driven simulator can advance: value-type parameters and
/// a struct-of-arrays state, advanced over a contiguous range of neurons per step.
///
/// One simulation step of a population is (NEST's and Brian2's order):
/// 1. ``advance(_:range:step:dt:spikes:)`` integrates each neuron from `t` to `t + dt` with the
///    synaptic state it had at `t`, applies the threshold and the reset, and lists the
///    neurons that fired;
/// 2. ``receive(_:excitatory:inhibitory:range:)`` adds the input that arrives at the end of
///    the step (spikes emitted `delay` steps earlier, summed per receptor channel).
///
/// So a spike with a delay of one step, emitted in step `s`, changes its target's
/// conductance after the integration of step `s + 1` (NEST `iaf_cond_exp`, Brian2
/// `on_pre` with `delay = dt`).
public protocol NeuronModel: Sendable {
    /// Struct-of-arrays state of a population of these neurons.
    associatedtype State: NeuronState

    /// A population of `count` neurons at rest.
    func makeState(count: Int) -> State

    /// Integrates neurons `range` over step number `step` (from `step·dt` to `(step+1)·dt`,
    /// `dt` in milliseconds), applies threshold and reset, and writes the indices of the
    /// neurons that fired into `spikes` (in increasing order). Returns how many fired.
    func advance(_ state: inout State, range: Range<Int>, step: Int, dt: Double,
                 spikes: UnsafeMutablePointer<Int32>) -> Int

    /// Adds the input that arrived this step: the summed excitatory (positive) and
    /// inhibitory (magnitude of negative) weights per neuron, in the model's input unit
    /// (nS for conductance models, pA for current models, raw units for integer models).
    func receive(_ state: inout State, excitatory: UnsafePointer<Float>, inhibitory: UnsafePointer<Float>,
                 range: Range<Int>)

    /// Whether neuron `index` is at rest at step `step`, so the active-set simulator may
    /// skip it until it receives input: advancing it with no input would leave its state
    /// unchanged (within `tolerance`, in the model's units).
    func isQuiescent(_ state: State, _ index: Int, step: Int, tolerance: Float) -> Bool
}

/// The state of a population: named per-neuron arrays for probes and export.
public protocol NeuronState: Sendable {
    /// Number of neurons.
    var count: Int { get }
    /// The names of the recordable state variables (`V_m`, `g_ex`, …, NEST's names).
    static var recordables: [String] { get }
    /// The value of a recordable for one neuron (`nil` for an unknown name).
    func value(of recordable: String, neuron: Int) -> Double?
    /// Sets the constant input current of a neuron (pA), where the model has one.
    mutating func setCurrent(_ current: Double, neuron: Int)
}

// MARK: - Functional step

extension NeuronModel {
    /// The pure, Norse-shaped step: `(state, input) -> (spikes, state)` for the whole
    /// population, input added at the end of the step as in the simulator.
    ///
    /// ```swift
    /// let (spikes, next) = model.step(state, excitatory: ge, inhibitory: gi, step: 0, dt: 0.1)
    /// ```
    public func step(_ state: State, excitatory: [Float], inhibitory: [Float], step: Int, dt: Double)
        -> (spikes: [Bool], state: State) {
        precondition(excitatory.count == state.count && inhibitory.count == state.count,
                     "one input per neuron")
        var next = state
        var fired = [Int32](repeating: 0, count: state.count)
        let n = fired.withUnsafeMutableBufferPointer {
            advance(&next, range: 0..<state.count, step: step, dt: dt, spikes: $0.baseAddress!)
        }
        excitatory.withUnsafeBufferPointer { e in
            inhibitory.withUnsafeBufferPointer { i in
                receive(&next, excitatory: e.baseAddress!, inhibitory: i.baseAddress!, range: 0..<state.count)
            }
        }
        var spikes = [Bool](repeating: false, count: state.count)
        for k in 0..<n { spikes[Int(fired[k])] = true }
        return (spikes, next)
    }
}
