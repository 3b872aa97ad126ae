import Testing
@testable import NeuromorphSpiking

/// Readouts (spiking note §1.7).
@Suite struct ReadoutTests {
    @Test func spikeCountAndFirstSpike() {
        #expect(Readout.spikeCountArgmax([1, 4, 4, 0]) == 1)
        #expect(Readout.spikeCountArgmax([0, 0]) == nil)
        #expect(Readout.firstSpikeArgmin([[50, 20], [], [20, 90], [30]]) == 0)
        #expect(Readout.firstSpikeArgmin([[], []]) == nil)
    }

    /// μBrain first ISI (digest UB §2.5; spiking note §1.7): shortest t₂ − t₁ wins, < 2 spikes
    /// ⇒ ∞, ties → earlier t₂, then lower index.
    @Test func firstInterSpikeInterval() {
        let times: [[Int64]] = [[100, 300], [500, 400], [10], [700, 600, 650]]
        #expect(Readout.firstInterSpikeIntervals(times) == [200, 100, nil, 50])
        #expect(Readout.firstISIArgmin(times) == 3)
        // Tie on ISI 100: neuron 1 reaches t₂ at 500, neuron 2 at 200 → neuron 2.
        #expect(Readout.firstISIArgmin([[0, 1_000], [400, 500], [100, 200]]) == 2)
        // Full tie → lower index.
        #expect(Readout.firstISIArgmin([[5], [100, 200], [100, 200]]) == 1)
        #expect(Readout.firstISIArgmin([[1], [], [3]]) == nil)
    }

    @Test func membraneReadouts() {
        #expect(Readout.membraneArgmax([Int32(-3), 7, 7, 2]) == 1)
        let s = Readout.softmaxScores([1, 2, 3])
        #expect(abs(s.reduce(0, +) - 1) < 1e-12)
        #expect(abs(s[2] - 0.665240955774822) < 1e-12)   // e²/(1+e+e²)
        #expect(Readout.softmaxScores([1000, 1000]) == [0.5, 0.5])
        let records = [SpikeRecord(neuron: 1, step: 3), SpikeRecord(neuron: 0, step: 4), SpikeRecord(neuron: 1, step: 6)]
        #expect(Readout.spikeTimes(records, neurons: 2) == [[4], [3, 6]])
    }
}
