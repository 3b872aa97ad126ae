import NeuromorphCore

/// A rate-coded integrate-and-fire network converted from a ``ConvolutionalReLUNetwork``
/// (dense and convolutional layers, max and average pooling): the convolutional form of
/// ``RateConvertedNetwork`` (Rueckauer et al. 2017, Front. Neurosci. 11:682; spiking note §1.8).
///
/// ```
/// λ_l   = max (or p-th percentile) of layer-l neuron activations on calibration data, λ_0 = 1
/// W_l  ← W_l · λ_{l−1} / λ_l,   b_l ← b_l / λ_l,   θ_l = 1        (Diehl 2015; pooling keeps λ)
/// step: v_l ← v_l + W_l e_{l−1}(t) + b_l;  s_l = [v_l ≥ 1];  v_l ← v_l − s_l   (reset by subtraction)
/// pool: average — each spike sends 1/k² to its windows; max — spike gating (Rueckauer §2.2.3)
/// ```
/// `e_{l−1}(t)` are the events after the previous layer's pooling. The output layer
/// integrates without firing (membrane readout); output spike counts come from a firing copy.
/// Synapses are visited source by source in a fixed order, so a run is deterministic.
public struct RateConvertedConvolutionalNetwork: Sendable, Hashable {
    /// Normalised layers (thresholds 1).
    public var layers: [ReLUWeightLayer]
    /// The scales λ_1 … λ_L used.
    public var scales: [Float]

    /// Normalises `network` on `calibration` inputs (each of `network.inputCount` values);
    /// throws ``ConversionError`` for empty or mis-sized calibration data or a bad percentile.
    /// The percentile is taken over all of a layer's activations on the calibration set,
    /// zeros included, as ``RateConvertedNetwork``.
    public init(_ network: ConvolutionalReLUNetwork, calibration: [[Float]], statistic: NormalizationStatistic = .maximum) throws {
        let scales = try statistic.layerScales(layerCount: network.layers.count, inputCount: network.inputCount,
                                               calibration: calibration, activations: network.activations)
        var layers = network.layers
        var previous: Float = 1
        for l in layers.indices {
            layers[l].synapses = layers[l].synapses.scaled(by: previous / scales[l])
            layers[l].bias = layers[l].bias?.map { $0 / scales[l] }
            previous = scales[l]
        }
        self.layers = layers
        self.scales = scales
    }

    /// Simulates `steps` clock-driven steps for one sample.
    public func run(_ x: [Float], steps: Int, input: ConversionInput = .current) -> RateConvertedNetwork.Run {
        var generator = SeededGenerator(seed: 0)
        if case .bernoulli(let seed) = input { generator = SeededGenerator(seed: seed, key: StreamKey("conversion", "input")) }
        let depth = layers.count
        let outputs = layers[depth - 1].neurons
        var v = layers.map { [Float](repeating: 0, count: $0.neurons) }
        var spikeCounts = layers.map { [Int32](repeating: 0, count: $0.pooling == nil ? 0 : $0.neurons) }
        var firing = [Float](repeating: 0, count: outputs)
        var counts = [Int](repeating: 0, count: outputs)
        var hidden = [Int](repeating: 0, count: depth - 1)
        var inputAccumulator = [Float](repeating: 0, count: x.count)
        var counters = EventCounters()
        var events: [(Int32, Float)] = []
        var spiking: [Int32] = []
        var increment: [Float] = []
        let currentInput: Bool
        if case .current = input { currentInput = true } else { currentInput = false }
        // A constant input current gives the same first-layer increment every step: W₁x + b₁.
        var constantInput = layers[0].bias ?? [Float](repeating: 0, count: layers[0].neurons)
        if currentInput { for i in x.indices where x[i] != 0 { layers[0].synapses.accumulate(source: i, value: x[i], into: &constantInput) } }
        for _ in 0..<steps {
            events.removeAll(keepingCapacity: true)
            switch input {
            case .current: break
            case .periodic:
                for i in x.indices {
                    inputAccumulator[i] += x[i]
                    if inputAccumulator[i] >= 1 { inputAccumulator[i] -= 1; events.append((Int32(i), 1)) }
                }
            case .bernoulli:
                for i in x.indices where generator.nextUniform() < x[i] { events.append((Int32(i), 1)) }
            }
            counters.inputSpikes += events.count
            for l in 0..<depth {
                let layer = layers[l]
                let n = layer.neurons
                counters.neuronUpdates += n
                if l == 0 && currentInput {
                    increment = constantInput
                } else {
                    increment = layer.bias ?? [Float](repeating: 0, count: n)
                    Self.accumulate(events, through: layer.synapses, into: &increment, counters: &counters)
                }
                if l == depth - 1 {
                    for o in 0..<n {
                        v[l][o] += increment[o]
                        firing[o] += increment[o]
                        if firing[o] >= 1 { firing[o] -= 1; counts[o] += 1 }
                    }
                } else {
                    spiking.removeAll(keepingCapacity: true)
                    for o in 0..<n {
                        v[l][o] += increment[o]
                        if v[l][o] >= 1 { v[l][o] -= 1; spiking.append(Int32(o)) }
                    }
                    hidden[l] += spiking.count
                    counters.emittedSpikes += spiking.count
                    if let pooling = layer.pooling {
                        pooling.forward(spiking, counts: &spikeCounts[l], into: &events)
                    } else {
                        events.removeAll(keepingCapacity: true)
                        for o in spiking { events.append((o, 1)) }
                    }
                }
            }
        }
        return RateConvertedNetwork.Run(outputPotential: v[depth - 1], outputCounts: counts, hiddenSpikes: hidden, counters: counters)
    }

    /// `y += Σ_events value · W[source]`, counting one synaptic operation per event and target.
    static func accumulate(_ events: [(Int32, Float)], through synapses: SourceMajorSynapses, into y: inout [Float],
                           counters: inout EventCounters) {
        var operations = 0
        synapses.offsets.withUnsafeBufferPointer { offsets in
            synapses.targets.withUnsafeBufferPointer { t in
                synapses.weights.withUnsafeBufferPointer { w in
                    y.withUnsafeMutableBufferPointer { out in
                        for (source, value) in events {
                            let start = Int(offsets[Int(source)]), end = Int(offsets[Int(source) + 1])
                            operations += end - start
                            if value == 1 {
                                for k in start..<end { out[Int(t[k])] += w[k] }
                            } else {
                                for k in start..<end { out[Int(t[k])] += value * w[k] }
                            }
                        }
                    }
                }
            }
        }
        counters.synapticOperations += operations
    }

    /// The predicted class: argmax of the output potentials.
    public func predict(_ x: [Float], steps: Int, input: ConversionInput = .current) -> Int {
        Readout.membraneArgmax(run(x, steps: steps, input: input).outputPotential) ?? 0
    }
}
