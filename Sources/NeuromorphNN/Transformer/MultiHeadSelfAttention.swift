import NeuromorphCore
import RealModule

/// Multi-head scaled dot-product self-attention (Vaswani et al. 2017, §3.2) over a batch
/// of independent sequences `[N, T, d]` (or one sequence `[T, d]`).
///
/// With `H` heads of width `d_h = d / H`, head `h` using feature columns
/// `h·d_h ..< (h+1)·d_h` of the projections:
/// ```
/// Q = X W_Qᵀ + b_Q    K = X W_Kᵀ + b_K    V = X W_Vᵀ + b_V          (rows: N·T tokens)
/// P_h = softmax_rows( Q̂_h K̂_hᵀ / √d_h )                            (per sample, T × T)
/// O_h = P̂_h V̂_h        Y = concat_h(O_h) W_Oᵀ + b_O
/// ```
/// where `Q̂, K̂, P̂, V̂` are the INT-k quantized operands of the two attention batch-matmuls
/// (`AttentionQuantizer`, Spoon et al. 2021, digest §2.7) or the float values themselves
/// when the quantizer is off. The softmax runs in float.
///
/// The four projections are pluggable `any Layer`s built by a `LinearFactory`, so analog
/// tiles can replace the digital `Linear`s. Each projection is one GEMM over all `N·T`
/// tokens; the attention products loop over (sample, head) in parallel over samples
/// (`ComputeThreads.forEachChunk`, one chunk per sample, so results do not depend on the
/// thread count).
///
/// Backward (per sample and head, `G = dLoss/dO_h`):
/// ```
/// dP̂ = G V̂ᵀ     dV̂ = P̂ᵀ G     dS = P ⊙ (dP − rowsum(dP ⊙ P))     (dP from dP̂ by the quantizer)
/// dQ̂ = dS K̂ / √d_h     dK̂ = dSᵀ Q̂ / √d_h
/// ```
public struct MultiHeadSelfAttention: Layer {
    public let modelDimension: Int
    public let heads: Int
    public var headDimension: Int { modelDimension / heads }
    public var query: any Layer
    public var key: any Layer
    public var value: any Layer
    public var output: any Layer
    public var quantizer: AttentionQuantizer

    // Training caches: float operands, quantized operands (the same storage when off).
    var cachedBatch = 0
    var cachedLength = 0
    var cachedInputShape: [Int] = []
    var cachedQuery = Tensor.zeros([0])
    var cachedKey = Tensor.zeros([0])
    var cachedValue = Tensor.zeros([0])
    var cachedProbabilities = Tensor.zeros([0])
    var cachedQuantizedQuery = Tensor.zeros([0])
    var cachedQuantizedKey = Tensor.zeros([0])
    var cachedQuantizedValue = Tensor.zeros([0])
    var cachedQuantizedProbabilities = Tensor.zeros([0])

    /// Attention over `modelDimension` features split into `heads` heads, projections from
    /// `linear` (digital `Linear` by default), drawn in the order Q, K, V, O.
    public init(modelDimension: Int, heads: Int, quantizer: AttentionQuantizer = .off,
                generator: inout SeededGenerator, linear: LinearFactory = LinearFactories.digital) {
        precondition(modelDimension > 0 && heads > 0 && modelDimension % heads == 0,
                     "MultiHeadSelfAttention: \(heads) heads must divide \(modelDimension) features")
        self.modelDimension = modelDimension
        self.heads = heads
        self.quantizer = quantizer
        query = linear(modelDimension, modelDimension, &generator)
        key = linear(modelDimension, modelDimension, &generator)
        value = linear(modelDimension, modelDimension, &generator)
        output = linear(modelDimension, modelDimension, &generator)
    }

    public var summary: String {
        "MultiHeadSelfAttention(d \(modelDimension), \(heads) heads, \(quantizer.summary))"
    }

