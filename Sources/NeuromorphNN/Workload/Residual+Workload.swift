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
