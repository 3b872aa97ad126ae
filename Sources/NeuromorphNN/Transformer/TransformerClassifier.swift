import NeuromorphCore

// MARK: - Configuration

/// How an image becomes a token sequence.
public enum Tokenization: Sendable, Codable, Equatable {
    /// Each image row is one token: `T = height` tokens of `channels · width` pixels
    /// (28 tokens of 28 pixels for Fashion-MNIST).
    case rows
    /// Non-overlapping `P × P` patches in row-major order (ViT, Dosovitskiy et al. 2021):
    /// `T = (height/P)(width/P)` tokens of `channels · P²` pixels.
    case patches(Int)
}

/// The shape of a `TransformerClassifier`: a value you can print, save and compare.
/// The defaults are the issue-5 §7 model (Fashion-MNIST rows as 28 tokens, d = 64,
/// 2 blocks of 4 heads, MLP 128, float attention).
public struct TransformerConfiguration: Sendable, Codable, Equatable {
    public var imageHeight: Int
    public var imageWidth: Int
    public var channels: Int
    public var tokenization: Tokenization
    public var modelDimension: Int
    public var heads: Int
    public var mlpDimension: Int
    public var blocks: Int
    public var classes: Int
    /// INT-k of the attention batch-matmuls (`nil`: float; Spoon et al. use 10, 8, 6).
    public var attentionBits: Int?
    public var layerNormEpsilon: Float
    /// Standard deviation of the initial positional embeddings (ViT/BERT: 0.02).
    public var positionalInitStd: Float

    public init(imageHeight: Int = 28, imageWidth: Int = 28, channels: Int = 1, tokenization: Tokenization = .rows,
                modelDimension: Int = 64, heads: Int = 4, mlpDimension: Int = 128, blocks: Int = 2,
                classes: Int = 10, attentionBits: Int? = nil, layerNormEpsilon: Float = 1e-5,
                positionalInitStd: Float = 0.02) {
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.channels = channels
        self.tokenization = tokenization
        self.modelDimension = modelDimension
        self.heads = heads
        self.mlpDimension = mlpDimension
        self.blocks = blocks
        self.classes = classes
        self.attentionBits = attentionBits
        self.layerNormEpsilon = layerNormEpsilon
        self.positionalInitStd = positionalInitStd
    }

    /// Height and width of one token's pixel patch.
    public var patchSize: (height: Int, width: Int) {
        switch tokenization {
        case .rows: (1, imageWidth)
        case .patches(let p): (p, p)
        }
    }

    /// Tokens per image, `T`.
    public var sequenceLength: Int { (imageHeight / patchSize.height) * (imageWidth / patchSize.width) }

    /// Pixels per token (the patch embedding's input width).
    public var tokenFeatures: Int { channels * patchSize.height * patchSize.width }

    /// Pixels per image.
    public var imageFeatures: Int { channels * imageHeight * imageWidth }

    /// Checks the sizes once (a programmer error when they do not fit together).
    func validate() {
        precondition(imageHeight > 0 && imageWidth > 0 && channels > 0, "TransformerConfiguration: empty image")
        let (ph, pw) = patchSize
        precondition(ph > 0 && imageHeight % ph == 0 && imageWidth % pw == 0,
                     "TransformerConfiguration: \(ph)×\(pw) patches do not tile a \(imageHeight)×\(imageWidth) image")
        precondition(blocks >= 0 && classes > 0, "TransformerConfiguration: blocks ≥ 0 and classes > 0 required")
        precondition(modelDimension > 0 && heads > 0 && modelDimension % heads == 0,
                     "TransformerConfiguration: \(heads) heads must divide modelDimension \(modelDimension)")
    }
}

// MARK: - Classifier

