/// The work of one layer for one sample: what it computes, on which shapes, with how many
/// weights and multiply-accumulates.
///
/// Shapes are per sample, without the batch dimension, in Neuromorph's layout: `[features]`
/// for a flat vector, `[tokens, features]` for a sequence, `[channels, height, width]` for an
/// image. Weight shapes follow PyTorch: `[out, in]` for a linear layer, `[outC, inC, k, k]`
/// for a convolution.
///
/// MACs count the multiply-accumulates of matrix products only (weights × activations and
/// the attention batch-matmuls); element-wise work (activations, pooling, normalization,
/// bias adds) counts 0 MACs, as in NeuroSim and most accelerator papers:
/// ```
/// linear:         MACs = rows × in × out          (rows = tokens, 1 for a flat input)
/// conv2d:         MACs = H_out × W_out × (inC × k × k) × outC
/// QKᵀ and AV:     MACs = heads × T × T × d_head
/// ```
public struct WorkloadLayer: Codable, Sendable, Equatable {
    /// What a layer computes, as far as cost and mapping care.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// `y = x Wᵀ + b`, applied to every row (token) of its input.
        case linear
        /// A 2-D convolution (square kernel, symmetric zero padding).
        case conv2d
        /// Max or average pooling.
        case pool
        /// An element-wise non-linearity (ReLU, sigmoid, tanh, GELU, …).
        case activation
        /// Softmax or log-softmax over the last dimension.
        case softmax
        /// A normalization with learned gain and offset (LayerNorm).
        case normalization
        /// A batch matrix product of two activations (QKᵀ, AV): no stationary weights.
        case attentionMatmul = "attention-matmul"
        /// A learned embedding added to or looked up for the input (positional embedding).
        case embedding
        /// A change of shape only (flatten, reshape, tokenization).
        case reshape
        /// Dropout (identity at inference).
        case dropout
    }

    /// What the layer computes.
    public var kind: Kind
    /// The dotted path of the layer in its model (`3.blocks.0.attention.query`).
    public var path: String
    /// The operation in a few words (`relu`, `max 2×2`, `QKᵀ`, `Linear(784 → 256)`).
    public var operation: String
    /// The shape of one input sample.
    public var inputShape: [Int]
    /// The shape of one output sample.
    public var outputShape: [Int]
    /// The stationary weight tensor's shape (`[out, in]`, `[outC, inC, k, k]`), or `nil`.
    public var weightShape: [Int]?
    /// The second operand of an attention batch-matmul (`Kᵀ` or `V`, per sample), or `nil`.
    public var operandShape: [Int]?
    /// The square kernel size of a convolution or pooling window.
    public var kernel: Int?
    /// The stride of a convolution or pooling.
    public var stride: Int?
    /// The zero padding on each side of a convolution.
    public var padding: Int?
    /// Multiply-accumulates per sample.
    public var macs: Int
    /// Trainable scalars the layer holds itself (weights, biases, gains, embeddings).
    public var parameters: Int
    /// Output elements per sample (the activations the layer writes).
    public var activations: Int

    public init(kind: Kind, path: String, operation: String, inputShape: [Int], outputShape: [Int],
                weightShape: [Int]? = nil, operandShape: [Int]? = nil, kernel: Int? = nil, stride: Int? = nil,
                padding: Int? = nil, macs: Int = 0, parameters: Int = 0) {
        self.kind = kind
        self.path = path
        self.operation = operation
        self.inputShape = inputShape
        self.outputShape = outputShape
        self.weightShape = weightShape
        self.operandShape = operandShape
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.macs = macs
        self.parameters = parameters
        self.activations = outputShape.reduce(1, *)
    }

    /// Whether the layer holds weights that stay in place across inputs (what a crossbar or
    /// compute-in-memory macro stores): linear and convolution layers.
    public var hasStationaryWeights: Bool { kind == .linear || kind == .conv2d }
}

// MARK: - Constructors

extension WorkloadLayer {
    /// A linear layer `in → out` applied to every row of `inputShape` (its last dimension
    /// must be `in`).
    public static func linear(path: String, inputShape: [Int], outputFeatures: Int, bias: Bool,
                              operation: String? = nil) throws -> WorkloadLayer {
        guard let inputFeatures = inputShape.last, inputFeatures > 0, outputFeatures > 0 else {
            throw WorkloadError(path: path, "a linear layer needs an input ending in its feature count, got \(inputShape)")
        }
        let rows = inputShape.dropLast().reduce(1, *)
        return WorkloadLayer(
            kind: .linear, path: path, operation: operation ?? "Linear(\(inputFeatures) → \(outputFeatures))",
            inputShape: inputShape, outputShape: Array(inputShape.dropLast()) + [outputFeatures],
            weightShape: [outputFeatures, inputFeatures], macs: rows * inputFeatures * outputFeatures,
            parameters: outputFeatures * inputFeatures + (bias ? outputFeatures : 0))
    }

    /// A `k × k` convolution with `outChannels` filters on a `[inC, H, W]` input.
    public static func conv2d(path: String, inputShape: [Int], outChannels: Int, kernel: Int, stride: Int,
                              padding: Int, bias: Bool, operation: String? = nil) throws -> WorkloadLayer {
        guard inputShape.count == 3 else {
            throw WorkloadError(path: path, "a convolution needs a [channels, height, width] input, got \(inputShape)")
        }
        let (c, h, w) = (inputShape[0], inputShape[1], inputShape[2])
        let (ho, wo) = ((h + 2 * padding - kernel) / stride + 1, (w + 2 * padding - kernel) / stride + 1)
        guard h + 2 * padding >= kernel, w + 2 * padding >= kernel, ho > 0, wo > 0 else {
            throw WorkloadError(path: path, "kernel \(kernel) with padding \(padding) does not fit the \(h)×\(w) input")
        }
        return WorkloadLayer(
            kind: .conv2d, path: path, operation: operation ?? "Conv2d(\(c) → \(outChannels), \(kernel)×\(kernel))",
            inputShape: inputShape, outputShape: [outChannels, ho, wo], weightShape: [outChannels, c, kernel, kernel],
            kernel: kernel, stride: stride, padding: padding, macs: ho * wo * c * kernel * kernel * outChannels,
            parameters: outChannels * c * kernel * kernel + (bias ? outChannels : 0))
    }

    /// A layer that keeps the shape and has no MACs or parameters (activation, dropout,
    /// softmax).
    public static func elementwise(_ kind: Kind, path: String, operation: String, shape: [Int]) -> WorkloadLayer {
        WorkloadLayer(kind: kind, path: path, operation: operation, inputShape: shape, outputShape: shape)
    }
}

// MARK: - Errors

/// A model whose workload cannot be described: a shape that does not fit a layer, or a layer
/// type that does not describe its work.
public struct WorkloadError: UserFacingError, Sendable, Equatable {
    /// The dotted path of the layer (`""` for the model itself).
    public var path: String
    public var message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "workload of layer \(path.isEmpty ? "<model>" : "'\(path)'"): \(message)" }
}
