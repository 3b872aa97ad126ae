import NeuromorphCore

/// Channel slicing and concatenation of NCHW tensors (the channel blocks of a grouped
/// convolution).
public enum ChannelBlocks {
    /// The channels `range` of `x` (`[N, C, H, W]` → `[N, range.count, H, W]`); `x` itself
    /// when the range covers every channel.
    public static func slice(_ x: Tensor, channels range: Range<Int>) -> Tensor {
        let batch = x.shape[0], total = x.shape[1], pixels = x.shape[2] * x.shape[3]
        if range.count == total { return x }
        var out = [Float](repeating: 0, count: batch * range.count * pixels)
        x.scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for n in 0..<batch {
                    let from = (n * total + range.lowerBound) * pixels, to = n * range.count * pixels
                    for i in 0..<(range.count * pixels) { dst[to + i] = src[from + i] }
                }
            }
        }
        return Tensor(shape: [batch, range.count, x.shape[2], x.shape[3]], scalars: out)
    }

    /// The channel-wise concatenation of `parts` (equal batch and spatial sizes).
    public static func concatenate(_ parts: [Tensor]) -> Tensor {
        if parts.count == 1 { return parts[0] }
        let batch = parts[0].shape[0], pixels = parts[0].shape[2] * parts[0].shape[3]
        let total = parts.reduce(0) { $0 + $1.shape[1] }
        var out = [Float](repeating: 0, count: batch * total * pixels)
        out.withUnsafeMutableBufferPointer { dst in
            var offset = 0
            for part in parts {
                let c = part.shape[1]
                part.scalars.withUnsafeBufferPointer { src in
                    for n in 0..<batch {
                        let from = n * c * pixels, to = (n * total + offset) * pixels
                        for i in 0..<(c * pixels) { dst[to + i] = src[from + i] }
                    }
                }
                offset += c
            }
        }
        return Tensor(shape: [batch, total, parts[0].shape[2], parts[0].shape[3]], scalars: out)
    }
}
