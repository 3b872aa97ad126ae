import NeuromorphChipModels
import NeuromorphCore

/// The requests latched in one arbiter: a count per source and a bit set of the sources
/// with at least one request, so arbiters find the next source with a word scan.
public struct PendingRequests: Sendable {
    /// Number of sources (request lines).
    public let capacity: Int
    @usableFromInline var words: [UInt64]
    @usableFromInline var counts: [Int32]
    /// Total requests waiting.
    public private(set) var total: Int = 0
    /// Sources with at least one request.
    public private(set) var distinctSources: Int = 0

    public init(capacity: Int) {
        self.capacity = capacity
        words = [UInt64](repeating: 0, count: (capacity + 63) / 64)
        counts = [Int32](repeating: 0, count: capacity)
    }

    /// Requests waiting from `source`.
    public func count(of source: Int) -> Int { Int(counts[source]) }

    /// Adds one request of `source`.
    public mutating func add(_ source: Int) {
        if counts[source] == 0 {
            words[source >> 6] |= 1 << UInt64(source & 63)
            distinctSources += 1
        }
        counts[source] += 1
        total += 1
    }

    /// Removes one request of `source` (which must be pending).
    public mutating func remove(_ source: Int) {
        precondition(counts[source] > 0, "PendingRequests.remove: source \(source) has no request")
        counts[source] -= 1
        total -= 1
        if counts[source] == 0 {
            words[source >> 6] &= ~(1 << UInt64(source & 63))
            distinctSources -= 1
        }
    }

    /// Removes every request; returns how many there were.
    public mutating func removeAll() -> Int {
        let n = total
        for i in words.indices { words[i] = 0 }
        for i in counts.indices { counts[i] = 0 }
        total = 0
        distinctSources = 0
        return n
    }

    /// The lowest pending source with index ≥ `start`, if any.
    public func first(atOrAfter start: Int) -> Int? {
        guard start < capacity else { return nil }
        var w = start >> 6
        var word = words[w] & (~0 << UInt64(start & 63))
        while true {
            if word != 0 { return w << 6 + word.trailingZeroBitCount }
            w += 1
            if w == words.count { return nil }
            word = words[w]
        }
    }

    /// The `k`-th pending source in index order (0-based, `k < distinctSources`).
    public func nth(_ k: Int) -> Int {
        precondition(k >= 0 && k < distinctSources, "PendingRequests.nth: \(k) of \(distinctSources)")
        var remaining = k
        for (w, word) in words.enumerated() {
            let n = word.nonzeroBitCount
            if remaining < n {
                var bits = word
                for _ in 0..<remaining { bits &= bits - 1 }
                return w << 6 + bits.trailingZeroBitCount
            }
            remaining -= n
        }
        preconditionFailure("PendingRequests.nth: bit set and count disagree")
    }
}

/// How an arbiter picks one of the latched requests (μBrain's 1-hot mask; Chundi's
/// fixed-priority FSM; spiking note §1.4).
public protocol Arbiter: Sendable {
    /// Picks one pending source (`pending.total > 0`); the simulator removes one of its requests.
    mutating func select(from pending: PendingRequests) -> Int
    /// An independent arbiter for layer `layer` of sample `sample` (fresh state; random
    /// arbiters get their own stream, so results do not depend on thread scheduling).
    func derived(layer: Int, sample: Int) -> Self
}

/// Fixed ("linear") priority: the lowest pending index first (Chundi: "the lowest index has
/// the highest priority", digest CH §3.3; μBrain's linear polling).
public struct FixedPriorityArbiter: Arbiter {
    public init() {}
    public func select(from pending: PendingRequests) -> Int {
        guard let s = pending.first(atOrAfter: 0) else { preconditionFailure("FixedPriorityArbiter: nothing pending") }
        return s
    }
    public func derived(layer: Int, sample: Int) -> FixedPriorityArbiter { self }
}

/// Round-robin: the first pending index after the last one served, cyclically (μBrain's
/// round-robin polling, digest UB §2.3).
public struct RoundRobinArbiter: Arbiter {
    /// The source served last (−1 before the first grant).
    public var lastServed: Int
    public init(lastServed: Int = -1) { self.lastServed = lastServed }
    public mutating func select(from pending: PendingRequests) -> Int {
        guard let s = pending.first(atOrAfter: lastServed + 1) ?? pending.first(atOrAfter: 0) else {
            preconditionFailure("RoundRobinArbiter: nothing pending")
        }
        lastServed = s
        return s
    }
    public func derived(layer: Int, sample: Int) -> RoundRobinArbiter { RoundRobinArbiter() }
}

