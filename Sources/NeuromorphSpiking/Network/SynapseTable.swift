/// A projection's synapses in compressed sparse rows by presynaptic neuron (CSR), the
/// layout delivery walks; plus, for plastic projections, the incoming index by
/// postsynaptic neuron.
public struct SynapseTable: Sendable, Equatable {
    /// `rowStart[i]..<rowStart[i+1]` are the synapses of presynaptic neuron `i`.
    public var rowStart: [Int]
    /// Postsynaptic neuron of each synapse.
    public var targets: [Int32]
    /// Weight of each synapse (nS for conductance models).
    public var weights: [Float]
    /// Delay of each synapse in steps (≥ 1).
    public var delays: [Int32]

    /// Builds the table from connections in creation order, stable within each row.
    init(preCount: Int, connections: [Connection], defaultWeight: Float, defaultDelay: Int) throws {
        var counts = [Int](repeating: 0, count: preCount + 1)
        for c in connections { counts[c.pre + 1] += 1 }
        for i in 0..<preCount { counts[i + 1] += counts[i] }
        rowStart = counts
        var cursor = counts
        targets = .init(repeating: 0, count: connections.count)
        weights = .init(repeating: 0, count: connections.count)
        delays = .init(repeating: 1, count: connections.count)
        for c in connections {
            let s = cursor[c.pre]
            cursor[c.pre] += 1
            targets[s] = Int32(c.post)
            let w = c.weight ?? defaultWeight
            let d = c.delaySteps ?? defaultDelay
            guard w.isFinite else {
                throw SpikingParameterError(type: "synapse \(c.pre)→\(c.post)", field: "weight", value: "\(w)", expected: "a finite number")
            }
            guard d >= 1, d <= 1 << 15 else {
                throw SpikingParameterError(type: "synapse \(c.pre)→\(c.post)", field: "delay", value: "\(d) steps",
                                        expected: "1…32768 steps")
            }
            weights[s] = w
            delays[s] = Int32(d)
        }
    }

    /// Number of synapses.
    public var count: Int { targets.count }

    /// Incoming synapses by postsynaptic neuron: `(start, synapse, source)` with
    /// `start[j]..<start[j+1]` indexing `synapse`/`source`.
    func incomingIndex(postCount: Int) -> (start: [Int], synapse: [Int32], source: [Int32]) {
        var start = [Int](repeating: 0, count: postCount + 1)
        for t in targets { start[Int(t) + 1] += 1 }
        for j in 0..<postCount { start[j + 1] += start[j] }
        var cursor = start
        var synapse = [Int32](repeating: 0, count: count)
        var source = [Int32](repeating: 0, count: count)
        for i in 0..<(rowStart.count - 1) {
            for s in rowStart[i]..<rowStart[i + 1] {
                let j = Int(targets[s])
                synapse[cursor[j]] = Int32(s)
                source[cursor[j]] = Int32(i)
                cursor[j] += 1
            }
        }
        return (start, synapse, source)
    }
}
