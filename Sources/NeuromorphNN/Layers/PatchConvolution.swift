import NeuromorphCore

/// A 2-D convolution expressed through any layer that maps patch rows to output channels
/// (`[N·P, C·k·k] → [N·P, outC]`): the `im2col` unrolling, the NCHW layout changes and the
/// `col2im` input gradient, shared by every convolution that runs its kernels on a
/// crossbar (analog training and analog inference).
public struct PatchConvolution: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    private var cachedGeometry: ConvolutionGeometry?
    private var cachedBatch = 0

    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, padding: Int) {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0,
                     "PatchConvolution: sizes must be positive")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
    }

    /// `[N, C, H, W]` → unrolled patches → `kernels` → `[N, outC, H', W']`.
    public mutating func forward<Kernels: Layer>(_ input: Tensor, mode: ExecutionMode, through kernels: inout Kernels,
                                                 layer: String) -> Tensor {
        precondition(input.rank == 4 && input.shape[1] == inChannels,
                     "\(layer): input must be [N, \(inChannels), H, W], got \(input.shape)")
        let g = ConvolutionGeometry(channels: inChannels, height: input.shape[2], width: input.shape[3],
                                    kernelHeight: kernelSize, kernelWidth: kernelSize, stride: stride, padding: padding)
        let batch = input.shape[0]
        let pixelMajor = kernels.forward(Conv2d.patches(of: input, geometry: g), mode: mode)   // bias included
        if mode == .training {
            cachedGeometry = g
            cachedBatch = batch
        }
        return Conv2d.toChannelMajor(pixelMajor, batch: batch, pixels: g.outputPixels, channels: outChannels, bias: nil,
                                     height: g.outputHeight, width: g.outputWidth)
    }

    /// The backward pass through `kernels`; dLoss/dInput only when asked.
    public mutating func backward<Kernels: Layer>(_ outputGradient: Tensor, needsInputGradient: Bool,
                                                  through kernels: inout Kernels, layer: String) -> Tensor {
        guard let g = cachedGeometry else { preconditionFailure("\(layer).backward: call forward(mode: .training) first") }
        let gradient = Conv2d.toPixelMajor(outputGradient, batch: cachedBatch, pixels: g.outputPixels, channels: outChannels)
        let patchGradient = kernels.backward(gradient, needsInputGradient: needsInputGradient)
        guard needsInputGradient else { return Tensor.zeros([0]) }
        return Conv2d.inputGradient(fromPatchGradient: patchGradient, geometry: g, batch: cachedBatch)
    }
}
