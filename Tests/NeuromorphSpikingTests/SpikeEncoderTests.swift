import Testing
import Foundation
import NeuromorphCore
@testable import NeuromorphSpiking

/// Encoders (spiking note §1.6).
@Suite struct SpikeEncoderTests {
    /// Chundi: n = value spikes spread evenly over the frame (digest CH §3.5).
    @Test func periodicCountSpreadsEvenly() throws {
        #expect(try PeriodicEncoder.times(count: 4, frameNs: 1_000) == [0, 250, 500, 750])
        #expect(try PeriodicEncoder.times(count: 0, frameNs: 1_000) == [])
        #expect(try PeriodicEncoder.times(rateHz: 100e3, frameNs: 50_000) == [0, 10_000, 20_000, 30_000, 40_000])
        let stream = try PeriodicEncoder.encode(counts: [2, 0, 1], frameNs: 100)
        #expect(stream == [AEREvent(address: 0, timeNs: 0), AEREvent(address: 2, timeNs: 0), AEREvent(address: 0, timeNs: 50)])
        #expect(throws: SpikingParameterError.self) { try PeriodicEncoder.times(count: -1, frameNs: 10) }
    }

    /// μBrain rates r = 100 kHz + 555 kHz · x (digest UB §2.5): the mean count over many
    /// frames is r·T within 4 standard errors (Poisson σ = √(r·T/n)); seeded.
    @Test func poissonRatesAndBudget() throws {
        let enc = PoissonEncoder.muBrainGrayscale
        #expect(enc.rate(0) == 100e3 && enc.rate(1) == 655e3 && enc.rate(0.5) == 377.5e3)
        #expect(PoissonEncoder.muBrainBinary.rate(0) == 0)
        var g = SeededGenerator(seed: 4)
        let frame: Int64 = 100_000   // 100 µs: 65.5 expected spikes at 655 kHz
        let n = 400
        var total = 0
        for _ in 0..<n { total += PoissonEncoder.times(rateHz: 655e3, frameNs: frame, using: &g).count }
        let mean = Double(total) / Double(n)
        #expect(abs(mean - 65.5) < 4 * (65.5 / Double(n)).squareRoot())
        // 6,400-spike budget: T = 6,400 / Σ r (spiking note §2.1 erratum).
        let values = [Float](repeating: 0.5, count: 256)
        let t = try enc.frameNs(values: values, expectedSpikes: 6_400)
        let expected: Double = 6_400.0 / (256.0 * 377.5e3) * 1e9
        #expect(abs(Double(t) - expected) < 1)
        var a = SeededGenerator(seed: 1), b = SeededGenerator(seed: 1)
        #expect(enc.encode(values, frameNs: t, using: &a) == enc.encode(values, frameNs: t, using: &b))
        #expect(throws: SpikingParameterError.self) { try PoissonEncoder(minimumRateHz: 10, maximumRateHz: 5) }
    }

    /// Bernoulli per step, p = dt·f·x (Norse); mean count = steps · p within 4 s.e.
    @Test func bernoulliPerStep() throws {
        let enc = try BernoulliEncoder(maximumRateHz: 50, dt: 0.01)   // MONETA 50 Hz, p = 0.5 at x = 1
        #expect(enc.probability(1) == 0.5 && enc.probability(0.4) == 0.2)
        var g = SeededGenerator(seed: 2)
        let spikes = enc.encode([1, 0.4, 0], steps: 2_000, using: &g)
        let counts = Readout.spikeTimes(spikes, neurons: 3).map(\.count)
        #expect(abs(Double(counts[0]) - 1_000) < 4 * (2_000 * 0.25).squareRoot())
        #expect(abs(Double(counts[1]) - 400) < 4 * (2_000 * 0.16).squareRoot())
        #expect(counts[2] == 0)
        #expect(throws: SpikingParameterError.self) { try BernoulliEncoder(maximumRateHz: 200, dt: 0.01) }
    }

    /// snnTorch `latency_code(a=[0.02, 0.5, 1], num_steps=5, normalize=True, linear=True)` →
    /// [3.92, 2.0, 0.0] (its docstring example, [X]); log form t = τ ln(x/(x−θ)).
    @Test func latencyCodes() throws {
        let linear = try LatencyEncoder(form: .linear, normalize: true)
        let t = linear.times([0.02, 0.5, 1], steps: 5)
        #expect(abs(t[0]! - 3.92) < 1e-6 && t[1] == 2 && t[2] == 0)   // 0.02 as Float
        #expect(linear.times([0.005], steps: 5) == [nil])     // below θ = 0.01 and clipped
        #expect(linear.steps([0.02, 0.5, 1], steps: 5) == [4, 2, 0])
        let log = try LatencyEncoder(form: .logarithmic, tau: 5, threshold: 0.01, clip: true, normalize: false)
        let l = log.times([0.5, 1], steps: 10)
        #expect(abs(l[0]! - 5 * Foundation.log(0.5 / 0.49)) < 1e-12)
        #expect(abs(l[1]! - 5 * Foundation.log(1 / 0.99)) < 1e-12)
        #expect(l[1]! < l[0]!)
        let logNorm = try LatencyEncoder(form: .logarithmic, tau: 5, normalize: true)
        let n = logNorm.times([0.2, 0.5, 1], steps: 10)
        #expect(abs(n[0]! - 9) < 1e-9)
        #expect(throws: SpikingParameterError.self) { try LatencyEncoder(form: .linear, threshold: 1.5) }
    }

    @Test func aerStreamsMergeAndSplit() throws {
        let s = try AERStream.merge([[30, 10], [10]], signs: [1, -1])
        #expect(s == [AEREvent(address: 0, timeNs: 10), AEREvent(address: 1, timeNs: 10, sign: -1),
                      AEREvent(address: 0, timeNs: 30)])
        #expect(AERStream.split(s, channels: 2) == [[10, 30], [10]])
        #expect(AERStream.split(s, channels: 2, sign: -1) == [[], [10]])
        #expect(AERStream.counts(s, channels: 2) == [2, 1])
        #expect(throws: SpikingParameterError.self) { try AERStream.merge([[1]], signs: [0]) }
        #expect(throws: SpikingParameterError.self) { try AERStream.merge([[-5]]) }
    }
}
