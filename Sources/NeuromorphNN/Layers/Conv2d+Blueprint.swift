import NeuromorphCore

/// `{type: conv2d, out: C, kernel: k, stride: 1, padding: 0, bias: true}`: a 2-D
/// convolution over `[channels, height, width]` samples (``Conv2d``, or a crossbar
/// convolution under a hardware section).
public struct Conv2dBlueprint: LayerBlueprint, Equatable {
    public static let type = "conv2d"
    /// Output channels.
    public var out: Int
    public var kernel: Int
    public var stride: Int?
    public var padding: Int?
    public var bias: Bool?

    public init(out: Int, kernel: Int, stride: Int? = nil, padding: Int? = nil, bias: Bool? = nil) {
        self.out = out
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.bias = bias
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case out, bias, kernel, stride, padding }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        out = try c.requiredPositive(.out, layer: Self.type, "'out' (output channels)")
        kernel = try c.requiredPositive(.kernel, layer: Self.type, "'kernel' (kernel size)")
        stride = try c.positiveIfPresent(.stride)
        padding = try c.decodeCheckedIfPresent(Int.self, forKey: .padding, "an integer ≥ 0") { $0 >= 0 }
        bias = try c.decodeIfPresent(Bool.self, forKey: .bias)
    }

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] {
        let image = try context.image(input, "conv2d")
        let (p, s) = (padding ?? 0, stride ?? 1)
        let (h, w) = (image.h + 2 * p - kernel, image.w + 2 * p - kernel)
        guard h >= 0, w >= 0 else {
            throw context.error("kernel \(kernel) with padding \(p) does not fit the \(image.h)×\(image.w) input")
        }
        return [out, h / s + 1, w / s + 1]
    }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        _ = try outputShape(for: input, context: context)
        return try context.hardware.conv(input[0], out, kernel: kernel, stride: stride ?? 1, padding: padding ?? 0,
                                         bias: bias ?? true, generator: &context.generator)
    }
}