/// A small vision transformer for image classification: the issue-5 §7 model, a
/// transformer encoder whose fully connected layers can run on analog tiles, trained on
/// images as token sequences.
///
/// Input `[N, C·H·W]` or `[N, C, H, W]`; output `[N, classes]` logits:
/// ```
/// x₀ = tokens(image) W_Eᵀ + b_E + E_pos          (tokens: [N·T, C·P_h·P_w], E_pos: [T, d])
/// x_b = Block_b(x_{b−1}),  b = 1…B                (pre-LN `TransformerEncoderBlock`s)
/// logits = mean_t LN(x_B)[t] · W_Hᵀ + b_H
/// ```
/// The patch embedding `W_E`, every block's six fully connected layers and the head `W_H`
/// come from one `LinearFactory` (digital `Linear` by default), called in the order
/// embedding, block 1 (Q, K, V, O, W₁, W₂), …, head. Sequences are independent: the
/// fully connected layers see all `N·T` tokens at once (one GEMM each), the attention
/// products loop over samples in parallel.
public struct TransformerClassifier: Layer {
    public let configuration: TransformerConfiguration
    /// Patch embedding, `C·P_h·P_w → d`.
    public var embedding: any Layer
    /// Learned positional embeddings, `[T, d]`, added to every sample (no weight decay).
    public var positionalEmbedding: Parameter
    public var blocks: [TransformerEncoderBlock]
    /// The LayerNorm after the last pre-LN block.
    public var finalNorm: LayerNorm
    /// Classification head, `d → classes`.
    public var head: any Layer
    /// For each token feature `t·F + f`, the pixel it reads (within one image).
    private let pixelOfTokenFeature: [Int32]
    private var cachedInputShape: [Int] = []

    public init(_ configuration: TransformerConfiguration = TransformerConfiguration(),
                generator: inout SeededGenerator, linear: LinearFactory = LinearFactories.digital) {
        configuration.validate()
        self.configuration = configuration
        let (t, d) = (configuration.sequenceLength, configuration.modelDimension)
        embedding = linear(configuration.tokenFeatures, d, &generator)
        positionalEmbedding = Parameter(name: "positional_embedding",
                                        value: .randomNormal([t, d], std: configuration.positionalInitStd,
                                                             using: &generator),
                                        decays: false)
        let quantizer = AttentionQuantizer(bits: configuration.attentionBits)
        var blocks: [TransformerEncoderBlock] = []
        for _ in 0..<configuration.blocks {
            blocks.append(TransformerEncoderBlock(modelDimension: d, heads: configuration.heads,
                                                  mlpDimension: configuration.mlpDimension, quantizer: quantizer,
                                                  layerNormEpsilon: configuration.layerNormEpsilon,
                                                  generator: &generator, linear: linear))
        }
        self.blocks = blocks
        finalNorm = LayerNorm(d, epsilon: configuration.layerNormEpsilon)
        head = linear(d, configuration.classes, &generator)
        pixelOfTokenFeature = TransformerClassifier.tokenMap(configuration)
    }

    public var summary: String {
        let c = configuration
        let tokens = switch c.tokenization {
        case .rows: "rows"
        case .patches(let p): "\(p)×\(p) patches"
        }
        return "TransformerClassifier(\(c.sequenceLength) tokens [\(tokens)] of \(c.tokenFeatures) → d \(c.modelDimension), "
            + "\(c.blocks) blocks × \(c.heads) heads, MLP \(c.mlpDimension), "
            + "\(AttentionQuantizer(bits: c.attentionBits).summary), \(c.classes) classes)"
    }

    /// Pixel index (within a `[C, H, W]` image) of every token feature, token-major.
    static func tokenMap(_ c: TransformerConfiguration) -> [Int32] {
        let (ph, pw) = c.patchSize
        let columns = c.imageWidth / pw
        var map: [Int32] = []
        map.reserveCapacity(c.sequenceLength * c.tokenFeatures)
        for token in 0..<c.sequenceLength {
            let (pr, pc) = (token / columns, token % columns)
            for channel in 0..<c.channels {
                for a in 0..<ph {
                    for b in 0..<pw {
                        map.append(Int32((channel * c.imageHeight + pr * ph + a) * c.imageWidth + pc * pw + b))
                    }
                }
            }
        }
        return map
    }

