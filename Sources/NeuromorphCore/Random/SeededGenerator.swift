/// The seeded random generator every simulation draw comes from: xoshiro256++
/// (Blackman & Vigna 2019), 256-bit state, period 2²⁵⁶ − 1.
///
/// Independent streams: `SeededGenerator(seed:stream:)` seeds the state by hashing
/// `(seed, stream)` through SplitMix64, so each layer, tile or worker chunk gets its own
/// stream and results do not depend on thread scheduling. The same `(seed, stream)`
/// always gives bit-identical numbers. Never use `SystemRandomNumberGenerator` in
/// simulation code.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Codable, Equatable {
    /// The four state words; exposed so checkpoints can resume a stream exactly.
    public var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator for stream `stream` of seed `seed`.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var mixer = SplitMix64(state: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        // Decorrelate neighbouring streams further by an extra round keyed on the stream.
        mixer.state = mixer.state &+ SplitMix64.mix(stream &+ 0x632B_E59B_D9B4_E019)
        state = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
        if state == (0, 0, 0, 0) { state.0 = 1 }
    }

    /// A new generator for a derived, independent stream (e.g. one per layer).
    public func split(stream: UInt64) -> SeededGenerator {
        SeededGenerator(seed: state.0 ^ SplitMix64.mix(state.3), stream: stream)
    }

    /// The next 64 random bits (xoshiro256++).
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotl(state.0 &+ state.3, 23) &+ state.0
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    @inlinable func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public static func == (a: SeededGenerator, b: SeededGenerator) -> Bool { a.state == b.state }

    // MARK: Codable (state as four words)
    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        state = (try c.decode(UInt64.self), try c.decode(UInt64.self),
                 try c.decode(UInt64.self), try c.decode(UInt64.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(state.0); try c.encode(state.1); try c.encode(state.2); try c.encode(state.3)
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): used only to expand seeds into xoshiro state.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 output function: a bijective 64-bit hash.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
