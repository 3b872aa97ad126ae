import Foundation

/// Pair-based spike-timing-dependent plasticity with exponential traces, in the Gütig et
/// al. 2003 form of NEST's `stdp_synapse` (spiking note §1.3):
///
/// ```
/// at a pre spike:   x_pre ← x_pre·e^{−Δt/τ+} + 1      (nearest pair: x_pre ← 1)
/// at a post spike:  y_post ← y_post·e^{−Δt/τ−} + 1    (nearest pair: y_post ← 1)
/// ŵ = w / W_max
/// potentiation (post after pre):  ŵ ← ŵ + λ (1 − ŵ)^{μ+} · x_pre
/// depression  (pre after post):   ŵ ← ŵ − α λ ŵ^{μ−} · y_post
/// ŵ clipped to [0, 1]; μ± = 0 is additive STDP (Steffen et al.), μ± = 1 multiplicative
/// ```
///
/// Names and defaults are NEST's (`tau_plus` 20 ms, `tau_minus` 20 ms — a neuron parameter
/// in NEST —, `lambda` 0.01, `alpha` 1, `mu_plus` 1, `mu_minus` 1, `Wmax` 100). PyNN maps
/// `A_plus` → λ, `A_minus/A_plus` → α, `w_max·1000` nS → W_max (w_min must be 0).
///
/// Two update timings: ``Timing/immediate`` potentiates at the postsynaptic spike (Brian2,
/// GeNN); ``Timing/nestLazy`` defers potentiation to the next presynaptic spike, computed
/// from the postsynaptic spike history (NEST). In a single wave that never applies causal
/// potentiation: only backward synapses are depressed (spiking note §1.3 [M]).
///
/// `nestLazy` follows `stdp_synapse::send` with the synapse's delay d as the dendritic delay:
/// at a pre spike at t, post spikes in `(t_last − d, t − d]` potentiate with
/// `K⁺·e^{(t_last − (t_post + d))/τ+}`, then the post trace at `t − d` (spikes strictly
/// before) depresses. `immediate` pairs somatic spike times.
public struct PairSTDP: PlasticityRule, Equatable, Codable {
    /// When potentiation is applied.
    public enum Timing: String, Sendable, Codable, CaseIterable {
        case immediate
        case nestLazy = "nest_lazy"
    }

    /// Which spike pairs interact.
    public enum Pairing: String, Sendable, Codable, CaseIterable {
        /// Every pre spike with every post spike (traces add).
        case allToAll = "all_to_all"
        /// Each spike with the nearest preceding spike of the other side (traces reset to 1).
        case nearest
    }

    public var tau_plus: Double
    public var tau_minus: Double
    public var lambda: Double
    public var alpha: Double
    public var mu_plus: Double
    public var mu_minus: Double
    public var Wmax: Double
    public var timing: Timing
    public var pairing: Pairing

    public init(tau_plus: Double = 20, tau_minus: Double = 20, lambda: Double = 0.01, alpha: Double = 1,
                mu_plus: Double = 1, mu_minus: Double = 1, Wmax: Double = 100,
                timing: Timing = .nestLazy, pairing: Pairing = .allToAll) {
        self.tau_plus = tau_plus; self.tau_minus = tau_minus; self.lambda = lambda; self.alpha = alpha
        self.mu_plus = mu_plus; self.mu_minus = mu_minus; self.Wmax = Wmax; self.timing = timing; self.pairing = pairing
    }

    /// Traces and, for lazy timing, the postsynaptic spike history.
    public struct State: Sendable, Equatable, Codable {
        /// Presynaptic trace just after its last update, and that update's step.
        public var preTrace: [Double]
        public var preLast: [Int]
        /// Postsynaptic trace just after its last update, and that update's step.
        public var postTrace: [Double]
        public var postLast: [Int]
        /// Every postsynaptic spike (lazy timing only): its step and the post trace just
        /// after it, so the trace at any later time is one lookup.
        public var postHistory: [[PostSpike]]
    }

    /// One archived postsynaptic spike (NEST's `ArchivingNode` history entry).
    public struct PostSpike: Sendable, Equatable, Codable {
        public var step: Int
        public var trace: Double
    }

    public func makeState(pre: Int, post: Int, synapses: Int) -> State {
        State(preTrace: .init(repeating: 0, count: pre), preLast: .init(repeating: Int.min / 2, count: pre),
              postTrace: .init(repeating: 0, count: post), postLast: .init(repeating: Int.min / 2, count: post),
              postHistory: timing == .nestLazy ? .init(repeating: [], count: post) : [])
    }

