/// What a ``SignedIF`` neuron does when it crosses threshold again while its previous
/// request still waits for the arbiter's acknowledge (not in Chundi's text; a knob).
public enum RetriggerPolicy: String, Sendable, Codable, CaseIterable, Hashable {
    /// The new request is lost (the potential still resets); counted as a drop.
    case drop
    /// The new request waits behind the pending one(s).
    case queue
}

/// Parameters of Chundi's signed integrate-and-fire neuron (Chundi et al. 2021; digest CH
/// §3.2; spiking note §1.2).
public struct SignedIFParameters: Sendable, Codable, Hashable {
    /// Firing threshold TH (per layer; input neurons use 1).
    public var threshold: Int32
    /// How `V` is compared with TH (Chundi: `V ≥ TH`).
    public var comparison: ThresholdComparison
    /// Saturation range of `V` (the 9-bit adder: −256…255); `nil` for none.
    public var saturation: ClosedRange<Int32>?
    /// Whether the neuron fires at all (output neurons only accumulate).
    public var fires: Bool
    /// Re-trigger while a request is pending.
    public var retrigger: RetriggerPolicy

    /// Throws ``SpikingParameterError`` for TH ≤ 0 or a saturation range that excludes 0.
    public init(threshold: Int32, comparison: ThresholdComparison = .greaterOrEqual,
                saturation: ClosedRange<Int32>? = -256...255, fires: Bool = true,
                retrigger: RetriggerPolicy = .queue) throws {
        guard threshold > 0 else {
            throw SpikingParameterError(type: "SignedIFParameters", field: "threshold", value: "\(threshold)",
                                        expected: "an integer > 0")
        }
        if let s = saturation, !s.contains(0) {
            throw SpikingParameterError(type: "SignedIFParameters", field: "saturation", value: "\(s)",
                                        expected: "a range containing 0 (9-bit: -256...255)")
        }
        self.threshold = threshold
        self.comparison = comparison
        self.saturation = saturation
        self.fires = fires
        self.retrigger = retrigger
    }
}

/// Struct-of-arrays state of ``SignedIF`` neurons: potential and pending requests.
public struct SignedIFState: Sendable, Hashable {
    /// Potentials `V`.
    public var potential: [Int32]
    /// Requests waiting for the arbiter's acknowledge (0 or 1 under `drop`).
    public var pending: [Int32]

    public init(count: Int) {
        potential = [Int32](repeating: 0, count: count)
        pending = [Int32](repeating: 0, count: count)
    }
}

/// The result of one input to a ``SignedIF`` neuron.
public enum SignedIFOutcome: Sendable, Hashable {
    /// Below threshold (or an output neuron): nothing sent.
    case none
    /// Threshold crossed: a request to the layer's arbiter.
    case request
    /// Threshold crossed while a request was pending under ``RetriggerPolicy/drop``.
    case dropped
}

/// Chundi's signed, non-leaky integer IF neuron with reset to zero (Chundi et al. 2021,
/// Fig. 2B FSM; digest CH §3.2 [T]; saturation and re-trigger are knobs [not in text]).
///
/// ```
/// on an input spike s ∈ {+1, −1}:   V ← clip(V + s, V_min, V_max)        (9-bit)
///                                    if V ≥ TH { V ← 0; request the arbiter (Req_i) }
///                                    spikes arriving while Req_i waits still update V
/// ```
///
/// With ±1 inputs V meets TH exactly, so reset to zero equals reset by subtraction [I] and
/// the output count is `⌊max(0, Σ_j w_ij n_j)/TH⌋` for interleaved positive input.
public enum SignedIF {
    /// One input of sign/weight `input` (±1 on the chip; any integer here): new potential,
    /// new pending count and the outcome (pure).
    @inlinable
    public static func receive(potential: Int32, pending: Int32, input: Int32, parameters p: SignedIFParameters)
        -> (potential: Int32, pending: Int32, outcome: SignedIFOutcome) {
        var v = potential &+ input
        if let s = p.saturation { v = Swift.min(Swift.max(v, s.lowerBound), s.upperBound) }
        guard p.fires, p.comparison.crosses(v, p.threshold) else { return (v, pending, .none) }
        if pending > 0 && p.retrigger == .drop { return (0, pending, .dropped) }
        return (0, pending + 1, .request)
    }

    /// The arbiter acknowledged one request of this neuron.
    @inlinable
    public static func acknowledge(pending: Int32) -> Int32 { Swift.max(0, pending - 1) }

    /// One signed event through the fan-out row `weights` (±1 per target): per-target
    /// outcomes and the new state (pure).
    public static func step(_ state: SignedIFState, weights: [Int32], parameters: SignedIFParameters)
        -> (outcomes: [SignedIFOutcome], state: SignedIFState) {
        precondition(weights.count == state.potential.count, "SignedIF.step: \(weights.count) weights for \(state.potential.count) neurons")
        var next = state
        var outcomes: [SignedIFOutcome] = []
        outcomes.reserveCapacity(weights.count)
        for i in weights.indices {
            let r = receive(potential: state.potential[i], pending: state.pending[i], input: weights[i], parameters: parameters)
            next.potential[i] = r.potential
            next.pending[i] = r.pending
            outcomes.append(r.outcome)
        }
        return (outcomes, next)
    }
}