    /// `(N, T)` of an `[N, T, d]` or `[T, d]` input.
    func sequenceShape(_ input: Tensor) -> (batch: Int, length: Int) {
        precondition((input.rank == 3 || input.rank == 2) && input.shape.last == modelDimension,
                     "\(summary): input \(input.shape) is not [N, T, \(modelDimension)] or [T, \(modelDimension)]")
        return input.rank == 3 ? (input.shape[0], input.shape[1]) : (1, input.shape[0])
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        let (n, t) = sequenceShape(input)
        let tokens = input.reshaped([n * t, modelDimension])
        let q = query.forward(tokens, mode: mode)
        let k = key.forward(tokens, mode: mode)
        let v = value.forward(tokens, mode: mode)
        for (name, p) in [("query", q), ("key", k), ("value", v)] {
            precondition(p.rows == n * t && p.columns == modelDimension,
                         "\(summary): \(name) projection gave \(p.shape), expected [\(n * t), \(modelDimension)]")
        }
        let qHat = quantizer.quantize(.query, q)
        let kHat = quantizer.quantize(.key, k)
        let vHat = quantizer.quantize(.value, v)
        let probabilities = scores(qHat, kHat, batch: n, length: t)
        let pHat = quantizer.quantize(.probabilities, probabilities)
        let mixed = mix(pHat, vHat, batch: n, length: t)
        let y = output.forward(mixed, mode: mode)
        if mode == .training {
            (cachedBatch, cachedLength, cachedInputShape) = (n, t, input.shape)
            (cachedQuery, cachedKey, cachedValue, cachedProbabilities) = (q, k, v, probabilities)
            (cachedQuantizedQuery, cachedQuantizedKey) = (qHat, kHat)
            (cachedQuantizedValue, cachedQuantizedProbabilities) = (vHat, pHat)
        }
        return y.reshaped(input.shape)
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        let (n, t) = (cachedBatch, cachedLength)
        precondition(n > 0 && outputGradient.count == n * t * modelDimension,
                     "\(summary).backward: call forward(mode: .training) first")
        let dMixed = output.backward(outputGradient.reshaped([n * t, modelDimension]))
        var (dPHat, dVHat) = mixBackward(dMixed, batch: n, length: t)
        let dP = quantizer.backward(.probabilities, input: cachedProbabilities, outputGradient: dPHat,
                                    elementsPerSample: heads * t * t)
        dPHat = Tensor.zeros([0])
        let (dQHat, dKHat) = scoresBackward(dP, batch: n, length: t)
        let perSample = t * modelDimension
        let dQ = quantizer.backward(.query, input: cachedQuery, outputGradient: dQHat, elementsPerSample: perSample)
        let dK = quantizer.backward(.key, input: cachedKey, outputGradient: dKHat, elementsPerSample: perSample)
        let dV = quantizer.backward(.value, input: cachedValue, outputGradient: dVHat, elementsPerSample: perSample)
        dVHat = Tensor.zeros([0])
        var dX = query.backward(dQ, needsInputGradient: needsInputGradient)
        let dXk = key.backward(dK, needsInputGradient: needsInputGradient)
        let dXv = value.backward(dV, needsInputGradient: needsInputGradient)
        guard needsInputGradient else { return Tensor.zeros([0]) }
        dX += dXk
        dX += dXv
        return dX.reshaped(cachedInputShape)
    }

    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        query.update(with: &optimizer, slot: &slot)
        key.update(with: &optimizer, slot: &slot)
        value.update(with: &optimizer, slot: &slot)
        output.update(with: &optimizer, slot: &slot)
        quantizer.forEachParameter { parameter in
            optimizer.update(&parameter, slot: slot)
            slot += 1
        }
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try query.forEachParameter(body)
        try key.forEachParameter(body)
        try value.forEachParameter(body)
        try output.forEachParameter(body)
        try quantizer.forEachParameter(body)
    }
}
