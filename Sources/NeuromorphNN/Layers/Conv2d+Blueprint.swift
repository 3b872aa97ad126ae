import NeuromorphCore

/// `{type: conv2d, out: C, kernel: k, stride: 1, padding: 0, bias: true, groups: 1}`: a 2-D
/// convolution over `[channels, height, width]` samples (``Conv2d``, or a crossbar
/// convolution under a hardware section). `groups: G > 1` (PyTorch's `groups`) builds a
/// ``GroupedConvolution`` of `G` such convolutions, `C_in/G → out/G` each; `G` must divide both.
public struct Conv2dBlueprint: LayerBlueprint, Equatable {
    public static let type = "conv2d"
    /// Output channels.
    public var out: Int
    public var kernel: Int
    public var stride: Int?
    public var padding: Int?
    public var bias: Bool?
    /// Channel groups (PyTorch's `groups`; `nil`: 1). `groups == C_in` is depthwise.
    public var groups: Int?

    public init(out: Int, kernel: Int, stride: Int? = nil, padding: Int? = nil, bias: Bool? = nil, groups: Int? = nil) {
        self.out = out
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.bias = bias
        self.groups = groups
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case out, bias, kernel, stride, padding, groups }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        out = try c.requiredPositive(.out, layer: Self.type, "'out' (output channels)")
        kernel = try c.requiredPositive(.kernel, layer: Self.type, "'kernel' (kernel size)")
        stride = try c.positiveIfPresent(.stride)
        padding = try c.decodeCheckedIfPresent(Int.self, forKey: .padding, "an integer ≥ 0") { $0 >= 0 }
        bias = try c.decodeIfPresent(Bool.self, forKey: .bias)
        groups = try c.positiveIfPresent(.groups)
    }

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] {
        let image = try context.image(input, "conv2d")
        let g = groups ?? 1
        guard image.c % g == 0, out % g == 0 else {
            throw context.error("groups \(g) must divide the \(image.c) input channels and the \(out) output channels ('out')",
                                key: "groups")
        }
        let (p, s) = (padding ?? 0, stride ?? 1)
        let (h, w) = (image.h + 2 * p - kernel, image.w + 2 * p - kernel)
        guard h >= 0, w >= 0 else {
            throw context.error("kernel \(kernel) with padding \(p) does not fit the \(image.h)×\(image.w) input")
        }
        return [out, h / s + 1, w / s + 1]
    }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        _ = try outputShape(for: input, context: context)
        if let groups, groups > 1 { return try buildGrouped(groups, for: input, context: &context) }
        return try context.hardware.conv(input[0], out, kernel: kernel, stride: stride ?? 1, padding: padding ?? 0,
                                         bias: bias ?? true, generator: &context.generator)
    }

    /// `groups` convolutions `C_in/G → out/G` from the layer's stream, group 0 first.
    func buildGrouped(_ groups: Int, for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        var convs: [any Layer] = []
        for _ in 0..<groups {
            convs.append(try context.hardware.conv(input[0] / groups, out / groups, kernel: kernel, stride: stride ?? 1,
                                                   padding: padding ?? 0, bias: bias ?? true, generator: &context.generator))
        }
        return GroupedConvolution(groups: convs, inChannels: input[0], outChannels: out)
    }
}
