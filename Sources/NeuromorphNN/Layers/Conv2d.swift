import NeuromorphCore

/// A 2-D convolution over NCHW input, computed as `im2col` followed by one GEMM per batch.
///
/// Weights have shape `[outChannels, inChannels·kh·kw]`: each row is one kernel unrolled in
/// the order (channel, ky, kx), exactly the column a crossbar stores for that kernel, so an
/// analog convolution can run the same patches through a tile. Initialization follows
/// PyTorch's `nn.Conv2d` (U(−1/√fanIn, 1/√fanIn)).
public struct Conv2d: Layer {
    public var weight: Parameter
    public var bias: Parameter?
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    private var cachedPatches = Tensor.zeros([0])
    private var cachedGeometry: ConvolutionGeometry?
    private var cachedBatch = 0

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, generator: inout SeededGenerator) {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0,
                     "Conv2d: sizes must be positive")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        let fanIn = inChannels * kernelSize * kernelSize
        let bound = 1 / Float(fanIn).squareRoot()
        weight = Parameter(name: "weight", value: .randomUniform([outChannels, fanIn], lower: -bound, upper: bound,
                                                                 using: &generator))
        self.bias = bias ? Parameter(name: "bias", value: .randomUniform([outChannels], lower: -bound, upper: bound,
                                                                         using: &generator), decays: false) : nil
    }

    public var summary: String {
        "Conv2d(\(inChannels) → \(outChannels), \(kernelSize)×\(kernelSize), stride \(stride), pad \(padding))"
    }

    /// The geometry for an input of shape `[N, C, H, W]`.
    public func geometry(for shape: [Int]) -> ConvolutionGeometry {
        precondition(shape.count == 4 && shape[1] == inChannels,
                     "Conv2d: input must be [N, \(inChannels), H, W], got \(shape)")
        return ConvolutionGeometry(channels: inChannels, height: shape[2], width: shape[3],
                                   kernelHeight: kernelSize, kernelWidth: kernelSize, stride: stride, padding: padding)
    }

    /// The unrolled patches of a batch: `[N·P, C·kh·kw]`, images unrolled in parallel.
    public static func patches(of input: Tensor, geometry g: ConvolutionGeometry) -> Tensor {
        let batch = input.shape[0]
        let pixels = g.outputPixels, patch = g.patchSize, imageSize = g.channels * g.height * g.width
        var patches = Tensor.zeros([batch * pixels, patch])
        input.scalars.withUnsafeBufferPointer { src in
            patches.scalars.withUnsafeMutableBufferPointer { dst in
                let base = dst.baseAddress!
                ComputeThreads.forEachChunk(batch) { n in
                    let slice = UnsafeMutableBufferPointer(start: base + n * pixels * patch, count: pixels * patch)
                    Tensor.im2col(src, imageOffset: n * imageSize, geometry: g, into: slice)
                }
            }
        }
        return patches
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        let g = geometry(for: input.shape)
        let batch = input.shape[0]
        let patches = Conv2d.patches(of: input, geometry: g)
        var pixelMajor = Tensor.zeros([0])
        Tensor.gemm(patches, .none, weight.value, .transposed, into: &pixelMajor)   // [N·P, outC]
        if mode == .training {
            cachedPatches = patches
            cachedGeometry = g
            cachedBatch = batch
        }
        return Conv2d.toChannelMajor(pixelMajor, batch: batch, pixels: g.outputPixels, channels: outChannels,
                                     bias: bias?.value, height: g.outputHeight, width: g.outputWidth)
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard let g = cachedGeometry else { preconditionFailure("Conv2d.backward: call forward(mode: .training) first") }
        let batch = cachedBatch, pixels = g.outputPixels
        let gradient = Conv2d.toPixelMajor(outputGradient, batch: batch, pixels: pixels, channels: outChannels)
        Tensor.gemm(gradient, .transposed, cachedPatches, .none, into: &weight.gradient)   // [outC, K]
        if bias != nil { bias!.gradient = gradient.sumRows() }
        guard needsInputGradient else { return Tensor.zeros([0]) }
        var patchGradient = Tensor.zeros([0])
        Tensor.gemm(gradient, .none, weight.value, .none, into: &patchGradient)          // [N·P, K]
        return Conv2d.inputGradient(fromPatchGradient: patchGradient, geometry: g, batch: batch)
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&weight)
        if bias != nil { try body(&bias!) }
    }

    /// The input gradient `[N, C, H, W]` from the patch-row gradient `[N·P, C·kh·kw]`
    /// (`col2im` per image, images in parallel): shared by every im2col-based convolution.
    public static func inputGradient(fromPatchGradient patchGradient: Tensor, geometry g: ConvolutionGeometry,
                                     batch: Int) -> Tensor {
        let pixels = g.outputPixels
        let imageSize = g.channels * g.height * g.width
        var inputGradient = Tensor.zeros([batch, g.channels, g.height, g.width])
        patchGradient.scalars.withUnsafeBufferPointer { src in
            inputGradient.scalars.withUnsafeMutableBufferPointer { dst in
                let srcBase = src.baseAddress!
                ComputeThreads.forEachChunk(batch) { n in
                    let slice = UnsafeBufferPointer(start: srcBase + n * pixels * g.patchSize, count: pixels * g.patchSize)
                    Tensor.col2im(slice, geometry: g, into: dst, imageOffset: n * imageSize)
                }
            }
        }
        return inputGradient
    }

    // MARK: - Layout changes between GEMM output and NCHW

    /// `[N·P, C]` → `[N, C, H, W]`, adding the per-channel bias.
    public static func toChannelMajor(_ x: Tensor, batch: Int, pixels: Int, channels: Int, bias: Tensor?,
                               height: Int, width: Int) -> Tensor {
        var out = [Float](repeating: 0, count: x.count)
        let biasValues = bias?.scalars ?? [Float](repeating: 0, count: channels)
        x.scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for n in 0..<batch {
                    for p in 0..<pixels {
                        let s = (n * pixels + p) * channels
                        for c in 0..<channels { dst[(n * channels + c) * pixels + p] = src[s + c] + biasValues[c] }
                    }
                }
            }
        }
        return Tensor(shape: [batch, channels, height, width], scalars: out)
    }

    /// `[N, C, H, W]` → `[N·P, C]`.
    public static func toPixelMajor(_ x: Tensor, batch: Int, pixels: Int, channels: Int) -> Tensor {
        var out = [Float](repeating: 0, count: x.count)
        x.scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for n in 0..<batch {
                    for c in 0..<channels {
                        let s = (n * channels + c) * pixels
                        for p in 0..<pixels { dst[(n * pixels + p) * channels + c] = src[s + p] }
                    }
                }
            }
        }
        return Tensor(shape: [batch * pixels, channels], scalars: out)
    }
}
