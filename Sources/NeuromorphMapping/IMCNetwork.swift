import NeuromorphCore

/// A CNN described as an ordered list of ``IMCLayer``s with feed-forward and residual edges.
///
/// The list is `Codable`, so a user network can be written as JSON. ``validate()`` checks every
/// field and every edge and throws ``IMCMappingError`` naming the layer and field.
public struct IMCNetwork: Sendable, Codable, Hashable {
    public var name: String
    /// Input image height (pixels stream column by column: x fastest, Fig. 8).
    public var inputHeight: Int
    public var inputWidth: Int
    public var inputChannels: Int
    public var layers: [IMCLayer]

    public init(name: String, inputHeight: Int, inputWidth: Int, inputChannels: Int, layers: [IMCLayer]) {
        self.name = name
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.inputChannels = inputChannels
        self.layers = layers
    }

    private enum StrictKeys: String, CodingKey, CaseIterable {
        case name, inputHeight, inputWidth, inputChannels, layers
    }

    /// Decodes strictly: unknown keys (a misspelled `layers`) throw a `SpecError` naming the key
    /// path and the allowed keys. Encoding stays synthesized (the same key names).
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: StrictKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: StrictKeys.self)
        name = try c.decode(String.self, forKey: .name)
        inputHeight = try c.decode(Int.self, forKey: .inputHeight)
        inputWidth = try c.decode(Int.self, forKey: .inputWidth)
        inputChannels = try c.decode(Int.self, forKey: .inputChannels)
        layers = try c.decode([IMCLayer].self, forKey: .layers)
    }

    /// The layer called `name`, if any.
    public func layer(named name: String) -> IMCLayer? { layers.first { $0.name == name } }

    /// Largest output-channel count of the network, `C_out^max` of Eq. 7.
    public var maxOutChannels: Int { layers.map(\.outChannels).max() ?? 0 }

    // MARK: - Validation

    /// Checks sizes, kernels, strides, padding and that every edge connects shapes that agree.
    public func validate() throws(IMCMappingError) {
        guard !layers.isEmpty else { throw .emptyNetwork }
        try Self.positive(name, "inputHeight", inputHeight)
        try Self.positive(name, "inputWidth", inputWidth)
        try Self.positive(name, "inputChannels", inputChannels)
        // (height, width, channels) of every producer defined so far.
        var shapes: [String: (h: Int, w: Int, c: Int)] = ["input": (inputHeight, inputWidth, inputChannels)]
        for layer in layers {
            let owner = "layer '\(layer.name)'"
            guard shapes[layer.name] == nil else { throw .duplicateLayer(name: layer.name) }
            try Self.positive(owner, "kernel", layer.kernel)
            try Self.positive(owner, "inChannels", layer.inChannels)
            try Self.positive(owner, "outChannels", layer.outChannels)
            try Self.positive(owner, "stride", layer.stride)
            try Self.positive(owner, "inputHeight", layer.inputHeight)
            try Self.positive(owner, "inputWidth", layer.inputWidth)
            guard layer.padding >= 0 else {
                throw .invalidField(owner: owner, field: "padding", value: layer.padding, expected: "an integer >= 0")
            }
            guard layer.padding < layer.kernel else {
                throw .invalidField(owner: owner, field: "padding", value: layer.padding,
                                    expected: "an integer < kernel (\(layer.kernel))")
            }
            if let p = layer.parallelism {
                try Self.positive(owner, "parallelism", p)
            }
            if let p = layer.inputPooling {
                try Self.positive(owner, "inputPooling", p)
            }
            if layer.kind == .fullyConnected {
                guard layer.kernel == 1 else {
                    throw .invalidField(owner: owner, field: "kernel", value: layer.kernel, expected: "1 for a fullyConnected layer")
                }
                guard layer.padding == 0 else {
                    throw .invalidField(owner: owner, field: "padding", value: layer.padding, expected: "0 for a fullyConnected layer")
                }
            } else if layer.inputHeight + 2 * layer.padding < layer.kernel
                        || layer.inputWidth + 2 * layer.padding < layer.kernel {
                throw .unmappableLayer(layer: layer.name,
                    reason: "kernel \(layer.kernel)x\(layer.kernel) is larger than the padded input \(layer.inputHeight + 2 * layer.padding)x\(layer.inputWidth + 2 * layer.padding)")
            }
            guard var src = shapes[layer.source] else {
                throw .unknownSource(layer: layer.name, field: "source", source: layer.source)
            }
            if let p = layer.inputPooling {
                src = (src.h / p, src.w / p, src.c)
            }
            guard src.h == layer.inputHeight else {
                throw .shapeMismatch(layer: layer.name, field: "inputHeight", expected: src.h, got: layer.inputHeight)
            }
            guard src.w == layer.inputWidth else {
                throw .shapeMismatch(layer: layer.name, field: "inputWidth", expected: src.w, got: layer.inputWidth)
            }
            guard src.c == layer.inChannels else {
                throw .shapeMismatch(layer: layer.name, field: "inChannels", expected: src.c, got: layer.inChannels)
            }
            if let res = layer.residual {
                guard res != "input", let r = shapes[res] else {
                    throw .unknownSource(layer: layer.name, field: "residual", source: res)
                }
                guard r.h == layer.outputHeight else {
                    throw .shapeMismatch(layer: layer.name, field: "residual height", expected: layer.outputHeight, got: r.h)
                }
                guard r.w == layer.outputWidth else {
                    throw .shapeMismatch(layer: layer.name, field: "residual width", expected: layer.outputWidth, got: r.w)
                }
                guard r.c == layer.outChannels else {
                    throw .shapeMismatch(layer: layer.name, field: "residual channels", expected: layer.outChannels, got: r.c)
                }
            }
            shapes[layer.name] = (layer.outputHeight, layer.outputWidth, layer.outChannels)
        }
    }

    private static func positive(_ owner: String, _ field: String, _ value: Int) throws(IMCMappingError) {
        guard value > 0 else {
            throw .invalidField(owner: owner, field: field, value: value, expected: "a positive integer")
        }
    }
}
