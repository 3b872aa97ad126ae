import Foundation
import NeuromorphCore

/// Marsaglia's xorshift64 generator, the PRNG of Mansinghka's FPGA Gibbs pipeline.
public struct XorShift64: Sendable, Equatable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    public mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

/// Gibbs sampling with Mansinghka 2008's fixed-point kernel (digest bayesian-hardware
/// §1.3(h); spiking note §3) for one binary variable given its Markov blanket:
///
/// 1. score both values: energies `e_v = log P(x = v | blanket)` up to a constant, in a
///    signed fixed-point format of `energyBits` bits (`energyBits − 6` fraction bits; log 0
///    saturates at the most negative code);
/// 2. temper by an arithmetic right shift of `temperShift` bits;
/// 3. `lse ≈ max(e₀, e₁) + T[|e₀ − e₁|]`, T a table of `log(1 + e^{−d})` on the format's grid;
/// 4. normalise `l_v = e_v − lse`;
/// 5. approximate exp: `2^{l·log₂e}` by a shift for the integer part and Mitchell's
///    `2^f ≈ 1 + f` for the fraction, into probabilities scaled by 2¹⁵;
/// 6. sample by accumulation against a 16-bit xorshift number.
public struct FixedPointGibbs: Sendable {
    public let network: BayesNet
    public let energyBits: Int
    public let temperShift: Int
    let fractionBits: Int
    let minimumCode: Int64
    let maximumCode: Int64
    let softplusTable: [Int64]

    public init(network: BayesNet, energyBits: Int = 16, temperShift: Int = 0) throws {
        guard (8...32).contains(energyBits) else {
            throw BayesianError(field: "energyBits", value: "\(energyBits)", expected: "8…32 bits")
        }
        guard (0...8).contains(temperShift) else {
            throw BayesianError(field: "temperShift", value: "\(temperShift)", expected: "0…8 bits")
        }
        self.network = network
        self.energyBits = energyBits
        self.temperShift = temperShift
        fractionBits = energyBits - 6
        maximumCode = (Int64(1) << (energyBits - 1)) - 1
        minimumCode = -maximumCode
        let scale = Double(Int64(1) << fractionBits)
        // T[d] = log(1 + e^{−d}) for every non-negative code d up to where it rounds to 0.
        var table: [Int64] = []
        var d: Int64 = 0
        while true {
            let value = Int64((Foundation.log1p(Foundation.exp(-Double(d) / scale)) * scale).rounded())
            table.append(value)
            if value == 0 || d >= maximumCode { break }
            d += 1
        }
        softplusTable = table
    }

    func quantize(_ energy: Double) -> Int64 {
        guard energy.isFinite else { return minimumCode }
        return Swift.max(minimumCode, Swift.min(maximumCode, Int64((energy * Double(Int64(1) << fractionBits)).rounded())))
    }

    /// `2^{x·log₂e}` for a code `x ≤ 0`, scaled by 2¹⁵ (Mitchell's approximation).
    func approximateExp(_ code: Int64) -> UInt32 {
        let scale = Double(Int64(1) << fractionBits)
        let base2 = Double(code) / scale * 1.4426950408889634        // ≤ 0
        let integer = Foundation.floor(base2)
        let fraction = base2 - integer                                 // [0, 1)
        let shift = Int(-integer)
        guard shift < 32 else { return 0 }
        let value = (1 + fraction) * 32768 / Double(UInt64(1) << shift)   // 2¹⁵ · 2^{integer} · (1 + f)
        return UInt32(value.rounded())
    }

    /// One Gibbs update of variable `k`.
    func update(_ k: Int, state: inout [Bool], random: inout XorShift64) {
        var e0 = quantize(network.blanketLogProbability(k, false, state: &state)) >> Int64(temperShift)
        var e1 = quantize(network.blanketLogProbability(k, true, state: &state)) >> Int64(temperShift)
        let high = Swift.max(e0, e1)
        let d = Swift.abs(e0 - e1)
        let lse = high + (d < Int64(softplusTable.count) ? softplusTable[Int(d)] : 0)
        e0 -= lse
        e1 -= lse
        let p0 = approximateExp(e0), p1 = approximateExp(e1)
        // Sample by accumulation against a uniform draw over the (approximately normalised) total.
        let total = UInt64(p0) + UInt64(p1)
        guard total > 0 else { return }
        let u = (random.next() >> 16) % total
        state[k] = u >= UInt64(p0)
    }

    /// `P(query = 1 | evidence)` from `sweeps` sweeps over the free variables after `burnIn`.
    public func estimate(query: Int, evidence: [Int: Bool], sweeps: Int, burnIn: Int = 1000, seed: UInt64) -> Double {
        var random = XorShift64(seed: seed)
        // Start from a forward sample consistent with the evidence (all ones for the free nodes).
        var state = (0..<network.nodes.count).map { evidence[$0] ?? true }
        let free = network.nodes.indices.filter { evidence[$0] == nil }
        var hits = 0
        for sweep in 0..<(burnIn + sweeps) {
            for k in free { update(k, state: &state, random: &random) }
            if sweep >= burnIn, state[query] { hits += 1 }
        }
        return Double(hits) / Double(sweeps)
    }
}
