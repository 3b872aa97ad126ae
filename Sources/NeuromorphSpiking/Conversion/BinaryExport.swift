import NeuromorphCore

/// A binary-weight export of a ReLU network for Chundi's signed-IF chip (digest CH §3.2;
/// spiking note §1.8): weights ±1, no bias, one threshold per layer, k-bit rate-coded inputs.
///
/// ```
/// w_b      = sign(w)  (0 → +1)
/// n_0,i    = round(x_i · L)                       (L = input levels, 255 for 8-bit)
/// z_l      = W_b,l · n_{l−1}
/// n_l      = ⌊max(0, z_l) / TH_l⌋                 (the chip's rate arithmetic [I], CH §3.2)
/// TH_l     = max(1, ⌈stat(z_l > 0) / N_max⌉)      (calibrated so a layer emits ≤ N_max ≈ 63 spikes/frame)
/// output   = z_L (potentials, argmax)
/// ```
///
/// A network trained as a BNN (straight-through) keeps its accuracy through this export; a
/// float-trained network generally does not (binarising its weights changes the function), so
/// the export is a structural tool, checked here for its arithmetic, not for accuracy.
public struct BinaryConvertedNetwork: Sendable, Hashable {
    /// ±1 weights per layer, `weights[l][o · inputs + i]`.
    public var weights: [[Int32]]
    /// Layer sizes `(inputs, outputs)`.
    public var shapes: [(inputs: Int, outputs: Int)]
    /// TH per layer (the last layer integrates and ignores its entry).
    public var thresholds: [Int32]
    /// Input levels L (spikes per frame at x = 1).
    public var inputLevels: Int

    public static func == (a: Self, b: Self) -> Bool {
        a.weights == b.weights && a.thresholds == b.thresholds && a.inputLevels == b.inputLevels
            && a.shapes.map(\.inputs) == b.shapes.map(\.inputs) && a.shapes.map(\.outputs) == b.shapes.map(\.outputs)
    }
    public func hash(into h: inout Hasher) { h.combine(weights); h.combine(thresholds); h.combine(inputLevels) }

    /// Exports with given thresholds (Chundi's MNIST TH = (32, 16, 14) for the hidden layers).
    public init(_ network: DenseReLUNetwork, thresholds: [Int32], inputLevels: Int = 255) throws {
        guard thresholds.count == network.layers.count else {
            throw ConversionError(location: "thresholds", "\(thresholds.count) given for \(network.layers.count) layers")
        }
        if let bad = thresholds.firstIndex(where: { $0 < 1 }) {
            throw ConversionError(location: "thresholds[\(bad)]", "\(thresholds[bad]) is below 1")
        }
        guard inputLevels >= 1 else { throw ConversionError(location: "inputLevels", "\(inputLevels) is below 1") }
        weights = network.layers.map { $0.weight.map { $0 < 0 ? -1 : 1 } }
        shapes = network.layers.map { ($0.inputs, $0.outputs) }
        self.thresholds = thresholds
        self.inputLevels = inputLevels
    }

    /// Exports with thresholds calibrated on data so each hidden layer's `stat` pre-activation
    /// maps to `maximumSpikes` spikes per frame.
    public init(_ network: DenseReLUNetwork, calibration: [[Float]], inputLevels: Int = 255,
                maximumSpikes: Int = 63, statistic: NormalizationStatistic = .percentile(99.9)) throws {
        guard !calibration.isEmpty else { throw ConversionError(location: "calibration", "no samples") }
        guard maximumSpikes >= 1 else { throw ConversionError(location: "maximumSpikes", "\(maximumSpikes) is below 1") }
        try self.init(network, thresholds: [Int32](repeating: 1, count: network.layers.count), inputLevels: inputLevels)
        var counts = try calibration.map { try inputCounts($0) }
        for l in 0..<(weights.count - 1) {
            let z = counts.map { preActivation(l, $0) }
            let positive = z.joined().filter { $0 > 0 }.sorted()
            var top = positive.last ?? 1
            if case .percentile(let p) = statistic, !positive.isEmpty {
                let index = Swift.min(positive.count - 1, Swift.max(0, Int((p / 100 * Double(positive.count)).rounded(.up)) - 1))
                top = positive[index]
            }
            thresholds[l] = Swift.max(1, Int32((Double(top) / Double(maximumSpikes)).rounded(.up)))
            counts = z.map { $0.map { Swift.max(0, $0) / Int(thresholds[l]) } }
        }
    }

    /// Input spike counts `round(x · L)`, x clipped to [0, 1].
    public func inputCounts(_ x: [Float]) throws -> [Int] {
        guard x.count == shapes[0].inputs else {
            throw ConversionError(location: "input", "has \(x.count) values, expected \(shapes[0].inputs)")
        }
        return x.map { Int((Swift.min(Swift.max($0, 0), 1) * Float(inputLevels)).rounded()) }
    }

    /// `z_l = W_b,l · n` for layer `l`.
    func preActivation(_ l: Int, _ n: [Int]) -> [Int] {
        let (inputs, outputs) = shapes[l]
        return (0..<outputs).map { o in
            var s = 0
            for i in 0..<inputs { s += Int(weights[l][o * inputs + i]) * n[i] }
            return s
        }
    }

    /// The rate arithmetic: per-layer counts `n_l = ⌊max(0, z_l)/TH_l⌋`, and `z_L` last.
    public func countModel(_ x: [Float]) throws -> [[Int]] {
        var n = try inputCounts(x)
        var out: [[Int]] = []
        for l in weights.indices {
            let z = preActivation(l, n)
            n = l == weights.count - 1 ? z : z.map { Swift.max(0, $0) / Int(thresholds[l]) }
            out.append(n)
        }
        return out
    }

    /// The chip as an ``EventDrivenNetwork``: ``SignedIF`` hidden layers with TH_l (9-bit
    /// saturation, re-trigger `retrigger`), an integrating output layer; arbiters `timing`.
    public func eventNetwork(timing: ArbiterTiming = .chundi, retrigger: RetriggerPolicy = .queue) throws -> EventDrivenNetwork {
        var layers: [EventLayer] = []
        for l in weights.indices {
            let (inputs, outputs) = shapes[l]
            let last = l == weights.count - 1
            let p = try SignedIFParameters(threshold: last ? 1 : thresholds[l], saturation: last ? nil : -256...255,
                                           fires: !last, retrigger: retrigger)
            layers.append(try EventLayer(inputs: inputs, outputs: outputs,
                                         weightsBySource: Self.bySource(weights[l], inputs, outputs),
                                         neuron: .signedIF(p), timing: timing))
        }
        return try EventDrivenNetwork(layers: layers)
    }

    /// The frame's input: `round(x_i · L)` spikes per channel, evenly spread (Chundi §3.5).
    public func eventInput(_ x: [Float], frameNs: Int64) throws -> [AEREvent] {
        try PeriodicEncoder.encode(counts: inputCounts(x), frameNs: frameNs)
    }

    static func bySource(_ w: [Int32], _ inputs: Int, _ outputs: Int) -> [Int32] {
        var t = [Int32](repeating: 0, count: w.count)
        for o in 0..<outputs { for i in 0..<inputs { t[i * outputs + o] = w[o * inputs + i] } }
        return t
    }
}
