import NeuromorphCore

/// A grouped 2-D convolution, PyTorch's `nn.Conv2d(…, groups: G)` and ONNX's `Conv` with
/// `group = G` (Krizhevsky et al. 2012's split over two GPUs; depthwise when `G = C_in`, as in
/// MobileNet's depthwise-separable blocks): output channel `o` of group `g = ⌊o / (O/G)⌋` sees
/// only the input channels of that group,
/// ```
/// y[n, o] = Σ_{c < C/G} W[o, c] ⋆ x[n, g·C/G + c] + b[o]      W: [O, (C/G)·k·k]
/// ```
/// Each group is its own convolution layer of `C/G → O/G` channels, made by the model's
/// weight-layer factory (a digital ``Conv2d`` or a crossbar convolution on its own tiles), and
/// reached by the path `<i>.group<g>` (checkpoint names `<i>.group<g>.weight`). The input is
/// cut into the groups' channel blocks and their outputs are concatenated along the channels.
public struct GroupedConvolution: Layer {
    /// The groups' convolutions, in channel order.
    public var groups: [any Layer]
    public let inChannels: Int
    public let outChannels: Int

    /// - Parameter groups: `G` convolutions of `inChannels/G → outChannels/G` channels each.
    public init(groups: [any Layer], inChannels: Int, outChannels: Int) {
        precondition(!groups.isEmpty && inChannels % groups.count == 0 && outChannels % groups.count == 0,
                     "GroupedConvolution: \(groups.count) groups do not divide \(inChannels) → \(outChannels) channels")
        self.groups = groups
        self.inChannels = inChannels
        self.outChannels = outChannels
    }

    public var groupInChannels: Int { inChannels / groups.count }
    public var groupOutChannels: Int { outChannels / groups.count }

    public var summary: String {
        "GroupedConvolution(\(inChannels) → \(outChannels), groups \(groups.count): \(groups.first?.summary ?? ""))"
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        precondition(input.rank == 4 && input.shape[1] == inChannels, "\(summary): input must be [N, \(inChannels), H, W], got \(input.shape)")
        let cin = groupInChannels
        var parts: [Tensor] = []
        for g in groups.indices {
            parts.append(groups[g].forward(ChannelBlocks.slice(input, channels: (g * cin)..<((g + 1) * cin)), mode: mode))
        }
        return ChannelBlocks.concatenate(parts)
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        let cout = groupOutChannels
        var parts: [Tensor] = []
        for g in groups.indices {
            let slice = ChannelBlocks.slice(outputGradient, channels: (g * cout)..<((g + 1) * cout))
            parts.append(groups[g].backward(slice, needsInputGradient: needsInputGradient))
        }
        return needsInputGradient ? ChannelBlocks.concatenate(parts) : Tensor.zeros([0])
    }

    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        for g in groups.indices { groups[g].update(with: &optimizer, slot: &slot) }
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        for g in groups.indices { try groups[g].forEachParameter(body) }
    }
}

extension GroupedConvolution: LayerContainer {
    /// The groups, `group0`, `group1`, ….
    public var children: [(name: String, layer: any Layer)] {
        groups.enumerated().map { ("group\($0.offset)", $0.element) }
    }

    public mutating func replaceChild(_ name: String, with layer: any Layer) {
        guard name.hasPrefix("group"), let g = Int(name.dropFirst(5)), groups.indices.contains(g) else {
            preconditionFailure("GroupedConvolution has the children group0 … group\(groups.count - 1), not \(name)")
        }
        groups[g] = layer
    }
}

extension GroupedConvolution: WorkloadDescribing {
    /// One convolution per group, on its `[C/G, H, W]` block of the input, then the
    /// concatenation of the groups' outputs (a layout change, `reshape`, no MACs or weights).
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        guard inputShape.count == 3, inputShape[0] == inChannels else {
            throw WorkloadError(path: path, "\(summary) needs a [\(inChannels), height, width] input, got \(inputShape)")
        }
        var layers: [WorkloadLayer] = []
        for (name, group) in children {
            layers += try LayerWorkload.layers(of: group, inputShape: [groupInChannels, inputShape[1], inputShape[2]],
                                               path: layerPath(path, name))
        }
        guard let last = layers.last, last.outputShape.count == 3 else { return layers }
        let output = [outChannels, last.outputShape[1], last.outputShape[2]]
        layers.append(WorkloadLayer(kind: .reshape, path: path, operation: "concatenate \(groups.count) groups",
                                    inputShape: last.outputShape, outputShape: output))
        return layers
    }
}
