import Testing
@testable import NeuromorphCore
@testable import NeuromorphSpiking

/// Connectors, delays, recording and determinism of the clock-driven simulator
/// (spiking note §1.1, §1.4).
@Suite struct NetworkTests {
    @Test func fixedInDegreeGivesEveryTargetExactlyKInputs() throws {
        var generator = SeededGenerator(seed: 3)
        let connections = try FixedInDegree(7).connections(preCount: 50, postCount: 20, generator: &generator)
        #expect(connections.count == 140)
        for j in 0..<20 { #expect(connections.filter { $0.post == j }.count == 7) }
        var noSelf = SeededGenerator(seed: 3)
        let withoutAutapses = try FixedInDegree(5, allowAutapses: false, samePopulation: true)
            .connections(preCount: 10, postCount: 10, generator: &noSelf)
        #expect(withoutAutapses.allSatisfy { $0.pre != $0.post })
    }

    @Test func fixedProbabilityMatchesItsMeanAndAllToAllIsComplete() throws {
        var generator = SeededGenerator(seed: 5)
        let made = try FixedProbability(0.1).connections(preCount: 200, postCount: 200, generator: &generator).count
        // 40,000 pairs, p = 0.1: mean 4,000, sd 60.
        #expect(abs(made - 4000) < 300)
        #expect(try AllToAll(allowAutapses: false, samePopulation: true)
            .connections(preCount: 6, postCount: 6, generator: &generator).count == 30)
    }

    @Test func badConnectionsNameTheirField() {
        var generator = SeededGenerator(seed: 1)
        #expect(throws: SpikingParameterError.self) { try OneToOne().connections(preCount: 3, postCount: 4, generator: &generator) }
        #expect(throws: SpikingParameterError.self) { try FixedProbability(1.5).connections(preCount: 3, postCount: 4, generator: &generator) }
        #expect(throws: SpikingParameterError.self) {
            try FromList([Connection(pre: 0, post: 9)]).connections(preCount: 3, postCount: 4, generator: &generator)
        }
        var net = Network()
        let a = try! net.addPopulation("a", SpikeTimesSource(steps: [[1]]), count: 1)
        #expect(throws: SpikingParameterError.self) { try net.connect(a, a, OneToOne(), weight: 1, delaySteps: 0) }
        #expect(throws: SpikingParameterError.self) { try net.addPopulation("a", SpikeTimesSource(steps: []), count: 1) }
        #expect(throws: SpikingParameterError.self) { try net.addPopulation("b", SpikeTimesSource(steps: []), count: 0) }
        do {
            _ = try net.connect(a, a, OneToOne(), weight: -1, delaySteps: 0)
        } catch {
            #expect("\(error)".contains("delay"))
        }
    }

    /// A spike emitted in step s with delay d changes the target's conductance after the
    /// integration of step s + d (NEST and Brian2 order).
    @Test(arguments: [1, 3, 12])
    func delaysAreExactInSteps(delay: Int) throws {
        var net = Network()
        let source = try net.addPopulation("source", SpikeTimesSource(steps: [[20]]), count: 1)
        let target = try net.addPopulation("target", LIFCondExp(.nest, integrator: .euler), count: 1)
        try net.connect(source, target, OneToOne(), weight: 5, delaySteps: delay)
        net.probe(target, "g_ex", neurons: [0])
        let simulator = try Simulator(net, dt: 0.1, seed: 0)
        simulator.run(steps: 40)
        let g = simulator.probe(0).map { $0[0] }
        let first = g.firstIndex { $0 > 0 }
        #expect(first == 20 + delay)
        #expect(g[20 + delay] == 5)
        #expect(simulator.counters.synapticOperations == 1)
    }

    @Test func inhibitoryWeightsAddToTheInhibitoryConductance() throws {
        var net = Network()
        let source = try net.addPopulation("source", SpikeTimesSource(steps: [[0]]), count: 1)
        let target = try net.addPopulation("target", LIFCondExp(.nest, integrator: .euler), count: 1)
        try net.connect(source, target, OneToOne(), weight: -7)
        let simulator = try Simulator(net, dt: 0.1, seed: 0)
        simulator.run(steps: 2)
        #expect(simulator.value(target, "g_in", neuron: 0) == 7)
        #expect(simulator.value(target, "g_ex", neuron: 0) == 0)
    }

    @Test func poissonSourceFiresAtItsRate() throws {
        var net = Network()
        let source = try net.addPopulation("p", PoissonSource(rate: 200, start: 10, stop: 1010, seed: 9), count: 100)
        net.recordSpikes(source)
        let simulator = try Simulator(net, dt: 0.1, seed: 0)
        simulator.run(duration: 1100)
        let spikes = simulator.spikes(of: source)
        // 100 neurons × 200 Hz × 1 s = 20,000 expected, sd ≈ 141.
        #expect(abs(spikes.count - 20_000) < 600)
        #expect(spikes.allSatisfy { $0.step >= 100 && $0.step < 10_100 })
    }

    /// The same seed gives the same spikes; another seed a different network.
    @Test func runsAreReproducible() throws {
        func spikes(seed: UInt64) throws -> [SpikeRecord] {
            let (net, e, _) = try Brette2007COBA(seed: seed, excitatory: 800, inhibitory: 200).network()
            let simulator = try Simulator(net, dt: 0.1, seed: seed)
            simulator.run(duration: 40)
            return simulator.spikes(of: e)
        }
        let a = try spikes(seed: 1), b = try spikes(seed: 1), c = try spikes(seed: 2)
        #expect(a == b)
        #expect(!a.isEmpty)
        #expect(a != c)
    }

    /// The active set skips neurons at rest; on a chain whose neurons fire once, spikes are
    /// the same as a full sweep and far fewer neuron updates are made.
    @Test func activeSetMatchesTheFullSweepOnAChain() throws {
        func run(activeSet: Bool) throws -> ([SpikeRecord], Int) {
            var net = Network()
            var p = LIFCondExp.Parameters.pyNN
            p.t_ref = 1000
            let chain = try net.addPopulation("chain", LIFCondExp(p, integrator: .euler), count: 256)
            let kick = try net.addPopulation("kick", SpikeTimesSource(steps: [[5]]), count: 1)
            try net.connect(kick, chain, FromList([Connection(pre: 0, post: 0)]), weight: 400)
            try net.connect(chain, chain, FromList((0..<255).map { Connection(pre: $0, post: $0 + 1) }), weight: 400)
            net.recordSpikes(chain)
            let simulator = try Simulator(net, dt: 0.1, seed: 0, activeSet: activeSet)
            simulator.run(steps: 3000)
            return (simulator.spikes(of: chain), simulator.counters.neuronUpdates)
        }
        let (full, fullUpdates) = try run(activeSet: false)
        let (active, activeUpdates) = try run(activeSet: true)
        #expect(full.count > 20)
        #expect(active == full)
        #expect(activeUpdates * 2 < fullUpdates, "\(activeUpdates) vs \(fullUpdates)")
    }
}

