import Foundation
import NeuromorphCore

/// A stochastic winner-take-all circuit (digest bayesian-hardware §1.3(p), corrected
/// Eq. 27–28; spiking note §1.2): the population fires as one Poisson process of rate
/// `r_net`, and each spike goes to neuron k with the softmax probability of its membrane
/// potential:
///
/// ```
/// u_k = b_k + Σ_i W_ki y_i            (input of the step, added to the bias)
/// ρ_k = r_net · exp(u_k − log Σ_j exp u_j)
/// per step of dt: one spike w.p. r_net·dt (≤ 1), given to k w.p. ρ_k / r_net
/// ```
/// The whole population is one WTA group: the simulator must advance it in one range
/// (it is not used with the active set).
public struct StochasticWTA: NeuronModel, Equatable, Codable {
    /// Total rate of the group (Hz).
    public var rate: Double
    /// Bias `b_k` per neuron (`log` prior); missing entries are 0.
    public var bias: [Float]
    public var seed: UInt64

    public init(rate: Double, bias: [Float] = [], seed: UInt64 = 0) {
        self.rate = rate; self.bias = bias; self.seed = seed
    }

    public struct State: NeuronState, Equatable, Codable {
        /// This step's summed input per neuron.
        public var input: [Float]
        /// The last membrane potentials `u_k`.
        public var u: [Float]
        public var generator: SeededGenerator
        public var count: Int { u.count }
        public static let recordables = ["u"]
        public func value(of recordable: String, neuron: Int) -> Double? { recordable == "u" ? Double(u[neuron]) : nil }
        public mutating func setCurrent(_ current: Double, neuron: Int) {}
    }

    public func makeState(count: Int) -> State {
        State(input: .init(repeating: 0, count: count), u: .init(repeating: 0, count: count),
              generator: SeededGenerator(seed: seed, key: "spiking/wta"))
    }

    /// The softmax probabilities of the current potentials (Eq. 28).
    public static func probabilities(_ u: [Float]) -> [Double] {
        let m = Double(u.max() ?? 0)
        let e = u.map { Foundation.exp(Double($0) - m) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    public func advance(_ state: inout State, range: Range<Int>, step: Int, dt: Double,
                        spikes: UnsafeMutablePointer<Int32>) -> Int {
        for i in range {
            state.u[i] = (i < bias.count ? bias[i] : 0) + state.input[i]
            state.input[i] = 0
        }
        guard !range.isEmpty, state.generator.nextUniformDouble() < Swift.min(1, rate * dt / 1000) else { return 0 }
        let p = Self.probabilities(Array(state.u[range]))
        var x = state.generator.nextUniformDouble()
        var winner = range.upperBound - 1
        for (k, pk) in p.enumerated() {
            if x < pk { winner = range.lowerBound + k; break }
            x -= pk
        }
        spikes[0] = Int32(truncatingIfNeeded: winner)
        return 1
    }

    public func receive(_ state: inout State, excitatory: UnsafePointer<Float>, inhibitory: UnsafePointer<Float>,
                        range: Range<Int>) {
        for i in range { state.input[i] += excitatory[i] - inhibitory[i] }
    }

    public func isQuiescent(_ state: State, _ index: Int, step: Int, tolerance: Float) -> Bool { false }
}
