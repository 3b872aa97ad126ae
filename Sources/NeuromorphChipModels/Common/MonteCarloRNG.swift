import Foundation

/// A seeded SplitMix64 generator (Steele, Lea & Flood 2014), used by every
/// Monte-Carlo check in this module so results are reproducible from the seed. (Named
/// apart from `NeuromorphCore.SplitMix64` so the `Neuromorph` umbrella stays unambiguous.)
///
/// ```
/// state ← state + 0x9E3779B97F4A7C15
/// z ← (state ⊕ (state >> 30)) · 0xBF58476D1CE4E5B9
/// z ← (z ⊕ (z >> 27)) · 0x94D049BB133111EB
/// return z ⊕ (z >> 31)
/// ```
public struct MonteCarloRNG: RandomNumberGenerator, Sendable, Hashable {
    /// The generator's whole state.
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A Poisson(λ) draw by Knuth's multiplication method (exact; O(λ) uniforms, meant
    /// for the small means of photon counts).
    public mutating func nextPoisson(mean lambda: Double) -> Int {
        precondition(lambda >= 0 && lambda < 500, "Knuth's Poisson method needs 0 ≤ λ < 500")
        let limit = Foundation.exp(-lambda)
        var count = 0
        var product = nextUnitInterval()
        while product > limit {
            count += 1
            product *= nextUnitInterval()
        }
        return count
    }
}
