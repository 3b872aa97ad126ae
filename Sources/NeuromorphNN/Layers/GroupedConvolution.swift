import NeuromorphCore

/// A grouped 2-D convolution (Krizhevsky et al. 2012; PyTorch's `nn.Conv2d(groups: G)`, ONNX
/// `Conv` with `group = G`): the `C_in` input channels are cut into `G` consecutive blocks of
/// `C_in/G`, block `g` is convolved by its own convolution to `C_out/G` channels, and the
/// outputs are laid side by side:
/// ```
/// y[:, g·C_out/G ..< (g+1)·C_out/G] = conv_g(x[:, g·C_in/G ..< (g+1)·C_in/G])     g = 0 … G−1
/// dL/dx[:, block g] = conv_gᵀ(dL/dy[:, block g])
/// ```
/// `G = C_in` is a depthwise convolution (MobileNet, Howard et al. 2017). Each group is an
/// ordinary weight layer (``Conv2d``, or a crossbar convolution under a hardware section, each
/// group on its own tiles), reached by path `<i>.<g>`: checkpoint names `<i>.<g>.weight`.
/// Group `g`'s weight rows are PyTorch's `weight[g·C_out/G ..< (g+1)·C_out/G]` unrolled in
/// (channel, ky, kx) order, and its initialization is PyTorch's (fan-in `C_in/G·k·k`).
public struct GroupedConvolution: Layer {
    /// The convolutions of the groups, in channel order.
    public var groups: [any Layer]
    public let inChannels: Int
    public let outChannels: Int

    public init(groups: [any Layer], inChannels: Int, outChannels: Int) {
        precondition(!groups.isEmpty && inChannels % groups.count == 0 && outChannels % groups.count == 0,
                     "GroupedConvolution: \(groups.count) groups must divide \(inChannels) input and \(outChannels) output channels")
        self.groups = groups
        self.inChannels = inChannels
        self.outChannels = outChannels
    }

    var groupInputs: Int { inChannels / groups.count }
    var groupOutputs: Int { outChannels / groups.count }

    public var summary: String {
        "GroupedConvolution(\(inChannels) → \(outChannels), \(groups.count) groups of \(groups[0].summary))"
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        precondition(input.rank == 4 && input.shape[1] == inChannels, "\(summary): input must be [N, \(inChannels), H, W], got \(input.shape)")
        let parts = groups.indices.map { g in
            groups[g].forward(ChannelBlocks.slice(input, start: g * groupInputs, count: groupInputs), mode: mode)
        }
        return ChannelBlocks.concatenate(parts)
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        let parts = groups.indices.map { g in
            groups[g].backward(ChannelBlocks.slice(outputGradient, start: g * groupOutputs, count: groupOutputs),
                               needsInputGradient: needsInputGradient)
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
    /// The groups' convolutions, named by group index (`0`, `1`, …).
    public var children: [(name: String, layer: any Layer)] { groups.enumerated().map { ("\($0.offset)", $0.element) } }

    public mutating func replaceChild(_ name: String, with layer: any Layer) {
        guard let index = Int(name), groups.indices.contains(index) else { preconditionFailure("GroupedConvolution has no group \(name)") }
        groups[index] = layer
    }
}
