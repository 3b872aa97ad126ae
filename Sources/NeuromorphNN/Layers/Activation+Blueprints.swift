import NeuromorphCore

/// `{type: activation, function: relu}`: an element-wise nonlinearity (``Activation``).
public struct ActivationBlueprint: LayerBlueprint, Equatable {
    public static let type = "activation"
    public var function: ActivationKind

    public init(_ function: ActivationKind) { self.function = function }

    enum CodingKeys: String, CodingKey, CaseIterable { case function }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        function = try c.requiredChoice(ActivationKind.self, .function, layer: Self.type)
    }

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] { input }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer { Activation(function) }
}

/// `{type: log_softmax}`: log-probabilities over a flat input (``LogSoftmax``), for the
/// `nll` loss.
public struct LogSoftmaxBlueprint: LayerBlueprint, Equatable {
    public static let type = "log_softmax"
    public init() {}

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, [])
    }

    public func encode(to encoder: any Encoder) throws {}

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] {
        guard input.count == 1 else { throw context.error("log_softmax needs a flat input but receives \(input)") }
        return input
    }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        _ = try outputShape(for: input, context: context)
        return LogSoftmax()
    }
}
