import NeuromorphCore

// MARK: - Workload adapter

extension IMCNetwork {
    /// The CNN of a `Workload` as IMC layers, one per linear or conv2d layer, each fed by
    /// the weight layer before it (no residual edges: a workload is a chain).
    ///
    /// The translation follows the Dazzi et al. 2021 dataflow:
    /// - the image is the workload's input: `[C, H, W]` (or the shape a leading reshape
    ///   gives), or a flat `[F]` as a 1 × 1 × F pixel;
    /// - activations, dropout, softmax and normalization run in the Digital Processor and add
    ///   no layer; a pooling with window = stride becomes the next layer's ``IMCLayer/inputPooling``;
    /// - `conv2d` → a `.conv` layer with its kernel, stride and padding;
    /// - `linear` on a 1 × 1 × F pixel → `.fullyConnected`; on a flattened square H × H × C map
    ///   → a `.conv` whose H × H kernel covers the whole map (one output pixel, H²·C rows: the
    ///   same product as flatten + linear).
    ///
    /// Throws ``IMCMappingError/unmappableLayer(layer:reason:)`` for what the dataflow cannot
    /// stream: attention batch-matmuls, embeddings, linear layers on token sequences,
    /// non-square flattened maps and overlapping pooling.
    public init(workload: Workload) throws(IMCMappingError) {
        var image = Self.pixelShape(workload.inputShape)
        guard let start = image else {
            throw .unmappableLayer(layer: workload.name, reason: "input shape \(workload.inputShape) is not [C, H, W] or [F]")
        }
        var layers: [IMCLayer] = []
        var source = "input"
        var current = start              // (h, w, c) of what `source` produces, after pending pooling
        var pooling = 1                  // window of the pooling still to apply to `source`'s output
        for layer in workload.layers {
            switch layer.kind {
            case .activation, .dropout, .softmax, .normalization:
                continue
            case .reshape:
                if source == "input" && pooling == 1, let reshaped = Self.pixelShape(layer.outputShape), layer.outputShape.count == 3 {
                    image = reshaped
                    current = reshaped
                }
            case .pool:
                guard let window = layer.kernel, layer.stride == window else {
                    throw .unmappableLayer(layer: layer.path, reason: "pooling with window \(layer.kernel ?? 0) and stride "
                        + "\(layer.stride ?? 0); expected stride = window (non-overlapping pooling)")
                }
                guard layer.inputShape.count == 3 else {
                    throw .unmappableLayer(layer: layer.path, reason: "\(layer.operation) pools over tokens; expected a [C, H, W] input")
                }
                pooling *= window
                current = (current.h / window, current.w / window, current.c)
            case .conv2d:
                guard let weight = layer.weightShape, weight.count == 4 else {
                    throw .unmappableLayer(layer: layer.path, reason: "conv2d without an [outC, inC, k, k] weight shape")
                }
                guard layer.inputShape.first == current.c else {
                    throw .unmappableLayer(layer: layer.path, reason: "one group of a grouped convolution (\(layer.inputShape.first ?? 0) of "
                        + "\(current.c) channels); the pipeline mapper streams one dense layer after another; expected groups: 1")
                }
                layers.append(IMCLayer(name: layer.path, kind: .conv, kernel: weight[2], inChannels: weight[1],
                                       outChannels: weight[0], stride: layer.stride ?? 1, padding: layer.padding ?? 0,
                                       inputHeight: current.h, inputWidth: current.w, source: source,
                                       inputPooling: pooling > 1 ? pooling : nil))
            case .linear:
                guard let weight = layer.weightShape, weight.count == 2, layer.inputShape.count == 1 else {
                    throw .unmappableLayer(layer: layer.path, reason: "a linear layer on \(layer.inputShape) (token sequences "
                        + "do not stream as pixels); expected a flat [features] input")
                }
                let features = weight[1]
                if current.h == 1 && current.w == 1 {
                    guard current.c == features else {
                        throw .shapeMismatch(layer: layer.path, field: "inChannels", expected: current.c, got: features)
                    }
                    layers.append(IMCLayer(name: layer.path, kind: .fullyConnected, kernel: 1, inChannels: features,
                                           outChannels: weight[0], inputHeight: 1, inputWidth: 1, source: source,
                                           inputPooling: pooling > 1 ? pooling : nil))
                } else {
                    guard current.h == current.w, current.h * current.w * current.c == features else {
                        throw .unmappableLayer(layer: layer.path, reason: "flattened \(current.h)x\(current.w)x\(current.c) map "
                            + "into \(features) features; expected a square map with H·W·C = \(features)")
                    }
                    layers.append(IMCLayer(name: layer.path, kind: .conv, kernel: current.h, inChannels: current.c,
                                           outChannels: weight[0], inputHeight: current.h, inputWidth: current.w,
                                           source: source, inputPooling: pooling > 1 ? pooling : nil))
                }
            case .attentionMatmul, .embedding:
                throw .unmappableLayer(layer: layer.path, reason: "a \(layer.kind.rawValue) layer (\(layer.operation)) has no "
                    + "stationary weights to program; expected a CNN or MLP (conv2d, pool, linear, activations)")
            }
            if layer.hasStationaryWeights {
                let made = layers[layers.count - 1]
                source = made.name
                current = (made.outputHeight, made.outputWidth, made.outChannels)
                pooling = 1
            }
        }
        guard !layers.isEmpty else { throw .emptyNetwork }
        self.init(name: workload.name, inputHeight: image!.h, inputWidth: image!.w, inputChannels: image!.c, layers: layers)
        try validate()
    }

    /// `(h, w, c)` of a `[C, H, W]` or `[F]` sample.
    static func pixelShape(_ shape: [Int]) -> (h: Int, w: Int, c: Int)? {
        switch shape.count {
        case 3: (shape[1], shape[2], shape[0])
        case 1: (1, 1, shape[0])
        default: nil
        }
    }
}
