import NeuromorphCore

extension Residual: WorkloadDescribing {
    /// The body's layers, then the shortcut's, each from the block's input (the additions are
    /// element-wise, 0 MACs).
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        let main = try LayerWorkload.layers(of: body, inputShape: inputShape, path: layerPath(path, "body"))
        guard let shortcut else { return main }
        return main + (try LayerWorkload.layers(of: shortcut, inputShape: inputShape, path: layerPath(path, "shortcut")))
    }
}

extension Concatenation: WorkloadDescribing {
    /// Each branch's layers from the block's input (paths `<path>.<b>.<j>`), then a 0-MAC
    /// `reshape` that lays the branch outputs side by side.
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        var result: [WorkloadLayer] = []
        var channels = 0
        var last = inputShape
        for (name, branch) in children {
            let layers = try LayerWorkload.layers(of: branch, inputShape: inputShape, path: layerPath(path, name))
            let shape = layers.last?.outputShape ?? inputShape
            channels += shape.first ?? 0
            last = shape
            result += layers
        }
        result.append(WorkloadLayer(kind: .reshape, path: path, operation: "concatenate \(branches.count) branches",
                                    inputShape: last, outputShape: [channels] + last.dropFirst()))
        return result
    }
}
