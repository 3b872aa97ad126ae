import NeuromorphCore
import RealModule

/// Periodic rate coding: `n` spikes spread evenly over a frame (Chundi: an n-bit activation
/// becomes n spikes per frame, "spread evenly within the frame"; digest CH §3.2, §3.5;
/// spiking note §1.6).
///
/// ```
/// t_k = ⌊k · T / n⌋,   k = 0 … n−1            (count form)
/// t_k = φ + ⌊k · 10⁹ / r⌋ while t_k < T         (rate form, r in Hz, times in ns)
/// ```
public enum PeriodicEncoder {
    /// `count` spike times evenly spread over `[0, frameNs)`.
    public static func times(count: Int, frameNs: Int64) throws -> [Int64] {
        guard count >= 0 else {
            throw SpikingParameterError(type: "PeriodicEncoder", field: "count", value: "\(count)", expected: "a count >= 0")
        }
        guard frameNs > 0 else {
            throw SpikingParameterError(type: "PeriodicEncoder", field: "frameNs", value: "\(frameNs)", expected: "a duration > 0 ns")
        }
        return (0..<count).map { k in Int64((Double(k) * Double(frameNs) / Double(count)).rounded(.down)) }
    }

    /// Spikes at rate `rateHz` from `phaseNs` until `frameNs` (exclusive).
    public static func times(rateHz: Double, frameNs: Int64, phaseNs: Int64 = 0) throws -> [Int64] {
        guard rateHz.isFinite, rateHz >= 0 else {
            throw SpikingParameterError(type: "PeriodicEncoder", field: "rateHz", value: "\(rateHz)", expected: "a finite rate >= 0 Hz")
        }
        guard rateHz > 0 else { return [] }
        let period = 1e9 / rateHz
        var out: [Int64] = []
        var k = 0.0
        while true {
            let t = phaseNs + Int64((k * period).rounded(.down))
            if t >= frameNs { break }
            out.append(t)
            k += 1
        }
        return out
    }

    /// One AER stream: channel `i` sends `counts[i]` evenly spread spikes over the frame.
    public static func encode(counts: [Int], frameNs: Int64) throws -> [AEREvent] {
        try AERStream.merge(counts.map { try times(count: $0, frameNs: frameNs) })
    }
}

/// Poisson event times with a rate linear in the value (μBrain: grey levels → [100, 655] kHz,
/// binary pixels → {0, 655 kHz}; digest UB §2.5; spiking note §1.6):
///
/// ```
/// r(x) = r_min + (r_max − r_min) · clamp(x, 0, 1)
/// t_{k+1} = t_k + E_k,   E_k ~ Exp(r)   (times floored to integer ns, kept while < T)
/// ```
public struct PoissonEncoder: Sendable, Codable, Hashable {
    public var minimumRateHz: Double
    public var maximumRateHz: Double

    public init(minimumRateHz: Double, maximumRateHz: Double) throws {
        guard minimumRateHz.isFinite, minimumRateHz >= 0 else {
            throw SpikingParameterError(type: "PoissonEncoder", field: "minimumRateHz", value: "\(minimumRateHz)",
                                        expected: "a finite rate >= 0 Hz")
        }
        guard maximumRateHz.isFinite, maximumRateHz >= minimumRateHz else {
            throw SpikingParameterError(type: "PoissonEncoder", field: "maximumRateHz", value: "\(maximumRateHz)",
                                        expected: "a finite rate >= minimumRateHz (\(minimumRateHz))")
        }
        self.minimumRateHz = minimumRateHz
        self.maximumRateHz = maximumRateHz
    }

    /// μBrain grey-level inputs, [100 kHz, 655 kHz].
    public static let muBrainGrayscale = PoissonEncoder(unchecked: 100e3, 655e3)
    /// μBrain binary inputs (radar), {0, 655 kHz}.
    public static let muBrainBinary = PoissonEncoder(unchecked: 0, 655e3)

    init(unchecked minimum: Double, _ maximum: Double) {
        minimumRateHz = minimum
        maximumRateHz = maximum
    }

    /// `r(x)` in Hz.
    public func rate(_ x: Float) -> Double {
        let c = Double(Swift.min(Swift.max(x, 0), 1))
        return minimumRateHz + (maximumRateHz - minimumRateHz) * c
    }

    /// The frame length (ns) in which the values' expected spike total is `spikes` (μBrain's
    /// 6,400-spike budget per image; spiking note §2.1 erratum: the kHz values are ratios).
    public func frameNs(values: [Float], expectedSpikes spikes: Double) throws -> Int64 {
        let total = values.reduce(0.0) { $0 + rate($1) }
        guard total > 0, spikes > 0 else {
            throw SpikingParameterError(type: "PoissonEncoder.frameNs", field: "values",
                                        value: "total rate \(total) Hz for \(spikes) spikes",
                                        expected: "a positive total rate and spike budget")
        }
        return Int64((spikes / total * 1e9).rounded())
    }

    /// Poisson spike times (ns) at `rateHz` on `[0, frameNs)`.
    public static func times(rateHz: Double, frameNs: Int64, using generator: inout SeededGenerator) -> [Int64] {
        guard rateHz > 0 else { return [] }
        var out: [Int64] = []
        let mean = 1e9 / rateHz
        var t = 0.0
        while true {
            t += -mean * Double.log(1 - generator.nextUniformDouble())
            guard t < Double(frameNs) else { break }
            out.append(Int64(t))
        }
        return out
    }

