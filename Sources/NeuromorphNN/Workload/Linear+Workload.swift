import NeuromorphCore

extension Linear: WorkloadDescribing {
    /// One linear layer on every row of the input (`[in]` or `[tokens, in]`).
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        guard inputShape.last == inputFeatures else {
            throw WorkloadError(path: path, "\(summary) needs an input ending in \(inputFeatures) features, got \(inputShape)")
        }
        return [try .linear(path: path, inputShape: inputShape, outputFeatures: outputFeatures, bias: bias != nil,
                            operation: summary)]
    }
}
