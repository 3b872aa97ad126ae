import NeuromorphCore

// MARK: - Leaves

extension LayerNorm: WorkloadDescribing {
    /// Normalization over the last dimension (`features`), with `2 × features` parameters.
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        guard inputShape.last == features else {
            throw WorkloadError(path: path, "\(summary) needs an input ending in \(features) features, got \(inputShape)")
        }
        return [WorkloadLayer(kind: .normalization, path: path, operation: "layer_norm", inputShape: inputShape,
                              outputShape: inputShape, parameters: gain.value.count + offset.value.count)]
    }
}

extension GELU: WorkloadDescribing {
    /// The tanh GELU, element-wise.
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        [.elementwise(.activation, path: path, operation: "gelu", shape: inputShape)]
    }
}

// MARK: - Attention

extension MultiHeadSelfAttention: WorkloadDescribing {
    /// On a `[T, d]` sequence: the Q, K, V projections, the per-head batch-matmul `QKᵀ`
    /// (`[heads, T, d_h] × [heads, d_h, T]`), the softmax, `AV` (`[heads, T, T] × [heads, T,
    /// d_h]`) and the output projection. Each batch-matmul costs `heads × T × T × d_h` MACs;
    /// the INT-k quantizer's learned scales count as parameters of `QKᵀ`.
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        guard inputShape.count == 2, inputShape[1] == modelDimension else {
            throw WorkloadError(path: path, "\(summary) needs a [tokens, \(modelDimension)] input, got \(inputShape)")
        }
        let (t, h, dh) = (inputShape[0], heads, headDimension)
        var layers: [WorkloadLayer] = []
        for (name, projection) in [("query", query), ("key", key), ("value", value)] {
            layers += try LayerWorkload.layers(of: projection, inputShape: inputShape, path: layerPath(path, name))
        }
        var quantizerCopy = quantizer
        var quantizerScalars = 0
        quantizerCopy.forEachParameter { quantizerScalars += $0.value.count }
        let precision = quantizer.summary
        layers.append(WorkloadLayer(kind: .attentionMatmul, path: layerPath(path, "scores"), operation: "QKᵀ (\(precision))",
                                    inputShape: [h, t, dh], outputShape: [h, t, t], operandShape: [h, dh, t],
                                    macs: h * t * t * dh, parameters: quantizerScalars))
        layers.append(.elementwise(.softmax, path: layerPath(path, "softmax"), operation: "softmax", shape: [h, t, t]))
        layers.append(WorkloadLayer(kind: .attentionMatmul, path: layerPath(path, "mix"), operation: "AV (\(precision))",
                                    inputShape: [h, t, t], outputShape: [h, t, dh], operandShape: [h, t, dh],
                                    macs: h * t * t * dh))
        layers += try LayerWorkload.layers(of: output, inputShape: [t, modelDimension], path: layerPath(path, "output"))
        return layers
    }
}

// MARK: - Blocks

extension TransformerEncoderBlock: WorkloadDescribing {
    /// Pre-LN block on a `[T, d]` sequence: LayerNorm → attention (+ residual), LayerNorm →
    /// expand → GELU → contract (+ residual). Residual additions are element-wise (0 MACs).
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        guard inputShape.count == 2, inputShape[1] == modelDimension else {
            throw WorkloadError(path: path, "\(summary) needs a [tokens, \(modelDimension)] input, got \(inputShape)")
        }
        let parts: [(String, any Layer)] = [("attention_norm", attentionNorm), ("attention", attention), ("mlp_norm", mlpNorm),
                                            ("expand", expand), ("activation", activation), ("contract", contract)]
        let layers = try LayerWorkload.chain(parts.map { (layerPath(path, $0.0), $0.1) }, inputShape: inputShape)
        guard LayerWorkload.outputShape(layers, after: inputShape) == inputShape else {
            throw WorkloadError(path: path, "the MLP returns \(LayerWorkload.outputShape(layers, after: inputShape)), "
                + "expected \(inputShape) for the residual addition")
        }
        return layers
    }
}

extension TransformerClassifier: WorkloadDescribing {
    /// On one image (`[C·H·W]` or `[C, H, W]`): tokenization into `[T, token features]`, the
    /// token embedding, the positional embedding (`T × d` parameters, added), the encoder
    /// blocks, the final LayerNorm, the mean over tokens and the classification head.
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        let c = configuration
        guard inputShape.reduce(1, *) == c.imageFeatures else {
            throw WorkloadError(path: path, "\(summary) needs \(c.imageFeatures) pixels per sample "
                + "(\(c.channels)×\(c.imageHeight)×\(c.imageWidth)), got \(inputShape)")
        }
        let (t, d) = (c.sequenceLength, c.modelDimension)
        var layers = [WorkloadLayer(kind: .reshape, path: layerPath(path, "tokens"), operation: "tokenize",
                                    inputShape: inputShape, outputShape: [t, c.tokenFeatures])]
        layers += try LayerWorkload.layers(of: embedding, inputShape: [t, c.tokenFeatures], path: layerPath(path, "embedding"))
        layers.append(WorkloadLayer(kind: .embedding, path: layerPath(path, "positional_embedding"),
                                    operation: "+ positional embedding", inputShape: [t, d], outputShape: [t, d],
                                    weightShape: [t, d], parameters: positionalEmbedding.value.count))
        for (i, block) in blocks.enumerated() {
            layers += try block.workloadLayers(inputShape: [t, d], path: layerPath(path, "blocks.\(i)"))
        }
        layers += try finalNorm.workloadLayers(inputShape: [t, d], path: layerPath(path, "final_norm"))
        layers.append(WorkloadLayer(kind: .pool, path: layerPath(path, "pool"), operation: "mean over tokens",
                                    inputShape: [t, d], outputShape: [d]))
        layers += try LayerWorkload.layers(of: head, inputShape: [d], path: layerPath(path, "head"))
        return layers
    }
}
