// MARK: - 2-D convolution geometry and im2col

/// The geometry of a 2-D convolution or pooling window over NCHW input.
public struct ConvolutionGeometry: Sendable, Equatable, Codable {
    public var channels: Int
    public var height: Int
    public var width: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var stride: Int
    public var padding: Int

    public init(channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int,
                stride: Int = 1, padding: Int = 0) {
        precondition(channels > 0 && height > 0 && width > 0 && kernelHeight > 0 && kernelWidth > 0 && stride > 0
                     && padding >= 0, "ConvolutionGeometry: sizes must be positive")
        self.channels = channels
        self.height = height
        self.width = width
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.padding = padding
        precondition(outputHeight > 0 && outputWidth > 0,
                     "ConvolutionGeometry: kernel \(kernelHeight)×\(kernelWidth) larger than padded input \(height)×\(width)")
    }

    /// Output height `⌊(H + 2p − kh) / s⌋ + 1`.
    public var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    /// Output width `⌊(W + 2p − kw) / s⌋ + 1`.
    public var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    /// Rows of the unrolled patch matrix: `C · kh · kw` (the crossbar rows a kernel needs).
    public var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Output pixels per image.
    public var outputPixels: Int { outputHeight * outputWidth }
}

extension Tensor {
    /// Unrolls one image (`[C, H, W]` at `imageOffset` of an NCHW buffer) into patch rows:
    /// the result is `[outputPixels, C·kh·kw]`, one row per output pixel, so a convolution
    /// becomes `patches · Wᵀ` with weights `[outChannels, C·kh·kw]`.
    public static func im2col(_ input: UnsafeBufferPointer<Float>, imageOffset: Int,
                              geometry g: ConvolutionGeometry, into patches: UnsafeMutableBufferPointer<Float>) {
        let patch = g.patchSize
        let oh = g.outputHeight, ow = g.outputWidth
        precondition(patches.count >= oh * ow * patch, "im2col: patch buffer too small")
        var p = 0
        for oy in 0..<oh {
            for ox in 0..<ow {
                let rowBase = p * patch
                var k = 0
                for c in 0..<g.channels {
                    let channelBase = imageOffset + c * g.height * g.width
                    for ky in 0..<g.kernelHeight {
                        let y = oy * g.stride - g.padding + ky
                        for kx in 0..<g.kernelWidth {
                            let x = ox * g.stride - g.padding + kx
                            patches[rowBase + k] = (y >= 0 && y < g.height && x >= 0 && x < g.width)
                                ? input[channelBase + y * g.width + x] : 0
                            k += 1
                        }
                    }
                }
                p += 1
            }
        }
    }

    /// The adjoint of `im2col`: scatters patch-row gradients back onto one image, adding.
    public static func col2im(_ patches: UnsafeBufferPointer<Float>, geometry g: ConvolutionGeometry,
                              into output: UnsafeMutableBufferPointer<Float>, imageOffset: Int) {
        let patch = g.patchSize
        let oh = g.outputHeight, ow = g.outputWidth
        var p = 0
        for oy in 0..<oh {
            for ox in 0..<ow {
                let rowBase = p * patch
                var k = 0
                for c in 0..<g.channels {
                    let channelBase = imageOffset + c * g.height * g.width
                    for ky in 0..<g.kernelHeight {
                        let y = oy * g.stride - g.padding + ky
                        for kx in 0..<g.kernelWidth {
                            let x = ox * g.stride - g.padding + kx
                            if y >= 0 && y < g.height && x >= 0 && x < g.width {
                                output[channelBase + y * g.width + x] += patches[rowBase + k]
                            }
                            k += 1
                        }
                    }
                }
                p += 1
            }
        }
    }
}