    /// One AER stream for the values (channel = index), channel by channel from one stream.
    public func encode(_ values: [Float], frameNs: Int64, using generator: inout SeededGenerator) -> [AEREvent] {
        var channels: [[Int64]] = []
        channels.reserveCapacity(values.count)
        for x in values { channels.append(Self.times(rateHz: rate(x), frameNs: frameNs, using: &generator)) }
        var events: [AEREvent] = []
        for (a, ts) in channels.enumerated() { for t in ts { events.append(AEREvent(address: Int32(a), timeNs: t)) } }
        events.sort(by: AEREvent.precedes)
        return events
    }
}

/// Bernoulli spikes per time step, `p = dt · f_max · x` (Norse `poisson_encode`:
/// `rand < dt·f_max·x`; snnTorch `spikegen.rate`: `Bernoulli(x)` is `dt·f_max = 1`; MONETA
/// 10–50 Hz with the step 1/f_max; spiking note §1.6).
public struct BernoulliEncoder: Sendable, Codable, Hashable {
    /// Rate at x = 1, Hz.
    public var maximumRateHz: Double
    /// Step, s.
    public var dt: Double

    /// Throws unless `dt · f_max ∈ (0, 1]`.
    public init(maximumRateHz: Double, dt: Double) throws {
        let p = maximumRateHz * dt
        guard p.isFinite, p > 0, p <= 1 else {
            throw SpikingParameterError(type: "BernoulliEncoder", field: "maximumRateHz · dt", value: "\(p)",
                                        expected: "a spike probability per step in (0, 1]")
        }
        self.maximumRateHz = maximumRateHz
        self.dt = dt
    }

    /// `p(x) = dt · f_max · clamp(x, 0, 1)`.
    public func probability(_ x: Float) -> Float {
        Float(dt * maximumRateHz) * Swift.min(Swift.max(x, 0), 1)
    }

    /// Spikes of `steps` steps, in (step, neuron) order; draws one uniform per channel and
    /// step in that order.
    public func encode(_ values: [Float], steps: Int, using generator: inout SeededGenerator) -> [SpikeRecord] {
        let p = values.map(probability)
        var out: [SpikeRecord] = []
        for step in 0..<Swift.max(0, steps) {
            for (i, pi) in p.enumerated() where generator.nextUniform() < pi {
                out.append(SpikeRecord(neuron: Int32(i), step: Int32(step)))
            }
        }
        return out
    }
}

/// Latency (time-to-first-spike) coding: one spike per channel, larger values earlier
/// (snnTorch `spikegen.latency_code`; spiking note §1.6).
///
/// ```
/// linear:       t = τ (1 − x)                    (normalize: τ = steps − 1)
/// logarithmic:  t = τ ln(x / (x − θ)),  x > θ     (normalize: scaled so the latest is steps − 1)
/// x < θ:        silent with `clip`, else at the latest time (snnTorch without clip)
/// ```
public struct LatencyEncoder: Sendable, Codable, Hashable {
    public enum Form: String, Sendable, Codable, Hashable { case linear, logarithmic }
    public var form: Form
    /// Time constant τ in steps (ignored when normalizing a linear code).
    public var tau: Double
    /// θ ∈ (0, 1): values below it are silent (clip) or latest.
    public var threshold: Double
    /// Drop channels below θ instead of firing them last.
    public var clip: Bool
    /// Scale times into `[0, steps − 1]`.
    public var normalize: Bool

    public init(form: Form, tau: Double = 1, threshold: Double = 0.01, clip: Bool = true, normalize: Bool = true) throws {
        guard tau.isFinite, tau > 0 else {
            throw SpikingParameterError(type: "LatencyEncoder", field: "tau", value: "\(tau)", expected: "a finite number > 0")
        }
        guard threshold > 0, threshold < 1 else {
            throw SpikingParameterError(type: "LatencyEncoder", field: "threshold", value: "\(threshold)",
                                        expected: "a number in (0, 1) (snnTorch)")
        }
        self.form = form
        self.tau = tau
        self.threshold = threshold
        self.clip = clip
        self.normalize = normalize
    }

    /// Real spike times in steps (`nil` = silent).
    public func times(_ values: [Float], steps: Int) -> [Double?] {
        let epsilon = 1e-7
        let x = values.map { Double($0) }
        var t: [Double]
        switch form {
        case .linear:
            let tauEff = normalize ? Double(Swift.max(steps - 1, 0)) : tau
            t = x.map { Swift.min(tauEff * (1 - $0), tauEff * (1 - threshold)) }
        case .logarithmic:
            t = x.map { xi in
                let c = Swift.max(xi, threshold + epsilon)
                return tau * Double.log(c / (c - threshold))
            }
            if normalize, let latest = t.max(), latest > 0 {
                t = t.map { $0 * Double(steps - 1) / latest }
            }
        }
        return zip(x, t).map { xi, ti in (clip && xi < threshold) ? nil : ti }
    }

    /// Spike steps, rounded to nearest (`nil` = silent or beyond the last step).
    public func steps(_ values: [Float], steps: Int) -> [Int?] {
        times(values, steps: steps).map { t in
            guard let t else { return nil }
            let s = Int(t.rounded())
            return s >= 0 && s < steps ? s : nil
        }
    }
}