/// Seeded random: each grant picks one of the pending sources uniformly (an arbitration
/// order model, not a circuit in either paper).
public struct RandomArbiter: Arbiter {
    /// The run's seed; layer `l` of sample `k` draws from stream `arbiter/sample.k/layer.l`.
    public let seed: UInt64
    public var generator: SeededGenerator
    public init(seed: UInt64) {
        self.seed = seed
        generator = SeededGenerator(seed: seed, key: StreamKey("arbiter"))
    }
    public mutating func select(from pending: PendingRequests) -> Int {
        pending.nth(generator.nextInt(below: pending.distinctSources))
    }
    public func derived(layer: Int, sample: Int) -> RandomArbiter {
        var a = self
        a.generator = SeededGenerator(seed: seed, key: StreamKey("arbiter").child("sample", sample).child("layer", layer))
        return a
    }
}

/// The timing of one layer's arbiter, in integer nanoseconds.
///
/// A request that finds the arbiter idle is served `grantLatencyNs` later; while requests
/// remain, the next grant follows `grantIntervalNs` after the previous one; a spike emitted by
/// a neuron reaches the next arbiter `requestLatencyNs` after the grant that caused it.
/// Inter-arrival timing inside a busy period is not preserved (digest UB §2.3 [T]).
public struct ArbiterTiming: Sendable, Codable, Hashable {
    public var grantLatencyNs: Int64
    public var grantIntervalNs: Int64
    public var requestLatencyNs: Int64

    public init(grantLatencyNs: Int64 = 0, grantIntervalNs: Int64, requestLatencyNs: Int64 = 0) throws {
        for (name, v) in [("grantLatencyNs", grantLatencyNs), ("requestLatencyNs", requestLatencyNs)] where v < 0 {
            throw SpikingParameterError(type: "ArbiterTiming", field: name, value: "\(v)", expected: "a duration >= 0 ns")
        }
        guard grantIntervalNs > 0 else {
            throw SpikingParameterError(type: "ArbiterTiming", field: "grantIntervalNs", value: "\(grantIntervalNs)",
                                        expected: "a duration > 0 ns")
        }
        self.init(unchecked: grantLatencyNs, grantIntervalNs, requestLatencyNs)
    }

    init(unchecked grantLatencyNs: Int64, _ grantIntervalNs: Int64, _ requestLatencyNs: Int64) {
        self.grantLatencyNs = grantLatencyNs
        self.grantIntervalNs = grantIntervalNs
        self.requestLatencyNs = requestLatencyNs
    }

    /// μBrain: latched spikes served one at a time, 100 ns apart (the delay cell's safe
    /// margin; digest UB §2.3).
    public static let muBrain = ArbiterTiming(unchecked: 0, 100, 0)

    /// A clocked arbiter: `N_cyc` cycles at `f_clk` per grant, the spikes sent at the end of
    /// the grant, so a frame of length T serves `⌊T·f/N_cyc⌋` requests (Chundi Eq. 2).
    public static func clocked(cyclesPerGrant: Double, clockHz: Double) throws -> ArbiterTiming {
        guard cyclesPerGrant > 0, clockHz > 0, cyclesPerGrant.isFinite, clockHz.isFinite else {
            throw SpikingParameterError(type: "ArbiterTiming.clocked", field: "cyclesPerGrant, clockHz",
                                        value: "\(cyclesPerGrant), \(clockHz)", expected: "finite numbers > 0")
        }
        return clockedUnchecked(cyclesPerGrant, clockHz)
    }

    static func clockedUnchecked(_ cycles: Double, _ clockHz: Double) -> ArbiterTiming {
        let interval = Swift.max(1, Int64((cycles / clockHz * 1e9).rounded()))
        return ArbiterTiming(unchecked: interval, interval, 0)
    }

    /// Chundi's synapse block: N_cyc = 3 [I] cycles at 17 kHz (``ArbiterDesign/keywordSpotting``;
    /// digest CH §3.3): 176,471 ns per grant.
    public static let chundi = clockedUnchecked(ArbiterDesign.keywordSpotting.cyclesPerRequest,
                                                ArbiterDesign.keywordSpotting.clockHz)
}
