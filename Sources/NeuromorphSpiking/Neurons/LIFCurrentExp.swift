import Foundation
import NeuromorphCore

/// Current-based leaky integrate-and-fire neuron with exponential synaptic currents, NEST
/// `iaf_psc_exp` (Rotter & Diesmann 1999 exact integration; spiking note §1.2 "current-based
/// LIF"):
///
/// ```
/// τ_m dV/dt = −(V − E_L) + (I_ex + I_in + I_e)·τ_m/C_m
/// dI_x/dt = −I_x/τ_syn_x
/// exact propagators over a step h:
///   V − E_L ← (V − E_L)·e^{−h/τ_m} + I_ex·P21_ex + I_in·P21_in + I_e·τ_m/C_m·(1 − e^{−h/τ_m})
///   I_x ← I_x·e^{−h/τ_syn_x}
///   P21_x = τ_x τ_m/(C_m (τ_m − τ_x))·(e^{−h/τ_m} − e^{−h/τ_x})   (→ h/C_m·e^{−h/τ} when τ_x = τ_m)
/// spike when V crosses V_th (comparison a parameter), then reset (to V_reset or by subtraction),
/// V held for t_ref; an arriving weight w (pA) adds to I_ex (w > 0) or I_in (w < 0)
/// ```
/// Units are NEST's (pF, ms, mV, pA); defaults are NEST 3's.
public struct LIFCurrentExp: NeuronModel, Equatable, Codable {
    public struct Parameters: Sendable, Equatable, Codable {
        public var C_m: Double = 250
        public var tau_m: Double = 10
        public var tau_syn_ex: Double = 2
        public var tau_syn_in: Double = 2
        public var t_ref: Double = 2
        public var E_L: Double = -70
        public var V_reset: Double = -70
        public var V_th: Double = -55
        public var I_e: Double = 0
        public init() {}

        public func validate() throws {
            for (name, value) in [("C_m", C_m), ("tau_m", tau_m), ("tau_syn_ex", tau_syn_ex), ("tau_syn_in", tau_syn_in)]
            where !(value.isFinite && value > 0) {
                throw SpikingParameterError(type: "iaf_psc_exp", field: name, value: "\(value)", expected: "a positive finite number")
            }
            guard t_ref.isFinite, t_ref >= 0 else {
                throw SpikingParameterError(type: "iaf_psc_exp", field: "t_ref", value: "\(t_ref)", expected: "≥ 0 ms")
            }
            guard V_reset < V_th else {
                throw SpikingParameterError(type: "iaf_psc_exp", field: "V_reset", value: "\(V_reset)", expected: "below V_th (\(V_th))")
            }
        }
    }

    public var parameters: Parameters
    public var comparison: ThresholdComparison
    public var reset: ResetMode

    public init(_ parameters: Parameters = Parameters(), comparison: ThresholdComparison = .greaterOrEqual,
                reset: ResetMode = .toValue) {
        self.parameters = parameters
        self.comparison = comparison
        self.reset = reset
    }

    public struct State: NeuronState, Equatable, Codable {
        /// Membrane potential (mV).
        public var V_m: [Float]
        /// Synaptic currents (pA).
        public var I_syn_ex: [Float]
        public var I_syn_in: [Float]
        public var I_e: [Float]
        public var refractoryEnd: [Int32]
        public var count: Int { V_m.count }
        public static let recordables = ["V_m", "I_syn_ex", "I_syn_in"]
        public func value(of recordable: String, neuron: Int) -> Double? {
            switch recordable {
            case "V_m": Double(V_m[neuron])
            case "I_syn_ex": Double(I_syn_ex[neuron])
            case "I_syn_in": Double(I_syn_in[neuron])
            default: nil
            }
        }
        public mutating func setCurrent(_ current: Double, neuron: Int) { I_e[neuron] = Float(current) }
    }

    public func makeState(count: Int) -> State {
        State(V_m: .init(repeating: Float(parameters.E_L), count: count), I_syn_ex: .init(repeating: 0, count: count),
              I_syn_in: .init(repeating: 0, count: count), I_e: .init(repeating: Float(parameters.I_e), count: count),
              refractoryEnd: .init(repeating: -1, count: count))
    }

    /// The exact-integration propagators for a step of `h` ms.
    struct Propagators {
        let p22, p11ex, p11in, p21ex, p21in, p20: Float

        init(_ p: Parameters, h: Double) {
            func p21(_ tau: Double) -> Double {
                let em = Foundation.exp(-h / p.tau_m)
                if Swift.abs(p.tau_m - tau) < 1e-9 * p.tau_m { return h / p.C_m * em }
                return tau * p.tau_m / (p.C_m * (p.tau_m - tau)) * (em - Foundation.exp(-h / tau))
            }
            p22 = Float(Foundation.exp(-h / p.tau_m))
            p11ex = Float(Foundation.exp(-h / p.tau_syn_ex))
            p11in = Float(Foundation.exp(-h / p.tau_syn_in))
            p21ex = Float(p21(p.tau_syn_ex))
            p21in = Float(p21(p.tau_syn_in))
            p20 = Float(p.tau_m / p.C_m * (1 - Foundation.exp(-h / p.tau_m)))
        }
    }

    public func advance(_ state: inout State, range: Range<Int>, step: Int, dt: Double,
                        spikes: UnsafeMutablePointer<Int32>) -> Int {
        let k = Propagators(parameters, h: dt)
        let eL = Float(parameters.E_L), vTh = Float(parameters.V_th), vReset = Float(parameters.V_reset)
        let now = Int32(clamping: step)
        let hold = Int32((parameters.t_ref / dt).rounded())
        var fired = 0
        for i in range {
            let iex = state.I_syn_ex[i], iin = state.I_syn_in[i]
            if now > state.refractoryEnd[i] {
                let v = (state.V_m[i] - eL) * k.p22 + iex * k.p21ex + iin * k.p21in + state.I_e[i] * k.p20 + eL
                if comparison.crosses(v, vTh) {
                    state.V_m[i] = reset == .toValue ? vReset : v - (vTh - vReset)
                    state.refractoryEnd[i] = now &+ hold
                    spikes[fired] = Int32(truncatingIfNeeded: i)
                    fired += 1
                } else {
                    state.V_m[i] = v
                }
            } else if reset == .toValue {
                state.V_m[i] = vReset
            }
            state.I_syn_ex[i] = iex * k.p11ex
            state.I_syn_in[i] = iin * k.p11in
        }
        return fired
    }

    public func receive(_ state: inout State, excitatory: UnsafePointer<Float>, inhibitory: UnsafePointer<Float>,
                        range: Range<Int>) {
        for i in range {
            state.I_syn_ex[i] += excitatory[i]
            state.I_syn_in[i] -= inhibitory[i]
        }
    }

    public func isQuiescent(_ state: State, _ index: Int, step: Int, tolerance: Float) -> Bool {
        guard Swift.abs(state.I_syn_ex[index]) <= tolerance, Swift.abs(state.I_syn_in[index]) <= tolerance else { return false }
        let rest = Float(parameters.E_L) + state.I_e[index] * Float(parameters.tau_m / parameters.C_m)
        return Swift.abs(state.V_m[index] - rest) <= tolerance
    }
}
