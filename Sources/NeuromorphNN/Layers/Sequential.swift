import NeuromorphCore

/// Layers applied in order; the backward pass runs them in reverse.
public struct Sequential: Layer {
    public var layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }

    public var summary: String { layers.map(\.summary).joined(separator: " → ") }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        var x = input
        for i in layers.indices { x = layers[i].forward(x, mode: mode) }
        return x
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    /// Runs the layers backward; the first layer computes dLoss/dInput only if asked, and
    /// layers before the first one with parameters are skipped when it is not needed.
    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        var g = outputGradient
        var firstTrainable = 0
        if !needsInputGradient {
            firstTrainable = layers.indices.first { layers[$0].hasParameters } ?? layers.count
        }
        for i in layers.indices.reversed() where i >= firstTrainable {
            g = layers[i].backward(g, needsInputGradient: needsInputGradient || i > firstTrainable)
        }
        return g
    }

    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        for i in layers.indices { layers[i].update(with: &optimizer, slot: &slot) }
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        for i in layers.indices { try layers[i].forEachParameter(body) }
    }
}

extension Sequential: LayerContainer {
    /// The layers, named by their index (`0`, `1`, …): checkpoint names are `<index>.<parameter>`.
    public var children: [(name: String, layer: any Layer)] { layers.enumerated().map { ("\($0.offset)", $0.element) } }

    public mutating func replaceChild(_ name: String, with layer: any Layer) {
        guard let index = Int(name), layers.indices.contains(index) else { preconditionFailure("Sequential has no child \(name)") }
        layers[index] = layer
    }
}
