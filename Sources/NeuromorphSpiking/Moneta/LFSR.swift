/// A k-bit linear-feedback shift register, MONETA's pseudo-random source for stochastic STDP
/// (Kim et al. 2022, weight update module; digest bayesian-hardware §3.2, §3.4; spiking note
/// §1.3). Each ``next()`` clocks the register once and returns its k-bit state as RND.
///
/// ```
/// Fibonacci:  b = ⊕_{t ∈ taps} s[k − t];   s ← (s >> 1) | (b << (k − 1))
/// Galois:     l = s & 1;  s ← s >> 1;  if l { s ← s ⊕ Σ_{t ∈ taps} 2^{t−1} }
/// ```
///
/// The taps are maximal-length polynomials (Xilinx XAPP052), so from any non-zero seed the
/// state visits every value in 1…2^k − 1 once per period 2^k − 1, and the frequency of
/// `RND < P` over a period is (P − 1)/(2^k − 1) ≈ P/2^k. The paper gives neither the width
/// nor the polynomial; 16 bits is the note's choice (§4.4).
public struct LFSR: Sendable, Codable, Hashable {
    public enum Form: String, Sendable, Codable, Hashable, CaseIterable { case fibonacci, galois }

    /// Register width k.
    public let width: Int
    /// Tap positions (1-based, the polynomial's exponents), largest first.
    public let taps: [Int]
    public let form: Form
    /// Current state (never 0).
    public private(set) var state: UInt32
    /// Σ 2^{t−1} over the taps (Galois toggle mask).
    let galoisMask: UInt32

    /// Maximal-length taps for widths 3…24 and 32 (Xilinx XAPP052, Table 3).
    public static let maximalTaps: [Int: [Int]] = [
        3: [3, 2], 4: [4, 3], 5: [5, 3], 6: [6, 5], 7: [7, 6], 8: [8, 6, 5, 4], 9: [9, 5], 10: [10, 7],
        11: [11, 9], 12: [12, 6, 4, 1], 13: [13, 4, 3, 1], 14: [14, 5, 3, 1], 15: [15, 14], 16: [16, 15, 13, 4],
        17: [17, 14], 18: [18, 11], 19: [19, 6, 2, 1], 20: [20, 17], 21: [21, 19], 22: [22, 21], 23: [23, 18],
        24: [24, 23, 22, 17], 32: [32, 22, 2, 1],
    ]

    /// A register of `width` bits with the maximal taps, seeded with `seed` (its low k bits;
    /// a zero seed becomes 1, the all-zero state being a fixed point). Throws
    /// ``SpikingParameterError`` for a width without a tap table.
    public init(width: Int = 16, seed: UInt32 = 1, form: Form = .fibonacci) throws {
        guard let taps = Self.maximalTaps[width] else {
            throw SpikingParameterError(type: "LFSR", field: "width", value: "\(width)",
                                        expected: "one of \(Self.maximalTaps.keys.sorted())")
        }
        self.width = width
        self.taps = taps
        self.form = form
        galoisMask = taps.reduce(0) { $0 | (1 << UInt32($1 - 1)) }
        let mask: UInt32 = width == 32 ? .max : (1 << UInt32(width)) - 1
        let s = seed & mask
        state = s == 0 ? 1 : s
    }

    /// 2^k, the number of RND values.
    public var range: UInt64 { 1 << UInt64(width) }

    /// Clocks once and returns the new state.
    public mutating func next() -> UInt32 {
        let k = UInt32(width)
        switch form {
        case .fibonacci:
            var bit: UInt32 = 0
            for t in taps { bit ^= (state >> (k - UInt32(t))) & 1 }
            state = (state >> 1) | (bit << (k - 1))
        case .galois:
            let low = state & 1
            state >>= 1
            if low == 1 {
                state ^= galoisMask
            }
        }
        return state
    }
}
