import NeuromorphCore

/// `{type: residual, layers: [{type: conv2d, out: 8, kernel: 3, padding: 1}, {type: activation,
/// function: relu}, {type: conv2d, out: 8, kernel: 3, padding: 1}]}`: an identity-shortcut
/// residual block ``Residual``, `y = body(x) + x`. The body's layers are built like
/// `model.layers` (their weight layers on the model's hardware) and must give back the
/// input's shape. Layer `j` of the body of layer `i` draws its initial weights from the
/// stream `model/layers.<i>/body.<j>/init`; its errors name `model.layers[i].layers[j]`.
public struct ResidualBlueprint: LayerBlueprint, Equatable {
    public static let type = "residual"
    /// The body F.
    public var layers: [LayerSpec]

    public init(layers: [LayerSpec]) { self.layers = layers }

    enum CodingKeys: String, CodingKey, CaseIterable { case layers }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.layers) else {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.layers]),
                            "missing; a residual block needs 'layers' (its body, a list of layers)")
        }
        layers = try c.decode([LayerSpec].self, forKey: .layers)
    }

    public static func == (a: ResidualBlueprint, b: ResidualBlueprint) -> Bool { a.layers == b.layers }

    /// The context of body layer `j`: its path, its own init stream, the parent's hardware.
    func bodyContext(_ j: Int, _ context: LayerBuildContext) -> LayerBuildContext {
        var inner = context
        inner.path = "\(context.path).layers[\(j)]"
        inner.generator = SeededGenerator(seed: context.seed, key: StreamKey("model", "layers.\(context.index)", "body.\(j)", "init"))
        return inner
    }

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] {
        var shape = input
        for (j, layer) in layers.enumerated() {
            shape = try layer.blueprint.outputShape(for: shape, context: bodyContext(j, context))
        }
        guard shape == input else {
            throw context.error("the body maps \(input) to \(shape); a residual block must keep the shape", key: "layers")
        }
        return input
    }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        _ = try outputShape(for: input, context: context)
        var shape = input
        var built: [any Layer] = []
        for (j, layer) in layers.enumerated() {
            var inner = bodyContext(j, context)
            let next = try layer.blueprint.outputShape(for: shape, context: inner)
            built.append(try layer.blueprint.build(for: shape, context: &inner))
            shape = next
        }
        return Residual(Sequential(built))
    }
}
