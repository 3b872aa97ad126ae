import NeuromorphCore

/// One integer layer of a quantised converted network.
public struct IntegerDenseLayer: Sendable, Hashable {
    public var inputs: Int
    public var outputs: Int
    /// `weight[o · inputs + i]`, within the B-bit symmetric range.
    public var weight: [Int32]
    /// Per-step bias, same scale as the weights, or `nil`.
    public var bias: [Int32]?
    /// Threshold θ_l in units of `weightScale · w`.
    public var threshold: Int32
    /// Global weight scale s (μBrain's ×8 option; 1 otherwise): the neuron adds `s · w`.
    public var weightScale: Int32 = 1
    /// The scale `q_l = (2^(B−1) − 1) / max|W_l|` that mapped the normalised weights.
    public var scale: Float
}

/// A rate-converted network with weights quantised to B bits per layer (spiking note §1.8;
/// μBrain maps [−1, 1] to [−7, 7], digest UB §2.5 [T]):
///
/// ```
/// q_l      = (2^(B−1) − 1) / max|W_l|          (W_l normalised, θ = 1)
/// w_int    = round(W_l · q_l)                   (ties to even, |w_int| ≤ 2^(B−1) − 1)
/// θ_l,int  = max(1, round(q_l))                  b_int = round(b_l · q_l)
/// ```
///
/// It runs clock-driven (integer IF, reset by subtraction, no clamp, output layer integrating)
/// or event-driven on ``EventDrivenNetwork`` with μBrain's ``IntegerIF`` (wrap-around and zero
/// clamp) in the hidden layers and an integrating output layer.
public struct IntegerConvertedNetwork: Sendable, Hashable {
    public var bits: Int
    public var layers: [IntegerDenseLayer]

    /// Quantises `network` to `bits` ∈ 2…16; throws ``ConversionError`` otherwise.
    public init(_ network: RateConvertedNetwork, bits: Int) throws {
        guard (2...16).contains(bits) else {
            throw ConversionError(location: "bits", "\(bits) is outside 2...16")
        }
        let format = try QFormat(bits: bits, signed: true, symmetric: true)
        let top = Float(format.maximumCode)
        self.bits = bits
        layers = network.layers.map { layer in
            let m = layer.maximumMagnitude
            let q = m > 0 ? top / m : 1
            return IntegerDenseLayer(
                inputs: layer.inputs, outputs: layer.outputs,
                weight: layer.weight.map { Int32(format.code(for: Double($0 * q))) },
                bias: layer.bias.map { $0.map { Int32(($0 * q).rounded(.toNearestOrEven)) } },
                threshold: Swift.max(1, Int32(q.rounded(.toNearestOrEven))), scale: q)
        }
    }

    /// Quantises to a fixed chip threshold instead: every layer uses θ (μBrain: 64) and global
    /// weight scale s (μBrain: 8), so a normalised weight w maps to `round(w · θ/s)`, saturated
    /// to the B-bit range (weights above `(2^(B−1)−1)·s/θ` clip).
    ///
    /// ```
    /// q = θ / s,   w_int = clip(round(W_l · q), ±(2^(B−1) − 1)),   neuron: v += s · w_int, fires at θ
    /// ```
    public init(_ network: RateConvertedNetwork, bits: Int, threshold: Int32, weightScale: Int32 = 1) throws {
        guard (2...16).contains(bits) else {
            throw ConversionError(location: "bits", "\(bits) is outside 2...16")
        }
        guard threshold >= 1, weightScale >= 1 else {
            throw ConversionError(location: "threshold, weightScale", "\(threshold), \(weightScale): both must be >= 1")
        }
        let format = try QFormat(bits: bits, signed: true, symmetric: true)
        let q = Float(threshold) / Float(weightScale)
        self.bits = bits
        layers = network.layers.map { layer in
            IntegerDenseLayer(
                inputs: layer.inputs, outputs: layer.outputs,
                weight: layer.weight.map { Int32(format.code(for: Double($0 * q))) },
                bias: layer.bias.map { $0.map { Int32(($0 * q).rounded(.toNearestOrEven)) } },
                threshold: threshold, weightScale: weightScale, scale: q)
        }
    }

