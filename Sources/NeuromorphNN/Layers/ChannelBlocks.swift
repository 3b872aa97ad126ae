import NeuromorphCore

/// Channel-axis slicing and concatenation of `[N, C, …]` batches (NCHW feature maps, or
/// `[N, F]` feature vectors with `C = F` and nothing after it): the data movement of grouped
/// convolutions (``GroupedConvolution``) and of ONNX `Concat` blocks (``Concatenation``).
public enum ChannelBlocks {
    /// Values per channel per sample (`H·W` for NCHW, 1 for `[N, F]`).
    static func inner(_ shape: [Int]) -> Int { shape.dropFirst(2).reduce(1, *) }

    /// Channels `[start, start + count)` of every sample: `[N, count, …]`.
    public static func slice(_ x: Tensor, start: Int, count: Int) -> Tensor {
        let n = x.shape[0], c = x.shape[1], inner = Self.inner(x.shape)
        var shape = x.shape
        shape[1] = count
        var out = Tensor.uninitialized(shape)
        let block = count * inner
        x.scalars.withUnsafeBufferPointer { src in
            out.scalars.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    let from = src.baseAddress! + (i * c + start) * inner
                    (dst.baseAddress! + i * block).update(from: from, count: block)
                }
            }
        }
        return out
    }

    /// The parts laid side by side on the channel axis: `[N, ΣCᵢ, …]` (all parts share `N`
    /// and the axes after the channels).
    public static func concatenate(_ parts: [Tensor]) -> Tensor {
        let first = parts[0]
        let n = first.shape[0], inner = Self.inner(first.shape)
        let total = parts.reduce(0) { $0 + $1.shape[1] }
        var shape = first.shape
        shape[1] = total
        var out = Tensor.uninitialized(shape)
        out.scalars.withUnsafeMutableBufferPointer { dst in
            var offset = 0
            for part in parts {
                precondition(part.shape[0] == n && Self.inner(part.shape) == inner,
                             "ChannelBlocks.concatenate: part \(part.shape) does not fit \(first.shape) beside the channel axis")
                let block = part.shape[1] * inner
                part.scalars.withUnsafeBufferPointer { src in
                    for i in 0..<n {
                        (dst.baseAddress! + i * total * inner + offset).update(from: src.baseAddress! + i * block, count: block)
                    }
                }
                offset += block
            }
        }
        return out
    }
}
