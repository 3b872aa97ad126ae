import Foundation

/// BCPNN as a ``PlasticityRule`` on a simulator projection: the reference traces of
/// ``BCPNNTraces`` (Eq. 6, 10, 19; no E trace), evaluated lazily at spike events. Rates are
/// per simulator step (Table 1 assumes dt = 1 ms).
///
/// Between two events of a synapse neither of its neurons spikes, so the traces have closed
/// forms over n silent steps (a = 1 − kz, b = 1 − kp, c = a_i·a_j):
///
/// ```
/// Z(s+n)    = Z(s)·aⁿ
/// P(s+n)    = P(s)·bⁿ + kp·Z(s)·(bⁿ − aⁿ)/(b − a)
/// P_ij(s+n) = P_ij(s)·bⁿ + kp·Z_i(s)Z_j(s)·(bⁿ − cⁿ)/(b − c)
/// ```
///
/// A spike of neuron x at step t advances x and every synapse of x to step t + 1 with the
/// spike included (`Z(t+1) = Z(t)(1 − kz) + kz`; P(t+1) uses Z(t), t−1 semantics) and
/// writes `w_ij(t+1)` into the touched weights. So the weight array holds each synapse's
/// value after its latest event, not a per-step value (the traces agree with
/// ``BCPNNTraces`` to rounding, test `BCPNNSynapseTests`).
public struct BCPNNSynapse: PlasticityRule, Hashable, Codable {
    public var parameters: BCPNNParameters

    public init(parameters: BCPNNParameters = .wang2021) { self.parameters = parameters }

    public struct State: Sendable, Equatable {
        /// Per pre neuron: Z_i, P_i at step `preStep`.
        public var z_i: [Double], p_i: [Double], preStep: [Int]
        /// Per post neuron: Z_j, P_j at step `postStep`.
        public var z_j: [Double], p_j: [Double], postStep: [Int]
        /// Per synapse: P_ij at step `synapseStep`.
        public var p_ij: [Double], synapseStep: [Int]
    }

    public func makeState(pre: Int, post: Int, synapses: Int) -> State {
        State(z_i: .init(repeating: 0, count: pre), p_i: .init(repeating: 0, count: pre), preStep: .init(repeating: 0, count: pre),
              z_j: .init(repeating: 0, count: post), p_j: .init(repeating: 0, count: post), postStep: .init(repeating: 0, count: post),
              p_ij: .init(repeating: 0, count: synapses), synapseStep: .init(repeating: 0, count: synapses))
    }

    public func validate(initialWeights: [Float]) throws {
        if parameters.ke != nil {
            throw SpikingParameterError(type: "bcpnn_synapse", field: "parameters.ke", value: "\(parameters.ke ?? 0)",
                                    expected: "nil (the synapse rule implements Eq. 10 without the E trace)")
        }
        if let bad = initialWeights.first(where: { $0 != 0 }) {
            throw SpikingParameterError(type: "bcpnn_synapse", field: "weight", value: "\(bad)",
                                    expected: "0 (w_ij of empty traces; weights are read out from the traces)")
        }
    }

    // MARK: - Closed forms

    /// `Σ_{m<n} b^{n−1−m}·a^m`.
    @inline(__always)
    static func mixedSum(_ b: Double, _ a: Double, _ n: Int) -> Double {
        guard n > 0 else { return 0 }
        if Swift.abs(b - a) < 1e-12 { return Double(n) * Foundation.pow(b, Double(n - 1)) }
        return (Foundation.pow(b, Double(n)) - Foundation.pow(a, Double(n))) / (b - a)
    }

    /// (Z, P) of a neuron `n` silent steps later.
    @inline(__always)
    func advanced(z: Double, p: Double, kz: Double, steps n: Int) -> (z: Double, p: Double) {
        guard n > 0 else { return (z, p) }
        let a = 1 - kz, b = 1 - parameters.kp
        return (z * Foundation.pow(a, Double(n)), p * Foundation.pow(b, Double(n)) + parameters.kp * z * Self.mixedSum(b, a, n))
    }

    /// Advances synapse `s` to step `t` (no spikes of its neurons in between), given the
    /// neurons' Z at the synapse's step.
    @inline(__always)
    func advanceSynapse(_ state: inout State, _ s: Int, to t: Int, z_i: Double, z_j: Double) {
        let n = t - state.synapseStep[s]
        guard n > 0 else { return }
        let b = 1 - parameters.kp, c = (1 - parameters.kz_i) * (1 - parameters.kz_j)
        state.p_ij[s] = state.p_ij[s] * Foundation.pow(b, Double(n)) + parameters.kp * z_i * z_j * Self.mixedSum(b, c, n)
        state.synapseStep[s] = t
    }

