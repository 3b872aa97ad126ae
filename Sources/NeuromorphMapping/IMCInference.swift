/// Weights and Digital-Processor parameters of one layer for functional inference.
public struct IMCLayerParameters: Sendable, Hashable {
    public var kernel: ConvKernel
    public var processor: DigitalProcessor
    public init(kernel: ConvKernel, processor: DigitalProcessor) {
        self.kernel = kernel
        self.processor = processor
    }
}

/// Int8 inference of a whole network through its mapped crossbars (functional path).
///
/// Every conv/resample layer runs on ``MappedConvLayer`` (replicas, Eq. 5 partial sums,
/// Eq. 6 concatenation), then its ``DigitalProcessor`` (BN, residual, ReLU). The
/// fully-connected layer averages its input over H×W (integer division rounding toward −∞)
/// and does one MVM; its Int32 outputs are the logits.
public struct IMCInference: Sendable {
    public let mapping: IMCNetworkMapping
    let layers: [MappedConvLayer]
    let processors: [DigitalProcessor]

    /// Programs every layer of `mapping` with `parameters[layer name]`.
    public init(mapping: IMCNetworkMapping, parameters: [String: IMCLayerParameters]) throws(IMCMappingError) {
        var layers: [MappedConvLayer] = []
        var processors: [DigitalProcessor] = []
        for map in mapping.layers {
            guard let p = parameters[map.layer.name] else {
                throw .unknownSource(layer: map.layer.name, field: "parameters", source: map.layer.name)
            }
            guard p.processor.multiplier.count == map.layer.outChannels else {
                throw .shapeMismatch(layer: map.layer.name, field: "processor channels",
                                     expected: map.layer.outChannels, got: p.processor.multiplier.count)
            }
            guard map.layer.inputPooling == nil else {
                throw .unmappableLayer(layer: map.layer.name, reason: "functional inference has no pooling in the Digital "
                    + "Processor; expected inputPooling = nil (map the network without it to run int8 inference)")
            }
            var functional = map
            if map.layer.kind == .fullyConnected {
                // The MVM sees the pooled 1×1 pixel.
                functional.layer.inputHeight = 1
                functional.layer.inputWidth = 1
            }
            layers.append(try MappedConvLayer(mapping: functional, kernel: p.kernel))
            processors.append(p.processor)
        }
        self.mapping = mapping
        self.layers = layers
        self.processors = processors
    }

    /// Runs one image; returns every layer's int8 output map and the classifier's logits.
    public func run(_ image: Int8FeatureMap) -> (activations: [String: Int8FeatureMap], logits: [Int32]) {
        var maps: [String: Int8FeatureMap] = ["input": image]
        var logits: [Int32] = []
        for (mapped, processor) in zip(layers, processors) {
            let layer = mapped.mapping.layer
            let src = maps[layer.source]!
            if layer.kind == .fullyConnected {
                let pixels = src.height * src.width
                let pooled: [Int8] = (0..<src.channels).map { c in
                    var sum = 0
                    for x in 0..<src.height { for y in 0..<src.width { sum += Int(src[x, y, c]) } }
                    return Int8(clamping: Int((Double(sum) / Double(pixels)).rounded(.down)))
                }
                logits = mapped.preActivations(Int8FeatureMap(height: 1, width: 1, channels: src.channels, values: pooled))
                continue
            }
            let pre = mapped.preActivations(src)
            let res = layer.residual.map { maps[$0]!.values }
            maps[layer.name] = Int8FeatureMap(height: layer.outputHeight, width: layer.outputWidth,
                                              channels: layer.outChannels, values: processor.activate(pre, residual: res))
        }
        return (maps, logits)
    }
}
