import NeuromorphCore

extension Conv2d: WorkloadDescribing {
    /// One convolution on a `[inChannels, H, W]` input.
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        guard inputShape.count == 3, inputShape[0] == inChannels else {
            throw WorkloadError(path: path, "\(summary) needs a [\(inChannels), height, width] input, got \(inputShape)")
        }
        return [try .conv2d(path: path, inputShape: inputShape, outChannels: outChannels, kernel: kernelSize,
                            stride: stride, padding: padding, bias: bias != nil, operation: summary)]
    }
}
