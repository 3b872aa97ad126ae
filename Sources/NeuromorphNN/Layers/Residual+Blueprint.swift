import NeuromorphCore

/// `{type: residual, layers: [{type: conv2d, out: 8, kernel: 3, padding: 1}, {type: activation,
/// function: relu}, {type: conv2d, out: 8, kernel: 3, padding: 1}]}`: an identity-shortcut
/// residual block ``Residual``, `y = body(x) + x`. The body's layers are built like
/// `model.layers` (their weight layers on the model's hardware) and must give back the
/// input's shape. Layer `j` of the body of layer `i` draws its initial weights from the
/// stream `model/layers.<i>/body.<j>/init`; its errors name `model.layers[i].layers[j]`.
///
/// `shortcut: [{type: conv2d, out: 16, kernel: 1, stride: 2}]` makes it a projection-shortcut
/// block, `y = body(x) + shortcut(x)` (He et al. 2016 Eq. 2; torchvision's `downsample`): the
/// body and the shortcut must give the same shape. Shortcut layer `j` draws from
/// `model/layers.<i>/shortcut.<j>/init`; its errors name `model.layers[i].shortcut[j]`.
public struct ResidualBlueprint: LayerBlueprint, Equatable {
    public static let type = "residual"
    /// The body F.
    public var layers: [LayerSpec]
    /// The projection shortcut S; `nil`: the identity.
    public var shortcut: [LayerSpec]?

    public init(layers: [LayerSpec], shortcut: [LayerSpec]? = nil) {
        self.layers = layers
        self.shortcut = shortcut
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case layers, shortcut }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.layers) else {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.layers]),
                            "missing; a residual block needs 'layers' (its body, a list of layers)")
        }
        layers = try c.decode([LayerSpec].self, forKey: .layers)
        shortcut = try c.decodeIfPresent([LayerSpec].self, forKey: .shortcut)
    }

    public static func == (a: ResidualBlueprint, b: ResidualBlueprint) -> Bool { a.layers == b.layers && a.shortcut == b.shortcut }

    /// The context of body layer `j` (or shortcut layer `j`): its path, its own init stream,
    /// the parent's hardware.
    func bodyContext(_ j: Int, _ context: LayerBuildContext, branch: String = "body") -> LayerBuildContext {
        var inner = context
        inner.path = "\(context.path).\(branch == "body" ? "layers" : branch)[\(j)]"
        inner.generator = SeededGenerator(seed: context.seed, key: StreamKey("model", "layers.\(context.index)", "\(branch).\(j)", "init"))
        return inner
    }

    func shape(of branch: [LayerSpec], named name: String, for input: [Int], context: LayerBuildContext) throws -> [Int] {
        var shape = input
        for (j, layer) in branch.enumerated() {
            shape = try layer.blueprint.outputShape(for: shape, context: bodyContext(j, context, branch: name))
        }
        return shape
    }

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] {
        let shape = try shape(of: layers, named: "body", for: input, context: context)
        if let shortcut {
            let projected = try self.shape(of: shortcut, named: "shortcut", for: input, context: context)
            guard shape == projected else {
                throw context.error("the body maps \(input) to \(shape) but the shortcut to \(projected); both must give the same shape",
                                    key: "shortcut")
            }
            return shape
        }
        guard shape == input else {
            throw context.error("the body maps \(input) to \(shape); a residual block must keep the shape (or have a projection shortcut)",
                                key: "layers")
        }
        return input
    }

    func build(_ branch: [LayerSpec], named name: String, for input: [Int], context: LayerBuildContext) throws -> Sequential {
        var shape = input
        var built: [any Layer] = []
        for (j, layer) in branch.enumerated() {
            var inner = bodyContext(j, context, branch: name)
            let next = try layer.blueprint.outputShape(for: shape, context: inner)
            built.append(try layer.blueprint.build(for: shape, context: &inner))
            shape = next
        }
        return Sequential(built)
    }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        _ = try outputShape(for: input, context: context)
        return Residual(try build(layers, named: "body", for: input, context: context),
                        shortcut: try shortcut.map { try build($0, named: "shortcut", for: input, context: context) })
    }
}
