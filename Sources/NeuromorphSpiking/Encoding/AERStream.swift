/// One address-event: which channel spiked, when (integer nanoseconds) and with which sign
/// (AER, as μBrain's strobe-only bus and Chundi's 8-bit address + inc/dec flag; spiking note
/// §1.6; digest UB §2.3, CH §3.5).
public struct AEREvent: Sendable, Codable, Hashable {
    /// Channel (neuron) address.
    public var address: Int32
    /// Time in nanoseconds.
    public var timeNs: Int64
    /// +1 (increment) or −1 (decrement).
    public var sign: Int8

    public init(address: Int32, timeNs: Int64, sign: Int8 = 1) {
        self.address = address
        self.timeNs = timeNs
        self.sign = sign
    }

    /// Stream order: time, then address, then sign (positive first).
    public static func precedes(_ a: AEREvent, _ b: AEREvent) -> Bool {
        if a.timeNs != b.timeNs { return a.timeNs < b.timeNs }
        if a.address != b.address { return a.address < b.address }
        return a.sign > b.sign
    }
}

/// Building and reading AER streams.
public enum AERStream {
    /// Merges per-channel spike times (ns) into one stream sorted by (time, address); every
    /// event gets `sign` (or the channel's entry of `signs`).
    public static func merge(_ times: [[Int64]], signs: [Int8]? = nil) throws -> [AEREvent] {
        if let signs, signs.count != times.count {
            throw SpikingParameterError(type: "AERStream", field: "signs", value: "\(signs.count) entries",
                                        expected: "one sign per channel (\(times.count))")
        }
        var events: [AEREvent] = []
        events.reserveCapacity(times.reduce(0) { $0 + $1.count })
        for (address, channel) in times.enumerated() {
            let sign = signs?[address] ?? 1
            guard sign == 1 || sign == -1 else {
                throw SpikingParameterError(type: "AERStream", field: "signs[\(address)]", value: "\(sign)",
                                            expected: "+1 or -1")
            }
            for t in channel {
                guard t >= 0 else {
                    throw SpikingParameterError(type: "AERStream", field: "times[\(address)]", value: "\(t)",
                                                expected: "times >= 0 ns")
                }
                events.append(AEREvent(address: Int32(address), timeNs: t, sign: sign))
            }
        }
        events.sort(by: AEREvent.precedes)
        return events
    }

    /// Spike times per channel (ns, in stream order) of the events of sign `sign`, for
    /// `channels` channels; events with an address outside `0..<channels` are ignored.
    public static func split(_ events: [AEREvent], channels: Int, sign: Int8? = nil) -> [[Int64]] {
        var out = [[Int64]](repeating: [], count: channels)
        for e in events where Int(e.address) < channels && e.address >= 0 && (sign == nil || e.sign == sign) {
            out[Int(e.address)].append(e.timeNs)
        }
        return out
    }

    /// Number of events per channel.
    public static func counts(_ events: [AEREvent], channels: Int) -> [Int] {
        var out = [Int](repeating: 0, count: channels)
        for e in events where Int(e.address) < channels && e.address >= 0 { out[Int(e.address)] += 1 }
        return out
    }
}
