import NeuromorphCore
import NeuromorphNN

/// One layer of a ``TrueNorthNetwork``: a grouped, strided, unpadded convolution.
public struct TrueNorthConvSpec: Sendable, Equatable, Codable {
    public var outChannels: Int
    public var kernelSize: Int
    public var stride: Int
    public var groups: Int
    /// Signature clusters per group ([I]; ``SymmetricProjection/nearestClusters(_:channels:size:clusters:exhaustiveBases:restarts:seed:masked:)``):
    /// 1 is the paper's one (σ, ρ, b) per group; k splits a group's features into k clusters
    /// with their own type vectors, whose cores take copies of the group's inputs.
    public var signatureClusters: Int
    public init(outChannels: Int, kernelSize: Int, stride: Int, groups: Int, signatureClusters: Int = 1) {
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.groups = groups
        self.signatureClusters = signatureClusters
    }
}

/// The architecture of a no-pooling grouped convolutional network for TrueNorth
/// (Appuswamy et al. 2016 §5: no pooling layers, grouped convolutions, the last layer's
/// features divided evenly among the classes, class score = spike count).
public struct TrueNorthNetworkConfiguration: Sendable, Equatable, Codable {
    /// Input image height and width (one gray channel before encoding).
    public var height: Int
    public var width: Int
    /// Thermometer levels: pixel p becomes the binary channels `1{p > k/(levels+1)}`,
    /// k = 1…levels ([I]: TrueNorth axons take spikes, not pixel values).
    public var inputLevels: Int
    public var layers: [TrueNorthConvSpec]
    public var classes: Int
    /// The readout logits are `logitScale · (class spike count) / (features per class · positions)`.
    public var logitScale: Float

    public init(height: Int, width: Int, inputLevels: Int, layers: [TrueNorthConvSpec], classes: Int, logitScale: Float = 10) {
        self.height = height
        self.width = width
        self.inputLevels = inputLevels
        self.layers = layers
        self.classes = classes
        self.logitScale = logitScale
    }

    /// The scaled Fashion-MNIST network: 3 input levels × 28×28 → 24 (3×3, stride 2) →
    /// 48 (3×3, groups 2) → 64 (3×3, stride 2, groups 4) → 80 (3×3, groups 8; 8 features
    /// per class); fan-ins 27, 108, 108, 72, all ≤ 128 so that the unconstrained two-axon
    /// mapping fits too.
    public static let fashionSmall = TrueNorthNetworkConfiguration(
        height: 28, width: 28, inputLevels: 3,
        layers: [TrueNorthConvSpec(outChannels: 24, kernelSize: 3, stride: 2, groups: 1),
                 TrueNorthConvSpec(outChannels: 48, kernelSize: 3, stride: 1, groups: 2),
                 TrueNorthConvSpec(outChannels: 64, kernelSize: 3, stride: 2, groups: 4),
                 TrueNorthConvSpec(outChannels: 80, kernelSize: 3, stride: 1, groups: 8)],
        classes: 10)

    /// `fashionSmall` with twice the groups in layers 3 and 4 (8 and 16): 8 instead of 16
    /// features share one (σ, ρ, b) type vector in layer 3, 5 instead of 10 in layer 4; fan-ins
    /// 27, 108, 54, 36 ([I], docs/learning-rules-truenorth.md "More groups"). Fewer connections
    /// change the float network too, so its binary network is compared with its own float one.
    public static let fashionSmallMoreGroups: TrueNorthNetworkConfiguration = {
        var configuration = fashionSmall
        configuration.layers[2].groups = 8
        configuration.layers[3].groups = 16
        return configuration
    }()

    /// A copy with `clusters[i]` signature clusters in layer i.
    ///
    /// - Throws: `LearningRuleParameterError` unless there is one count per layer.
    public func withSignatureClusters(_ clusters: [Int]) throws -> TrueNorthNetworkConfiguration {
        guard clusters.count == layers.count else {
            throw LearningRuleParameterError(type: "TrueNorthNetworkConfiguration", field: "signatureClusters",
                                             value: clusters.map(String.init).joined(separator: ","),
                                             expected: "one count per layer (\(layers.count))")
        }
        var copy = self
        for i in layers.indices { copy.layers[i].signatureClusters = clusters[i] }
        return copy
    }

