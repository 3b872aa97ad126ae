import NeuromorphCore
import NeuromorphNN

/// A 2-D convolution on analog tiles (aihwkit `AnalogConv2d`): each image is unrolled with
/// `im2col`, every patch row is one input vector of the crossbar (whose columns hold the
/// unrolled kernels, `[outChannels, inChannels·k·k]`), and the update applies one rank-1
/// pulsed update per output pixel, as the hardware would.
public struct AnalogConv2d<Device: PulsedDeviceConfiguration>: Layer {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    /// The crossbar(s) holding the unrolled kernels; its bias is the convolution's bias.
    public var crossbar: AnalogLinear<Device>
    private var cachedGeometry: ConvolutionGeometry?
    private var cachedBatch = 0

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, device: Device, forwardIO: IOParameters = .forwardDefault,
                backwardIO: IOParameters = .backwardDefault, update: PulsedUpdateParameters = PulsedUpdateParameters(),
                maxTileInputs: Int = 512, maxTileOutputs: Int = 512, weightScalingOmega: Float? = nil,
                generator: inout SeededGenerator) throws {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0,
                     "AnalogConv2d: sizes must be positive")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        crossbar = try AnalogLinear(inChannels * kernelSize * kernelSize, outChannels, bias: bias, device: device,
                                    forwardIO: forwardIO, backwardIO: backwardIO, update: update,
                                    maxTileInputs: maxTileInputs, maxTileOutputs: maxTileOutputs,
                                    weightScalingOmega: weightScalingOmega, generator: &generator)
    }

    public var summary: String {
        "AnalogConv2d(\(inChannels) → \(outChannels), \(kernelSize)×\(kernelSize), stride \(stride), pad \(padding), \(Device.self))"
    }

    public var hasParameters: Bool { true }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        precondition(input.rank == 4 && input.shape[1] == inChannels,
                     "AnalogConv2d: input must be [N, \(inChannels), H, W], got \(input.shape)")
        let g = ConvolutionGeometry(channels: inChannels, height: input.shape[2], width: input.shape[3],
                                    kernelHeight: kernelSize, kernelWidth: kernelSize, stride: stride, padding: padding)
        let batch = input.shape[0]
        let patches = Conv2d.patches(of: input, geometry: g)
        let pixelMajor = crossbar.forward(patches, mode: mode)          // [N·P, outC], bias included
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
        guard let g = cachedGeometry else { preconditionFailure("AnalogConv2d.backward: call forward(mode: .training) first") }
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

extension AnalogConv2d: StatefulLayer {
    public func encodedState() throws -> Data { try crossbar.encodedState() }
    public mutating func restoreState(from data: Data) throws { try crossbar.restoreState(from: data) }
}

import Foundation