    /// `[N, …]` images → `[N·T, F]` tokens.
    func tokenize(_ input: Tensor) -> Tensor {
        let n = input.shape.first ?? 0
        precondition(input.rank >= 2 && input.count == n * configuration.imageFeatures,
                     "\(summary): input \(input.shape) is not [N, \(configuration.imageFeatures)] "
                        + "or [N, \(configuration.channels), \(configuration.imageHeight), \(configuration.imageWidth)]")
        let (pixels, perImage) = (configuration.imageFeatures, pixelOfTokenFeature.count)
        var tokens = Tensor.zeros([n * configuration.sequenceLength, configuration.tokenFeatures])
        input.scalars.withUnsafeBufferPointer { src in
            tokens.scalars.withUnsafeMutableBufferPointer { dst in
                pixelOfTokenFeature.withUnsafeBufferPointer { map in
                    for s in 0..<n {
                        let (from, to) = (s * pixels, s * perImage)
                        for i in 0..<perImage { dst[to + i] = src[from + Int(map[i])] }
                    }
                }
            }
        }
        return tokens
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        let n = input.shape.first ?? 0
        let (t, d) = (configuration.sequenceLength, configuration.modelDimension)
        var x = embedding.forward(tokenize(input), mode: mode)
        precondition(x.rows == n * t && x.columns == d, "\(summary): the embedding gave \(x.shape)")
        x.scalars.withUnsafeMutableBufferPointer { xp in
            positionalEmbedding.value.scalars.withUnsafeBufferPointer { ep in
                for s in 0..<n {
                    for i in 0..<(t * d) { xp[s * t * d + i] += ep[i] }
                }
            }
        }
        x.reshape([n, t, d])
        for b in blocks.indices { x = blocks[b].forward(x, mode: mode) }
        let z = finalNorm.forward(x, mode: mode)
        // Mean over the tokens of each sample.
        var pooled = Tensor.zeros([n, d])
        pooled.scalars.withUnsafeMutableBufferPointer { pp in
            z.scalars.withUnsafeBufferPointer { zp in
                let inverse = 1 / Float(t)
                for s in 0..<n {
                    for i in 0..<t {
                        for c in 0..<d { pp[s * d + c] += zp[(s * t + i) * d + c] }
                    }
                    for c in 0..<d { pp[s * d + c] *= inverse }
                }
            }
        }
        if mode == .training { cachedInputShape = input.shape }
        return head.forward(pooled, mode: mode)
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    /// Runs back to the patch embedding; the pixel gradient is computed only if asked.
    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        let n = cachedInputShape.first ?? 0
        precondition(n > 0 && outputGradient.rows == n, "\(summary).backward: call forward(mode: .training) first")
        let (t, d) = (configuration.sequenceLength, configuration.modelDimension)
        let dPooled = head.backward(outputGradient)
        var dz = Tensor.zeros([n, t, d])
        dz.scalars.withUnsafeMutableBufferPointer { zp in
            dPooled.scalars.withUnsafeBufferPointer { pp in
                let inverse = 1 / Float(t)
                for s in 0..<n {
                    for i in 0..<t {
                        for c in 0..<d { zp[(s * t + i) * d + c] = pp[s * d + c] * inverse }
                    }
                }
            }
        }
        var dx = finalNorm.backward(dz)
        for b in blocks.indices.reversed() { dx = blocks[b].backward(dx) }
        dx.reshape([n * t, d])
        var positionalGradient = [Float](repeating: 0, count: t * d)
        dx.scalars.withUnsafeBufferPointer { gp in
            for s in 0..<n {
                for i in 0..<(t * d) { positionalGradient[i] += gp[s * t * d + i] }
            }
        }
        positionalEmbedding.gradient = Tensor(shape: [t, d], scalars: positionalGradient)
        let dTokens = embedding.backward(dx, needsInputGradient: needsInputGradient)
        guard needsInputGradient else { return Tensor.zeros([0]) }
        // Scatter the token gradients back to the pixels (each pixel is in one token).
        var dInput = Tensor.zeros(cachedInputShape)
        let (pixels, perImage) = (configuration.imageFeatures, pixelOfTokenFeature.count)
        dTokens.scalars.withUnsafeBufferPointer { src in
            dInput.scalars.withUnsafeMutableBufferPointer { dst in
                pixelOfTokenFeature.withUnsafeBufferPointer { map in
                    for s in 0..<n {
                        for i in 0..<perImage { dst[s * pixels + Int(map[i])] += src[s * perImage + i] }
                    }
                }
            }
        }
        return dInput
    }

    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        embedding.update(with: &optimizer, slot: &slot)
        optimizer.update(&positionalEmbedding, slot: slot)
        slot += 1
        for b in blocks.indices { blocks[b].update(with: &optimizer, slot: &slot) }
        finalNorm.update(with: &optimizer, slot: &slot)
        head.update(with: &optimizer, slot: &slot)
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try embedding.forEachParameter(body)
        try body(&positionalEmbedding)
        for b in blocks.indices { try blocks[b].forEachParameter(body) }
        try finalNorm.forEachParameter(body)
        try head.forEachParameter(body)
    }
}
