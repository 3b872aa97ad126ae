import NeuromorphCore

extension Pool2d: WorkloadDescribing {
    /// Max or average pooling of a `[C, H, W]` input: no MACs, no parameters.
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        let p = pooling
        guard inputShape.count == 3, inputShape[1] >= p.window, inputShape[2] >= p.window else {
            throw WorkloadError(path: path, "\(summary) needs a [channels, height, width] input of at least "
                + "\(p.window)×\(p.window), got \(inputShape)")
        }
        return [WorkloadLayer(kind: .pool, path: path, operation: "\(p.kind.rawValue) \(p.window)×\(p.window)",
                              inputShape: inputShape,
                              outputShape: [inputShape[0], p.outputExtent(inputShape[1]), p.outputExtent(inputShape[2])],
                              kernel: p.window, stride: p.stride)]
    }
}

extension Flatten: WorkloadDescribing {
    /// A reshape to `[elements]`.
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        [WorkloadLayer(kind: .reshape, path: path, operation: "flatten", inputShape: inputShape,
                       outputShape: [inputShape.reduce(1, *)])]
    }
}

extension Reshape: WorkloadDescribing {
    /// A reshape to ``sampleShape`` (the element count must agree).
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        guard inputShape.reduce(1, *) == sampleShape.reduce(1, *) else {
            throw WorkloadError(path: path, "\(summary) needs \(sampleShape.reduce(1, *)) elements per sample, "
                + "got \(inputShape) (\(inputShape.reduce(1, *)))")
        }
        return [WorkloadLayer(kind: .reshape, path: path, operation: summary, inputShape: inputShape,
                              outputShape: sampleShape)]
    }
}

extension Dropout: WorkloadDescribing {
    /// Dropout keeps the shape (identity at inference).
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        [.elementwise(.dropout, path: path, operation: summary, shape: inputShape)]
    }
}
