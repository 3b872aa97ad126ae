/// How close an EP gradient estimate is to a reference gradient, layer by layer
/// (learning-rules §2.1 "the cosine between the EP estimate and the true gradient is higher for
/// symmetric"; EP digest §1.3 Eq. 6, 12–14).
///
/// For each state layer n = 1…N (and the readout of a cross-entropy network, last):
/// ```
/// cos_n   = ⟨ĝ_{w_n}, g_{w_n}⟩ / (‖ĝ_{w_n}‖ ‖g_{w_n}‖)
/// ratio_n = ‖ĝ_{w_n}‖ / ‖g_{w_n}‖
/// ```
/// over the weight tensor only (biases are in `totalCosine`, taken over every tensor).
public struct EPGradientAlignment: Codable, Sendable, Equatable {
    /// `cos(ĝ_{w_n}, g_{w_n})` per state layer, then the readout weight when there is one.
    public var weightCosines: [Double]
    /// `‖ĝ_{w_n}‖ / ‖g_{w_n}‖` for the same tensors (∞ where the reference is zero and the estimate is not).
    public var weightNormRatios: [Double]
    /// `cos(ĝ, g)` over every tensor together.
    public var totalCosine: Double

    public init(weightCosines: [Double], weightNormRatios: [Double], totalCosine: Double) {
        self.weightCosines = weightCosines
        self.weightNormRatios = weightNormRatios
        self.totalCosine = totalCosine
    }
}

extension EPNetwork {
    /// The tensors ``EPGradientAlignment`` reports per layer: every state layer's weight, then
    /// the readout weight of a cross-entropy network.
    public var alignmentWeightIndices: [Int] {
        layers.indices.map { weightIndex($0) } + (readoutWeightIndex.map { [$0] } ?? [])
    }

    /// Per-layer cosines and norm ratios of `estimate` against `reference` (two gradients shaped
    /// like this network's parameters; typically an EP estimate and ``bpttGradient(_:freeSteps:truncation:)``).
    public func alignment(of estimate: EPParameters<S>, with reference: EPParameters<S>) -> EPGradientAlignment {
        precondition(estimate.tensors.count == parameters.tensors.count && reference.tensors.count == parameters.tensors.count,
                     "alignment: gradients must be shaped like the network's parameters")
        var cosines = [Double](), ratios = [Double]()
        for t in alignmentWeightIndices {
            cosines.append(Double(EPVectorMeasure.cosine(estimate.tensors[t], reference.tensors[t])))
            let (e, r) = (Self.norm(estimate.tensors[t]), Self.norm(reference.tensors[t]))
            ratios.append(r > 0 ? e / r : (e > 0 ? .infinity : 1))
        }
        return EPGradientAlignment(weightCosines: cosines, weightNormRatios: ratios,
                                   totalCosine: Double(EPVectorMeasure.cosine(estimate.flattened, reference.flattened)))
    }

    private static func norm(_ x: [S]) -> Double {
        var sum = 0.0
        for v in x { sum += Double(v) * Double(v) }
        return sum.squareRoot()
    }
}
