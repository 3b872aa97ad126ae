import NeuromorphCore

/// A fixed-point number format `Q(bits, fraction)`, signed or unsigned, with an overflow and a
/// rounding rule, usable for neuron state and weights (spiking note §1.5).
///
/// A value `x` is stored as an integer code `c` with `x ≈ c · 2^(−fraction)`:
///
/// ```
/// signed:              c ∈ [−2^(bits−1), 2^(bits−1) − 1]       (two's complement)
/// signed, symmetric:   c ∈ [−(2^(bits−1) − 1), 2^(bits−1) − 1] (sign-magnitude; μBrain −7…7)
/// unsigned:            c ∈ [0, 2^bits − 1]
///
/// rounding   nearest:    c = round(x · 2^f)   (ties to even, as NumPy and PyTorch `round`)
///            floor:      c = ⌊x · 2^f⌋
///            stochastic: c = ⌊x · 2^f + U⌋, U ~ U[0, 1)   (rounds up with probability frac(x · 2^f))
/// overflow   saturate:   c ← min(max(c, c_min), c_max)
///            wrap:       c ← c_min + ((c − c_min) mod (c_max − c_min + 1))
///            clampZero:  c ← min(max(c, 0), c_max)   (μBrain's accumulator underflow rule)
/// ```
///
/// A negative `fraction` gives an LSB of `2^|fraction|` (SpiNNaker-style power-of-two weight
/// scaling of large weights). NaN rounds to code 0; ±∞ saturate to the range ends under every
/// overflow rule.
public struct QFormat: Sendable, Codable, Hashable, CustomStringConvertible {
    /// What happens to a code outside the representable range.
    public enum Overflow: String, Sendable, Codable, CaseIterable, Hashable {
        /// Clip to the nearest end of the range.
        case saturate
        /// Wrap around modulo the range size (two's-complement overflow).
        case wrap
        /// Clip negative codes to 0 and large ones to the maximum (μBrain underflow clamp).
        case clampZero = "clamp_zero"
    }

    /// How a real value is rounded to a code.
    public enum Rounding: String, Sendable, Codable, CaseIterable, Hashable {
        /// Round half to even.
        case nearest
        /// Round toward −∞.
        case floor
        /// Round up with probability equal to the fractional part (needs a seeded generator).
        case stochastic
    }

    /// Total bits of a code, 1…32.
    public let bits: Int
    /// Fractional bits: the LSB is `2^(−fraction)`; −32…32.
    public let fraction: Int
    /// Whether codes can be negative.
    public let signed: Bool
    /// Signed formats only: drop the most negative code so the range is symmetric.
    public let symmetric: Bool
    /// The overflow rule.
    public var overflow: Overflow
    /// The rounding rule.
    public var rounding: Rounding

    /// A format; throws ``SpikingParameterError`` naming the field for `bits` outside 1…32,
    /// `fraction` outside −32…32, or `symmetric` on an unsigned or 1-bit format.
    public init(bits: Int, fraction: Int = 0, signed: Bool, symmetric: Bool = false,
                overflow: Overflow = .saturate, rounding: Rounding = .nearest) throws {
        let t = "QFormat"
        guard (1...32).contains(bits) else {
            throw SpikingParameterError(type: t, field: "bits", value: "\(bits)", expected: "an integer in 1...32")
        }
        guard (-32...32).contains(fraction) else {
            throw SpikingParameterError(type: t, field: "fraction", value: "\(fraction)",
                                        expected: "an integer in -32...32")
        }
        if symmetric && !signed {
            throw SpikingParameterError(type: t, field: "symmetric", value: "true",
                                        expected: "false for an unsigned format (its range is already 0...2^bits-1)")
        }
        if symmetric && bits < 2 {
            throw SpikingParameterError(type: t, field: "bits", value: "\(bits)",
                                        expected: "at least 2 for a symmetric signed format")
        }
        self.init(unchecked: bits, fraction, signed, symmetric, overflow, rounding)
    }

    init(unchecked bits: Int, _ fraction: Int, _ signed: Bool, _ symmetric: Bool,
         _ overflow: Overflow, _ rounding: Rounding) {
        self.bits = bits
        self.fraction = fraction
        self.signed = signed
        self.symmetric = symmetric
        self.overflow = overflow
        self.rounding = rounding
    }

    // MARK: - Range

    /// The smallest code.
    public var minimumCode: Int64 {
        guard signed else { return 0 }
        let half = Int64(1) << (bits - 1)
        return symmetric ? -(half - 1) : -half
    }

    /// The largest code.
    public var maximumCode: Int64 {
        signed ? (Int64(1) << (bits - 1)) - 1 : (Int64(1) << bits) - 1
    }

    /// The value of one LSB, `2^(−fraction)`.
    public var resolution: Double { fraction >= 0 ? 1 / Double(Int64(1) << fraction) : Double(Int64(1) << -fraction) }

    /// The smallest representable value.
    public var minimumValue: Double { Double(minimumCode) * resolution }
    /// The largest representable value.
    public var maximumValue: Double { Double(maximumCode) * resolution }

    /// The range of codes after the overflow rule (`clampZero` excludes negative codes).
    public var codeRange: ClosedRange<Int64> {
        overflow == .clampZero ? Swift.max(0, minimumCode)...maximumCode : minimumCode...maximumCode
    }

    /// Whether `code` lies in ``codeRange``.
    public func contains(code: Int64) -> Bool { codeRange.contains(code) }

