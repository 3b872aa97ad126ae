/// The ordering key of a scheduled event: integer-nanosecond time, then layer, then arbiter
/// rank, then insertion sequence (spiking note §1.4). Equal keys cannot occur, so the order
/// of processing — and every result — is deterministic.
public struct EventKey: Sendable, Hashable, Comparable {
    public var timeNs: Int64
    public var layer: Int32
    public var rank: Int32
    public var sequence: Int64

    public init(timeNs: Int64, layer: Int32, rank: Int32, sequence: Int64) {
        self.timeNs = timeNs
        self.layer = layer
        self.rank = rank
        self.sequence = sequence
    }

    @inlinable
    public static func < (a: EventKey, b: EventKey) -> Bool {
        if a.timeNs != b.timeNs { return a.timeNs < b.timeNs }
        if a.layer != b.layer { return a.layer < b.layer }
        if a.rank != b.rank { return a.rank < b.rank }
        return a.sequence < b.sequence
    }
}

/// A binary min-heap of keyed events (priority queue), stored in one contiguous array.
public struct EventQueue<Payload: Sendable>: Sendable {
    @usableFromInline var keys: [EventKey] = []
    @usableFromInline var payloads: [Payload] = []
    /// The next sequence number handed out by ``push(timeNs:layer:rank:_:)``.
    public private(set) var nextSequence: Int64 = 0

    public init() {}

    public var isEmpty: Bool { keys.isEmpty }
    public var count: Int { keys.count }

    /// The smallest key, if any.
    public var minimumKey: EventKey? { keys.first }

    /// Schedules `payload` at `(timeNs, layer, rank)`; ties are broken by insertion order.
    public mutating func push(timeNs: Int64, layer: Int32, rank: Int32, _ payload: Payload) {
        let key = EventKey(timeNs: timeNs, layer: layer, rank: rank, sequence: nextSequence)
        nextSequence += 1
        keys.append(key)
        payloads.append(payload)
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) >> 1
            guard key < keys[parent] else { break }
            keys[i] = keys[parent]
            payloads[i] = payloads[parent]
            i = parent
        }
        keys[i] = key
        payloads[i] = payload
    }

    /// Removes and returns the event with the smallest key.
    public mutating func pop() -> (key: EventKey, payload: Payload)? {
        guard let top = keys.first else { return nil }
        let topPayload = payloads[0]
        let lastKey = keys.removeLast()
        let lastPayload = payloads.removeLast()
        let n = keys.count
        if n > 0 {
            var i = 0
            while true {
                let left = 2 * i + 1
                if left >= n { break }
                var child = left
                if left + 1 < n && keys[left + 1] < keys[left] { child = left + 1 }
                guard keys[child] < lastKey else { break }
                keys[i] = keys[child]
                payloads[i] = payloads[child]
                i = child
            }
            keys[i] = lastKey
            payloads[i] = lastPayload
        }
        return (top, topPayload)
    }

    /// Removes every event.
    public mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        payloads.removeAll(keepingCapacity: true)
    }
}
