/// Parameters of μBrain's integer integrate-and-fire neuron (Stuijt et al. 2021; digest UB
/// §2.2; spiking note §1.2).
public struct IntegerIFParameters: Sendable, Codable, Hashable {
    /// Firing threshold θ (64: the 7-bit accumulator overflows at 64).
    public var threshold: Int32
    /// Global weight scale s (1, or 8 with the layer's global-scale option).
    public var scale: Int32
    /// How `v` is compared with θ (μBrain: `v ≥ θ`).
    public var comparison: ThresholdComparison

    /// Throws ``SpikingParameterError`` for θ ≤ 0 or s ≤ 0.
    public init(threshold: Int32 = 64, scale: Int32 = 1, comparison: ThresholdComparison = .greaterOrEqual) throws {
        guard threshold > 0 else {
            throw SpikingParameterError(type: "IntegerIFParameters", field: "threshold", value: "\(threshold)",
                                        expected: "an integer > 0")
        }
        guard scale > 0 else {
            throw SpikingParameterError(type: "IntegerIFParameters", field: "scale", value: "\(scale)",
                                        expected: "an integer > 0 (1, or 8 for μBrain's global scale)")
        }
        self.threshold = threshold
        self.scale = scale
        self.comparison = comparison
    }

    init(unchecked threshold: Int32, scale: Int32, comparison: ThresholdComparison) {
        self.threshold = threshold
        self.scale = scale
        self.comparison = comparison
    }

    /// The prototype: θ = 64, s = 1, `v ≥ θ`.
    public static let muBrain = IntegerIFParameters(unchecked: 64, scale: 1, comparison: .greaterOrEqual)
    /// The global-scale option: weights ×8 before accumulation (equivalently θ = 8).
    public static let muBrainScaled = IntegerIFParameters(unchecked: 64, scale: 8, comparison: .greaterOrEqual)
}

/// Struct-of-arrays state of a population of ``IntegerIF`` neurons: one accumulator each.
public struct IntegerIFState: Sendable, Hashable {
    /// Accumulator values `v`, in `[0, θ)` between events for μBrain-sized weights.
    public var potential: [Int32]

    /// `count` neurons at rest (`v = 0`).
    public init(count: Int) { potential = [Int32](repeating: 0, count: count) }
    public init(potential: [Int32]) { self.potential = potential }
}

/// μBrain's integer integrate-and-fire neuron, event by event: no leak, reset by subtraction
/// ("wrap-around") and an underflow clamp at zero (Stuijt et al. 2021; digest UB §2.2 [T],
/// formalisation [I]).
///
/// ```
/// on an event with weight w:   v ← v + s·w
///                               if v ≥ θ { spike; v ← v − θ }      (wrap-around, θ = 64)
///                               if v < 0 { v ← 0 }                 (underflow clamp)
/// ```
///
/// One event emits at most one spike, as in the chip: with `v ≤ 63` and `|s·w| ≤ 56` a
/// second spike is impossible [I]; for larger weights the remainder `v − θ` can stay above θ
/// and fires at the next event. Because of the clamp, the **order** of events matters.
/// A leak is a bias synapse driven by a periodic spike source.
public enum IntegerIF {
    /// One event on one neuron: the new potential and whether it spiked (pure).
    @inlinable
    public static func receive(_ potential: Int32, weight: Int32, parameters p: IntegerIFParameters)
        -> (potential: Int32, spiked: Bool) {
        var v = potential &+ p.scale &* weight
        var spiked = false
        if p.comparison.crosses(v, p.threshold) {
            v &-= p.threshold
            spiked = true
        }
        if v < 0 { v = 0 }
        return (v, spiked)
    }

    /// One presynaptic event delivered to a whole population through the fan-out row
    /// `weights` (one weight per target): `(targets that spiked, new state)` (pure; Norse's
    /// `step(input, state, params) -> (spikes, state)` shape).
    public static func step(_ state: IntegerIFState, weights: [Int32], parameters: IntegerIFParameters)
        -> (spikes: [Int], state: IntegerIFState) {
        precondition(weights.count == state.potential.count, "IntegerIF.step: \(weights.count) weights for \(state.potential.count) neurons")
        var next = state
        var spikes: [Int] = []
        for i in weights.indices {
            let r = receive(state.potential[i], weight: weights[i], parameters: parameters)
            next.potential[i] = r.potential
            if r.spiked { spikes.append(i) }
        }
        return (spikes, next)
    }
}