    public var description: String {
        "Q\(bits).\(fraction)\(signed ? (symmetric ? " signed symmetric" : " signed") : " unsigned") [\(codeRange.lowerBound), \(codeRange.upperBound)] \(overflow.rawValue) \(rounding.rawValue)"
    }

    // MARK: - Overflow

    /// Applies the overflow rule to an integer code.
    @inlinable
    public func fit(_ code: Int64) -> Int64 {
        let lo = minimumCode, hi = maximumCode
        switch overflow {
        case .saturate: return Swift.min(Swift.max(code, lo), hi)
        case .clampZero: return Swift.min(Swift.max(code, Swift.max(0, lo)), hi)
        case .wrap:
            if code >= lo && code <= hi { return code }
            let size = hi - lo + 1
            var r = (code - lo) % size
            if r < 0 { r += size }
            return lo + r
        }
    }

    // MARK: - Rounding

    /// `x · 2^fraction`, with NaN → 0 and magnitudes capped at 2⁶² (so ±∞ saturate).
    private func scaled(_ x: Double) -> Double {
        guard !x.isNaN else { return 0 }
        let s = x / resolution
        let cap = 0x1p62
        return Swift.min(Swift.max(s, -cap), cap)
    }

    /// The code of `x` under ``rounding`` (`nearest` or `floor`) and ``overflow``.
    ///
    /// - Precondition: ``rounding`` is not `stochastic` (use ``code(for:using:)``).
    public func code(for x: Double) -> Int64 {
        precondition(rounding != .stochastic, "QFormat.code(for:): stochastic rounding needs a seeded generator")
        return finish(x, scaled(x).rounded(rounding == .floor ? .down : .toNearestOrEven))
    }

    /// The code of `x` under ``rounding`` and ``overflow``; stochastic rounding draws one
    /// uniform number from `generator` per call (the others draw none).
    public func code(for x: Double, using generator: inout SeededGenerator) -> Int64 {
        let s = scaled(x)
        let raw: Double
        switch rounding {
        case .nearest: raw = s.rounded(.toNearestOrEven)
        case .floor: raw = s.rounded(.down)
        case .stochastic: raw = (s + generator.nextUniformDouble()).rounded(.down)
        }
        return finish(x, raw)
    }

    /// Infinities go to the range ends; finite codes through the overflow rule.
    private func finish(_ x: Double, _ raw: Double) -> Int64 {
        if x == .infinity { return codeRange.upperBound }
        if x == -.infinity { return codeRange.lowerBound }
        return fit(Int64(raw))
    }

    /// The real value of a code, `c · 2^(−fraction)`.
    @inlinable
    public func value(ofCode code: Int64) -> Double { Double(code) * resolution }

    /// `x` rounded to the nearest representable value under ``rounding`` and ``overflow``.
    public func quantize(_ x: Double) -> Double { value(ofCode: code(for: x)) }

    /// `x` rounded with a seeded generator (for stochastic rounding).
    public func quantize(_ x: Double, using generator: inout SeededGenerator) -> Double {
        value(ofCode: code(for: x, using: &generator))
    }
}

// MARK: - Presets (spiking note §1.5)

extension QFormat {
    /// μBrain synaptic weights: 4-bit signed symmetric integers −7…+7 (Stuijt et al. 2021;
    /// digest UB §2.2, [I] symmetric reading of the printed range erratum).
    public static let muBrainWeight = QFormat(unchecked: 4, 0, true, true, .saturate, .nearest)

    /// μBrain accumulator: a 7-bit register that "can effectively store only positive values
    /// from 0 to 63", underflow kept at zero (digest UB §2.2).
    public static let muBrainAccumulator = QFormat(unchecked: 7, 0, true, false, .clampZero, .floor)

    /// Chundi's membrane potential: the 9-bit adder/subtractor, −256…255, saturating
    /// (saturation is not in the paper's text, a knob here; digest CH §3.2).
    public static let chundiPotential = QFormat(unchecked: 9, 0, true, false, .saturate, .floor)

    /// MONETA 8-bit weights in two's complement, −128…127 (digest MO §3.2).
    public static let monetaWeight = QFormat(unchecked: 8, 0, true, false, .saturate, .nearest)

    /// MONETA 8-bit weights in sign-magnitude, −127…127.
    public static let monetaWeightSignMagnitude = QFormat(unchecked: 8, 0, true, true, .saturate, .nearest)

    /// MONETA 4-bit unsigned inputs, 0…15.
    public static let monetaInput = QFormat(unchecked: 4, 0, false, false, .saturate, .nearest)

    /// SpiNNaker 16-bit unsigned weights with a power-of-two scale: the largest `fraction`
    /// whose range still holds `maximumWeight` (sPyNNaker's weight scaling; Steffen et al.,
    /// digest ST §1.2(c)). For 63 (µS) the fraction is 10 (LSB 1/1024, maximum 63.999).
    public static func spiNNakerWeight(maximumWeight: Double) throws -> QFormat {
        guard maximumWeight.isFinite, maximumWeight > 0 else {
            throw SpikingParameterError(type: "QFormat.spiNNakerWeight", field: "maximumWeight",
                                        value: "\(maximumWeight)", expected: "a finite number > 0")
        }
        var f = 32
        while f > -32 && Double(UInt16.max) * (f >= 0 ? 1 / Double(Int64(1) << f) : Double(Int64(1) << -f)) < maximumWeight {
            f -= 1
        }
        return try QFormat(bits: 16, fraction: f, signed: false, overflow: .saturate, rounding: .nearest)
    }
}