    /// Clock-driven integer run: each step, input spikes (periodic or Bernoulli; an integer
    /// network has no analog current) are delivered, hidden neurons fire at `v ≥ θ_l` and
    /// subtract θ_l; the output layer integrates. Returns the output potentials and counters.
    public func run(_ x: [Float], steps: Int, input: ConversionInput = .periodic) -> (outputPotential: [Int32], counters: EventCounters) {
        var generator = SeededGenerator(seed: 0)
        if case .bernoulli(let seed) = input { generator = SeededGenerator(seed: seed, key: StreamKey("conversion", "input")) }
        let depth = layers.count
        var v = layers.map { [Int32](repeating: 0, count: $0.outputs) }
        var accumulator = [Float](repeating: 0, count: x.count)
        var counters = EventCounters()
        let bySource: [[Int32]] = layers.map { layer in
            var t = [Int32](repeating: 0, count: layer.weight.count)
            for o in 0..<layer.outputs { for i in 0..<layer.inputs { t[i * layer.outputs + o] = layer.weight[o * layer.inputs + i] } }
            return t
        }
        var active: [Int32] = []
        for _ in 0..<steps {
            active.removeAll(keepingCapacity: true)
            switch input {
            case .current, .periodic:   // an integer network takes spikes: current falls back to periodic
                for i in x.indices {
                    accumulator[i] += x[i]
                    if accumulator[i] >= 1 { accumulator[i] -= 1; active.append(Int32(i)) }
                }
            case .bernoulli:
                for i in x.indices where generator.nextUniform() < x[i] { active.append(Int32(i)) }
            }
            counters.inputSpikes += active.count
            for l in 0..<depth {
                let layer = layers[l]
                let n = layer.outputs
                counters.neuronUpdates += n
                counters.synapticOperations += active.count * n
                v[l].withUnsafeMutableBufferPointer { vl in
                    bySource[l].withUnsafeBufferPointer { w in
                        for i in active {
                            let row = w.baseAddress! + Int(i) * n
                            for o in 0..<n { vl[o] &+= layer.weightScale &* row[o] }
                        }
                        if let b = layer.bias { for o in 0..<n { vl[o] &+= b[o] } }
                    }
                }
                guard l < depth - 1 else { break }
                active.removeAll(keepingCapacity: true)
                for o in 0..<n where v[l][o] >= layer.threshold {
                    v[l][o] -= layer.threshold
                    active.append(Int32(o))
                }
                counters.emittedSpikes += active.count
            }
        }
        return (v[depth - 1], counters)
    }

    /// The network on the event-driven simulator: hidden layers are ``IntegerIF`` with
    /// θ = θ_l (scale 1, `v ≥ θ`); the output layer integrates without firing (``SignedIF``
    /// with `fires: false`, no saturation; membrane readout) or, with `outputFires`, is an
    /// ``IntegerIF`` layer too (spike-count and first-ISI readouts, as μBrain). Throws
    /// ``ConversionError`` if a layer has a bias (μBrain's MNIST network has none; a bias
    /// needs a periodic bias source).
    public func eventNetwork(timing: ArbiterTiming = .muBrain, outputFires: Bool = false) throws -> EventDrivenNetwork {
        var out: [EventLayer] = []
        for (l, layer) in layers.enumerated() {
            if layer.bias != nil { throw ConversionError(location: "layers.\(l)", "has a bias; train without biases for the event-driven network") }
            let rows = (0..<layer.outputs).map { o in Array(layer.weight[(o * layer.inputs)..<((o + 1) * layer.inputs)]) }
            let neuron: EventNeuron = l == layers.count - 1 && !outputFires
                ? .signedIF(try SignedIFParameters(threshold: 1, saturation: nil, fires: false))
                : .integerIF(try IntegerIFParameters(threshold: layer.threshold, scale: layer.weightScale))
            out.append(try EventLayer(weights: rows, neuron: neuron, timing: timing))
        }
        return try EventDrivenNetwork(layers: out)
    }

    /// Periodic AER input for the event-driven network: channel i sends `round(x_i · spikesAtOne)`
    /// spikes evenly over the frame (a rate code with `spikesAtOne` spikes for x = 1).
    public static func periodicInput(_ x: [Float], spikesAtOne: Int, frameNs: Int64) throws -> [AEREvent] {
        let counts = x.map { Int((Swift.min(Swift.max($0, 0), 1) * Float(spikesAtOne)).rounded()) }
        return try PeriodicEncoder.encode(counts: counts, frameNs: frameNs)
    }
}
