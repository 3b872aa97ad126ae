import NeuromorphCore

/// `{type: linear, out: N, bias: true}`: a fully connected layer (``Linear``, or a crossbar
/// layer under a hardware section); its input size is the previous layer's output.
public struct LinearBlueprint: LayerBlueprint, Equatable {
    public static let type = "linear"
    /// Output features.
    public var out: Int
    public var bias: Bool?

    public init(out: Int, bias: Bool? = nil) {
        self.out = out
        self.bias = bias
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case out, bias }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        out = try c.requiredPositive(.out, layer: Self.type, "'out' (output features)")
        bias = try c.decodeIfPresent(Bool.self, forKey: .bias)
    }

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] {
        _ = try context.flatSize(input, "a linear layer")
        return [out]
    }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        let inputs = try context.flatSize(input, "a linear layer")
        return try context.hardware.linear(inputs, out, bias: bias ?? true, generator: &context.generator)
    }
}
