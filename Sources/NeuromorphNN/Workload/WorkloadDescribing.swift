import NeuromorphCore

/// A layer that can describe its work (shapes, weights, multiply-accumulates) for one input
/// sample, as `WorkloadLayer` values of `NeuromorphCore`.
///
/// Leaves return one layer (or none, for a pure reshape that cost models can skip); a
/// container returns its children's layers in the order they run, passing each the shape the
/// previous one produced. A container that runs its children one after the other needs no
/// conformance: ``LayerWorkload/layers(of:inputShape:path:)`` chains the children of any
/// ``LayerContainer`` in their `children` order.
public protocol WorkloadDescribing: Layer {
    /// The leaf layers this layer runs on one sample of `inputShape`, with paths below
    /// `path`; throws `WorkloadError` when the shape does not fit.
    func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer]
}

/// Describing any `Layer`, whatever it conforms to.
public enum LayerWorkload {
    /// The leaf layers of `layer` for one sample of `inputShape`: its own description if it
    /// is ``WorkloadDescribing``, else its children chained in order if it is a
    /// ``LayerContainer``; any other layer throws `WorkloadError` naming its path and type.
    public static func layers(of layer: any Layer, inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        if let describing = layer as? any WorkloadDescribing {
            return try describing.workloadLayers(inputShape: inputShape, path: path)
        }
        if let container = layer as? any LayerContainer {
            return try chain(container.children.map { (layerPath(path, $0.name), $0.layer) }, inputShape: inputShape)
        }
        throw WorkloadError(path: path, "\(type(of: layer)) (\(layer.summary)) does not describe its workload; "
            + "expected a layer conforming to WorkloadDescribing or LayerContainer")
    }

    /// The layers of `children` run one after the other, starting from `inputShape`.
    public static func chain(_ children: [(path: String, layer: any Layer)], inputShape: [Int]) throws -> [WorkloadLayer] {
        var shape = inputShape
        var result: [WorkloadLayer] = []
        for (path, child) in children {
            let layers = try Self.layers(of: child, inputShape: shape, path: path)
            shape = layers.last?.outputShape ?? shape
            result += layers
        }
        return result
    }

    /// The output shape of `layers` run after `inputShape`.
    static func outputShape(_ layers: [WorkloadLayer], after inputShape: [Int]) -> [Int] {
        layers.last?.outputShape ?? inputShape
    }
}

extension Layer {
    /// The `Workload` of this model for one sample of `inputShape` (per-sample shapes,
    /// without the batch dimension, e.g. `[784]` or `[1, 28, 28]`).
    public func describeWorkload(inputShape: [Int], name: String = "") throws -> Workload {
        Workload(name: name.isEmpty ? summary : name, inputShape: inputShape,
                 layers: try LayerWorkload.layers(of: self, inputShape: inputShape, path: ""))
    }
}
