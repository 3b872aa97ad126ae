import NeuromorphCore

// The transformer types are containers: checkpoints, inference conversion and workload
// descriptions reach the fully connected layers inside them by path
// (`3.blocks.1.attention.query`), so analog layers nested here are saved and converted
// like top-level ones.

extension MultiHeadSelfAttention: LayerContainer {
    /// The four projections `query`, `key`, `value`, `output`.
    public var children: [(name: String, layer: any Layer)] {
        [("query", query), ("key", key), ("value", value), ("output", output)]
    }

    public mutating func replaceChild(_ name: String, with layer: any Layer) {
        switch name {
        case "query": query = layer
        case "key": key = layer
        case "value": value = layer
        case "output": output = layer
        default: preconditionFailure("MultiHeadSelfAttention has no child \(name)")
        }
    }

    /// The INT-k quantizer's learned log step sizes (none when attention is float).
    public mutating func forEachOwnParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try quantizer.forEachParameter(body)
    }
}

extension TransformerEncoderBlock: LayerContainer {
    /// `attention_norm`, `attention`, `mlp_norm`, `expand` (W₁), `contract` (W₂).
    public var children: [(name: String, layer: any Layer)] {
        [("attention_norm", attentionNorm), ("attention", attention), ("mlp_norm", mlpNorm),
         ("expand", expand), ("contract", contract)]
    }

    public mutating func replaceChild(_ name: String, with layer: any Layer) {
        switch name {
        case "attention_norm": attentionNorm = Self.cast(layer, name)
        case "attention": attention = Self.cast(layer, name)
        case "mlp_norm": mlpNorm = Self.cast(layer, name)
        case "expand": expand = layer
        case "contract": contract = layer
        default: preconditionFailure("TransformerEncoderBlock has no child \(name)")
        }
    }

    static func cast<T>(_ layer: any Layer, _ name: String) -> T {
        guard let typed = layer as? T else { preconditionFailure("TransformerEncoderBlock.\(name) must stay a \(T.self)") }
        return typed
    }
}

extension TransformerClassifier: LayerContainer {
    /// `embedding`, `blocks.0` … `blocks.<n-1>`, `final_norm`, `head`.
    public var children: [(name: String, layer: any Layer)] {
        [("embedding", embedding)] + blocks.enumerated().map { ("blocks.\($0.offset)", $0.element as any Layer) }
            + [("final_norm", finalNorm), ("head", head)]
    }

    public mutating func replaceChild(_ name: String, with layer: any Layer) {
        switch name {
        case "embedding": embedding = layer
        case "head": head = layer
        case "final_norm": finalNorm = TransformerEncoderBlock.cast(layer, name)
        default:
            guard name.hasPrefix("blocks."), let index = Int(name.dropFirst("blocks.".count)), blocks.indices.contains(index)
            else { preconditionFailure("TransformerClassifier has no child \(name)") }
            blocks[index] = TransformerEncoderBlock.cast(layer, name)
        }
    }

    /// The learned positional embeddings.
    public mutating func forEachOwnParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&positionalEmbedding)
    }
}
