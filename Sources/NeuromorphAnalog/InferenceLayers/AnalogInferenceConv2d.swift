import NeuromorphCore
import NeuromorphNN

/// A 2-D convolution for analog inference: every `im2col` patch row is one input vector of an
/// ``AnalogInferenceLinear`` crossbar whose rows hold the unrolled kernels
/// (`[outChannels, inChannels·k·k]`, the layout of `Conv2d`). Training, programming, drift
/// compensation and reads are those of the crossbar (digest §2.4–2.6); the bias is the
/// crossbar's per-column offset.
///
/// ```
/// P = im2col(x)              [N·pixels, C·k·k]
/// Y = crossbar(P)            [N·pixels, outC]  → NCHW
/// ```
public struct AnalogInferenceConv2d: Layer {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    /// The crossbar holding the unrolled kernels.
    public var crossbar: AnalogInferenceLinear
    private var cachedGeometry: ConvolutionGeometry?
    private var cachedBatch = 0

    /// The inference counterpart of a trained digital `Conv2d` (same kernels and bias).
    public init(_ conv: Conv2d, periphery: InferencePeriphery = .paper, training: HardwareAwareTraining = .standard,
                generator: SeededGenerator) {
        inChannels = conv.inChannels
        outChannels = conv.outChannels
        kernelSize = conv.kernelSize
        stride = conv.stride
        padding = conv.padding
        var g = SeededGenerator(seed: 0)
        var linear = Linear(conv.weight.value.columns, conv.outChannels, bias: conv.bias != nil, generator: &g)
        linear.weight.value = conv.weight.value
        if let bias = conv.bias { linear.bias!.value = bias.value }
        crossbar = AnalogInferenceLinear(linear, periphery: periphery, training: training, generator: generator)
    }

    public var summary: String {
        "AnalogInferenceConv2d(\(inChannels) → \(outChannels), \(kernelSize)×\(kernelSize), stride \(stride), pad \(padding), "
            + "\(crossbar.summary))"
    }

    /// The digital twin (`γ` folded into the kernels).
    public var digitalConv2d: Conv2d {
        var g = SeededGenerator(seed: 0)
        var conv = Conv2d(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                          bias: crossbar.bias != nil, generator: &g)
        let linear = crossbar.digitalLinear
        conv.weight.value = linear.weight.value
        if let bias = linear.bias { conv.bias!.value = bias.value }
        return conv
    }

    public var hasParameters: Bool { true }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        precondition(input.rank == 4 && input.shape[1] == inChannels,
                     "AnalogInferenceConv2d: input must be [N, \(inChannels), H, W], got \(input.shape)")
        let g = ConvolutionGeometry(channels: inChannels, height: input.shape[2], width: input.shape[3],
                                    kernelHeight: kernelSize, kernelWidth: kernelSize, stride: stride, padding: padding)
        let batch = input.shape[0]
        let pixelMajor = crossbar.forward(Conv2d.patches(of: input, geometry: g), mode: mode)   // bias included
        if mode == .training {
            cachedGeometry = g
            cachedBatch = batch
        }
        return Conv2d.toChannelMajor(pixelMajor, batch: batch, pixels: g.outputPixels, channels: outChannels, bias: nil,
                                     height: g.outputHeight, width: g.outputWidth)
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard let g = cachedGeometry else {
            preconditionFailure("AnalogInferenceConv2d.backward: call forward(mode: .training) first")
        }
        let batch = cachedBatch, pixels = g.outputPixels
        let gradient = Conv2d.toPixelMajor(outputGradient, batch: batch, pixels: pixels, channels: outChannels)
        let patchGradient = crossbar.backward(gradient, needsInputGradient: needsInputGradient)
        guard needsInputGradient else { return Tensor.zeros([0]) }
        return Conv2d.inputGradient(fromPatchGradient: patchGradient, geometry: g, batch: batch)
    }

    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        crossbar.update(with: &optimizer, slot: &slot)
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try crossbar.forEachParameter(body)
    }
}

extension AnalogInferenceConv2d: StatefulLayer {
    public func encodedState() throws -> Data { try crossbar.encodedState() }
    public mutating func restoreState(from data: Data) throws { try crossbar.restoreState(from: data) }
}

import Foundation
