import NeuromorphCore

extension Sequential: WorkloadDescribing {
    /// The layers one after the other, with paths `0`, `1`, … below `path`.
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        try LayerWorkload.chain(layers.enumerated().map { (layerPath(path, "\($0.offset)"), $0.element) },
                                inputShape: inputShape)
    }
}