    /// The core-mapping geometry of every layer.
    public func geometries() throws -> [TrueNorthLayerGeometry] {
        let shapes = try shapes()
        return layers.enumerated().map { i, layer in
            TrueNorthLayerGeometry(inChannels: shapes[i].channels, height: shapes[i].height, width: shapes[i].width,
                                   outChannels: layer.outChannels, kernelSize: layer.kernelSize, stride: layer.stride,
                                   groups: layer.groups, signatureClusters: layer.signatureClusters)
        }
    }

    /// (channels, height, width) of the input of every layer and of the output.
    public func shapes() throws -> [(channels: Int, height: Int, width: Int)] {
        var result = [(inputLevels, height, width)]
        for (i, layer) in layers.enumerated() {
            let last = result[result.count - 1]
            guard last.1 >= layer.kernelSize, last.2 >= layer.kernelSize else {
                throw LearningRuleParameterError(type: "TrueNorthNetworkConfiguration", field: "layers[\(i)].kernelSize",
                                                 value: "\(layer.kernelSize) on a \(last.1)×\(last.2) input",
                                                 expected: "a kernel no larger than its input")
            }
            result.append((layer.outChannels, (last.1 - layer.kernelSize) / layer.stride + 1,
                           (last.2 - layer.kernelSize) / layer.stride + 1))
        }
        return result
    }
}

/// A grouped no-pooling convolutional network whose activations go from ReLU to binary
/// threshold units and whose kernels go from real to symmetric trinary (Appuswamy et al.
/// 2016 §4; learning-rules note §1.4). Input: thermometer-coded images `[N, levels, H, W]`
/// (``encode(_:)``); output: class logits from the spike counts of each class's features.
public struct TrueNorthNetwork: Layer {
    public let configuration: TrueNorthNetworkConfiguration
    public var convolutions: [GroupedConv2d]
    public var activations: [BinarizingActivation]
    private var cachedShape: [Int] = []

    /// - Throws: `LearningRuleParameterError` for a layer that does not fit its input, groups
    ///   that do not divide the channels, a fan-in above 256, or a last layer whose features
    ///   do not split evenly among the classes.
    public init(_ configuration: TrueNorthNetworkConfiguration, seed: UInt64) throws {
        guard configuration.inputLevels >= 1, configuration.classes >= 2, !configuration.layers.isEmpty else {
            throw LearningRuleParameterError(type: "TrueNorthNetworkConfiguration", field: "inputLevels/classes/layers",
                                             value: "\(configuration.inputLevels)/\(configuration.classes)/\(configuration.layers.count)",
                                             expected: "at least 1 level, 2 classes and 1 layer")
        }
        let shapes = try configuration.shapes()
        guard let last = configuration.layers.last, last.outChannels % configuration.classes == 0 else {
            throw LearningRuleParameterError(type: "TrueNorthNetworkConfiguration", field: "layers.last.outChannels",
                                             value: "\(configuration.layers.last?.outChannels ?? 0)",
                                             expected: "a multiple of the \(configuration.classes) classes")
        }
        for (i, layer) in configuration.layers.enumerated()
        where layer.signatureClusters < 1 || layer.groups < 1 || layer.outChannels % (layer.groups * layer.signatureClusters) != 0 {
            throw LearningRuleParameterError(type: "TrueNorthNetworkConfiguration", field: "layers[\(i)].signatureClusters",
                                             value: "\(layer.signatureClusters) (\(layer.outChannels) features in \(layer.groups) groups)",
                                             expected: "a positive divisor of the features per group")
        }
        self.configuration = configuration
        var generator = SeededGenerator(seed: seed, key: StreamKey("truenorth", "init"))
        convolutions = try configuration.layers.enumerated().map { i, layer in
            try GroupedConv2d(shapes[i].channels, layer.outChannels, kernelSize: layer.kernelSize, stride: layer.stride,
                              groups: layer.groups, generator: &generator)
        }
        activations = configuration.layers.indices.map { BinarizingActivation(.relu, seed: seed, layer: $0) }
    }

