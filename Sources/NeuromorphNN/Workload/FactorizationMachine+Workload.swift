import NeuromorphCore

extension FactorizationMachine: WorkloadDescribing {
    /// A table lookup of `F` rows of `[w, V]` per sample and `F·k` multiply-adds for the
    /// pairwise term (Rendle 2010, Eq. 5, O(F·k) for one-hot fields); the tables are not
    /// stationary crossbar weights (each sample reads different rows).
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        guard inputShape == [fields.count] else {
            throw WorkloadError(path: path, "\(summary) needs one index per field (\(fields.count)), got \(inputShape)")
        }
        let n = fields.reduce(0, +)
        return [WorkloadLayer(kind: .embedding, path: path, operation: summary, inputShape: inputShape, outputShape: [1],
                              weightShape: [n, factors + 1], macs: fields.count * factors + factors,
                              parameters: 1 + n + n * factors)]
    }
}
