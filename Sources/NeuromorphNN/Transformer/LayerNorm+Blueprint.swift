import NeuromorphCore

/// `{type: layer_norm, epsilon: 1e-5}`: layer normalization over the last axis of each
/// sample (``LayerNorm``; PyTorch's `nn.LayerNorm(shape[-1])`, ONNX `LayerNormalization`
/// with `axis = -1`), with a learned gain and offset of the last axis' size.
public struct LayerNormBlueprint: LayerBlueprint, Equatable {
    public static let type = "layer_norm"
    /// ε inside the square root (default 1e-5, PyTorch's and ONNX's).
    public var epsilon: Double?

    public init(epsilon: Double? = nil) { self.epsilon = epsilon }

    enum CodingKeys: String, CodingKey, CaseIterable { case epsilon }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epsilon = try c.decodeCheckedIfPresent(Double.self, forKey: .epsilon, "a positive number (e.g. 1e-5)") { $0 > 0 && $0.isFinite }
    }

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] {
        guard let last = input.last, last > 0 else { throw context.error("layer_norm needs a sample with a last axis, got \(input)") }
        return input
    }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        _ = try outputShape(for: input, context: context)
        return LayerNorm(input[input.count - 1], epsilon: Float(epsilon ?? 1e-5))
    }
}

/// `{type: gelu, approximate: none}`: the GELU nonlinearity, exact (``ExactGELU``,
/// `approximate: none`, PyTorch's default) or its tanh approximation (``GELU``,
/// `approximate: tanh`, the transformer blocks').
public struct GELUBlueprint: LayerBlueprint, Equatable {
    public static let type = "gelu"
    public enum Approximation: String, Codable, Sendable, CaseIterable { case exact = "none", tanh }
    /// Default `none` (exact).
    public var approximate: Approximation?

    public init(approximate: Approximation? = nil) { self.approximate = approximate }

    enum CodingKeys: String, CodingKey, CaseIterable { case approximate }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        approximate = try c.decodeChoiceIfPresent(Approximation.self, forKey: .approximate)
    }

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] { input }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        (approximate ?? .exact) == .tanh ? GELU() : ExactGELU()
    }
}
