/// The tensor kernels of the convergent EP network, on the channel-major `[C, B, H, W]`
/// layout ("CBHW") so that one GEMM covers the whole batch: a convolution is
/// `W[Cout, Cin·k²] × im2col(x)[Cin·k², B·H'·W'] = y[Cout, B·H'·W']`, already in CBHW.
///
/// Learning-rules §1.1 "Library needs": conv, its input adjoint (transposed convolution with
/// the flipped kernel, `w̃ ⋆`), its weight adjoint, 2×2/2 max-pool with stored argmax
/// (first index on ties), unpool at the argmax, and the gather that is unpool's adjoint.
struct EPConvGeometry: Sendable, Equatable {
    var inputChannels: Int
    var height: Int
    var width: Int
    var outputChannels: Int
    var kernel: Int
    var padding: Int

    /// Extent of the convolution output (stride 1), before pooling.
    var preHeight: Int { height + 2 * padding - kernel + 1 }
    var preWidth: Int { width + 2 * padding - kernel + 1 }
    /// Extent after the 2×2/2 max-pool (floor, as PyTorch).
    var pooledHeight: Int { preHeight / 2 }
    var pooledWidth: Int { preWidth / 2 }
    /// `Cin·k²`: one im2col column.
    var patch: Int { inputChannels * kernel * kernel }
    var prePixels: Int { preHeight * preWidth }
    var pooledPixels: Int { pooledHeight * pooledWidth }
    var weightCount: Int { outputChannels * patch }
}

enum EPKernels {
    // MARK: - Convolution

    /// `cols[(c·k + i)·k + j, (b·H' + y)·W' + x] = input[c, b, y + i − p, x + j − p]` (0 outside).
    static func im2col<S: EPScalar>(_ input: [S], _ g: EPConvGeometry, batch: Int) -> [S] {
        let n = batch * g.prePixels
        var cols = [S](repeating: 0, count: g.patch * n)
        let (h, w, k, p, ph, pw) = (g.height, g.width, g.kernel, g.padding, g.preHeight, g.preWidth)
        input.withUnsafeBufferPointer { src in
            cols.withUnsafeMutableBufferPointer { dst in
                for c in 0..<g.inputChannels {
                    for i in 0..<k {
                        for j in 0..<k {
                            let row = ((c * k + i) * k + j) * n
                            for b in 0..<batch {
                                let plane = (c * batch + b) * h * w
                                for y in 0..<ph {
                                    let iy = y + i - p
                                    guard iy >= 0, iy < h else { continue }
                                    let out = row + (b * ph + y) * pw
                                    let inRow = plane + iy * w
                                    let x0 = Swift.max(0, p - j), x1 = Swift.min(pw, w + p - j)
                                    var x = x0
                                    while x < x1 { dst[out + x] = src[inRow + x + j - p]; x += 1 }
                                }
                            }
                        }
                    }
                }
            }
        }
        return cols
    }