    public func validate(initialWeights: [Float]) throws {
        for (name, value) in [("tau_plus", tau_plus), ("tau_minus", tau_minus), ("Wmax", Wmax)]
        where !(value.isFinite && value > 0) {
            throw SpikingParameterError(type: "stdp_synapse", field: name, value: "\(value)", expected: "a positive finite number")
        }
        for (name, value) in [("lambda", lambda), ("alpha", alpha), ("mu_plus", mu_plus), ("mu_minus", mu_minus)]
        where !(value.isFinite && value >= 0) {
            throw SpikingParameterError(type: "stdp_synapse", field: name, value: "\(value)", expected: "a finite number ≥ 0")
        }
        if let bad = initialWeights.first(where: { $0 < 0 || Double($0) > Wmax }) {
            throw SpikingParameterError(type: "stdp_synapse", field: "weight", value: "\(bad)",
                                    expected: "in [0, Wmax = \(Wmax)] (STDP synapses are excitatory; w_min is 0)")
        }
    }

    // MARK: - Weight dependence

    @inline(__always)
    func facilitate(_ w: Float, _ trace: Double) -> Float {
        let normalized = Double(w) / Wmax
        let grown = normalized + lambda * Foundation.pow(1 - normalized, mu_plus) * trace
        return Float(Swift.min(1, grown) * Wmax)
    }

    @inline(__always)
    func depress(_ w: Float, _ trace: Double) -> Float {
        let normalized = Double(w) / Wmax
        let shrunk = normalized - alpha * lambda * Foundation.pow(normalized, mu_minus) * trace
        return Float(Swift.max(0, shrunk) * Wmax)
    }

    @inline(__always)
    func decayed(_ trace: Double, from last: Int, to step: Int, dt: Double, tau: Double) -> Double {
        trace == 0 ? 0 : trace * Foundation.exp(-Double(step - last) * dt / tau)
    }

    // MARK: - Events

    public func presynapticSpike(_ state: inout State, pre: Int, step: Int, dt: Double, synapses: Range<Int>,
                                 targets: UnsafePointer<Int32>, delays: UnsafePointer<Int32>,
                                 weights: UnsafeMutablePointer<Float>) -> Int {
        let lastPre = state.preLast[pre]
        let preTraceAfterLast = state.preTrace[pre]
        for s in synapses {
            let post = Int(targets[s])
            var w = weights[s]
            if timing == .nestLazy {
                let d = Int(delays[s])
                let history = state.postHistory[post]
                // Potentiation owed for post spikes in (t_last − d, t − d].
                var k = history.count
                while k > 0, history[k - 1].step > lastPre - d { k -= 1 }
                while k < history.count, history[k].step <= step - d {
                    let x = decayed(preTraceAfterLast, from: lastPre, to: history[k].step + d, dt: dt, tau: tau_plus)
                    w = facilitate(w, x)
                    k += 1
                }
                // Depression by the post trace at t − d (spikes strictly before).
                var last = history.count - 1
                while last >= 0, history[last].step >= step - d { last -= 1 }
                if last >= 0 {
                    let y = decayed(history[last].trace, from: history[last].step, to: step - d, dt: dt, tau: tau_minus)
                    if y > 0 { w = depress(w, y) }
                }
            } else {
                // Depression from the post trace just before this spike (post spikes at earlier steps).
                let postStepLast = state.postLast[post]
                if postStepLast < step {
                    let y = decayed(state.postTrace[post], from: postStepLast, to: step, dt: dt, tau: tau_minus)
                    if y > 0 { w = depress(w, y) }
                }
            }
            weights[s] = w
        }
        let decayedPre = decayed(preTraceAfterLast, from: lastPre, to: step, dt: dt, tau: tau_plus)
        state.preTrace[pre] = pairing == .nearest ? 1 : decayedPre + 1
        state.preLast[pre] = step
        return synapses.count
    }

    public func postsynapticSpike(_ state: inout State, post: Int, step: Int, dt: Double,
                                  incoming: UnsafeBufferPointer<Int32>, sources: UnsafeBufferPointer<Int32>,
                                  weights: UnsafeMutablePointer<Float>) -> Int {
        var updates = 0
        if timing == .immediate {
            for k in incoming.indices {
                let pre = Int(sources[k])
                let x = decayed(state.preTrace[pre], from: state.preLast[pre], to: step, dt: dt, tau: tau_plus)
                guard x > 0 else { continue }
                let s = Int(incoming[k])
                weights[s] = facilitate(weights[s], x)
                updates += 1
            }
        }
        let decayedPost = decayed(state.postTrace[post], from: state.postLast[post], to: step, dt: dt, tau: tau_minus)
        state.postTrace[post] = pairing == .nearest ? 1 : decayedPost + 1
        state.postLast[post] = step
        if timing == .nestLazy { state.postHistory[post].append(PostSpike(step: step, trace: state.postTrace[post])) }
        return updates
    }
}
