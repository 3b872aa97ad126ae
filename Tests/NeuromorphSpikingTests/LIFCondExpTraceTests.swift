import Testing
@testable import NeuromorphSpiking

/// Single-neuron traces of `iaf_cond_exp` against NEST 3.10 and Brian2 2.9 run on the same
/// input (golden file from benchmarks/golden/lif_traces.py; spiking note §1.2, issue 12
/// "single-neuron traces of each LIF integrator against a high-precision reference").
@Suite struct LIFCondExpTraceTests {
    static let parameters = LIFCondExp.Parameters(C_m: 200, g_L: 10, E_L: -60, V_th: -50, V_reset: -60, t_ref: 5,
                                                  E_ex: 0, E_in: -80, tau_syn_ex: 5, tau_syn_in: 10, I_e: 50)

    /// Runs one neuron on the golden input; returns V after each step and the spike steps.
    static func trace(_ model: LIFCondExp) throws -> (v: [Double], spikes: [Int]) {
        var net = Network()
        let neuron = try net.addPopulation("neuron", model, count: 1)
        let events = LIFGoldenTraces.events
        let source = try net.addPopulation("input", SpikeTimesSource(steps: events.map { [$0.step] }), count: events.count)
        try net.connect(source, neuron, FromList(events.enumerated().map { Connection(pre: $0, post: 0, weight: $1.weight) }),
                        weight: 0, delaySteps: 1)
        net.recordSpikes(neuron)
        net.probe(neuron, "V_m", neurons: [0])
        let simulator = try Simulator(net, dt: 0.1, seed: 1)
        simulator.run(steps: LIFGoldenTraces.steps)
        return (simulator.probe(0).map { Double($0[0]) }, simulator.spikes(of: neuron).map { Int($0.step) })
    }

    @Test func eulerFollowsBrian2StepForStep() throws {
        let (v, spikes) = try Self.trace(.brian2(Self.parameters))
        #expect(spikes == LIFGoldenTraces.brianSpikeSteps)
        let worst = zip(v, LIFGoldenTraces.brianV).map { abs($0 - $1) }.max() ?? .infinity
        // Float32 state against Brian2's float64: rounding only.
        #expect(worst < 2e-3, "max |ΔV| = \(worst) mV")
    }

    @Test func rkf45MatchesNESTWithinItsTolerance() throws {
        let (v, spikes) = try Self.trace(LIFCondExp(Self.parameters, integrator: .rkf45))
        #expect(spikes == LIFGoldenTraces.nestSpikeSteps)
        let worst = zip(v, LIFGoldenTraces.nestV).map { abs($0 - $1) }.max() ?? .infinity
        // GSL's absolute tolerance is 1e-3 per step; Float32 state adds rounding.
        #expect(worst < 5e-3, "max |ΔV| = \(worst) mV")
    }
}

extension LIFCondExpTraceTests {
    /// Exponential Euler freezes the conductances over a step: first-order in dt, but
    /// exact for the membrane given the conductances. Against NEST's RKF45 its error stays
    /// a small fraction of a millivolt and spikes shift by at most one step.
    @Test func exponentialEulerStaysCloseToTheRKF45Reference() throws {
        let (v, spikes) = try Self.trace(LIFCondExp(Self.parameters, integrator: .exponentialEuler))
        #expect(spikes.count == LIFGoldenTraces.nestSpikeSteps.count)
        for (ours, nest) in zip(spikes, LIFGoldenTraces.nestSpikeSteps) { #expect(abs(ours - nest) <= 1) }
        // Compare before the first spike (afterwards a one-step shift dominates).
        let first = LIFGoldenTraces.nestSpikeSteps[0] - 1
        let worst = zip(v[..<first], LIFGoldenTraces.nestV[..<first]).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 0.3, "max |ΔV| = \(worst) mV")
    }

    /// The functional API gives the same trajectory as the network for one neuron.
    @Test func functionalStepMatchesTheSimulator() throws {
        let model = LIFCondExp.brian2(Self.parameters)
        var state = model.makeState(count: 1)
        var v: [Double] = []
        var spikes: [Int] = []
        var inputByStep: [Int: (Float, Float)] = [:]
        for e in LIFGoldenTraces.events {
            let due = e.step + 1
            var entry = inputByStep[due] ?? (0, 0)
            if e.weight >= 0 { entry.0 += e.weight } else { entry.1 -= e.weight }
            inputByStep[due] = entry
        }
        for step in 0..<LIFGoldenTraces.steps {
            let input = inputByStep[step] ?? (0, 0)
            let (fired, next) = model.step(state, excitatory: [input.0], inhibitory: [input.1], step: step, dt: 0.1)
            state = next
            if fired[0] { spikes.append(step) }
            v.append(Double(state.V_m[0]))
        }
        let reference = try Self.trace(model)
        #expect(spikes == reference.spikes)
        #expect(v == reference.v)
    }
}
