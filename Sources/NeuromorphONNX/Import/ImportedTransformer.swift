import NeuromorphCore
import NeuromorphNN

/// One fully connected projection read from ONNX: `y = x Wᵀ + b`, `W` `[out, in]`.
public struct ImportedProjection: Sendable, Equatable {
    public var weight: Tensor
    public var bias: Tensor

    public init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias ?? .zeros([weight.shape[0]])
    }
}

/// Multi-head self-attention recognised in an ONNX graph (``MultiHeadSelfAttention``,
/// Vaswani et al. 2017 §3.2): `softmax(Q Kᵀ/√d_h) V` per head, then the output projection.
public struct ImportedAttention: Sendable, Equatable {
    public var heads: Int
    public var query: ImportedProjection
    public var key: ImportedProjection
    public var value: ImportedProjection
    public var output: ImportedProjection
}

/// Neuromorph's transformer classifier (``TransformerClassifier``, `{type: transformer}`) with
/// the weights read from ONNX, in the order the built layer visits its parameters
/// (``TransformerClassifier/forEachParameter(_:)``): embedding, positional embedding, per block
/// LN₁, Q, K, V, O, LN₂, W₁, W₂, then the final LayerNorm and the head.
public struct ImportedTransformer: Sendable, Equatable {
    public struct Named: Sendable, Equatable {
        public var name: String
        public var value: Tensor
    }

    public var blueprint: TransformerBlueprint
    public var parameters: [Named]
}

extension ImportedTransformer {
    /// The layer sequence of ``TransformerClassifier`` before its head, as the importer reads it:
    ///
    /// ```
    /// tokens(T, F) → linear (W_E: F → d) → positional [T, d] (optional: zeros)
    /// → B × [ residual[layer_norm, attention], residual[layer_norm, linear d → m, gelu (tanh), linear m → d] ]
    /// → layer_norm → mean over tokens
    /// ```
    ///
    /// `steps` runs from the tokenization to the token mean; `inputShape` is the model's sample
    /// shape (`[1, H, W]`, or `[H·W]` for square images), which must tokenize into image rows
    /// (`T = H`, `F = W`). Returns the classifier without its head (``withHead(_:)`` adds it),
    /// or a description of the first mismatch.
    static func encoder(_ steps: [ImportedModel.Step], inputShape: [Int]) -> Result<(TransformerBlueprint, [Named]), EncoderMismatch> {
        var parameters: [Named] = []
        func add(_ name: String, _ value: Tensor) { parameters.append(Named(name: name, value: value)) }
        func fail(_ message: String) -> Result<(TransformerBlueprint, [Named]), EncoderMismatch> { .failure(EncoderMismatch(message: message)) }
        var rest = steps[...]
        guard case let .tokens(t, f)? = rest.popFirst() else { return fail("it does not start with a Reshape of the image to [N, T, F] tokens") }
        let rows = inputShape == [1, t, f] || (inputShape == [t * f] && t == f)
        guard rows else {
            return fail("the \(inputShape) input becomes \(t) tokens of \(f) values; Neuromorph's transformer reads a one-channel image "
                        + "[1, H, W] (or a flat square image) as its H rows (T = H, F = W)")
        }
        guard case let .linear(embedding, embeddingBias)? = rest.popFirst(), embedding.shape[1] == f else {
            return fail("the tokens do not go into a linear patch embedding (MatMul + Add, \(f) → d)")
        }
        let d = embedding.shape[0]
        guard d > 0 else { return fail("the embedding has no outputs") }
        add("weight", embedding)
        add("bias", embeddingBias ?? .zeros([d]))
        if case let .positional(p)? = rest.first {
            rest.removeFirst()
            add("positional_embedding", p)
        } else {
            add("positional_embedding", .zeros([t, d]))
        }
        var heads: Int?, mlp: Int?, blocks = 0
        func norm(_ step: ImportedModel.Step?, _ what: String) -> Result<Void, EncoderMismatch> {
            guard case let .layerNorm(w, b, epsilon)? = step else { return .failure(EncoderMismatch(message: "\(what) is not a LayerNormalization")) }
            guard abs(epsilon - 1e-5) <= 1e-9 else {
                return .failure(EncoderMismatch(message: "\(what) has epsilon \(epsilon); Neuromorph's transformer uses 1e-5 (PyTorch's default)"))
            }
            add("weight", w)
            add("bias", b)
            return .success(())
        }
        while case let .residual(attentionBody)? = rest.first, attentionBody.count == 2, case .attention = attentionBody[1] {
            rest.removeFirst()
            let block = "block \(blocks + 1)"
            if case let .failure(e) = norm(attentionBody[0], "the first operator of \(block)'s attention residual") { return .failure(e) }
            guard case let .attention(a) = attentionBody[1] else { break }
            guard heads == nil || heads == a.heads else { return fail("\(block) has \(a.heads) heads, block 1 has \(heads ?? 0)") }
            heads = a.heads
            for p in [a.query, a.key, a.value, a.output] {
                guard p.weight.shape == [d, d] else { return fail("\(block)'s attention projections are \(p.weight.shape), expected [\(d), \(d)]") }
                add("weight", p.weight)
                add("bias", p.bias)
            }
            guard case let .residual(mlpBody)? = rest.popFirst(), mlpBody.count == 4 else {
                return fail("\(block)'s attention is not followed by the residual MLP h + W₂·GELU(W₁·LayerNorm(h))")
            }
            if case let .failure(e) = norm(mlpBody[0], "the first operator of \(block)'s MLP residual") { return .failure(e) }
            guard case let .linear(w1, b1) = mlpBody[1], case let .gelu(tanh) = mlpBody[2], case let .linear(w2, b2) = mlpBody[3],
                  w1.shape[1] == d, w1.shape[0] > 0, w2.shape == [d, w1.shape[0]] else {
                return fail("\(block)'s MLP residual is not LayerNormalization → linear d → m → GELU → linear m → d")
            }
            guard tanh else {
                return fail("\(block)'s MLP uses the exact (erf) GELU; Neuromorph's TransformerEncoderBlock uses the tanh approximation "
                            + "(export nn.GELU(approximate='tanh'))")
            }
            guard mlp == nil || mlp == w1.shape[0] else { return fail("\(block) has an MLP of \(w1.shape[0]), block 1 of \(mlp ?? 0)") }
            mlp = w1.shape[0]
            add("weight", w1)
            add("bias", b1 ?? .zeros([w1.shape[0]]))
            add("weight", w2)
            add("bias", b2 ?? .zeros([d]))
            blocks += 1
        }
        guard blocks > 0, let heads, let mlp else {
            return fail("no encoder block follows the embedding (a residual [LayerNormalization, self-attention] then a residual MLP)")
        }
        if case let .failure(e) = norm(rest.popFirst(), "the operator after the last block") { return .failure(e) }
        guard case .meanTokens? = rest.popFirst(), rest.isEmpty else {
            return fail("the final LayerNormalization is not followed by the mean over the tokens")
        }
        let blueprint = TransformerBlueprint(out: nil, dim: d, heads: heads, mlp: mlp, blocks: blocks, patch: 0, attentionBits: nil)
        return .success((blueprint, parameters))
    }

    /// What does not fit ``TransformerClassifier`` in the token layers.
    struct EncoderMismatch: Error {
        var message: String
    }
}
