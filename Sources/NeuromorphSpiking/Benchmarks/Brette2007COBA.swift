import NeuromorphCore

/// The Brette et al. 2007 COBA benchmark network as NEST's `coba.py` and Brian2's example
/// build it (spiking note §5, workload W1): 3,200 excitatory and 800 inhibitory
/// `iaf_cond_exp` neurons, every neuron receiving 64 excitatory (6 nS) and 16 inhibitory
/// (−67 nS) synapses from uniformly drawn sources, delay 0.1 ms, and a 300 Hz Poisson kick
/// to the first 50 excitatory neurons between 1 and 51 ms.
public struct Brette2007COBA: Sendable {
    public var integrator: LIFCondExp.Integrator
    public var dt: Double
    public var seed: UInt64
    /// Population sizes (3,200 and 800 in the benchmark; smaller for tests).
    public var excitatory: Int
    public var inhibitory: Int

    public init(integrator: LIFCondExp.Integrator = .euler, dt: Double = 0.1, seed: UInt64 = 1,
                excitatory: Int = 3200, inhibitory: Int = 800) {
        self.integrator = integrator; self.dt = dt; self.seed = seed
        self.excitatory = excitatory; self.inhibitory = inhibitory
    }

    /// The neuron model: NEST conventions for `rkf45`, Brian2's for the Euler methods.
    public var model: LIFCondExp {
        integrator == .rkf45 ? LIFCondExp(.brette2007, integrator: .rkf45)
            : LIFCondExp(.brette2007, integrator: integrator, comparison: .greater, refractory: .brian2)
    }

    /// The network (populations `E`, 3,200 neurons, and `I`, 800) as NEST's script connects it.
    public func network() throws -> (network: Network, excitatory: Network.PopulationID, inhibitory: Network.PopulationID) {
        var net = Network()
        let e = try net.addPopulation("E", model, count: excitatory)
        let i = try net.addPopulation("I", model, count: inhibitory)
        for (source, inDegree, weight) in [(e, 64, Float(6)), (i, 16, Float(-67))] {
            for target in [e, i] {
                try net.connect(source, target, FixedInDegree(inDegree), weight: weight, delaySteps: 1)
            }
        }
        let kick = try net.addPopulation("kick", PoissonSource(rate: 300, start: 1, stop: 51, seed: seed), count: 50)
        try net.connect(kick, e, FromList((0..<Swift.min(50, excitatory)).map { Connection(pre: $0, post: $0) }),
                        weight: 6, delaySteps: 1)
        net.recordSpikes(e)
        net.recordSpikes(i)
        return (net, e, i)
    }

    /// Runs `duration` ms and returns the spike count, the mean rate (Hz) and the
    /// simulation time (s), build excluded.
    public func run(duration: Double = 1000) throws -> (spikes: Int, rate: Double, seconds: Double, counters: EventCounters) {
        let (net, e, i) = try network()
        let simulator = try Simulator(net, dt: dt, seed: seed)
        let clock = ContinuousClock()
        let start = clock.now
        simulator.run(duration: duration)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let spikes = simulator.spikes(of: e).count + simulator.spikes(of: i).count
        return (spikes, Double(spikes) / Double(excitatory + inhibitory) / (duration / 1000), seconds, simulator.counters)
    }
}
