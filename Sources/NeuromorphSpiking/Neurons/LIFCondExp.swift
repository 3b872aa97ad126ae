import Foundation
import NeuromorphCore

/// Leaky integrate-and-fire neuron with exponentially decaying synaptic conductances: NEST
/// `iaf_cond_exp`, PyNN `IF_cond_exp`, the neuron of Steffen et al.'s wavefront planner
/// (spiking note §1.2; digest snn-robotics Article 1 §1.2(b)) and of Brette et al. 2007's
/// COBA benchmark.
///
/// ```
/// C_m dV/dt = g_L (E_L − V) + g_ex (E_ex − V) + g_in (E_in − V) + I_e
/// dg_ex/dt = −g_ex / τ_syn_ex        dg_in/dt = −g_in / τ_syn_in
/// spike when V crosses V_th (≥ for NEST, > for Brian2); then V = V_reset, held for t_ref
/// an arriving spike of weight w adds w to g_ex (w > 0) or −w to g_in (w < 0)
/// ```
///
/// Units are NEST's: pF, nS, mV, ms, pA (PyNN's nF/µS/nA are these ÷ 1000).
public struct LIFCondExp: NeuronModel, Equatable, Codable {
    /// NEST-named parameters, NEST units.
    public struct Parameters: Sendable, Equatable, Codable {
        /// Membrane capacitance (pF).
        public var C_m: Double
        /// Leak conductance (nS).
        public var g_L: Double
        /// Leak reversal potential (mV).
        public var E_L: Double
        /// Spike threshold (mV).
        public var V_th: Double
        /// Reset potential (mV).
        public var V_reset: Double
        /// Refractory period (ms); V is held at V_reset.
        public var t_ref: Double
        /// Excitatory reversal potential (mV).
        public var E_ex: Double
        /// Inhibitory reversal potential (mV).
        public var E_in: Double
        /// Excitatory synaptic time constant (ms).
        public var tau_syn_ex: Double
        /// Inhibitory synaptic time constant (ms).
        public var tau_syn_in: Double
        /// Constant input current (pA).
        public var I_e: Double

        public init(C_m: Double, g_L: Double, E_L: Double, V_th: Double, V_reset: Double, t_ref: Double,
                    E_ex: Double, E_in: Double, tau_syn_ex: Double, tau_syn_in: Double, I_e: Double = 0) {
            self.C_m = C_m; self.g_L = g_L; self.E_L = E_L; self.V_th = V_th; self.V_reset = V_reset
            self.t_ref = t_ref; self.E_ex = E_ex; self.E_in = E_in
            self.tau_syn_ex = tau_syn_ex; self.tau_syn_in = tau_syn_in; self.I_e = I_e
        }

        /// NEST 3 `iaf_cond_exp` defaults.
        public static let nest = Parameters(C_m: 250, g_L: 16.6667, E_L: -70, V_th: -55, V_reset: -60, t_ref: 2,
                                            E_ex: 0, E_in: -85, tau_syn_ex: 0.2, tau_syn_in: 2)
        /// PyNN `IF_cond_exp` defaults (cm 1 nF, τ_m 20 ms, v_rest −65, τ_refrac 0.1 ms,
        /// τ_syn 5 ms), the model of Steffen et al. (ST 1.2).
        public static let pyNN = Parameters(C_m: 1000, g_L: 50, E_L: -65, V_th: -50, V_reset: -65, t_ref: 0.1,
                                            E_ex: 0, E_in: -70, tau_syn_ex: 5, tau_syn_in: 5)
        /// Brette et al. 2007 COBA, as NEST's `coba.py` and Brian2's example (spiking note §5).
        public static let brette2007 = Parameters(C_m: 200, g_L: 10, E_L: -60, V_th: -50, V_reset: -60, t_ref: 5,
                                                  E_ex: 0, E_in: -80, tau_syn_ex: 5, tau_syn_in: 10)

        /// Throws ``SpikingParameterError`` naming the first invalid field.
        public func validate() throws {
            func positive(_ value: Double, _ name: String) throws {
                guard value.isFinite, value > 0 else {
                    throw SpikingParameterError(type: "iaf_cond_exp", field: name, value: "\(value)",
                                            expected: "a positive finite number")
                }
            }
            try positive(C_m, "C_m"); try positive(g_L, "g_L")
            try positive(tau_syn_ex, "tau_syn_ex"); try positive(tau_syn_in, "tau_syn_in")
            for (value, name) in [(E_L, "E_L"), (V_th, "V_th"), (V_reset, "V_reset"), (E_ex, "E_ex"), (E_in, "E_in"), (I_e, "I_e")]
            where !value.isFinite {
                throw SpikingParameterError(type: "iaf_cond_exp", field: name, value: "\(value)", expected: "a finite number")
            }
            guard t_ref.isFinite, t_ref >= 0 else {
                throw SpikingParameterError(type: "iaf_cond_exp", field: "t_ref", value: "\(t_ref)", expected: "≥ 0 ms")
            }
            guard V_reset < V_th else {
                throw SpikingParameterError(type: "iaf_cond_exp", field: "V_reset", value: "\(V_reset)",
                                        expected: "below V_th (\(V_th))")
            }
        }
    }

