import NeuromorphCore

extension Activation: WorkloadDescribing {
    /// An element-wise non-linearity: same shape, no MACs.
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        [.elementwise(.activation, path: path, operation: kind.rawValue, shape: inputShape)]
    }
}

extension LogSoftmax: WorkloadDescribing {
    /// Log-softmax over the last dimension: same shape, no MACs.
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        [.elementwise(.softmax, path: path, operation: "log_softmax", shape: inputShape)]
    }
}
