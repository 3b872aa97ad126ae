import NeuromorphCore

/// How a max-pooling layer of the ANN runs in the converted spiking network.
public enum MaxPoolConversion: String, Sendable, Codable, CaseIterable, Hashable {
    /// Rueckauer et al. 2017 §2.2.3: a gate passes only the spikes of the window's neuron with
    /// the highest spike count so far (its online estimate of the maximum firing rate; ties →
    /// the first neuron of the window). The rate behind the gate ≈ the largest rate in the window.
    case gate
    /// Replace max by average pooling (exact for rates, but a different function than the one
    /// trained: the ANN side of the comparison is then the average-pooled network too).
    case average
}

/// A 2-D pooling layer between two spiking layers, over `[C, H, W]` neurons (no padding, as
/// ``NeuromorphNN/Pool2d``): which windows each neuron belongs to and which neurons make each
/// window.
///
/// ```
/// ANN      average  a_o = (1/k²) Σ_{i ∈ window o} a_i        max  a_o = max_{i ∈ window o} a_i
/// SNN      average  a spike of i sends the value 1/k² to every window o ∋ i (linear, exact in rate)
///          gate     a spike of i passes to window o iff i = argmax_{j ∈ o} n_j (spike counts so far)
/// ```
public struct SpikePooling: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case maxGate, average, max }
    /// `max` is the ANN's max pool (used by `activations`); ``spikeKind`` says how it spikes.
    public let kind: Kind
    public let channels: Int, height: Int, width: Int, window: Int, stride: Int
    public let outputHeight: Int, outputWidth: Int
    /// How a `max` pool runs in the SNN.
    public let spikeKind: Kind
    /// `members[o · k² ..< (o + 1) · k²]`: the input neurons of window o, row-major.
    let members: [Int32]
    /// Windows of each input neuron, CSR: `windows[windowOffsets[i] ..< windowOffsets[i + 1]]`.
    let windowOffsets: [Int32]
    let windows: [Int32]

    public init(kind: PoolingKind, maxPool: MaxPoolConversion, channels: Int, height: Int, width: Int, window: Int, stride: Int) {
        self.kind = kind == .average ? .average : .max
        spikeKind = kind == .average || maxPool == .average ? .average : .maxGate
        self.channels = channels
        self.height = height
        self.width = width
        self.window = window
        self.stride = stride
        outputHeight = (height - window) / stride + 1
        outputWidth = (width - window) / stride + 1
        var members: [Int32] = []
        var lists = [[Int32]](repeating: [], count: channels * height * width)
        for c in 0..<channels {
            for oy in 0..<outputHeight {
                for ox in 0..<outputWidth {
                    let o = Int32((c * outputHeight + oy) * outputWidth + ox)
                    for ky in 0..<window {
                        for kx in 0..<window {
                            let i = (c * height + oy * stride + ky) * width + ox * stride + kx
                            members.append(Int32(i))
                            lists[i].append(o)
                        }
                    }
                }
            }
        }
        self.members = members
        var offsets: [Int32] = [0]
        var windows: [Int32] = []
        for list in lists { windows += list; offsets.append(Int32(windows.count)) }
        windowOffsets = offsets
        self.windows = windows
    }

    public var inputCount: Int { channels * height * width }
    public var outputCount: Int { channels * outputHeight * outputWidth }

    /// The ANN pooling of a `[C, H, W]` activation (max, or average when the conversion
    /// replaces max by average).
    public func pool(_ a: [Float]) -> [Float] {
        let k2 = window * window
        return (0..<outputCount).map { o in
            let m = members[(o * k2)..<((o + 1) * k2)]
            return spikeKind == .average ? m.reduce(0) { $0 + a[Int($1)] } / Float(k2) : m.reduce(-Float.infinity) { Swift.max($0, a[Int($1)]) }
        }
    }

    /// Passes one step's spikes (`spiking`, indices into the input neurons) through the pool:
    /// the events `(window, value)` for the next layer. `counts` holds each input neuron's
    /// spike count and is updated here (before the gate decides).
    public func forward(_ spiking: [Int32], counts: inout [Int32], into events: inout [(Int32, Float)]) {
        events.removeAll(keepingCapacity: true)
        let k2 = window * window
        switch spikeKind {
        case .average:
            let value = 1 / Float(k2)
            for i in spiking {
                for w in Int(windowOffsets[Int(i)])..<Int(windowOffsets[Int(i) + 1]) { events.append((windows[w], value)) }
            }
        case .maxGate, .max:
            for i in spiking { counts[Int(i)] += 1 }
            for i in spiking {
                for w in Int(windowOffsets[Int(i)])..<Int(windowOffsets[Int(i) + 1]) {
                    let o = Int(windows[w])
                    var best = members[o * k2], bestCount = counts[Int(best)]
                    for m in (o * k2 + 1)..<((o + 1) * k2) where counts[Int(members[m])] > bestCount {
                        best = members[m]
                        bestCount = counts[Int(best)]
                    }
                    if best == i { events.append((Int32(o), 1)) }
                }
            }
        }
    }
}
