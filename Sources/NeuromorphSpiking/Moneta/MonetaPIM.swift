/// MONETA's bit-serial processing-in-memory multiply (Kim et al. 2022, synaptic array;
/// digest bayesian-hardware §3.4, §3.7 item 3; spiking note §2.4 "PIM bit-serial MVM = integer
/// dot product" [I]).
///
/// Each 8-bit weight sits in 8 bit columns of a 128-column 8T-SRAM array; input spikes drive
/// the row wordlines one row per cycle; a column's sense amplifier reads 1 when the spike and
/// the stored bit are both 1, and the H-NoC accumulates those partial sums. The shift-add
/// across bit columns and the sign handling are not described in the paper [I]:
///
/// ```
/// partial_b = Σ_i s_i · bit_b(code_i)                        (row by row, per bit column b)
/// two's complement:  y = Σ_{b<7} 2^b·partial_b − 2^7·partial_7
/// sign-magnitude:    y = Σ_{b<7} 2^b·(partial⁺_b − partial⁻_b)  (bit 7 = sign selects the sum)
/// ```
///
/// which equals the integer dot product `Σ_i s_i·w_i` for weights in the format's range.
public enum MonetaPIM {
    /// How the 8 stored bits encode a signed weight (the paper: "sign bit in the leftmost cell").
    public enum WeightEncoding: String, Sendable, Codable, CaseIterable {
        /// −128…127.
        case twosComplement = "twos-complement"
        /// −127…127, bit 7 = sign.
        case signMagnitude = "sign-magnitude"
    }

    /// The 8-bit pattern stored for weight `w` (in range for `encoding`).
    @inlinable public static func storedBits(_ w: Int32, encoding: WeightEncoding) -> UInt8 {
        switch encoding {
        case .twosComplement: return UInt8(truncatingIfNeeded: w)
        case .signMagnitude: return (w < 0 ? 0x80 : 0) | UInt8(truncatingIfNeeded: Swift.min(Swift.abs(w), 127))
        }
    }

    /// The bit-serial, row-by-row PIM product of binary `spikes` with the stored weights of
    /// one filter column group (`weights[i]` on row i).
    public static func bitSerialDot(weights: UnsafeBufferPointer<Int32>, spikes: UnsafeBufferPointer<Bool>,
                                    encoding: WeightEncoding = .twosComplement) -> Int {
        precondition(weights.count == spikes.count, "one weight per row")
        var positive = [Int](repeating: 0, count: 8)
        var negative = [Int](repeating: 0, count: 8)
        for row in 0..<spikes.count where spikes[row] {     // one wordline per cycle
            let bits = storedBits(weights[row], encoding: encoding)
            let isNegative = encoding == .signMagnitude && bits & 0x80 != 0
            for b in 0..<8 where bits & (1 << UInt8(b)) != 0 {
                if isNegative { negative[b] += 1 } else { positive[b] += 1 }
            }
        }
        var y = 0
        switch encoding {
        case .twosComplement:
            for b in 0..<7 { y += positive[b] << b }
            y -= positive[7] << 7
        case .signMagnitude:
            for b in 0..<7 { y += (positive[b] - negative[b]) << b }
        }
        return y
    }

    /// `Σ_i s_i·w_i`, the reference.
    public static func integerDot(weights: UnsafeBufferPointer<Int32>, spikes: UnsafeBufferPointer<Bool>) -> Int {
        precondition(weights.count == spikes.count, "one weight per row")
        var y = 0
        for i in 0..<spikes.count where spikes[i] { y += Int(weights[i]) }
        return y
    }
}
