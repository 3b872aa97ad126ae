import NeuromorphCore

/// Seeded synthetic data sets with known ground truth, for tests and quick experiments.
///
/// Every generator draws only from the `SeededGenerator` it is given, so the same seed
/// always gives the same data.
public enum SyntheticData {
    // MARK: - Gaussian blobs

    /// Isotropic Gaussian clusters, one per class, and their centres.
    public struct Blobs: Sendable, Equatable {
        /// The shuffled examples, inputs `[classes × perClass, dimension]`.
        public var dataset: LabeledDataset
        /// The centre of each class, `[classes, dimension]`.
        public var centres: Tensor
    }

    /// `perClass` points around each of `classes` centres, shuffled.
    ///
    /// ```
    /// c_k ~ Uniform[−centreRange, centreRange]^dimension
    /// x   = c_k + spread · z,   z ~ N(0, I)
    /// ```
    /// (the recipe of scikit-learn's `make_blobs`, whose default box is ±10).
    public static func gaussianBlobs(classes: Int, perClass: Int, dimension: Int, spread: Float = 1,
                                     centreRange: Float = 10, generator: inout SeededGenerator) -> Blobs {
        precondition(classes >= 1 && perClass >= 0 && dimension >= 1, "gaussianBlobs: bad sizes")
        precondition(spread >= 0 && centreRange >= 0, "gaussianBlobs: spread and centreRange must be ≥ 0")
        let centres = Tensor.randomUniform([classes, dimension], lower: -centreRange, upper: centreRange,
                                           using: &generator)
        let n = classes * perClass
        var points = Tensor.randomNormal([n, dimension], std: spread, using: &generator)
        var labels = [Int](repeating: 0, count: n)
        centres.scalars.withUnsafeBufferPointer { c in
            points.scalars.withUnsafeMutableBufferPointer { x in
                for k in 0..<n {
                    let label = k / Swift.max(perClass, 1)
                    labels[k] = label
                    for j in 0..<dimension { x[k * dimension + j] += c[label * dimension + j] }
                }
            }
        }
        let ordered = LabeledDataset(unchecked: points, labels: labels, classCount: classes)
        return Blobs(dataset: ordered.shuffled(using: &generator), centres: centres)
    }

    // MARK: - Linear regression

    /// Samples of a noisy linear model and the model itself.
    public struct LinearRegression: Sendable, Equatable {
        /// The inputs, `[count, dimension]`, drawn from N(0, 1).
        public var x: Tensor
        /// The targets, `[count]`.
        public var y: Tensor
        /// The true weights, `[dimension]`.
        public var weights: [Float]
        /// The true bias.
        public var bias: Float
        /// The standard deviation of the added noise.
        public var noise: Float
    }

    /// `count` samples of `y = w·x + b + noise·ε` with `x, w ~ N(0, I)`, `b ~ N(0, 1)`, `ε ~ N(0, 1)`.
    public static func linearRegression(count: Int, dimension: Int, noise: Float,
                                        generator: inout SeededGenerator) -> LinearRegression {
        precondition(count >= 0 && dimension >= 1 && noise >= 0, "linearRegression: bad arguments")
        let weights = Tensor.randomNormal([dimension], using: &generator).scalars
        let bias = generator.nextNormal()
        let x = Tensor.randomNormal([count, dimension], using: &generator)
        var y = Tensor.randomNormal([count], std: noise, using: &generator)
        x.scalars.withUnsafeBufferPointer { xs in
            y.scalars.withUnsafeMutableBufferPointer { ys in
                for i in 0..<count {
                    var dot = bias
                    for j in 0..<dimension { dot += weights[j] * xs[i * dimension + j] }
                    ys[i] += dot
                }
            }
        }
        return LinearRegression(x: x, y: y, weights: weights, bias: bias, noise: noise)
    }

    // MARK: - Low-rank ratings

    /// A sampled low-rank rating matrix and its factors.
    public struct LowRankRatings: Sendable, Equatable {
        /// The observed ratings.
        public var dataset: RatingsDataset
        /// `[users, rank]`, entries with variance 1/√rank.
        public var userFactors: Tensor
        /// `[items, rank]`, entries with variance 1/√rank.
        public var itemFactors: Tensor
    }

    /// Ratings `r_ui = mean + U_u · V_i + noise·ε`, each (u, i) observed with probability `density`.
    ///
    /// Factor entries are N(0, σ²) with σ² = 1/√rank, so `Var(U_u · V_i) = rank · σ⁴ = 1`
    /// whatever the rank and `noise` is a noise-to-signal ratio. Observed pairs are listed
    /// user-major; shuffle or split the set before SGD.
    public static func lowRankRatings(users: Int, items: Int, rank: Int, density: Float, noise: Float = 0,
                                      mean: Float = 0, generator: inout SeededGenerator) -> LowRankRatings {
        precondition(users >= 1 && items >= 1 && rank >= 1, "lowRankRatings: bad sizes")
        precondition(density >= 0 && density <= 1 && noise >= 0, "lowRankRatings: density in 0...1, noise ≥ 0")
        let std = 1 / Float(rank).squareRoot().squareRoot()
        let u = Tensor.randomNormal([users, rank], std: std, using: &generator)
        let v = Tensor.randomNormal([items, rank], std: std, using: &generator)
        var userIndex: [Int32] = []
        var itemIndex: [Int32] = []
        var ratings: [Float] = []
        let expected = Int(Float(users * items) * density * 1.05) + 16
        userIndex.reserveCapacity(expected)
        itemIndex.reserveCapacity(expected)
        ratings.reserveCapacity(expected)
        u.scalars.withUnsafeBufferPointer { us in
            v.scalars.withUnsafeBufferPointer { vs in
                for a in 0..<users {
                    for b in 0..<items where density >= 1 || generator.nextUniform() < density {
                        var dot = mean
                        for k in 0..<rank { dot += us[a * rank + k] * vs[b * rank + k] }
                        if noise > 0 { dot += noise * generator.nextNormal() }
                        userIndex.append(Int32(a))
                        itemIndex.append(Int32(b))
                        ratings.append(dot)
                    }
                }
            }
        }
        let dataset = RatingsDataset(users: userIndex, items: itemIndex, ratings: ratings,
                                     userCount: users, itemCount: items)
        return LowRankRatings(dataset: dataset, userFactors: u, itemFactors: v)
    }
}