/// The same seed gives bit-identical spikes for 1 and 2 threads (issue 12, item 4).
@Suite(.exclusiveComputeThreads) struct SpikingThreadCountTests {
    @Test(arguments: [LIFCondExp.Integrator.rkf45, .euler])
    func cobaSpikesDoNotDependOnTheThreadCount(integrator: LIFCondExp.Integrator) throws {
        func spikes(threads: Int) throws -> [SpikeRecord] {
            ComputeThreads.set(threads)
            defer { ComputeThreads.set(1) }
            let (net, e, i) = try Brette2007COBA(integrator: integrator, seed: 3, excitatory: 800, inhibitory: 200).network()
            let simulator = try Simulator(net, dt: 0.1, seed: 3)
            simulator.run(duration: 30)
            return simulator.spikes(of: e) + simulator.spikes(of: i)
        }
        let one = try spikes(threads: 1)
        #expect(!one.isEmpty)
        #expect(try spikes(threads: 2) == one)
    }

    /// A population large enough for RKF45's chunks to run on both threads.
    @Test func largeRKF45PopulationsAreTheSameOnTwoThreads() throws {
        func run(threads: Int) throws -> ([SpikeRecord], [Float]) {
            ComputeThreads.set(threads)
            defer { ComputeThreads.set(1) }
            var net = Network()
            let cells = try net.addPopulation("cells", LIFCondExp(.brette2007, integrator: .rkf45), count: 20_000)
            let kick = try net.addPopulation("kick", PoissonSource(rate: 2000, seed: 5), count: 20_000)
            try net.connect(kick, cells, OneToOne(), weight: 30)
            net.recordSpikes(cells)
            net.probe(cells, "V_m", neurons: [0, 9_999, 19_999])
            let simulator = try Simulator(net, dt: 0.1, seed: 5)
            simulator.run(steps: 40)
            return (simulator.spikes(of: cells), simulator.probe(0).flatMap { $0 })
        }
        let one = try run(threads: 1)
        #expect(!one.0.isEmpty)
        let two = try run(threads: 2)
        #expect(two.0 == one.0)
        #expect(two.1 == one.1)
    }
}
