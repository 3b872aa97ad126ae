import NeuromorphCore

// MARK: - Stability probes (Neftci, Figs. 2 and 4; spec §2.3 "smoother percentiles, steadier ‖W₃‖")

/// One epoch's stability probes of a ``SynapticSamplingNetwork`` (digest BM §2: "smoother input
/// distributions to the last hidden layer (15/50/85 percentiles), weights stay more stable"):
///
/// - the 15th, 50th and 85th percentiles of the inputs `u` to the neurons of the last hidden
///   layer on a fixed probe set (S2M: `u = β_i ŵ_i·z`, the erf argument; baseline: `u = w_i·z`,
///   the sigmoid argument), with the network evaluated as in training (analytic synapses,
///   sampled neurons) on a copy, so probing leaves the training streams untouched;
/// - `‖W_L(t)‖_F / ‖W_L(0)‖_F` of the weights `W_L` into that layer (the paper's W₃ for three
///   hidden layers; S2M's raw `w`, whose direction alone enters the forward pass), and for S2M the
///   effective weights `β_i ŵ_i` too (`‖β‖`, the norm that sets `u`).
///
/// Which layer and which statistics the paper plots is our reading ([I]) of the digest.
public struct SynapticSamplingProbe: Sendable, Codable, Equatable {
    /// 0 = before training.
    public var epoch: Int
    /// Percentiles 15, 50, 85 of the last hidden layer's inputs.
    public var percentiles: [Double]
    /// ‖W_L(t)‖/‖W_L(0)‖ of the raw weights.
    public var weightNormRatio: Double
    /// ‖W_eff(t)‖/‖W_eff(0)‖ of the effective weights (S2M: rows β_i ŵ_i; baseline: = raw).
    public var effectiveWeightNormRatio: Double
}

/// Scale-free summaries of a probe trajectory (epochs 1…T; epoch 0 is the initial network).
public struct SynapticSamplingProbeSummary: Sendable, Codable, Equatable {
    /// Mean over epochs t ≥ 2 and the three percentiles of `|p(t) − p(t−1)|`, divided by the
    /// mean width `p85 − p15` over epochs 1…T: epoch-to-epoch jitter of the distribution in
    /// units of its spread (lower = smoother).
    public var percentileJitter: Double
    /// Mean over epochs t ≥ 3 and the three percentiles of `|p(t) − 2p(t−1) + p(t−2)|` (second
    /// differences: the jitter left once a steady drift is removed), divided by the same mean
    /// width; nil with fewer than 3 trained epochs.
    public var percentileRoughness: Double?
    /// max_t |‖W_L(t)‖/‖W_L(0)‖ − 1| over the epochs.
    public var maxWeightNormChange: Double
    /// The same for the effective weights.
    public var maxEffectiveWeightNormChange: Double
    /// Mean over t ≥ 2 of |r(t) − r(t−1)| for the effective-weight ratio (epoch-to-epoch steadiness).
    public var effectiveWeightNormJitter: Double

    /// Summarizes `probes` (in epoch order); nil with fewer than 3 probes (no jitter defined).
    public init?(_ probes: [SynapticSamplingProbe]) {
        let trained = probes.filter { $0.epoch >= 1 }
        guard trained.count >= 2 else { return nil }
        var jump = 0.0, count = 0.0
        for t in 1..<trained.count {
            for k in 0..<3 { jump += abs(trained[t].percentiles[k] - trained[t - 1].percentiles[k]); count += 1 }
        }
        let width = trained.reduce(0.0) { $0 + ($1.percentiles[2] - $1.percentiles[0]) } / Double(trained.count)
        percentileJitter = width > 0 ? jump / count / width : .infinity
        if trained.count >= 3 && width > 0 {
            var bend = 0.0, bends = 0.0
            for t in 2..<trained.count {
                for k in 0..<3 {
                    bend += abs(trained[t].percentiles[k] - 2 * trained[t - 1].percentiles[k] + trained[t - 2].percentiles[k])
                    bends += 1
                }
            }
            percentileRoughness = bend / bends / width
        } else {
            percentileRoughness = nil
        }
        maxWeightNormChange = trained.map { abs($0.weightNormRatio - 1) }.max() ?? 0
        maxEffectiveWeightNormChange = trained.map { abs($0.effectiveWeightNormRatio - 1) }.max() ?? 0
        effectiveWeightNormJitter = (1..<trained.count).reduce(0.0) {
            $0 + abs(trained[$1].effectiveWeightNormRatio - trained[$1 - 1].effectiveWeightNormRatio)
        } / Double(trained.count - 1)
    }
}

extension SynapticSamplingNetwork {
    /// The inputs `u` (pre-activations) of hidden layer `layer` (0-based) for `input`,
    /// evaluated in inference mode with the network's current evaluation setting.
    public mutating func neuronInputs(_ input: Tensor, layer: Int) -> Tensor {
        precondition(layer >= 0 && layer < neurons.count, "SynapticSamplingNetwork.neuronInputs: layer \(layer) of \(neurons.count)")
        var z = binarizer.forward(input, mode: .inference)
        for l in 0...layer {
            let u = kind == .s2m ? synapses[l].forward(z, mode: .inference) : linears[l].forward(z, mode: .inference)
            if l == layer { return u }
            z = neurons[l].forward(u, mode: .inference)
        }
        return z
    }

    /// Frobenius norms of the raw and the effective weights into hidden layer `layer`
    /// (S2M effective rows `β_i ŵ_i`, norm `‖β‖`; the baseline's effective weights are its raw ones).
    public func weightNorms(layer: Int) -> (raw: Double, effective: Double) {
        switch kind {
        case .s2m:
            let raw = synapses[layer].weight.value.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            let effective = synapses[layer].gain.value.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            return (raw, effective)
        case .stochasticSigmoid:
            let raw = linears[layer].weight.value.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            return (raw, raw)
        }
    }

    /// The probe of the last hidden layer on `input` (a copy of the network runs it, so `self`'s
    /// random streams do not move). `initialNorms` are the layer's norms before training.
    public func probe(epoch: Int, input: Tensor, initialNorms: (raw: Double, effective: Double)) -> SynapticSamplingProbe {
        var copy = self
        let layer = neurons.count - 1
        let u = copy.neuronInputs(input, layer: layer).scalars.map(Double.init).sorted()
        let norms = weightNorms(layer: layer)
        return SynapticSamplingProbe(epoch: epoch, percentiles: [15.0, 50, 85].map { Self.percentile(u, $0) },
                                     weightNormRatio: norms.raw / initialNorms.raw,
                                     effectiveWeightNormRatio: norms.effective / initialNorms.effective)
    }

    /// The q-th percentile of sorted values, linear interpolation between closest ranks
    /// (NumPy's default `linear` method).
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = q / 100 * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = Swift.min(low + 1, sorted.count - 1)
        return sorted[low] + (position - Double(low)) * (sorted[high] - sorted[low])
    }
}
