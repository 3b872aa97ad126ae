import Foundation
import Testing
@testable import NeuromorphSpiking

/// Pair STDP windows against the closed form, both update timings (spiking note §1.3;
/// issue 12 "STDP pair windows against the closed form for both timing conventions").
@Suite struct PairSTDPTests {
    static let dt = 0.1

    /// One synapse, a pre spike at step 400 and a post spike at `400 + lag`; with `trailing`
    /// a second pre spike `trailing` steps after the later of the two. Returns the final weight.
    static func finalWeight(_ rule: PairSTDP, w0: Float, lag: Int, trailing: Int? = nil) throws -> Float {
        var net = Network()
        var preSteps = [400]
        if let trailing { preSteps.append(max(400, 400 + lag) + trailing) }
        let pre = try net.addPopulation("pre", SpikeTimesSource(steps: [preSteps]), count: 1)
        let post = try net.addPopulation("post", SpikeTimesSource(steps: [[400 + lag]]), count: 1)
        let projection = try net.connect(pre, post, OneToOne(), weight: w0, plasticity: rule)
        let simulator = try Simulator(net, dt: dt, seed: 0)
        simulator.run(steps: max(preSteps.max() ?? 0, 400 + lag) + 10)
        return simulator.synapses(of: projection).weights[0]
    }

    static let lags = [-300, -100, -25, -1, 1, 25, 100, 300]

    @Test(arguments: lags)
    func additiveImmediateWindow(lag: Int) throws {
        let rule = PairSTDP(tau_plus: 20, tau_minus: 15, lambda: 0.01, alpha: 1.2, mu_plus: 0, mu_minus: 0, Wmax: 100,
                            timing: .immediate)
        let w = try Self.finalWeight(rule, w0: 50, lag: lag)
        let dtMs = Double(lag) * Self.dt
        let expected = lag > 0 ? 50 + 100 * 0.01 * exp(-dtMs / 20) : 50 - 100 * 1.2 * 0.01 * exp(dtMs / 15)
        #expect(abs(Double(w) - expected) < 1e-4, "lag \(lag): \(w) vs \(expected)")
    }

    /// NEST's lazy timing (`stdp_synapse::send`, dendritic delay d = 1 step here): causal
    /// potentiation appears only at the next presynaptic spike, from post spikes in
    /// (t_last − d, t − d] with `e^{−(t_post + d − t_last)/τ+}`; depression reads the post
    /// trace at t − d (spikes strictly before).
    @Test(arguments: lags)
    func additiveNESTLazyWindow(lag: Int) throws {
        let rule = PairSTDP(tau_plus: 20, tau_minus: 15, lambda: 0.01, alpha: 1.2, mu_plus: 0, mu_minus: 0, Wmax: 100,
                            timing: .nestLazy)
        let dt = Self.dt, d = 1, trailing = 2000
        func depression(_ steps: Int) -> Double { 100 * 1.2 * 0.01 * exp(-Double(steps) * dt / 15) }
        // First pre at 400, post at 400 + lag: depressed only if the post spike is before 400 − d.
        let first = lag < -d ? depression(-lag - d) : 0
        #expect(abs(Double(try Self.finalWeight(rule, w0: 50, lag: lag)) - (50 - first)) < 1e-4,
                "without a second pre spike nothing is potentiated")
        let w = try Self.finalWeight(rule, w0: 50, lag: lag, trailing: trailing)
        let secondPre = max(400, 400 + lag) + trailing
        var expected = 50 - first
        if lag > 0 { expected += 100 * 0.01 * exp(-Double(lag + d) * dt / 20) }
        expected -= depression(secondPre - d - (400 + lag))
        #expect(abs(Double(w) - expected) < 1e-4, "lag \(lag): \(w) vs \(expected)")
    }

    /// Multiplicative (Gütig μ = 1): potentiation scales with (1 − ŵ), depression with ŵ.
    @Test(arguments: [-50, 50])
    func multiplicativeWeightDependence(lag: Int) throws {
        let rule = PairSTDP(tau_plus: 20, tau_minus: 20, lambda: 0.1, alpha: 1, mu_plus: 1, mu_minus: 1, Wmax: 10,
                            timing: .immediate)
        let w = try Self.finalWeight(rule, w0: 8, lag: lag)
        let k = exp(-Double(abs(lag)) * Self.dt / 20)
        let expected = lag > 0 ? (0.8 + 0.1 * 0.2 * k) * 10 : (0.8 - 0.1 * 0.8 * k) * 10
        #expect(abs(Double(w) - expected) < 1e-4)
    }

    /// All-to-all pairing sums the traces of earlier spikes; nearest pairing keeps only the last.
    @Test func allToAllSumsTracesNearestResets() throws {
        func run(_ pairing: PairSTDP.Pairing) throws -> Float {
            var net = Network()
            let pre = try net.addPopulation("pre", SpikeTimesSource(steps: [[100, 110]]), count: 1)
            let post = try net.addPopulation("post", SpikeTimesSource(steps: [[120]]), count: 1)
            let p = try net.connect(pre, post, OneToOne(), weight: 0,
                                    plasticity: PairSTDP(lambda: 0.01, mu_plus: 0, mu_minus: 0, Wmax: 100,
                                                         timing: .immediate, pairing: pairing))
            let sim = try Simulator(net, dt: 0.1, seed: 0)
            sim.run(steps: 130)
            return sim.synapses(of: p).weights[0]
        }
        let allToAll = Double(try run(.allToAll)), nearest = Double(try run(.nearest))
        #expect(abs(allToAll - 100 * 0.01 * (exp(-2.0 / 20) + exp(-1.0 / 20))) < 1e-4)
        #expect(abs(nearest - 100 * 0.01 * exp(-1.0 / 20)) < 1e-4)
    }

    @Test func weightsOutsideTheRuleAreRejected() {
        var net = Network()
        let a = try! net.addPopulation("a", SpikeTimesSource(steps: [[1]]), count: 1)
        let b = try! net.addPopulation("b", SpikeTimesSource(steps: [[2]]), count: 1)
        _ = try! net.connect(a, b, OneToOne(), weight: -5, plasticity: PairSTDP())
        #expect(throws: SpikingParameterError.self) { _ = try Simulator(net, dt: 0.1, seed: 0) }
    }
}