    /// How the membrane and conductance equations are stepped.
    public enum Integrator: String, Sendable, Codable, CaseIterable {
        /// GSL's adaptive Runge–Kutta–Fehlberg 4(5) with absolute tolerance 1e-3 and a step
        /// size kept per neuron, V capped at V_th inside the right-hand side: NEST's scheme.
        case rkf45
        /// Conductances decay exactly; V relaxes exactly towards `V∞ = Σ g E / Σ g` with
        /// `τ = C_m / Σ g`, conductances frozen over the step.
        case exponentialEuler = "exponential_euler"
        /// Forward Euler on all three variables from the start-of-step values: Brian2's
        /// `method='euler'` (and Norse's step).
        case euler
    }

    /// How many steps a refractory period lasts.
    public enum RefractoryConvention: String, Sendable, Codable, CaseIterable {
        /// NEST: `round(t_ref/dt)` steps held after the spike step.
        case nest
        /// Brian2: not refractory once `timestep(t − lastspike) ≥ timestep(t_ref)`, one step
        /// fewer held than NEST.
        case brian2
    }

    public var parameters: Parameters
    public var integrator: Integrator
    public var comparison: ThresholdComparison
    public var refractory: RefractoryConvention

    /// A model; NEST conventions by default (`rkf45`, `V ≥ V_th`).
    public init(_ parameters: Parameters = .nest, integrator: Integrator = .rkf45,
                comparison: ThresholdComparison = .greaterOrEqual, refractory: RefractoryConvention = .nest) {
        self.parameters = parameters
        self.integrator = integrator
        self.comparison = comparison
        self.refractory = refractory
    }

    /// Brian2's conventions for the same equations: forward Euler, `V > V_th`.
    public static func brian2(_ parameters: Parameters) -> LIFCondExp {
        LIFCondExp(parameters, integrator: .euler, comparison: .greater, refractory: .brian2)
    }

    /// Struct-of-arrays state (NEST names).
    public struct State: NeuronState, Equatable, Codable {
        /// Membrane potential (mV).
        public var V_m: [Float]
        /// Excitatory conductance (nS).
        public var g_ex: [Float]
        /// Inhibitory conductance (nS).
        public var g_in: [Float]
        /// Last step of the current refractory period (−1: none yet).
        public var refractoryEnd: [Int32]
        /// Constant input current per neuron (pA), initialised from `I_e`.
        public var I_e: [Float]
        /// The adaptive step size kept per neuron by `rkf45` (ms).
        public var integrationStep: [Double]

        public var count: Int { V_m.count }
        public static let recordables = ["V_m", "g_ex", "g_in"]

        public func value(of recordable: String, neuron: Int) -> Double? {
            switch recordable {
            case "V_m": Double(V_m[neuron])
            case "g_ex": Double(g_ex[neuron])
            case "g_in": Double(g_in[neuron])
            default: nil
            }
        }

        public mutating func setCurrent(_ current: Double, neuron: Int) { I_e[neuron] = Float(current) }
    }

    public func makeState(count: Int) -> State {
        State(V_m: .init(repeating: Float(parameters.E_L), count: count),
              g_ex: .init(repeating: 0, count: count), g_in: .init(repeating: 0, count: count),
              refractoryEnd: .init(repeating: -1, count: count),
              I_e: .init(repeating: Float(parameters.I_e), count: count),
              integrationStep: .init(repeating: 0, count: count))
    }

    /// Steps held at V_reset after a spike.
    func refractorySteps(dt: Double) -> Int32 {
        let steps = Int32((parameters.t_ref / dt).rounded())
        return refractory == .nest ? steps : Swift.max(0, steps - 1)
    }

    public func receive(_ state: inout State, excitatory: UnsafePointer<Float>, inhibitory: UnsafePointer<Float>,
                        range: Range<Int>) {
        state.g_ex.withUnsafeMutableBufferPointer { ge in
            state.g_in.withUnsafeMutableBufferPointer { gi in
                for i in range {
                    ge[i] += excitatory[i]
                    gi[i] += inhibitory[i]
                }
            }
        }
    }

    public func isQuiescent(_ state: State, _ index: Int, step: Int, tolerance: Float) -> Bool {
        guard state.g_ex[index] <= tolerance, state.g_in[index] <= tolerance else { return false }
        let equilibrium = Float(parameters.E_L) + state.I_e[index] / Float(parameters.g_L)
        if Int32(clamping: step) <= state.refractoryEnd[index] {
            return Swift.abs(Float(parameters.V_reset) - equilibrium) <= tolerance
        }
        return Swift.abs(state.V_m[index] - equilibrium) <= tolerance
    }

    public func advance(_ state: inout State, range: Range<Int>, step: Int, dt: Double,
                        spikes: UnsafeMutablePointer<Int32>) -> Int {
        switch integrator {
        case .euler: advanceEuler(&state, range: range, step: step, dt: dt, spikes: spikes)
        case .exponentialEuler: advanceExponentialEuler(&state, range: range, step: step, dt: dt, spikes: spikes)
        case .rkf45: advanceRKF45(&state, range: range, step: step, dt: dt, spikes: spikes)
        }
    }
}
