// MARK: - Max and average pooling over NCHW

/// The pooling reduction.
public enum PoolingKind: String, Sendable, Codable, CaseIterable {
    case max, average
}

/// 2-D pooling with a square window, forward and backward, over `[N, C, H, W]`.
public struct Pooling2D: Sendable {
    public let kind: PoolingKind
    public let window: Int
    public let stride: Int

    public init(kind: PoolingKind, window: Int, stride: Int? = nil) {
        precondition(window > 0 && (stride ?? window) > 0, "Pooling2D: window and stride must be positive")
        self.kind = kind
        self.window = window
        self.stride = stride ?? window
    }

    /// Output extent for an input extent.
    public func outputExtent(_ n: Int) -> Int { (n - window) / stride + 1 }

    /// Planes (`[H, W]` slices of one image and channel) per parallel chunk: chunk
    /// boundaries depend only on the shape, and every plane is pooled by one chunk, so the
    /// results are the same for any thread count.
    static func planesPerChunk(planeSize: Int) -> Int { Swift.max(1, 16_384 / Swift.max(planeSize, 1)) }

    /// Pools `input` (`[N, C, H, W]`); for max pooling also returns the flat index of each
    /// winning input element (for the backward pass; the first of equal maxima in
    /// row-major window order). Planes run in parallel; the 2×2, stride-2 max pool of most
    /// CNNs has its own loop.
    public func forward(_ input: Tensor) -> (output: Tensor, argmax: [Int32]) {
        precondition(input.rank == 4, "Pooling2D: input must be [N, C, H, W], got \(input.shape)")
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (window, stride, kind) = (self.window, self.stride, self.kind)
        let oh = outputExtent(h), ow = outputExtent(w)
        precondition(oh > 0 && ow > 0, "Pooling2D: window \(window) larger than input \(h)×\(w)")
        let planes = n * c, outCount = planes * oh * ow
        precondition(kind != .max || input.count <= Int(Int32.max), "Pooling2D: max pooling indexes at most 2³¹ − 1 input elements")
        var out = Tensor.uninitialized([n, c, oh, ow])
        var argmax = [Int32](unsafeUninitializedCapacity: kind == .max ? outCount : 0) { _, k in k = kind == .max ? outCount : 0 }
        let inverseArea = 1 / Float(window * window)
        let perChunk = Self.planesPerChunk(planeSize: h * w)
        input.scalars.withUnsafeBufferPointer { srcBuffer in
            out.scalars.withUnsafeMutableBufferPointer { dstBuffer in
                argmax.withUnsafeMutableBufferPointer { argBuffer in
                    let src = srcBuffer.baseAddress!, dst = dstBuffer.baseAddress!, arg = argBuffer.baseAddress
                    ComputeThreads.forEachChunk((planes + perChunk - 1) / perChunk) { chunk in
                        for plane in (chunk * perChunk)..<Swift.min(planes, (chunk + 1) * perChunk) {
                            let base = plane * h * w
                            var o = plane * oh * ow
                            if kind == .max && window == 2 && stride == 2 {
                                // All four values are loaded before the comparisons and the
                                // index is 32-bit wrapping arithmetic, so the loop compiles to
                                // selects (vectorizable) instead of branches.
                                for oy in 0..<oh {
                                    let top = base + 2 * oy * w, bottom = top + w
                                    let row = dst + o, rowArgmax = arg! + o
                                    for ox in 0..<ow {
                                        let i0 = top + 2 * ox, i2 = bottom + 2 * ox
                                        let a = src[i0], b = src[i0 + 1], c = src[i2], d = src[i2 + 1]
                                        let j0 = Int32(truncatingIfNeeded: i0), j2 = Int32(truncatingIfNeeded: i2)
                                        var best = -Float.infinity, bestIndex = j0
                                        if a > best { best = a }
                                        if b > best { best = b; bestIndex = j0 &+ 1 }
                                        if c > best { best = c; bestIndex = j2 }
                                        if d > best { best = d; bestIndex = j2 &+ 1 }
                                        row[ox] = best
                                        rowArgmax[ox] = bestIndex
                                    }
                                    o += ow
                                }
                                continue
                            }
                            for oy in 0..<oh {
                                for ox in 0..<ow {
                                    let y0 = oy * stride, x0 = ox * stride
                                    if kind == .max {
                                        var best = -Float.infinity
                                        var bestIndex = base + y0 * w + x0
                                        for ky in 0..<window {
                                            for kx in 0..<window {
                                                let i = base + (y0 + ky) * w + x0 + kx
                                                if src[i] > best { best = src[i]; bestIndex = i }
                                            }
                                        }
                                        dst[o] = best
                                        arg![o] = Int32(bestIndex)
                                    } else {
                                        var total: Float = 0
                                        for ky in 0..<window {
                                            for kx in 0..<window { total += src[base + (y0 + ky) * w + x0 + kx] }
                                        }
                                        dst[o] = total * inverseArea
                                    }
                                    o += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return (out, argmax)
    }

    /// The input gradient for an output gradient, given the input shape and (for max) the
    /// argmax. Planes run in parallel, each zeroed and then accumulated in output order.
    public func backward(_ outputGradient: Tensor, inputShape: [Int], argmax: [Int32]) -> Tensor {
        var grad = Tensor.uninitialized(inputShape)
        let (window, stride, kind) = (self.window, self.stride, self.kind)
        let (h, w) = (inputShape[2], inputShape[3])
        let oh = outputExtent(h), ow = outputExtent(w)
        let planes = inputShape[0] * inputShape[1]
        precondition(outputGradient.count == planes * oh * ow && (kind != .max || argmax.count == outputGradient.count),
                     "Pooling2D.backward: gradient \(outputGradient.shape) for input \(inputShape)")
        let inverseArea = 1 / Float(window * window)
        let perChunk = Self.planesPerChunk(planeSize: h * w)
        outputGradient.scalars.withUnsafeBufferPointer { gBuffer in
            grad.scalars.withUnsafeMutableBufferPointer { dstBuffer in
                argmax.withUnsafeBufferPointer { argBuffer in
                    let g = gBuffer.baseAddress!, dst = dstBuffer.baseAddress!, arg = argBuffer.baseAddress
                    ComputeThreads.forEachChunk((planes + perChunk - 1) / perChunk) { chunk in
                        for plane in (chunk * perChunk)..<Swift.min(planes, (chunk + 1) * perChunk) {
                            let base = plane * h * w
                            (dst + base).update(repeating: 0, count: h * w)
                            let outBase = plane * oh * ow
                            if kind == .max {
                                for o in outBase..<(outBase + oh * ow) { dst[Int(arg![o])] += g[o] }
                                continue
                            }
                            var o = outBase
                            for oy in 0..<oh {
                                for ox in 0..<ow {
                                    let share = g[o] * inverseArea
                                    for ky in 0..<window {
                                        for kx in 0..<window { dst[base + (oy * stride + ky) * w + ox * stride + kx] += share }
                                    }
                                    o += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return grad
    }
}
