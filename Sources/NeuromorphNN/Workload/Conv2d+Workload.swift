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

extension GroupedConvolution: WorkloadDescribing {
    /// Each group's convolution on its `[C_in/G, H, W]` slice (paths `<path>.<g>`, weights
    /// `[out/G, C_in/G, k, k]`: the layer's MACs and weights are their sums), then a 0-MAC
    /// `reshape` that lays the `G` outputs side by side as `[out, H', W']`.
    public func workloadLayers(inputShape: [Int], path: String) throws -> [WorkloadLayer] {
        guard inputShape.count == 3, inputShape[0] == inChannels else {
            throw WorkloadError(path: path, "\(summary) needs a [\(inChannels), height, width] input, got \(inputShape)")
        }
        var slice = inputShape
        slice[0] = groupInputs
        var result: [WorkloadLayer] = []
        for (name, group) in children {
            result += try LayerWorkload.layers(of: group, inputShape: slice, path: layerPath(path, name))
        }
        guard let last = result.last, last.outputShape.count == 3 else { return result }
        let output = [outChannels, last.outputShape[1], last.outputShape[2]]
        result.append(WorkloadLayer(kind: .reshape, path: path, operation: "concatenate \(groups.count) groups",
                                    inputShape: last.outputShape, outputShape: output))
        return result
    }
}
