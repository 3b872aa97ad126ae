import Foundation
import NeuromorphCore
import Testing
@testable import NeuromorphSpiking

/// BCPNN as a plasticity rule on a simulator projection (lazy closed forms between events)
/// against the scalar reference cell (Wang et al. 2021 Eq. 6, 10, 19; spiking note §1.3).
@Suite struct BCPNNSynapseTests {
    @Test func projectionWeightsFollowTheReference() throws {
        var g = SeededGenerator(seed: 9, key: StreamKey("test", "bcpnn", "synapse"))
        let steps = 3000
        // Correlated trains: pre 0 and post 0 share a source; pre 1 and post 1 are independent.
        var pre = [[Bool]](repeating: [], count: 2), post = [[Bool]](repeating: [], count: 2)
        (pre[0], post[0]) = BCPNNSpikeTrains.correlatedPair(shared: 0.04, own: 0.02, steps: steps, using: &g)
        pre[1] = BCPNNSpikeTrains.bernoulli(p: 0.05, steps: steps, using: &g)
        post[1] = BCPNNSpikeTrains.bernoulli(p: 0.05, steps: steps, using: &g)
        func times(_ train: [Bool]) -> [Int] { train.indices.filter { train[$0] } }
        var net = Network()
        let a = try net.addPopulation("pre", SpikeTimesSource(steps: pre.map(times)), count: 2)
        let b = try net.addPopulation("post", SpikeTimesSource(steps: post.map(times)), count: 2)
        let projection = try net.connect(a, b, AllToAll(), weight: 0, plasticity: BCPNNSynapse())
        let simulator = try Simulator(net, dt: 1, seed: 0)
        simulator.run(steps: steps)
        let table = simulator.synapses(of: projection)
        var checked = 0
        for i in 0..<2 {
            for s in table.rowStart[i]..<table.rowStart[i + 1] {
                let j = Int(table.targets[s])
                // The weight was last written at the later of the two neurons' last spikes L: w(L + 1).
                let last = max(times(pre[i]).last ?? -1, times(post[j]).last ?? -1)
                var cell = BCPNNTraces()
                for t in 0...last { cell.step(pre: pre[i][t], post: post[j][t]) }
                #expect(abs(Double(table.weights[s]) - cell.values.w) < 1e-5, "synapse \(i)→\(j)")
                checked += 1
            }
        }
        #expect(checked == 4)
        #expect(table.weights.allSatisfy { $0 != 0 }, "every synapse was updated")
    }

    @Test func rejectsNonZeroInitialWeightsAndETrace() throws {
        #expect(throws: SpikingParameterError.self) { try BCPNNSynapse().validate(initialWeights: [0.5]) }
        #expect(throws: SpikingParameterError.self) {
            try BCPNNSynapse(parameters: BCPNNParameters(ke: 0.1)).validate(initialWeights: [0])
        }
    }
}
