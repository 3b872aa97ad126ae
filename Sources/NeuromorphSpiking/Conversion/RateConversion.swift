import NeuromorphCore

/// Which activation statistic sets a layer's scale in data-based normalisation.
public enum NormalizationStatistic: Sendable, Hashable {
    /// The maximum activation (Diehl et al. 2015).
    case maximum
    /// The p-th percentile, p in (0, 100] (Rueckauer et al. 2017 use 99.9; spiking note §1.8).
    case percentile(Double)
}

extension NormalizationStatistic {
    /// The normalisation scales λ_1 … λ_L of a ReLU network (Diehl et al. 2015; Rueckauer et al.
    /// 2017 for the percentile): the statistic over all of a layer's activations on the
    /// calibration set, zeros included for the percentile; 1 where it is not positive.
    ///
    /// - Throws: ``ConversionError`` for empty or mis-sized calibration data or a percentile
    ///   outside (0, 100].
    func layerScales(layerCount: Int, inputCount: Int, calibration: [[Float]],
                     activations: ([Float]) -> [[Float]]) throws -> [Float] {
        guard !calibration.isEmpty else { throw ConversionError(location: "calibration", "no samples") }
        if let bad = calibration.firstIndex(where: { $0.count != inputCount }) {
            throw ConversionError(location: "calibration[\(bad)]", "has \(calibration[bad].count) values, expected \(inputCount)")
        }
        if case .percentile(let p) = self, !(p > 0 && p <= 100) {
            throw ConversionError(location: "statistic", "percentile \(p) is outside (0, 100]")
        }
        var perLayer = [[Float]](repeating: [], count: layerCount)
        for x in calibration {
            for (l, a) in activations(x).enumerated() { perLayer[l] += a }
        }
        return perLayer.map { values in
            var lambda: Float
            switch self {
            case .maximum: lambda = values.filter { $0 > 0 }.max() ?? 1
            case .percentile(let p):
                let sorted = values.sorted()
                let index = Swift.min(sorted.count - 1, Swift.max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
                lambda = sorted.isEmpty ? 1 : sorted[index]
            }
            return lambda > 0 ? lambda : 1
        }
    }
}

/// How the converted network's inputs are presented.
public enum ConversionInput: Sendable, Hashable {
    /// The value itself as an input current every step (analog first layer).
    case current
    /// A deterministic spike train: an IF input neuron integrating x, one spike per unit
    /// (periodic rate code, x spikes per step on average).
    case periodic
    /// Bernoulli spikes with probability x per step from a seeded stream.
    case bernoulli(seed: UInt64)
}

/// A rate-coded spiking network converted from a ReLU network: weights normalised layer by
/// layer so every threshold is 1, reset by subtraction (spiking note §1.8; Diehl et al. 2015,
/// "data-based normalisation"; digest UB §2.2 [I]).
///
/// ```
/// λ_l   = max (or p-th percentile) of layer-l activations on calibration data, λ_0 = 1
/// W_l  ← W_l · λ_{l−1} / λ_l,   b_l ← b_l / λ_l,   θ_l = 1
/// step: v_l ← v_l + W_l s_{l−1}(t) + b_l;  s_l = [v_l ≥ θ];  v_l ← v_l − θ·s_l
/// rate: r_l ≈ max(0, W_l r_{l−1} + b_l) = a_l / λ_l  (clipped at 1 spike per step)
/// ```
///
/// The output layer integrates without firing; its potential after T steps is
/// `≈ T · a_L / λ_L`, so its argmax is the ANN's (membrane readout). Output spike counts are
/// reported too (with the output layer firing as the others).
public struct RateConvertedNetwork: Sendable, Hashable {
    /// Normalised layers (thresholds 1).
    public var layers: [DenseLayerWeights]
    /// The scales λ_1 … λ_L used.
    public var scales: [Float]

    /// Normalises `network` on `calibration` inputs (each of `network.inputCount` values, in
    /// [0, 1]); throws ``ConversionError`` for empty or mis-sized calibration data.
    public init(_ network: DenseReLUNetwork, calibration: [[Float]], statistic: NormalizationStatistic = .maximum) throws {
        let scales = try statistic.layerScales(layerCount: network.layers.count, inputCount: network.inputCount,
                                               calibration: calibration, activations: network.activations)
        var layers = network.layers
        var previous: Float = 1
        for l in layers.indices {
            let factor = previous / scales[l]
            layers[l].weight = layers[l].weight.map { $0 * factor }
            layers[l].bias = layers[l].bias?.map { $0 / scales[l] }
            previous = scales[l]
        }
        self.layers = layers
        self.scales = scales
    }

