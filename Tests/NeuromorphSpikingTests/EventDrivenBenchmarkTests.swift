import Testing
@testable import NeuromorphSpiking

/// The μBrain-sized benchmark runs, counts what it should, and is deterministic (its speed is
/// measured in release by `neuromorph bench`, not here).
@Suite struct EventDrivenBenchmarkTests {
    @Test func muBrainBenchmarkCountsAndRepeats() throws {
        let a = try EventDrivenBenchmark.muBrain(images: 2, repeats: 1, seed: 3)
        let b = try EventDrivenBenchmark.muBrain(images: 2, repeats: 1, seed: 3)
        #expect(a.counters == b.counters)
        let c = a.counters
        // 6,400 expected input spikes per image (Poisson: ±4σ = ±4·√12,800 for two images).
        #expect(abs(Double(c.inputSpikes) - 12_800) < 4 * 12_800.0.squareRoot())
        // Every input spike fans out to 64 neurons, every hidden spike to 10.
        #expect(c.synapticOperations >= 64 * c.inputSpikes)
        #expect(c.synapticOperations <= 64 * c.inputSpikes + 10 * c.emittedSpikes)
        #expect(c.emittedSpikes > 0 && a.synapticOperationsPerSecond > 0)
        #expect(throws: SpikingParameterError.self) { try EventDrivenBenchmark.muBrain(images: 0) }
    }
}