    func preAt(_ state: State, _ i: Int, _ t: Int) -> (z: Double, p: Double) {
        advanced(z: state.z_i[i], p: state.p_i[i], kz: parameters.kz_i, steps: t - state.preStep[i])
    }

    func postAt(_ state: State, _ j: Int, _ t: Int) -> (z: Double, p: Double) {
        advanced(z: state.z_j[j], p: state.p_j[j], kz: parameters.kz_j, steps: t - state.postStep[j])
    }

    /// One step with a spike: (Z, P) at t → t + 1.
    func spiked(_ x: (z: Double, p: Double), kz: Double) -> (z: Double, p: Double) {
        (x.z * (1 - kz) + kz, x.p * (1 - parameters.kp) + x.z * parameters.kp)
    }

    // MARK: - Events

    public func presynapticSpike(_ state: inout State, pre i: Int, step t: Int, dt: Double, synapses: Range<Int>,
                                 targets: UnsafePointer<Int32>, delays: UnsafePointer<Int32>,
                                 weights: UnsafeMutablePointer<Float>) -> Int {
        let now = preAt(state, i, t)
        for s in synapses {
            let j = Int(targets[s])
            let from = state.synapseStep[s]
            guard from <= t else { continue }
            advanceSynapse(&state, s, to: t, z_i: preAt(state, i, from).z, z_j: postAt(state, j, from).z)
            let zj = postAt(state, j, t)
            state.p_ij[s] = state.p_ij[s] * (1 - parameters.kp) + now.z * zj.z * parameters.kp
            state.synapseStep[s] = t + 1
            let pj = zj.p * (1 - parameters.kp) + zj.z * parameters.kp
            let pi = now.p * (1 - parameters.kp) + now.z * parameters.kp
            weights[s] = Float(parameters.weight(p_i: pi, p_j: pj, p_ij: state.p_ij[s]))
        }
        let next = spiked(now, kz: parameters.kz_i)
        state.z_i[i] = next.z; state.p_i[i] = next.p; state.preStep[i] = t + 1
        return synapses.count
    }

    public func postsynapticSpike(_ state: inout State, post j: Int, step t: Int, dt: Double,
                                  incoming: UnsafeBufferPointer<Int32>, sources: UnsafeBufferPointer<Int32>,
                                  weights: UnsafeMutablePointer<Float>) -> Int {
        let now = postAt(state, j, t)
        let next = spiked(now, kz: parameters.kz_j)
        for k in incoming.indices {
            let s = Int(incoming[k]), i = Int(sources[k])
            let from = state.synapseStep[s]
            if from <= t {
                advanceSynapse(&state, s, to: t, z_i: preAt(state, i, from).z, z_j: postAt(state, j, from).z)
                let zi = preAt(state, i, t)
                state.p_ij[s] = state.p_ij[s] * (1 - parameters.kp) + zi.z * now.z * parameters.kp
                state.synapseStep[s] = t + 1
            }
            // Already at t + 1 (its pre neuron fired this step): P_ij(t+1) does not depend on S_j(t).
            let pi = preAt(state, i, t + 1).p
            weights[s] = Float(parameters.weight(p_i: pi, p_j: next.p, p_ij: state.p_ij[s]))
        }
        state.z_j[j] = next.z; state.p_j[j] = next.p; state.postStep[j] = t + 1
        return incoming.count
    }

    /// The traces of synapse `s` (pre `i`, post `j`) read out at step `t` ≥ every stored step,
    /// assuming no spikes since the last events.
    public func values(_ state: State, synapse s: Int, pre i: Int, post j: Int, at t: Int) -> BCPNNTraceValues {
        var st = state
        let from = st.synapseStep[s]
        advanceSynapse(&st, s, to: t, z_i: preAt(state, i, from).z, z_j: postAt(state, j, from).z)
        let a = preAt(state, i, t), b = postAt(state, j, t)
        return BCPNNTraceValues(z_i: a.z, z_j: b.z, p_i: a.p, p_j: b.p, p_ij: st.p_ij[s],
                                w: parameters.weight(p_i: a.p, p_j: b.p, p_ij: st.p_ij[s]), beta: parameters.bias(p_j: b.p))
    }
}
