import RealModule

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

// MARK: - Batched column layout `[C·kh·kw, N·P]` (one GEMM per layer)

extension ConvolutionGeometry {
    /// The output columns `[lower, upper)` whose input column `ox·s − p + kx` lies inside
    /// the image, for kernel column `kx` (outside them the patch reads the zero padding).
    @inlinable
    public func validOutputColumns(kernelColumn kx: Int) -> (lower: Int, upper: Int) {
        let start = padding - kx
        let lower = start <= 0 ? 0 : Swift.min((start + stride - 1) / stride, outputWidth)
        let last = width - 1 + padding - kx
        let upper = last < 0 ? 0 : Swift.min(outputWidth, last / stride + 1)
        return (lower, Swift.max(lower, upper))
    }
}

extension Tensor {
    /// Unrolls a batch of NCHW images into the column matrix `[C·kh·kw, N·P]` (Caffe's
    /// layout): row `k = (c·kh + ky)·kw + kx` holds, for every image `n` and output pixel
    /// `p = oy·ow + ox`, the input `x[n, c, oy·s − p + ky, ox·s − p + kx]` (0 in the padding).
    /// A convolution of the whole mini-batch is then one GEMM, `Y[outC, N·P] = W[outC, C·kh·kw] ·
    /// cols`. Rows are filled in parallel (each row is written by one chunk), so the result
    /// does not depend on the thread count; with stride 1 every output row segment is one
    /// contiguous copy.
    public static func im2colColumns(_ input: UnsafePointer<Float>, batch: Int, geometry g: ConvolutionGeometry,
                                     into columns: UnsafeMutablePointer<Float>) {
        let oh = g.outputHeight, ow = g.outputWidth, pixels = g.outputPixels
        let imageSize = g.channels * g.height * g.width, planeSize = g.height * g.width
        let rowLength = batch * pixels
        let kernelArea = g.kernelHeight * g.kernelWidth
        ComputeThreads.forEachChunk(g.patchSize) { k in
            let c = k / kernelArea, ky = (k % kernelArea) / g.kernelWidth, kx = k % g.kernelWidth
            let (lower, upper) = g.validOutputColumns(kernelColumn: kx)
            let row = columns + k * rowLength
            for n in 0..<batch {
                let plane = input + n * imageSize + c * planeSize
                for oy in 0..<oh {
                    let dst = row + n * pixels + oy * ow
                    let y = oy * g.stride - g.padding + ky
                    guard y >= 0 && y < g.height else {
                        dst.update(repeating: 0, count: ow)
                        continue
                    }
                    if lower > 0 { dst.update(repeating: 0, count: lower) }
                    let src = plane + y * g.width - g.padding + kx
                    if g.stride == 1 {
                        (dst + lower).update(from: src + lower, count: upper - lower)
                    } else {
                        for ox in lower..<upper { dst[ox] = src[ox * g.stride] }
                    }
                    if upper < ow { (dst + upper).update(repeating: 0, count: ow - upper) }
                }
            }
        }
    }

    /// The adjoint of ``im2colColumns(_:batch:geometry:into:)``: adds every entry of the
    /// column matrix `[C·kh·kw, N·P]` onto its input pixel of `output` (`[N, C, H, W]`, which
    /// the caller zeroes). Input channels run in parallel; each reads its `kh·kw` rows from
    /// start to end (sequential streams the prefetcher follows, instead of one short
    /// segment per row and image) and adds them in the fixed order `k = 0, 1, …`, so every
    /// pixel's sum does not depend on the thread count.
    public static func col2imColumns(_ columns: UnsafePointer<Float>, batch: Int, geometry g: ConvolutionGeometry,
                                     into output: UnsafeMutablePointer<Float>) {
        let oh = g.outputHeight, ow = g.outputWidth, pixels = g.outputPixels
        let imageSize = g.channels * g.height * g.width, planeSize = g.height * g.width
        let rowLength = batch * pixels
        let kernelArea = g.kernelHeight * g.kernelWidth
        ComputeThreads.forEachChunk(g.channels) { c in
            for k in (c * kernelArea)..<((c + 1) * kernelArea) {
                let ky = (k % kernelArea) / g.kernelWidth, kx = k % g.kernelWidth
                let (lower, upper) = g.validOutputColumns(kernelColumn: kx)
                for n in 0..<batch {
                    let plane = output + n * imageSize + c * planeSize
                    let row = columns + k * rowLength + n * pixels
                    for oy in 0..<oh {
                        let y = oy * g.stride - g.padding + ky
                        guard y >= 0 && y < g.height else { continue }
                        let src = row + oy * ow
                        let dst = plane + y * g.width - g.padding + kx
                        if g.stride == 1 {
                            for ox in lower..<upper { dst[ox] += src[ox] }
                        } else {
                            for ox in lower..<upper { dst[ox * g.stride] += src[ox] }
                        }
                    }
                }
            }
        }
    }

    /// `[C, N·P]` (a GEMM's channel-major output) → `[N, C, P]` (NCHW), adding `bias[c]`
    /// (when given) to every element of channel `c`. Images run in parallel.
    public static func channelMajorToImages(_ source: UnsafePointer<Float>, batch: Int, channels: Int, pixels: Int,
                                            bias: UnsafePointer<Float>?, into output: UnsafeMutablePointer<Float>) {
        let rowLength = batch * pixels
        ComputeThreads.forEachChunk(batch) { n in
            for c in 0..<channels {
                let src = source + c * rowLength + n * pixels
                let dst = output + (n * channels + c) * pixels
                if let bias {
                    let b = bias[c]
                    for p in 0..<pixels { dst[p] = src[p] + b }
                } else {
                    dst.update(from: src, count: pixels)
                }
            }
        }
    }

    /// `[N, C, P]` (NCHW) → `[C, N·P]`, and the per-channel sums `Σ_{n,p} x[n, c, p]` into
    /// `channelSums` when given (a convolution's bias gradient). Channels run in parallel,
    /// each summing in the fixed order (n, p), so the sums do not depend on the thread count.
    public static func imagesToChannelMajor(_ source: UnsafePointer<Float>, batch: Int, channels: Int, pixels: Int,
                                            into output: UnsafeMutablePointer<Float>,
                                            channelSums: UnsafeMutablePointer<Float>?) {
        let rowLength = batch * pixels
        ComputeThreads.forEachChunk(channels) { c in
            var total: Float = 0
            for n in 0..<batch {
                let src = source + (n * channels + c) * pixels
                let dst = output + c * rowLength + n * pixels
                dst.update(from: src, count: pixels)
                if channelSums != nil {
                    var partial: Float = 0
                    for p in 0..<pixels { partial = Relaxed.sum(partial, src[p]) }
                    total += partial
                }
            }
            channelSums?[c] = total
        }
    }
}
