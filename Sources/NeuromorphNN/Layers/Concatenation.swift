import NeuromorphCore

/// Branches applied to the same input, their outputs laid side by side on the channel axis
/// (GoogLeNet's Inception module, Szegedy et al. 2015; DenseNet's `cat([x, F(x)], 1)`, Huang
/// et al. 2017; ONNX `Concat` with `axis = 1`):
/// ```
/// y = [B₁(x), B₂(x), …]            (axis 1: channels of [N, C, H, W], features of [N, F])
/// dL/dx = Σᵢ (∂Bᵢ/∂x)ᵀ · dL/dy[:, block i]
/// ```
/// A branch with no layers is the identity (DenseNet's skip). Every branch must give the
/// same shape except for the channel axis. Branch `b`'s layers have paths `<i>.<b>.<j>`
/// (checkpoint names `<i>.<b>.<j>.weight`), like ``Residual``'s body.
public struct Concatenation: Layer {
    public var branches: [Sequential]
    /// The channels each branch gave in the last forward pass (to split dL/dy).
    private var branchChannels: [Int] = []

    public init(_ branches: [Sequential]) { self.branches = branches }

    public var summary: String {
        "Concat(" + branches.map { $0.layers.isEmpty ? "x" : $0.summary }.joined(separator: " ‖ ") + ")"
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        let parts = branches.indices.map { branches[$0].forward(input, mode: mode) }
        branchChannels = parts.map { $0.shape[1] }
        return ChannelBlocks.concatenate(parts)
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        var start = 0
        var dx: Tensor?
        for b in branches.indices {
            let g = ChannelBlocks.slice(outputGradient, start: start, count: branchChannels[b])
            start += branchChannels[b]
            let part = branches[b].backward(g, needsInputGradient: needsInputGradient)
            guard needsInputGradient else { continue }
            if dx == nil { dx = part } else { dx! += part }
        }
        return dx ?? Tensor.zeros([0])
    }

    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        for b in branches.indices { branches[b].update(with: &optimizer, slot: &slot) }
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        for b in branches.indices { try branches[b].forEachParameter(body) }
    }
}

extension Concatenation: LayerContainer {
    /// The branches, named by index (`0`, `1`, …).
    public var children: [(name: String, layer: any Layer)] { branches.enumerated().map { ("\($0.offset)", $0.element) } }

    public mutating func replaceChild(_ name: String, with layer: any Layer) {
        guard let index = Int(name), branches.indices.contains(index), let sequential = layer as? Sequential else {
            preconditionFailure("Concatenation has the branches 0..<\(branches.count) (Sequentials), not \(name)")
        }
        branches[index] = sequential
    }
}

/// `{type: concat, branches: [[{type: conv2d, out: 4, kernel: 1}], [{type: conv2d, out: 4, kernel: 3, padding: 1}], []]}`:
/// a ``Concatenation`` of branches on the same input, joined on the channel axis (an empty
/// branch is the identity). Branch `b`'s layer `j` draws its initial weights from the stream
/// `model/layers.<i>/branches.<b>.<j>/init`; its errors name `model.layers[i].branches[b][j]`.
public struct ConcatBlueprint: LayerBlueprint, Equatable {
    public static let type = "concat"
    public var branches: [[LayerSpec]]

    public init(branches: [[LayerSpec]]) { self.branches = branches }

    enum CodingKeys: String, CodingKey, CaseIterable { case branches }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(decoder, CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.branches) else {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.branches]),
                            "missing; a concat block needs 'branches' (a list of at least 2 layer lists; [] is the identity)")
        }
        branches = try c.decode([[LayerSpec]].self, forKey: .branches)
        guard branches.count >= 2 else {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.branches]),
                            "has \(branches.count) branch(es); a concat block needs at least 2")
        }
    }

    public static func == (a: ConcatBlueprint, b: ConcatBlueprint) -> Bool { a.branches == b.branches }

    func branchContext(_ b: Int, _ j: Int, _ context: LayerBuildContext) -> LayerBuildContext {
        var inner = context
        inner.path = "\(context.path).branches[\(b)][\(j)]"
        inner.generator = SeededGenerator(seed: context.seed, key: StreamKey("model", "layers.\(context.index)", "branches.\(b).\(j)", "init"))
        return inner
    }

    public func outputShape(for input: [Int], context: LayerBuildContext) throws -> [Int] {
        guard branches.count >= 2 else { throw context.error("has \(branches.count) branch(es); a concat block needs at least 2", key: "branches") }
        var shapes: [[Int]] = []
        for (b, branch) in branches.enumerated() {
            var shape = input
            for (j, layer) in branch.enumerated() { shape = try layer.blueprint.outputShape(for: shape, context: branchContext(b, j, context)) }
            shapes.append(shape)
        }
        let first = shapes[0]
        for (b, shape) in shapes.enumerated() where shape.count != first.count || shape.dropFirst() != first.dropFirst() {
            throw context.error("branch \(b) gives \(shape) but branch 0 gives \(first); branches may differ in the first (channel) "
                                + "axis only", key: "branches")
        }
        return [shapes.reduce(0) { $0 + $1[0] }] + first.dropFirst()
    }

    public func build(for input: [Int], context: inout LayerBuildContext) throws -> any Layer {
        _ = try outputShape(for: input, context: context)
        var built: [Sequential] = []
        for (b, branch) in branches.enumerated() {
            var shape = input
            var layers: [any Layer] = []
            for (j, layer) in branch.enumerated() {
                var inner = branchContext(b, j, context)
                let next = try layer.blueprint.outputShape(for: shape, context: inner)
                layers.append(try layer.blueprint.build(for: shape, context: &inner))
                shape = next
            }
            built.append(Sequential(layers))
        }
        return Concatenation(built)
    }
}
