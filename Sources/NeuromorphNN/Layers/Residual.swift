import NeuromorphCore

/// An identity-shortcut residual block (He et al. 2016, "Deep Residual Learning for Image
/// Recognition", Eq. 1 with the identity shortcut):
/// ```
/// y = F(x) + x                    F = body (e.g. conv-bn-relu-conv-bn, BatchNorm folded)
/// dL/dx = (∂F/∂x)ᵀ · dL/dy + dL/dy
/// ```
/// The body's output must have the input's shape. The activation after the sum (ResNet's
/// second ReLU) is a separate layer after the block, as in the ONNX graph PyTorch exports
/// (`Add` then `Relu`). The addition is digital; the body's weight layers can be any layer
/// (digital or crossbar), reached by path `<i>.body.<j>` like a ``Sequential``'s children.
public struct Residual: Layer {
    /// F, the residual branch.
    public var body: Sequential

    public init(_ body: Sequential) { self.body = body }

    public var summary: String { "Residual(\(body.layers.isEmpty ? "identity" : body.summary) + x)" }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        var y = body.forward(input, mode: mode)
        precondition(y.shape == input.shape, "\(summary): the body maps \(input.shape) to \(y.shape); a residual needs the same shape")
        y += input
        return y
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    /// The shortcut passes dL/dy through unchanged; the body adds its own input gradient.
    /// When dL/dx is not needed, only the body's parameter gradients are computed.
    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else {
            _ = body.backward(outputGradient, needsInputGradient: false)
            return Tensor.zeros([0])
        }
        var dx = body.backward(outputGradient, needsInputGradient: true)
        dx += outputGradient
        return dx
    }

    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        body.update(with: &optimizer, slot: &slot)
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try self.body.forEachParameter(body)
    }
}

extension Residual: LayerContainer {
    /// The body, `body`: its layers have paths `body.0`, `body.1`, … (checkpoint names
    /// `<i>.body.<j>.weight`).
    public var children: [(name: String, layer: any Layer)] { [("body", body)] }

    public mutating func replaceChild(_ name: String, with layer: any Layer) {
        guard name == "body", let sequential = layer as? Sequential else {
            preconditionFailure("Residual has one child 'body' (a Sequential), not \(name)")
        }
        body = sequential
    }
}
