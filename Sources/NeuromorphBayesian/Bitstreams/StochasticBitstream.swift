import Foundation
import NeuromorphCore

/// A stochastic bitstream generator (SBG): a k-bit random number compared with a quantised
/// probability, one bit per clock (Bagheriye & Kwisthout 2021, §1.3(f); digest
/// bayesian-hardware §1.3(f); spiking note §3). Bit t is `1` when `RAND_t < round(p·2^k)`.
public struct BitstreamGenerator: Sendable, Equatable {
    /// The comparator's resolution in bits (k).
    public let bits: Int
    /// The quantised probability `round(p·2^k)/2^k` the stream encodes.
    public let code: UInt64

    /// A generator for probability `p` ∈ [0, 1] at `bits` ∈ 1…32 bits of resolution.
    public init(probability p: Double, bits: Int = 16) throws {
        guard (1...32).contains(bits) else {
            throw BayesianError(field: "bits", value: "\(bits)", expected: "a comparator width in 1…32")
        }
        guard p.isFinite, (0...1).contains(p) else {
            throw BayesianError(field: "probability", value: "\(p)", expected: "a probability in [0, 1]")
        }
        self.bits = bits
        self.code = UInt64((p * Double(UInt64(1) << bits)).rounded())
    }

    /// The probability actually encoded.
    public var probability: Double { Double(code) / Double(UInt64(1) << bits) }

    /// The comparator: one bit from one k-bit random number.
    @inlinable
    public func bit(random: UInt64) -> Bool { (random >> (64 - UInt64(bits))) < code }

    /// `length` bits drawn from `generator`.
    public func stream(length: Int, using generator: inout SeededGenerator) -> [Bool] {
        (0..<length).map { _ in bit(random: generator.next()) }
    }
}

/// Stochastic-computing arithmetic on bitstreams (§1.3(f)): AND multiplies independent
/// streams (`pa·pb`), a MUX with select stream s adds with scaling (`s·pa + (1−s)·pb`).
/// Streams that share one random source are correlated: AND then gives `min(pa, pb)` —
/// why SPINBIS forbids sharing a generator between "conflicting" inputs.
public enum StochasticArithmetic {
    public static func and(_ a: [Bool], _ b: [Bool]) -> [Bool] { zip(a, b).map { $0 && $1 } }

    public static func mux(select s: [Bool], _ a: [Bool], _ b: [Bool]) -> [Bool] {
        (0..<s.count).map { s[$0] ? a[$0] : b[$0] }
    }

    /// The fraction of ones.
    public static func mean(_ stream: [Bool]) -> Double {
        stream.isEmpty ? 0 : Double(stream.lazy.filter { $0 }.count) / Double(stream.count)
    }

    /// Two streams drawn from the same random numbers (a shared SBG).
    public static func sharedStreams(_ a: BitstreamGenerator, _ b: BitstreamGenerator, length: Int,
                                     using generator: inout SeededGenerator) -> ([Bool], [Bool]) {
        var x: [Bool] = [], y: [Bool] = []
        x.reserveCapacity(length)
        y.reserveCapacity(length)
        for _ in 0..<length {
            let r = generator.next()
            x.append(a.bit(random: r))
            y.append(b.bit(random: r))
        }
        return (x, y)
    }
}

/// PEAR's flat linear representation (§1.3(d)): n digits `p_i ∈ {0…k−1}` encode
/// `P = Σ p_i / (n(k−1))`; the flat-radix scheme (Kulkarni 2017a) chains M segments of n
/// flat elements for a resolution of `1/n^M`.
public struct FlatEncoding: Sendable, Equatable {
    /// Digits per segment (n).
    public let digits: Int
    /// States per device (k ≥ 2).
    public let states: Int

    public init(digits: Int, states: Int = 2) throws {
        guard digits >= 1 else { throw BayesianError(field: "digits", value: "\(digits)", expected: "≥ 1") }
        guard states >= 2 else { throw BayesianError(field: "states", value: "\(states)", expected: "≥ 2 device states") }
        self.digits = digits
        self.states = states
    }

    /// The resolution of one flat segment, `1/(n(k−1))`.
    public var resolution: Double { 1 / Double(digits * (states - 1)) }

    /// The probability a digit vector encodes.
    public func value(_ d: [Int]) throws -> Double {
        guard d.count == digits, d.allSatisfy({ (0..<states).contains($0) }) else {
            throw BayesianError(field: "digits", value: "\(d)", expected: "\(digits) digits in 0…\(states - 1)")
        }
        return Double(d.reduce(0, +)) / Double(digits * (states - 1))
    }

    /// The nearest encoding of `p` (digits filled from the first).
    public func encode(_ p: Double) -> [Int] {
        var remaining = Int((p.clamped(to: 0...1) * Double(digits * (states - 1))).rounded())
        return (0..<digits).map { _ in
            let d = Swift.min(states - 1, remaining)
            remaining -= d
            return d
        }
    }

    /// Flat-radix: M segments, value `Σ_m v_m / n^m` with each segment value `v_m ∈ {0…n}`
    /// (n binary digits counted); resolution `1/n^M`.
    public static func radixResolution(digits n: Int, segments m: Int) -> Double { 1 / Foundation.pow(Double(n), Double(m)) }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}

/// An invalid setting of a Bayesian primitive.
public struct BayesianError: Error, Sendable, Equatable, CustomStringConvertible, UserFacingError {
    public var field: String
    public var value: String
    public var expected: String
    public init(field: String, value: String, expected: String) {
        self.field = field; self.value = value; self.expected = expected
    }
    public var description: String { "\(field) = \(value): expected \(expected)" }
}
