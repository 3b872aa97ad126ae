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
    /// Unrolling, layouts and input gradient (shared with every crossbar convolution).
    var patching: PatchConvolution
    public var inChannels: Int { patching.inChannels }
    public var outChannels: Int { patching.outChannels }
    public var kernelSize: Int { patching.kernelSize }
    public var stride: Int { patching.stride }
    public var padding: Int { patching.padding }
    /// The crossbar holding the unrolled kernels.
    public var crossbar: AnalogInferenceLinear

    /// The inference counterpart of a trained digital `Conv2d` (same kernels and bias).
    public init(_ conv: Conv2d, periphery: InferencePeriphery = .paper, training: HardwareAwareTraining = .standard,
                generator: SeededGenerator) {
        patching = PatchConvolution(inChannels: conv.inChannels, outChannels: conv.outChannels, kernelSize: conv.kernelSize,
                                    stride: conv.stride, padding: conv.padding)
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
        patching.forward(input, mode: mode, through: &crossbar, layer: "AnalogInferenceConv2d")
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        patching.backward(outputGradient, needsInputGradient: needsInputGradient, through: &crossbar, layer: "AnalogInferenceConv2d")
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
