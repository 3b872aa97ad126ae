/// The synapses of one weight layer (dense or convolutional) listed by source neuron, in
/// compressed-sparse-row form: what an event-driven accumulation reads when source `i`
/// spikes (`targets[offsets[i] ..< offsets[i+1]]` with their `weights`).
///
/// ```
/// dense        source i → every output o, weight W[o, i]
/// convolution  source (c, y, x) → every (o, oy, ox) with oy·s − p + ky = y, ox·s − p + kx = x,
///              weight W[o, (c, ky, kx)]  (NCHW, PyTorch `nn.Conv2d` cross-correlation)
/// ```
/// Within a source the targets are listed in increasing output index, so an accumulation
/// visits them in a fixed order (bit-identical sums for any thread count).
public struct SourceMajorSynapses: Sendable, Hashable {
    /// Number of source neurons.
    public let sources: Int
    /// Number of target neurons.
    public let targetCount: Int
    /// `sources + 1` offsets into `targets` and `weights`.
    public private(set) var offsets: [Int32]
    public private(set) var targets: [Int32]
    public private(set) var weights: [Float]

    /// Fan-out of source `i` (synaptic operations per spike).
    @inlinable public func fanOut(_ i: Int) -> Int { Int(offsets[i + 1] - offsets[i]) }

    /// Total synapses.
    public var count: Int { targets.count }

    /// A dense layer, `weight[o · inputs + i]` (row-major `[outputs][inputs]`).
    public init(dense weight: [Float], inputs: Int, outputs: Int) {
        precondition(weight.count == inputs * outputs, "SourceMajorSynapses: \(weight.count) weights for \(outputs)x\(inputs)")
        sources = inputs
        targetCount = outputs
        offsets = (0...inputs).map { Int32($0 * outputs) }
        targets = [Int32](repeating: 0, count: inputs * outputs)
        weights = [Float](repeating: 0, count: inputs * outputs)
        for i in 0..<inputs {
            for o in 0..<outputs {
                targets[i * outputs + o] = Int32(o)
                weights[i * outputs + o] = weight[o * inputs + i]
            }
        }
    }

    /// A 2-D convolution with weights `[outChannels][inChannels · k · k]` (each row one kernel
    /// in (channel, ky, kx) order, ``NeuromorphNN/Conv2d``'s layout) over `[C, H, W]` inputs.
    public init(convolution weight: [Float], outChannels: Int, inChannels: Int, height: Int, width: Int,
                kernel: Int, stride: Int, padding: Int) {
        let oh = (height + 2 * padding - kernel) / stride + 1, ow = (width + 2 * padding - kernel) / stride + 1
        precondition(oh > 0 && ow > 0 && weight.count == outChannels * inChannels * kernel * kernel,
                     "SourceMajorSynapses: convolution shapes do not match")
        sources = inChannels * height * width
        targetCount = outChannels * oh * ow
        var offsets = [Int32](repeating: 0, count: sources + 1)
        var targets: [Int32] = [], weights: [Float] = []
        let patch = inChannels * kernel * kernel
        var list: [(Int32, Float)] = []
        for c in 0..<inChannels {
            for y in 0..<height {
                for x in 0..<width {
                    list.removeAll(keepingCapacity: true)
                    for o in 0..<outChannels {
                        for oy in 0..<oh {
                            let ky = y + padding - oy * stride
                            guard ky >= 0 && ky < kernel else { continue }
                            for ox in 0..<ow {
                                let kx = x + padding - ox * stride
                                guard kx >= 0 && kx < kernel else { continue }
                                list.append((Int32((o * oh + oy) * ow + ox), weight[o * patch + (c * kernel + ky) * kernel + kx]))
                            }
                        }
                    }
                    for (t, w) in list { targets.append(t); weights.append(w) }
                    offsets[(c * height + y) * width + x + 1] = Int32(targets.count)
                }
            }
        }
        self.offsets = offsets
        self.targets = targets
        self.weights = weights
    }

    /// `y = W x` for a dense input vector (the ANN forward pass, same synapse order as the SNN).
    public func apply(_ x: [Float]) -> [Float] {
        var y = [Float](repeating: 0, count: targetCount)
        for i in 0..<sources where x[i] != 0 { accumulate(source: i, value: x[i], into: &y) }
        return y
    }

    /// `y[t] += value · w` for every synapse of source `i`.
    @inlinable public func accumulate(source i: Int, value: Float, into y: inout [Float]) {
        let start = Int(offsets[i]), end = Int(offsets[i + 1])
        targets.withUnsafeBufferPointer { t in
            weights.withUnsafeBufferPointer { w in
                y.withUnsafeMutableBufferPointer { out in
                    if value == 1 {
                        for k in start..<end { out[Int(t[k])] += w[k] }
                    } else {
                        for k in start..<end { out[Int(t[k])] += value * w[k] }
                    }
                }
            }
        }
    }

    /// Every weight multiplied by `factor` (data-based normalisation).
    public func scaled(by factor: Float) -> Self {
        var copy = self
        copy.weights = weights.map { $0 * factor }
        return copy
    }
}
