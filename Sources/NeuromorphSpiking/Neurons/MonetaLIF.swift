/// MONETA's leaky neuron (digest bayesian-hardware §3.2; spiking note §1.2), one update per
/// time step:
///
/// ```
/// V ← V + Σ input                 (the I_D row cycles of the step)
/// V ← V − (a + b·V)               (leak: a constant and a proportional part)
/// if V > V_th: spike, V ← 0       (or V ← V − V_th with reset by subtraction)
/// ```
/// The paper gives neither a, b nor V_th; `a = 0, b = 1 − β` is snnTorch's `Leaky` with
/// decay β and reset to zero. Input is in the neuron's own units (excitatory minus
/// inhibitory weight sums); the comparison defaults to MONETA's `>`.
public struct MonetaLIF: NeuronModel, Equatable, Codable {
    /// Constant leak per step.
    public var a: Float
    /// Proportional leak per step (1 − β).
    public var b: Float
    public var threshold: Float
    public var comparison: ThresholdComparison
    public var reset: ResetMode

    public init(a: Float = 0, b: Float = 0.1, threshold: Float = 1, comparison: ThresholdComparison = .greater,
                reset: ResetMode = .toValue) {
        self.a = a; self.b = b; self.threshold = threshold; self.comparison = comparison; self.reset = reset
    }

    public struct State: NeuronState, Equatable, Codable {
        public var V: [Float]
        /// Input gathered for the next update.
        public var pending: [Float]
        public var count: Int { V.count }
        public static let recordables = ["V"]
        public func value(of recordable: String, neuron: Int) -> Double? { recordable == "V" ? Double(V[neuron]) : nil }
        public mutating func setCurrent(_ current: Double, neuron: Int) {}
    }

    public func makeState(count: Int) -> State { State(V: .init(repeating: 0, count: count), pending: .init(repeating: 0, count: count)) }

    public func advance(_ state: inout State, range: Range<Int>, step: Int, dt: Double,
                        spikes: UnsafeMutablePointer<Int32>) -> Int {
        var fired = 0
        for i in range {
            var v = state.V[i] + state.pending[i]
            state.pending[i] = 0
            v -= a + b * v
            if comparison.crosses(v, threshold) {
                v = reset == .toValue ? 0 : v - threshold
                spikes[fired] = Int32(truncatingIfNeeded: i)
                fired += 1
            }
            state.V[i] = v
        }
        return fired
    }

    public func receive(_ state: inout State, excitatory: UnsafePointer<Float>, inhibitory: UnsafePointer<Float>,
                        range: Range<Int>) {
        for i in range { state.pending[i] += excitatory[i] - inhibitory[i] }
    }

    public func isQuiescent(_ state: State, _ index: Int, step: Int, tolerance: Float) -> Bool {
        state.pending[index] == 0 && Swift.abs(state.V[index]) <= tolerance && a == 0
    }
}
