import Foundation
import NeuromorphCore

/// The measured speed of the event-driven integer-IF simulator.
public struct EventDrivenBenchmarkResult: Sendable, Hashable {
    /// Samples (images) simulated per repeat.
    public var images: Int
    /// Everything counted in one repeat.
    public var counters: EventCounters
    /// Median wall time of one repeat, s.
    public var seconds: Double
    /// `counters.synapticOperations / seconds` (one thread).
    public var synapticOperationsPerSecond: Double
}

/// Benchmarks of the event-driven simulator (spiking note §5: goal ≥ 2·10⁷ SOP/s per core).
public enum EventDrivenBenchmark {
    /// μBrain-sized network 256-64-10 (digest UB §2.5 MNIST mapping): `IntegerIF` θ = 64,
    /// random 4-bit weights −7…7, round-robin arbiters 100 ns apart, Poisson inputs at
    /// [100, 655] kHz from random grey levels with a 6,400-spike budget per image. Inputs are
    /// generated before timing; `images` samples run one after another on one thread; the
    /// median of `repeats` repeats is reported. Deterministic for a seed (counters are equal
    /// across calls).
    public static func muBrain(images: Int = 50, repeats: Int = 3, seed: UInt64 = 0) throws -> EventDrivenBenchmarkResult {
        guard images > 0, repeats > 0 else {
            throw SpikingParameterError(type: "EventDrivenBenchmark.muBrain", field: "images, repeats",
                                        value: "\(images), \(repeats)", expected: "counts > 0")
        }
        var g = SeededGenerator(seed: seed, key: StreamKey("bench", "event-driven", "weights"))
        func weights(_ n: Int, _ m: Int) -> [[Int32]] {
            (0..<n).map { _ in (0..<m).map { _ in Int32(g.nextInt(below: 15)) - 7 } }
        }
        let net = try EventDrivenNetwork(layers: [
            EventLayer(weights: weights(64, 256), neuron: .integerIF(.muBrain), timing: .muBrain),
            EventLayer(weights: weights(10, 64), neuron: .integerIF(.muBrain), timing: .muBrain),
        ])
        var inputs = SeededGenerator(seed: seed, key: StreamKey("bench", "event-driven", "inputs"))
        let encoder = PoissonEncoder.muBrainGrayscale
        var streams: [[AEREvent]] = []
        for _ in 0..<images {
            let pixels = (0..<256).map { _ in inputs.nextUniform() }
            let frame = try encoder.frameNs(values: pixels, expectedSpikes: 6_400)
            streams.append(encoder.encode(pixels, frameNs: frame, using: &inputs))
        }
        for s in streams { try net.validate(s) }
        var times: [Double] = []
        var counters = EventCounters()
        for _ in 0..<repeats {
            var c = EventCounters()
            let start = DispatchTime.now().uptimeNanoseconds
            for (k, s) in streams.enumerated() {
                c += net.runValidated(s, arbiter: RoundRobinArbiter(), sample: k, options: EventRunOptions()).counters
            }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            counters = c
        }
        let median = times.sorted()[times.count / 2]
        return EventDrivenBenchmarkResult(images: images, counters: counters, seconds: median,
                                          synapticOperationsPerSecond: Double(counters.synapticOperations) / median)
    }
}
