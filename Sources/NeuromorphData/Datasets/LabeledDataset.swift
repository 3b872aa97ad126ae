import NeuromorphCore

/// Examples with integer class labels: images, feature vectors, anything classified.
///
/// `inputs` has shape `[N, features...]`: `[N, 28, 28]` as loaded from IDX, `[N, 784]`
/// after ``flattened()``, `[N, 1, 28, 28]` after ``reshapedImages(channels:height:width:)``.
/// Labels lie in `0..<classCount`.
public struct LabeledDataset: Sendable, Equatable {
    /// The examples, outermost dimension first.
    public var inputs: Tensor
    /// The class of each example, in `0..<classCount`.
    public var labels: [Int]
    /// The number of classes.
    public var classCount: Int

    /// A dataset; `inputs.shape[0]` must equal `labels.count` and labels must lie in `0..<classCount`.
    public init(inputs: Tensor, labels: [Int], classCount: Int) {
        precondition(inputs.rank >= 1, "LabeledDataset: inputs need a leading example dimension, got shape \(inputs.shape)")
        precondition(inputs.shape[0] == labels.count,
                     "LabeledDataset: \(inputs.shape[0]) inputs but \(labels.count) labels")
        precondition(classCount >= 1, "LabeledDataset: classCount must be ≥ 1, got \(classCount)")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classCount },
                     "LabeledDataset: labels must lie in 0..<\(classCount)")
        self.inputs = inputs
        self.labels = labels
        self.classCount = classCount
    }

    /// Number of examples.
    public var count: Int { labels.count }

    /// The shape of one example (`[28, 28]` for MNIST as loaded).
    public var featureShape: [Int] { Array(inputs.shape.dropFirst()) }

    /// Number of scalars in one example (784 for MNIST).
    public var featureCount: Int { featureShape.reduce(1, *) }

    /// How many examples each class has.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// The examples at `indices`, in that order (repeats allowed).
    public func subset(_ indices: some Collection<Int>) -> LabeledDataset {
        let gathered = inputs.gatherRows(indices)
        let picked = labels.withUnsafeBufferPointer { all in indices.map { all[$0] } }
        return LabeledDataset(unchecked: gathered, labels: picked, classCount: classCount)
    }

    /// The first `n` examples (all of them when `n ≥ count`).
    public func prefix(_ n: Int) -> LabeledDataset {
        precondition(n >= 0, "prefix: negative count \(n)")
        return subset(0..<Swift.min(n, count))
    }

    /// The same examples with each one flattened to a vector: shape `[N, featureCount]`.
    public func flattened() -> LabeledDataset {
        var copy = self
        copy.inputs.reshape([count, featureCount])
        return copy
    }

    /// The same examples as NCHW images for convolutional networks: shape `[N, C, H, W]`.
    ///
    /// `channels × height × width` must equal ``featureCount``.
    public func reshapedImages(channels: Int, height: Int, width: Int) -> LabeledDataset {
        precondition(channels * height * width == featureCount,
                     "reshapedImages: \(channels)×\(height)×\(width) ≠ \(featureCount) features per example")
        var copy = self
        copy.inputs.reshape([count, channels, height, width])
        return copy
    }

    /// Skips the label checks; for results built from an already-valid dataset.
    init(unchecked inputs: Tensor, labels: [Int], classCount: Int) {
        self.inputs = inputs
        self.labels = labels
        self.classCount = classCount
    }
}

// MARK: - Shuffling and splitting

extension LabeledDataset {
    /// The examples in a random order drawn from `generator`.
    public func shuffled(using generator: inout SeededGenerator) -> LabeledDataset {
        subset(generator.permutation(count))
    }

    /// Splits off a random `validationFraction` of the examples.
    ///
    /// The validation set gets `round(validationFraction × count)` examples chosen by a
    /// seeded permutation; both parts keep the original relative order. The same
    /// generator state always gives the same split.
    public func split(validationFraction: Double,
                      generator: inout SeededGenerator) -> (train: LabeledDataset, validation: LabeledDataset) {
        precondition(validationFraction >= 0 && validationFraction <= 1,
                     "split: validationFraction must lie in 0...1, got \(validationFraction)")
        let validationCount = Int((Double(count) * validationFraction).rounded())
        let order = generator.permutation(count)
        let validation = order[..<validationCount].sorted()
        let train = order[validationCount...].sorted()
        return (subset(train), subset(validation))
    }
}

// MARK: - Batches

/// A mini-batch: consecutive rows of inputs and their labels.
public struct Batch: Sendable, Equatable {
    /// `[B, features...]`.
    public var inputs: Tensor
    /// The `B` labels.
    public var labels: [Int]
    /// Where each example sits in the dataset the batch came from.
    public var indices: [Int]

    /// Number of examples in the batch.
    public var count: Int { labels.count }
}

extension LabeledDataset {
    /// The examples in mini-batches of `size`, in dataset order; the last batch may be smaller.
    public func batches(size: Int) -> BatchSequence {
        BatchSequence(dataset: self, order: Array(0..<count), size: size)
    }

    /// The examples in mini-batches of `size` after a seeded shuffle; the last batch may be smaller.
    ///
    /// Call once per epoch with the same generator to get a fresh order each epoch; the
    /// same starting state always gives the same sequence of batches.
    public func batches(size: Int, shuffledWith generator: inout SeededGenerator) -> BatchSequence {
        BatchSequence(dataset: self, order: generator.permutation(count), size: size)
    }

    /// Mini-batches, shuffled when `generator` is non-nil (convenient for a `--shuffle` flag).
    public func batches(size: Int, shuffleWith generator: inout SeededGenerator?) -> BatchSequence {
        if generator != nil { return batches(size: size, shuffledWith: &generator!) }
        return batches(size: size)
    }
}

/// Mini-batches gathered one at a time, so an epoch never holds a second copy of the data.
public struct BatchSequence: Sequence, Sendable {
    /// The dataset the batches come from.
    public let dataset: LabeledDataset
    /// The order in which examples are visited.
    public let order: [Int]
    /// Examples per batch (the last batch may hold fewer).
    public let size: Int

    init(dataset: LabeledDataset, order: [Int], size: Int) {
        precondition(size >= 1, "batches: size must be ≥ 1, got \(size)")
        self.dataset = dataset
        self.order = order
        self.size = size
    }

    /// Number of batches, `ceil(count / size)`.
    public var count: Int { (order.count + size - 1) / size }

    /// Batch `i`, gathered from the dataset.
    public subscript(_ i: Int) -> Batch {
        precondition(i >= 0 && i < count, "BatchSequence: batch \(i) out of range 0..<\(count)")
        let indices = Array(order[(i * size)..<Swift.min((i + 1) * size, order.count)])
        let part = dataset.subset(indices)
        return Batch(inputs: part.inputs, labels: part.labels, indices: indices)
    }

    public var underestimatedCount: Int { count }

    public func makeIterator() -> Iterator { Iterator(sequence: self) }

    /// Yields the batches in order.
    public struct Iterator: IteratorProtocol, Sendable {
        let sequence: BatchSequence
        var position = 0

        public mutating func next() -> Batch? {
            guard position < sequence.count else { return nil }
            defer { position += 1 }
            return sequence[position]
        }
    }
}
