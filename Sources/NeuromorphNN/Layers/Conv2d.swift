import NeuromorphCore

/// A 2-D convolution over NCHW input: the whole mini-batch is unrolled into one column
/// matrix (`im2col`, `[C·kh·kw, N·P]`) and multiplied by the weights in one GEMM per pass:
///
/// ```
/// forward    Y[outC, N·P]  = W[outC, K] · cols[K, N·P]          (+ bias, → NCHW)
/// backward   dW[outC, K]   = G[outC, N·P] · colsᵀ              db = Σ_{n,p} G
///            dcols[K, N·P] = Wᵀ · G                            dX = col2im(dcols)
/// ```
/// with `K = C·kh·kw` and `P` output pixels per image (Chellapilla et al. 2006; Caffe's
/// layout). The column, product and gradient buffers are kept between steps and reused, so
/// a training step allocates only the tensors it returns.
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
    /// The unrolled input `[K, N·P]` of the last training forward pass (kept for the weight
    /// gradient; its buffer is reused by the next pass).
    private var columns: [Float] = []
    /// Scratch: the forward product `[outC, N·P]`, then the output gradient in that layout.
    private var channelMajor: [Float] = []
    /// Scratch: the column gradient `[K, N·P]`.
    private var columnGradient: [Float] = []
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
        var patches = Tensor.uninitialized([batch * pixels, patch])   // im2col writes every entry
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
        let batch = input.shape[0], pixels = g.outputPixels, patch = g.patchSize
        let columnCount = patch * batch * pixels
        // Training reuses (and keeps) the cached column buffer; inference leaves it alone, so
        // an inference pass between a training forward and its backward changes nothing.
        var unrolled: [Float] = []
        if mode == .training { swap(&unrolled, &columns) }
        defer {
            if mode == .training {
                swap(&unrolled, &columns)
                cachedGeometry = g
                cachedBatch = batch
            }
        }
        Conv2d.resize(&unrolled, to: columnCount)
        Conv2d.resize(&channelMajor, to: outChannels * batch * pixels)
        var output = Tensor.uninitialized([batch, outChannels, g.outputHeight, g.outputWidth])
        guard columnCount > 0 else { return output }
        let (m, n, k) = (outChannels, batch * pixels, patch)
        input.scalars.withUnsafeBufferPointer { x in
            unrolled.withUnsafeMutableBufferPointer { cols in
                Tensor.im2colColumns(x.baseAddress!, batch: batch, geometry: g, into: cols.baseAddress!)
            }
        }
        weight.value.scalars.withUnsafeBufferPointer { w in
            unrolled.withUnsafeBufferPointer { cols in
                channelMajor.withUnsafeMutableBufferPointer { y in
                    BLASKernels.sgemm(.none, .none, m: m, n: n, k: k, alpha: 1, w.baseAddress!, lda: k,
                                      cols.baseAddress!, ldb: n, beta: 0, y.baseAddress!, ldc: n)
                }
            }
        }
        channelMajor.withUnsafeBufferPointer { y in
            output.scalars.withUnsafeMutableBufferPointer { out in
                if let bias {
                    bias.value.scalars.withUnsafeBufferPointer { b in
                        Tensor.channelMajorToImages(y.baseAddress!, batch: batch, channels: m, pixels: pixels,
                                                    bias: b.baseAddress!, into: out.baseAddress!)
                    }
                } else {
                    Tensor.channelMajorToImages(y.baseAddress!, batch: batch, channels: m, pixels: pixels,
                                                bias: nil, into: out.baseAddress!)
                }
            }
        }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard let g = cachedGeometry else { preconditionFailure("Conv2d.backward: call forward(mode: .training) first") }
        let batch = cachedBatch, pixels = g.outputPixels, patch = g.patchSize
        precondition(outputGradient.count == batch * outChannels * pixels,
                     "Conv2d.backward: gradient \(outputGradient.shape) for output [\(batch), \(outChannels), \(g.outputHeight), \(g.outputWidth)]")
        let (channels, n) = (outChannels, batch * pixels)
        if weight.gradient.shape != [outChannels, patch] { weight.gradient = Tensor.uninitialized([outChannels, patch]) }
        var biasGradient = bias == nil ? Tensor.zeros([0]) : Tensor.uninitialized([outChannels])
        // G: NCHW → [outC, N·P], with the bias gradient (per-channel sums) in the same pass.
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            channelMajor.withUnsafeMutableBufferPointer { gc in
                biasGradient.scalars.withUnsafeMutableBufferPointer { db in
                    Tensor.imagesToChannelMajor(dy.baseAddress!, batch: batch, channels: channels, pixels: pixels,
                                                into: gc.baseAddress!, channelSums: db.count > 0 ? db.baseAddress! : nil)
                }
            }
        }
        if bias != nil { bias!.gradient = biasGradient }
        guard n > 0 && patch > 0 else { return needsInputGradient ? Tensor.zeros([batch, g.channels, g.height, g.width]) : Tensor.zeros([0]) }
        // dW = G · colsᵀ
        channelMajor.withUnsafeBufferPointer { gc in
            columns.withUnsafeBufferPointer { cols in
                weight.gradient.scalars.withUnsafeMutableBufferPointer { dw in
                    BLASKernels.sgemm(.none, .transposed, m: channels, n: patch, k: n, alpha: 1, gc.baseAddress!, lda: n,
                                      cols.baseAddress!, ldb: n, beta: 0, dw.baseAddress!, ldc: patch)
                }
            }
        }
        guard needsInputGradient else { return Tensor.zeros([0]) }
        // dcols = Wᵀ · G, then col2im.
        Conv2d.resize(&columnGradient, to: patch * n)
        weight.value.scalars.withUnsafeBufferPointer { w in
            channelMajor.withUnsafeBufferPointer { gc in
                columnGradient.withUnsafeMutableBufferPointer { dc in
                    BLASKernels.sgemm(.transposed, .none, m: patch, n: n, k: channels, alpha: 1, w.baseAddress!, lda: patch,
                                      gc.baseAddress!, ldb: n, beta: 0, dc.baseAddress!, ldc: n)
                }
            }
        }
        var inputGradient = Tensor.zeros([batch, g.channels, g.height, g.width])
        columnGradient.withUnsafeBufferPointer { dc in
            inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                Tensor.col2imColumns(dc.baseAddress!, batch: batch, geometry: g, into: dx.baseAddress!)
            }
        }
        return inputGradient
    }

    /// Resizes a scratch buffer without initializing new elements (every user overwrites
    /// the whole buffer before reading it); keeps the allocation when the size is unchanged.
    static func resize(_ buffer: inout [Float], to count: Int) {
        guard buffer.count != count else { return }
        buffer = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
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

    /// `[N·P, C]` → `[N, C, H, W]`, adding the per-channel bias (images in parallel).
    public static func toChannelMajor(_ x: Tensor, batch: Int, pixels: Int, channels: Int, bias: Tensor?,
                               height: Int, width: Int) -> Tensor {
        var out = Tensor.uninitialized([batch, channels, height, width])
        let biasValues = bias?.scalars ?? [Float](repeating: 0, count: channels)
        x.scalars.withUnsafeBufferPointer { source in
            out.scalars.withUnsafeMutableBufferPointer { destination in
                biasValues.withUnsafeBufferPointer { b in
                    guard let src = source.baseAddress, let dst = destination.baseAddress, let b = b.baseAddress else { return }
                    ComputeThreads.forEachChunk(batch) { n in
                        for c in 0..<channels {
                            let bc = b[c], row = dst + (n * channels + c) * pixels, column = src + n * pixels * channels + c
                            for p in 0..<pixels { row[p] = column[p * channels] + bc }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `[N, C, H, W]` → `[N·P, C]` (images in parallel).
    public static func toPixelMajor(_ x: Tensor, batch: Int, pixels: Int, channels: Int) -> Tensor {
        var out = Tensor.uninitialized([batch * pixels, channels])
        x.scalars.withUnsafeBufferPointer { source in
            out.scalars.withUnsafeMutableBufferPointer { destination in
                guard let src = source.baseAddress, let dst = destination.baseAddress else { return }
                ComputeThreads.forEachChunk(batch) { n in
                    for c in 0..<channels {
                        let row = src + (n * channels + c) * pixels, column = dst + n * pixels * channels + c
                        for p in 0..<pixels { column[p * channels] = row[p] }
                    }
                }
            }
        }
        return out
    }
}
