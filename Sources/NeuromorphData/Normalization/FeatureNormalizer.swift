import NeuromorphCore

/// An affine per-feature normalization fitted on training data and applied to any set.
///
/// Every scalar of feature `j` maps as
/// ```
/// x' = (x − offset[j]) · scale[j]
/// ```
/// - ``Method/minMax``: `offset = min`, `scale = 1 / (max − min)`, so training data lands in [0, 1].
/// - ``Method/standardize``: `offset = mean`, `scale = 1 / std` (population std), so
///   training data has mean 0 and standard deviation 1.
///
/// A feature whose range or standard deviation is at most `epsilon` (MNIST's always-black
/// border pixels) gets `scale = 1`, as scikit-learn's scalers do: it is shifted to 0 but
/// never amplified, so unseen data cannot blow up. With `perFeature: false` one offset
/// and scale are fitted over all scalars (a common choice for images).
///
/// Fit on the training set only and apply the same normalizer to validation and test
/// sets; it is `Codable` so a trained model can store it next to its weights.
public struct FeatureNormalizer: Sendable, Equatable, Codable {
    /// How the offset and scale are chosen.
    public enum Method: String, Sendable, Codable, CaseIterable {
        /// Map the training range to [0, 1].
        case minMax
        /// Subtract the mean and divide by the standard deviation.
        case standardize
    }

    /// The fitting method.
    public var method: Method
    /// Subtracted from each feature (one entry per feature, or one for all).
    public var offset: [Float]
    /// Multiplies each feature after the offset (same count as `offset`).
    public var scale: [Float]

    /// A normalizer with explicit parameters; `offset` and `scale` must have equal, non-zero counts.
    public init(method: Method, offset: [Float], scale: [Float]) {
        precondition(!offset.isEmpty && offset.count == scale.count,
                     "FeatureNormalizer: \(offset.count) offsets for \(scale.count) scales")
        self.method = method
        self.offset = offset
        self.scale = scale
    }

    /// Number of features the normalizer was fitted on (1 when fitted over all scalars).
    public var featureCount: Int { offset.count }

    /// Fits `method` to `inputs` (`[N, features...]`), statistics accumulated in `Double`.
    public static func fit(_ method: Method, to inputs: Tensor, perFeature: Bool = true,
                           epsilon: Float = 1e-6) -> FeatureNormalizer {
        precondition(inputs.rank >= 1 && inputs.shape[0] > 0, "FeatureNormalizer.fit: no examples in \(inputs.shape)")
        let width = perFeature ? inputs.columns : 1
        let rows = inputs.count / width
        var offset = [Float](repeating: 0, count: width)
        var scale = [Float](repeating: 1, count: width)
        inputs.scalars.withUnsafeBufferPointer { x in
            switch method {
            case .minMax:
                var low = [Float](repeating: .infinity, count: width)
                var high = [Float](repeating: -.infinity, count: width)
                for r in 0..<rows {
                    let base = r * width
                    for j in 0..<width {
                        let v = x[base + j]
                        low[j] = Swift.min(low[j], v)
                        high[j] = Swift.max(high[j], v)
                    }
                }
                for j in 0..<width {
                    offset[j] = low[j]
                    let range = high[j] - low[j]
                    scale[j] = range > epsilon ? 1 / range : 1
                }
            case .standardize:
                var sum = [Double](repeating: 0, count: width)
                for r in 0..<rows {
                    let base = r * width
                    for j in 0..<width { sum[j] += Double(x[base + j]) }
                }
                let mean = sum.map { $0 / Double(rows) }
                var squares = [Double](repeating: 0, count: width)
                for r in 0..<rows {
                    let base = r * width
                    for j in 0..<width {
                        let d = Double(x[base + j]) - mean[j]
                        squares[j] += d * d
                    }
                }
                for j in 0..<width {
                    offset[j] = Float(mean[j])
                    let std = (squares[j] / Double(rows)).squareRoot()
                    scale[j] = std > Double(epsilon) ? Float(1 / std) : 1
                }
            }
        }
        return FeatureNormalizer(method: method, offset: offset, scale: scale)
    }

    /// Fits `method` to the inputs of `dataset`.
    public static func fit(_ method: Method, to dataset: LabeledDataset, perFeature: Bool = true,
                           epsilon: Float = 1e-6) -> FeatureNormalizer {
        fit(method, to: dataset.inputs, perFeature: perFeature, epsilon: epsilon)
    }

    /// `inputs` normalized; its per-example scalar count must equal ``featureCount`` (or the normalizer be global).
    public func apply(_ inputs: Tensor) -> Tensor {
        let width = featureCount
        precondition(width == 1 || (inputs.rank >= 1 && inputs.columns == width),
                     "FeatureNormalizer: fitted on \(width) features, applied to shape \(inputs.shape)")
        var out = inputs
        offset.withUnsafeBufferPointer { o in
            scale.withUnsafeBufferPointer { s in
                out.scalars.withUnsafeMutableBufferPointer { x in
                    if width == 1 {
                        let (o0, s0) = (o[0], s[0])
                        for i in 0..<x.count { x[i] = (x[i] - o0) * s0 }
                    } else {
                        for base in stride(from: 0, to: x.count, by: width) {
                            for j in 0..<width { x[base + j] = (x[base + j] - o[j]) * s[j] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `dataset` with normalized inputs.
    public func apply(_ dataset: LabeledDataset) -> LabeledDataset {
        var copy = dataset
        copy.inputs = apply(dataset.inputs)
        return copy
    }

    /// Undoes `apply(_:)`: `x = x' / scale + offset`.
    public func invert(_ normalized: Tensor) -> Tensor {
        FeatureNormalizer(method: method, offset: zip(offset, scale).map { -$0 * $1 }, scale: scale.map { 1 / $0 })
            .apply(normalized)
    }

    // MARK: - Codable with validation

    private enum CodingKeys: String, CodingKey { case method, offset, scale }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let method = try container.decode(Method.self, forKey: .method)
        let offset = try container.decode([Float].self, forKey: .offset)
        let scale = try container.decode([Float].self, forKey: .scale)
        guard !offset.isEmpty, offset.count == scale.count else {
            throw DecodingError.dataCorruptedError(forKey: .scale, in: container, debugDescription:
                "expected as many scales as offsets (at least one), found \(scale.count) scales for \(offset.count) offsets")
        }
        guard offset.allSatisfy(\.isFinite), scale.allSatisfy({ $0.isFinite && $0 != 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .scale, in: container, debugDescription:
                "expected finite offsets and finite, non-zero scales")
        }
        self.init(method: method, offset: offset, scale: scale)
    }
}
