import NeuromorphCore

/// A residual block (He et al. 2016, "Deep Residual Learning for Image Recognition"), with the
/// identity shortcut (Eq. 1) or a projection shortcut S (Eq. 2, `W_s x`: ResNet's downsampling
/// 1×1 convolution + BatchNorm, torchvision's `downsample`):
/// ```
/// y = F(x) + x                    F = body (e.g. conv-bn-relu-conv-bn, BatchNorm folded)
/// dL/dx = (∂F/∂x)ᵀ · dL/dy + dL/dy
/// y = F(x) + S(x)                 S = shortcut (e.g. a strided 1×1 conv, BatchNorm folded)
/// dL/dx = (∂F/∂x)ᵀ · dL/dy + (∂S/∂x)ᵀ · dL/dy
/// ```
/// The body's output must have the input's shape (identity) or the shortcut's output shape. The activation after the sum (ResNet's
/// second ReLU) is a separate layer after the block, as in the ONNX graph PyTorch exports
/// (`Add` then `Relu`). The addition is digital; the body's weight layers can be any layer
/// (digital or crossbar), reached by path `<i>.body.<j>` like a ``Sequential``'s children.
public struct Residual: Layer {
    /// F, the residual branch.
    public var body: Sequential
    /// S, the projection shortcut; `nil`: the identity.
    public var shortcut: Sequential?

    public init(_ body: Sequential, shortcut: Sequential? = nil) {
        self.body = body
        self.shortcut = shortcut
    }

    public var summary: String {
        "Residual(\(body.layers.isEmpty ? "identity" : body.summary) + \(shortcut.map(\.summary) ?? "x"))"
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        var y = body.forward(input, mode: mode)
        let s = shortcut == nil ? input : shortcut!.forward(input, mode: mode)
        precondition(y.shape == s.shape, "\(summary): the body gives \(y.shape) and the shortcut \(s.shape); a residual needs the same shape")
        y += s
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
            _ = shortcut?.backward(outputGradient, needsInputGradient: false)
            return Tensor.zeros([0])
        }
        var dx = body.backward(outputGradient, needsInputGradient: true)
        if shortcut == nil {
            dx += outputGradient
        } else {
            dx += shortcut!.backward(outputGradient, needsInputGradient: true)
        }
        return dx
    }

    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        body.update(with: &optimizer, slot: &slot)
        shortcut?.update(with: &optimizer, slot: &slot)
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try self.body.forEachParameter(body)
        try shortcut?.forEachParameter(body)
    }
}

extension Residual: LayerContainer {
    /// The body, `body`: its layers have paths `body.0`, `body.1`, … (checkpoint names
    /// `<i>.body.<j>.weight`), then a projection shortcut's, `shortcut.0`, ….
    public var children: [(name: String, layer: any Layer)] {
        [("body", body)] + (shortcut.map { [("shortcut", $0 as any Layer)] } ?? [])
    }

    public mutating func replaceChild(_ name: String, with layer: any Layer) {
        guard let sequential = layer as? Sequential, name == "body" || (name == "shortcut" && shortcut != nil) else {
            preconditionFailure("Residual has the children 'body' and (with a projection) 'shortcut' (Sequentials), not \(name)")
        }
        if name == "body" { body = sequential } else { shortcut = sequential }
    }
}