    /// The adjoint of ``im2col``: adds every column entry back to its input pixel.
    static func col2imAdd<S: EPScalar>(_ cols: [S], _ g: EPConvGeometry, batch: Int, into output: inout [S]) {
        let n = batch * g.prePixels
        let (h, w, k, p, ph, pw) = (g.height, g.width, g.kernel, g.padding, g.preHeight, g.preWidth)
        cols.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                for c in 0..<g.inputChannels {
                    for i in 0..<k {
                        for j in 0..<k {
                            let row = ((c * k + i) * k + j) * n
                            for b in 0..<batch {
                                let plane = (c * batch + b) * h * w
                                for y in 0..<ph {
                                    let iy = y + i - p
                                    guard iy >= 0, iy < h else { continue }
                                    let colRow = row + (b * ph + y) * pw
                                    let outRow = plane + iy * w
                                    let x0 = Swift.max(0, p - j), x1 = Swift.min(pw, w + p - j)
                                    var x = x0
                                    while x < x1 { dst[outRow + x + j - p] += src[colRow + x]; x += 1 }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `w ⋆ x`: `[Cout, B, H', W']` from `x` `[Cin, B, H, W]` and `w` `[Cout, Cin·k²]`.
    static func convolve<S: EPScalar>(_ weight: [S], cols: [S], _ g: EPConvGeometry, batch: Int) -> [S] {
        let n = batch * g.prePixels
        var out = [S](repeating: 0, count: g.outputChannels * n)
        epGemm(weight, cols, m: g.outputChannels, n: n, k: g.patch, into: &out)
        return out
    }

    /// `w̃ ⋆ dy` (transposed convolution, the input adjoint), added into `output` `[Cin, B, H, W]`.
    static func convolveTransposedAdd<S: EPScalar>(_ weight: [S], _ dy: [S], _ g: EPConvGeometry, batch: Int,
                                                   into output: inout [S]) {
        let n = batch * g.prePixels
        var cols = [S](repeating: 0, count: g.patch * n)
        epGemm(weight, transposeA: true, dy, m: g.patch, n: n, k: g.outputChannels, into: &cols)
        col2imAdd(cols, g, batch: batch, into: &output)
    }

    /// The weight adjoint `dW += alpha · dy[Cout, B·H'W'] × colsᵀ` (`[Cout, Cin·k²]`).
    static func weightAdjointAdd<S: EPScalar>(_ dy: [S], cols: [S], _ g: EPConvGeometry, batch: Int, alpha: S,
                                              into dw: inout [S]) {
        epGemm(dy, cols, transposeB: true, m: g.outputChannels, n: g.patch, k: batch * g.prePixels,
               alpha: alpha, beta: 1, into: &dw)
    }

    // MARK: - Pooling

    /// 2×2/2 max-pool of `[C, B, H', W']` (`planes = C·B`): the pooled values and, for each, the
    /// flat index of its maximum in `input` (the first one on ties, as PyTorch).
    static func maxPool<S: EPScalar>(_ input: [S], planes: Int, height: Int, width: Int) -> (values: [S], argmax: [Int32]) {
        let (oh, ow) = (height / 2, width / 2)
        var values = [S](repeating: 0, count: planes * oh * ow)
        var argmax = [Int32](repeating: 0, count: planes * oh * ow)
        input.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { v in
                argmax.withUnsafeMutableBufferPointer { a in
                    for plane in 0..<planes {
                        let base = plane * height * width
                        for y in 0..<oh {
                            for x in 0..<ow {
                                let i0 = base + 2 * y * width + 2 * x
                                var best = i0
                                if src[i0 + 1] > src[best] { best = i0 + 1 }
                                if src[i0 + width] > src[best] { best = i0 + width }
                                if src[i0 + width + 1] > src[best] { best = i0 + width + 1 }
                                let o = (plane * oh + y) * ow + x
                                v[o] = src[best]
                                a[o] = Int32(best)
                            }
                        }
                    }
                }
            }
        }
        return (values, argmax)
    }

    /// `P⁻¹`: each pooled value at its argmax, zeros elsewhere (`count` = pre-pool size).
    static func unpool<S: EPScalar>(_ values: [S], argmax: [Int32], count: Int) -> [S] {
        var out = [S](repeating: 0, count: count)
        values.withUnsafeBufferPointer { v in
            argmax.withUnsafeBufferPointer { a in
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<v.count { o[Int(a[i])] = v[i] }
                }
            }
        }
        return out
    }

    /// The adjoint of ``unpool``: the pre-pool tensor read at each argmax.
    static func gather<S: EPScalar>(_ input: [S], argmax: [Int32]) -> [S] {
        var out = [S](repeating: 0, count: argmax.count)
        input.withUnsafeBufferPointer { src in
            argmax.withUnsafeBufferPointer { a in
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<a.count { o[i] = src[Int(a[i])] }
                }
            }
        }
        return out
    }

    // MARK: - Layout

    /// `[C, B, P]` → `[B, C·P]` (the per-example flattening order of PyTorch's NCHW).
    static func channelMajorToFlat<S: EPScalar>(_ x: [S], channels: Int, batch: Int, pixels: Int) -> [S] {
        var out = [S](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for b in 0..<batch {
                        let s = (c * batch + b) * pixels, d = (b * channels + c) * pixels
                        for p in 0..<pixels { dst[d + p] = src[s + p] }
                    }
                }
            }
        }
        return out
    }

    /// `[B, C·P]` → `[C, B, P]`, added into `output`.
    static func flatToChannelMajorAdd<S: EPScalar>(_ x: [S], channels: Int, batch: Int, pixels: Int, into output: inout [S]) {
        x.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for b in 0..<batch {
                        let d = (c * batch + b) * pixels, s = (b * channels + c) * pixels
                        for p in 0..<pixels { dst[d + p] += src[s + p] }
                    }
                }
            }
        }
    }
}

extension EPKernels {
    /// `[B, C·P]` → `[C, B, P]`.
    static func flatToChannelMajor<S: EPScalar>(_ x: [S], channels: Int, batch: Int, pixels: Int) -> [S] {
        var out = [S](repeating: 0, count: x.count)
        flatToChannelMajorAdd(x, channels: channels, batch: batch, pixels: pixels, into: &out)
        return out
    }
}
