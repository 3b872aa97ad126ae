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

    /// Pools `input` (`[N, C, H, W]`); for max pooling also returns the flat index of each
    /// winning input element (for the backward pass).
    public func forward(_ input: Tensor) -> (output: Tensor, argmax: [Int32]) {
        precondition(input.rank == 4, "Pooling2D: input must be [N, C, H, W], got \(input.shape)")
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let oh = outputExtent(h), ow = outputExtent(w)
        precondition(oh > 0 && ow > 0, "Pooling2D: window \(window) larger than input \(h)×\(w)")
        var out = [Float](repeating: 0, count: n * c * oh * ow)
        var argmax = [Int32](repeating: 0, count: kind == .max ? out.count : 0)
        let inverseArea = 1 / Float(window * window)
        input.scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                argmax.withUnsafeMutableBufferPointer { arg in
                    var o = 0
                    for plane in 0..<(n * c) {
                        let base = plane * h * w
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
                                    arg[o] = Int32(bestIndex)
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
        return (Tensor(shape: [n, c, oh, ow], scalars: out), argmax)
    }

    /// The input gradient for an output gradient, given the input shape and (for max) the argmax.
    public func backward(_ outputGradient: Tensor, inputShape: [Int], argmax: [Int32]) -> Tensor {
        var grad = Tensor.zeros(inputShape)
        let (h, w) = (inputShape[2], inputShape[3])
        let oh = outputExtent(h), ow = outputExtent(w)
        let planes = inputShape[0] * inputShape[1]
        let inverseArea = 1 / Float(window * window)
        outputGradient.scalars.withUnsafeBufferPointer { g in
            grad.scalars.withUnsafeMutableBufferPointer { dst in
                if kind == .max {
                    for o in g.indices { dst[Int(argmax[o])] += g[o] }
                } else {
                    var o = 0
                    for plane in 0..<planes {
                        let base = plane * h * w
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
        return grad
    }
}