    /// What one simulated sample produced.
    public struct Run: Sendable, Hashable {
        /// Output potentials after the last step (non-firing output layer).
        public var outputPotential: [Float]
        /// Output spike counts (firing output layer, same input).
        public var outputCounts: [Int]
        /// Spikes emitted by each hidden layer.
        public var hiddenSpikes: [Int]
        /// Every event counted (input spikes, emitted spikes, SOPs = spikes × fan-out,
        /// neuron updates = neurons × steps).
        public var counters: EventCounters
    }

    /// Simulates `steps` clock-driven steps of integrate-and-fire with reset by subtraction.
    public func run(_ x: [Float], steps: Int, input: ConversionInput = .current) -> Run {
        var generator = SeededGenerator(seed: 0)
        if case .bernoulli(let seed) = input { generator = SeededGenerator(seed: seed, key: StreamKey("conversion", "input")) }
        let depth = layers.count
        let outputs = layers[depth - 1].outputs
        var v = layers.map { [Float](repeating: 0, count: $0.outputs) }
        var firing = [Float](repeating: 0, count: outputs)
        var counts = [Int](repeating: 0, count: outputs)
        var hidden = [Int](repeating: 0, count: depth - 1)
        var inputAccumulator = [Float](repeating: 0, count: x.count)
        var counters = EventCounters()
        let bySource = layers.map(Self.transpose)
        var active: [Int32] = []
        var increment: [Float] = []
        let currentInput: Bool
        if case .current = input { currentInput = true } else { currentInput = false }
        // A constant input current gives the same first-layer increment every step: W₁x + b₁.
        var constantInput = layers[0].bias ?? [Float](repeating: 0, count: layers[0].outputs)
        if currentInput {
            for o in 0..<layers[0].outputs {
                var sum: Float = 0
                for i in 0..<layers[0].inputs { sum += layers[0].weight[o * layers[0].inputs + i] * x[i] }
                constantInput[o] += sum
            }
        }
        for _ in 0..<steps {
            active.removeAll(keepingCapacity: true)
            switch input {
            case .current: break
            case .periodic:
                for i in x.indices {
                    inputAccumulator[i] += x[i]
                    if inputAccumulator[i] >= 1 { inputAccumulator[i] -= 1; active.append(Int32(i)) }
                }
            case .bernoulli:
                for i in x.indices where generator.nextUniform() < x[i] { active.append(Int32(i)) }
            }
            counters.inputSpikes += active.count
            for l in 0..<depth {
                let layer = layers[l]
                let n = layer.outputs
                counters.neuronUpdates += n
                if l == 0 && currentInput {
                    increment = constantInput
                } else {
                    increment = layer.bias ?? [Float](repeating: 0, count: n)
                    increment.withUnsafeMutableBufferPointer { inc in
                        bySource[l].withUnsafeBufferPointer { w in
                            for i in active {
                                let row = w.baseAddress! + Int(i) * n
                                for o in 0..<n { inc[o] += row[o] }
                            }
                        }
                    }
                }
                if l > 0 || !currentInput { counters.synapticOperations += active.count * n }
                if l == depth - 1 {
                    for o in 0..<n {
                        v[l][o] += increment[o]
                        firing[o] += increment[o]
                        if firing[o] >= 1 { firing[o] -= 1; counts[o] += 1 }
                    }
                } else {
                    active.removeAll(keepingCapacity: true)
                    for o in 0..<n {
                        v[l][o] += increment[o]
                        if v[l][o] >= 1 { v[l][o] -= 1; active.append(Int32(o)) }
                    }
                    hidden[l] += active.count
                    counters.emittedSpikes += active.count
                }
            }
        }
        return Run(outputPotential: v[depth - 1], outputCounts: counts, hiddenSpikes: hidden, counters: counters)
    }

    /// The weights by source, `[inputs][outputs]`, for spike-driven accumulation.
    static func transpose(_ layer: DenseLayerWeights) -> [Float] {
        var t = [Float](repeating: 0, count: layer.weight.count)
        for o in 0..<layer.outputs { for i in 0..<layer.inputs { t[i * layer.outputs + o] = layer.weight[o * layer.inputs + i] } }
        return t
    }

    /// The predicted class: argmax of the output potentials.
    public func predict(_ x: [Float], steps: Int, input: ConversionInput = .current) -> Int {
        Readout.membraneArgmax(run(x, steps: steps, input: input).outputPotential) ?? 0
    }
}
