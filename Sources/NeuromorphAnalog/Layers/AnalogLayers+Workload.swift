import NeuromorphCore
import NeuromorphNN

// The analog layers describe the same work as their digital counterparts: the substrate
// changes the cost of a MAC, not the count (the cost models price it per substrate).

extension AnalogLinear: WorkloadDescribing {
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        guard inputShape.last == inputFeatures else {
            throw WorkloadError(path: path, "\(summary) needs an input ending in \(inputFeatures) features, got \(inputShape)")
        }
        return [try .linear(path: path, inputShape: inputShape, outputFeatures: outputFeatures, bias: bias != nil,
                            operation: summary)]
    }
}

extension AnalogConv2d: WorkloadDescribing {
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        guard inputShape.count == 3, inputShape[0] == inChannels else {
            throw WorkloadError(path: path, "\(summary) needs a [\(inChannels), height, width] input, got \(inputShape)")
        }
        return [try .conv2d(path: path, inputShape: inputShape, outChannels: outChannels, kernel: kernelSize,
                            stride: stride, padding: padding, bias: crossbar.bias != nil, operation: summary)]
    }
}

extension AnalogInferenceLinear: WorkloadDescribing {
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        guard inputShape.last == inputFeatures else {
            throw WorkloadError(path: path, "\(summary) needs an input ending in \(inputFeatures) features, got \(inputShape)")
        }
        return [try .linear(path: path, inputShape: inputShape, outputFeatures: outputFeatures, bias: bias != nil,
                            operation: summary)]
    }
}

extension AnalogInferenceConv2d: WorkloadDescribing {
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        guard inputShape.count == 3, inputShape[0] == inChannels else {
            throw WorkloadError(path: path, "\(summary) needs a [\(inChannels), height, width] input, got \(inputShape)")
        }
        return [try .conv2d(path: path, inputShape: inputShape, outChannels: outChannels, kernel: kernelSize,
                            stride: stride, padding: padding, bias: crossbar.bias != nil, operation: summary)]
    }
}
