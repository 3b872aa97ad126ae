import Foundation
import Testing
@testable import NeuromorphCore
@testable import NeuromorphSpiking

/// The other neuron models of spiking note §1.2: iaf_psc_exp against NEST, MONETA's leaky
/// neuron by hand, the stochastic WTA's softmax.
@Suite struct NeuronModelTests {
    /// NEST `iaf_psc_exp` (exact integration) on the golden input, weights ×30 pA.
    @Test func currentBasedLIFMatchesNEST() throws {
        var p = LIFCurrentExp.Parameters()
        p.I_e = 100
        var net = Network()
        let neuron = try net.addPopulation("neuron", LIFCurrentExp(p), count: 1)
        let events = LIFGoldenTraces.events
        let source = try net.addPopulation("input", SpikeTimesSource(steps: events.map { [$0.step] }), count: events.count)
        try net.connect(source, neuron, FromList(events.enumerated().map { Connection(pre: $0, post: 0, weight: 30 * $1.weight) }),
                        weight: 0)
        net.recordSpikes(neuron)
        net.probe(neuron, "V_m", neurons: [0])
        let simulator = try Simulator(net, dt: 0.1, seed: 0)
        simulator.run(steps: LIFGoldenTraces.steps)
        #expect(simulator.spikes(of: neuron).map { Int($0.step) } == LIFGoldenTraces.nestPscSpikeSteps)
        let worst = zip(simulator.probe(0).map { Double($0[0]) }, LIFGoldenTraces.nestPscV).map { abs($0 - $1) }.max() ?? .infinity
        // Exact integration in Float32 against NEST's double: rounding only.
        #expect(worst < 1e-3, "max |ΔV| = \(worst) mV")
    }

    @Test func currentBasedLIFResetsBySubtractionWhenAsked() throws {
        var p = LIFCurrentExp.Parameters()
        p.t_ref = 0
        p.I_e = 2000
        let byValue = LIFCurrentExp(p), bySubtraction = LIFCurrentExp(p, reset: .subtract)
        var a = byValue.makeState(count: 1), b = bySubtraction.makeState(count: 1)
        var firedA = false, firedB = false
        for step in 0..<200 where !(firedA && firedB) {
            let (sa, na) = byValue.step(a, excitatory: [0], inhibitory: [0], step: step, dt: 0.1)
            let (sb, nb) = bySubtraction.step(b, excitatory: [0], inhibitory: [0], step: step, dt: 0.1)
            if sa[0] && !firedA { firedA = true; #expect(na.V_m[0] == -70) }
            if sb[0] && !firedB { firedB = true; #expect(nb.V_m[0] > -70 && nb.V_m[0] < -69) }
            a = na; b = nb
        }
        #expect(firedA && firedB)
    }

    /// V ← V + x; V ← V − (a + bV); fire above threshold and reset to 0.
    @Test func monetaNeuronFollowsItsUpdateRule() {
        let model = MonetaLIF(a: 0.05, b: 0.25, threshold: 1)
        var state = model.makeState(count: 1)
        var v: Float = 0
        for (step, x) in [Float(0.6), 0.6, 0.2, 0, 1.5].enumerated() {
            let (spikes, next) = model.step(state, excitatory: [x], inhibitory: [0], step: step, dt: 1)
            // The simulator adds input at the end of a step; it is integrated at the next one.
            let expectedBefore = v
            v = v - (0.05 + 0.25 * v)
            let fires = v > 1
            if fires { v = 0 }
            #expect(spikes[0] == fires)
            #expect(abs(next.V[0] - v) < 1e-6, "step \(step): \(next.V[0]) vs \(v) (from \(expectedBefore))")
            v += x
            state = next
        }
    }

    /// Eq. 28: the winner frequencies follow the softmax of the potentials, and sum to one.
    @Test func stochasticWTAFollowsTheSoftmax() throws {
        let bias: [Float] = [0, 1, 2, -1]
        let p = StochasticWTA.probabilities(bias)
        #expect(abs(p.reduce(0, +) - 1) < 1e-12)
        var net = Network()
        // r_net·dt = 1: one spike per step.
        let wta = try net.addPopulation("wta", StochasticWTA(rate: 10_000, bias: bias, seed: 4), count: 4)
        net.recordSpikes(wta)
        let simulator = try Simulator(net, dt: 0.1, seed: 0)
        simulator.run(steps: 40_000)
        let spikes = simulator.spikes(of: wta)
        #expect(spikes.count == 40_000)
        for k in 0..<4 {
            let frequency = Double(spikes.filter { $0.neuron == k }.count) / 40_000
            // Binomial standard error ≤ 0.0025 at n = 40,000: 4σ.
            #expect(abs(frequency - p[k]) < 0.01, "neuron \(k): \(frequency) vs \(p[k])")
        }
    }
}
