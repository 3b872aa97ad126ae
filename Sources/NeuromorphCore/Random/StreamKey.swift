/// The name of an independent random stream: a path of components such as
/// `model / "layers.3" / "tile.0.1" / "update"`.
///
/// Every random draw in Neuromorph comes from a stream derived from the run's seed and a
/// key, never from integer tags chosen at each call site: the key names what the stream is
/// for (a layer path, a tile index, a role), so adding a layer or a stream elsewhere leaves
/// every other stream's numbers unchanged, and the same seed gives the same numbers for any
/// thread count.
///
/// ```swift
/// var init = SeededGenerator(seed: 7, key: StreamKey("model", "layers.0", "init"))
/// let update = tileGenerator.split(key: "update")
/// ```
public struct StreamKey: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The path components, outermost first.
    public var components: [String]

    public init(_ components: String...) { self.components = components }
    public init(components: [String]) { self.components = components }
    public init(stringLiteral value: String) { components = [value] }

    /// The key one level deeper.
    public static func / (key: StreamKey, component: String) -> StreamKey {
        StreamKey(components: key.components + [component])
    }

    /// The key one level deeper, for an indexed child (`tile.3`).
    public func child(_ name: String, _ index: Int) -> StreamKey { self / "\(name).\(index)" }

    /// Components joined with `/`.
    public var description: String { components.joined(separator: "/") }

    /// The 64-bit stream number of the key: FNV-1a over the UTF-8 bytes of `description`,
    /// finished with the SplitMix64 mixer. Stable across runs, platforms and versions.
    public var streamNumber: UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in description.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return SplitMix64.mix(hash)
    }
}

extension SeededGenerator {
    /// The generator of stream `key` of seed `seed`.
    public init(seed: UInt64, key: StreamKey) {
        self.init(seed: seed, stream: key.streamNumber)
    }

    /// An independent generator for the named sub-stream, derived from this generator's
    /// current state (which it does not advance).
    public func split(key: StreamKey) -> SeededGenerator { split(stream: key.streamNumber) }
}