    public var summary: String {
        (0..<convolutions.count).map { "\(convolutions[$0].summary) → \(activations[$0].summary)" }.joined(separator: " → ")
    }

    /// Thermometer code of images `[N, H·W]` or `[N, H, W]` with values in [0, 1]:
    /// channel k−1 holds `1{p > k/(levels+1)}`.
    public func encode(_ images: Tensor) -> Tensor {
        let n = images.shape[0], pixels = configuration.height * configuration.width, levels = configuration.inputLevels
        precondition(images.count == n * pixels, "TrueNorthNetwork.encode: images must have \(pixels) pixels")
        var out = [Float](repeating: 0, count: n * levels * pixels)
        images.scalars.withUnsafeBufferPointer { src in
            for i in 0..<n { for k in 0..<levels {
                let cut = Float(k + 1) / Float(levels + 1)
                for p in 0..<pixels where src[i * pixels + p] > cut { out[(i * levels + k) * pixels + p] = 1 }
            } }
        }
        return Tensor(shape: [n, levels, configuration.height, configuration.width], scalars: out)
    }

    /// The spike count (or activation sum) of every class: the sum of its features over all
    /// positions; features `c·m ..< (c+1)·m` belong to class c.
    public func classScores(_ output: Tensor) -> [[Float]] {
        let n = output.shape[0], features = output.shape[1], pixels = output.shape[2] * output.shape[3]
        let perClass = features / configuration.classes
        return (0..<n).map { i in
            (0..<configuration.classes).map { c in
                var sum: Float = 0
                for f in (c * perClass)..<((c + 1) * perClass) {
                    for p in 0..<pixels { sum += output.scalars[(i * features + f) * pixels + p] }
                }
                return sum
            }
        }
    }

    /// The last layer's activations `[N, F, H, W]`.
    public mutating func features(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        var x = input
        for i in convolutions.indices {
            x = convolutions[i].forward(x, mode: mode)
            x = activations[i].forward(x, mode: mode)
        }
        return x
    }

    /// Logits `[N, classes]`: `logitScale · score / (m · positions)`.
    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        let x = features(input, mode: mode)
        cachedShape = x.shape
        let norm = configuration.logitScale / Float(x.shape[1] / configuration.classes * x.shape[2] * x.shape[3])
        return Tensor(shape: [x.shape[0], configuration.classes], scalars: classScores(x).flatMap { $0.map { $0 * norm } })
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor { backward(outputGradient, needsInputGradient: true) }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        let n = cachedShape[0], features = cachedShape[1], pixels = cachedShape[2] * cachedShape[3]
        let perClass = features / configuration.classes
        let norm = configuration.logitScale / Float(perClass * pixels)
        var g = [Float](repeating: 0, count: n * features * pixels)
        for i in 0..<n { for f in 0..<features {
            let value = outputGradient.scalars[i * configuration.classes + f / perClass] * norm
            for p in 0..<pixels { g[(i * features + f) * pixels + p] = value }
        } }
        var gradient = Tensor(shape: cachedShape, scalars: g)
        for i in convolutions.indices.reversed() {
            gradient = activations[i].backward(gradient)
            gradient = convolutions[i].backward(gradient, needsInputGradient: needsInputGradient || i > 0)
        }
        return gradient
    }

    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        for i in convolutions.indices { convolutions[i].update(with: &optimizer, slot: &slot) }
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        for i in convolutions.indices { try convolutions[i].forEachParameter(body) }
    }

    /// Predicted classes: the argmax of the class scores (lowest class on ties), the rule the
    /// core simulation uses on spike counts.
    public mutating func predict(_ input: Tensor) -> [Int] {
        classScores(features(input, mode: .inference)).map { scores in
            var best = 0
            for c in scores.indices where scores[c] > scores[best] { best = c }
            return best
        }
    }
}
