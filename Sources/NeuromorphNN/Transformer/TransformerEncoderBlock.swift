import NeuromorphCore

/// One pre-LN transformer encoder block over `[N, T, d]` (Xiong et al. 2020, "On Layer
/// Normalization in the Transformer Architecture"; ViT's and GPT-2's block):
/// ```
/// h = x + MHSA(LN₁(x))
/// y = h + W₂ · GELU(W₁ · LN₂(h) + b₁) + b₂          (W₁: d → m, W₂: m → d)
/// ```
/// Pre-LN rather than BERT's post-LN (`LN(x + MHSA(x))`): the residual path is the
/// identity, so gradients reach early blocks unscaled and small models train from scratch
/// with a constant learning rate and no warm-up. A stack of pre-LN blocks needs one final
/// LayerNorm on its output (`TransformerClassifier` applies it).
///
/// The MLP layers and the four attention projections come from the `LinearFactory`, so
/// all six fully connected layers of the block can run on analog tiles while LayerNorm,
/// GELU, softmax and the attention products stay digital (Spoon et al. 2021, digest §2.1).
public struct TransformerEncoderBlock: Layer {
    public let modelDimension: Int
    public let mlpDimension: Int
    public var attentionNorm: LayerNorm
    public var attention: MultiHeadSelfAttention
    public var mlpNorm: LayerNorm
    /// W₁, `d → m`.
    public var expand: any Layer
    public var activation = GELU()
    /// W₂, `m → d`.
    public var contract: any Layer
    private var cachedShape: [Int] = []

    /// A block with `heads` attention heads and an MLP of width `mlpDimension`; the
    /// factory is called for Q, K, V, O, W₁, W₂ in that order.
    public init(modelDimension: Int, heads: Int, mlpDimension: Int, quantizer: AttentionQuantizer = .off,
                layerNormEpsilon: Float = 1e-5, generator: inout SeededGenerator,
                linear: LinearFactory = LinearFactories.digital) {
        precondition(mlpDimension > 0, "TransformerEncoderBlock: mlpDimension must be positive")
        self.modelDimension = modelDimension
        self.mlpDimension = mlpDimension
        attentionNorm = LayerNorm(modelDimension, epsilon: layerNormEpsilon)
        attention = MultiHeadSelfAttention(modelDimension: modelDimension, heads: heads, quantizer: quantizer,
                                           generator: &generator, linear: linear)
        mlpNorm = LayerNorm(modelDimension, epsilon: layerNormEpsilon)
        expand = linear(modelDimension, mlpDimension, &generator)
        contract = linear(mlpDimension, modelDimension, &generator)
    }

    public var summary: String {
        "TransformerEncoderBlock(pre-LN, d \(modelDimension), \(attention.heads) heads, MLP \(mlpDimension), "
            + "\(attention.quantizer.summary))"
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        precondition(input.shape.last == modelDimension && input.rank >= 2,
                     "\(summary): input \(input.shape) does not end in \(modelDimension) features")
        var h = input
        h += attention.forward(attentionNorm.forward(input, mode: mode), mode: mode)
        let tokens = h.count / modelDimension
        let z = mlpNorm.forward(h, mode: mode).reshaped([tokens, modelDimension])
        let u = contract.forward(activation.forward(expand.forward(z, mode: mode), mode: mode), mode: mode)
        precondition(u.count == h.count, "\(summary): the MLP gave \(u.shape) for \(tokens) tokens")
        h += u
        if mode == .training { cachedShape = input.shape }
        return h
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(!cachedShape.isEmpty && outputGradient.count == cachedShape.reduce(1, *),
                     "\(summary).backward: call forward(mode: .training) first")
        let tokens = outputGradient.count / modelDimension
        // Through the MLP branch; the residual adds dLoss/dy itself.
        let du = outputGradient.reshaped([tokens, modelDimension])
        let dz = expand.backward(activation.backward(contract.backward(du)))
        var dh = outputGradient.reshaped(cachedShape)
        dh += mlpNorm.backward(dz.reshaped(cachedShape))
        // Through the attention branch.
        var dx = dh
        dx += attentionNorm.backward(attention.backward(dh))
        return dx
    }

    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        attentionNorm.update(with: &optimizer, slot: &slot)
        attention.update(with: &optimizer, slot: &slot)
        mlpNorm.update(with: &optimizer, slot: &slot)
        expand.update(with: &optimizer, slot: &slot)
        contract.update(with: &optimizer, slot: &slot)
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try attentionNorm.forEachParameter(body)
        try attention.forEachParameter(body)
        try mlpNorm.forEachParameter(body)
        try expand.forEachParameter(body)
        try contract.forEachParameter(body)
    }
}
