import NeuromorphCore

/// How a desired weight change becomes a whole number of device pulses (Zhao et al. 2021,
/// digest `ttv2_gradient-decomposition_shd.md` §2.3 "Stochastic rounding"; implementation
/// note `analog-training.md` §1.7):
///
/// ```
/// r      = ΔW_ij / level                         (desired change in pulses, level = one pulse)
/// nearest:     n = round(r)                      (NeuroSim's `truncate`, ties away from zero)
/// stochastic:  n = ⌊r⌋ + Bernoulli(r − ⌊r⌋)      (E[n] = r: unbiased)
/// ```
///
/// Round-to-nearest drops every |r| < ½: averaged mini-batch updates that are smaller than
/// half a level vanish, which is why Zhao's round-to-nearest collapses at large batch sizes
/// (Table 1: 28.38 % at B = 1024). Stochastic rounding keeps them in expectation.
public enum PulseRounding: String, Sendable, Codable, CaseIterable {
    /// Round to the nearest whole pulse count (ties away from zero).
    case nearest
    /// Round up with probability equal to the fractional part (unbiased).
    case stochastic

    /// `R(r)` for a uniform draw `u ∈ [0, 1)` (ignored by ``nearest``).
    @inlinable
    public func round(_ r: Double, uniform u: Double) -> Double {
        switch self {
        case .nearest:
            return r.rounded(.toNearestOrAwayFromZero)
        case .stochastic:
            let lower = r.rounded(.down)
            return u < r - lower ? lower + 1 : lower
        }
    }

    /// The probability that `R(r)` is `⌊r⌋ + 1` (0 or 1 for ``nearest``); `E[R(r)] = ⌊r⌋ + p`.
    public func roundUpProbability(_ r: Double) -> Double {
        let lower = r.rounded(.down)
        switch self {
        case .nearest: return r.rounded(.toNearestOrAwayFromZero) > lower ? 1 : 0
        case .stochastic: return r - lower
        }
    }
}

/// Counters of the elementwise writes a cell made (for reports and the E5/E6 experiments).
public struct PulseWriteStatistics: Sendable, Codable, Equatable {
    /// Device writes (one per weight per write event; a rank-seq transfer of rank k makes k
    /// write events per batch, or 2k for NMF).
    public var writeEvents: Int = 0
    /// Pulses applied, `Σ |n_ij|`.
    public var pulses: Int = 0
    /// Elements whose desired change was nonzero.
    public var requestedElements: Int = 0
    /// Elements whose desired change was nonzero but rounded to 0 pulses (round-to-nearest's
    /// lost small updates).
    public var roundedToZero: Int = 0

    public init() {}
}

extension PulseRounding {
    /// The pulse counts `n_ij = R(ΔW_ij / level)` of a desired change `ΔW` (row-major), one
    /// uniform draw per element from `generator` for ``stochastic`` (none for ``nearest``),
    /// clamped to `±maxPulses` (0 = `Int32.max / 2`). Counts are added to `statistics`.
    public func pulseCounts(_ deltaW: [Float], level: Float, maxPulses: Int = 0,
                            generator: inout SeededGenerator, statistics: inout PulseWriteStatistics) -> [Int32] {
        precondition(level > 0, "PulseRounding.pulseCounts: level must be > 0")
        let cap = Double(maxPulses > 0 ? maxPulses : Int(Int32.max / 2))
        let inverse = 1 / Double(level)
        var counts = [Int32](repeating: 0, count: deltaW.count)
        var pulses = 0, requested = 0, lost = 0
        for k in deltaW.indices {
            let r = Double(deltaW[k]) * inverse
            let u = self == .stochastic ? generator.nextUniformDouble() : 0
            guard r != 0, r.isFinite else { continue }
            requested += 1
            let n = Swift.min(Swift.max(round(r, uniform: u), -cap), cap)
            if n == 0 { lost += 1; continue }
            counts[k] = Int32(n)
            pulses += Int(Swift.abs(n))
        }
        statistics.writeEvents += 1
        statistics.pulses += pulses
        statistics.requestedElements += requested
        statistics.roundedToZero += lost
        return counts
    }
}
