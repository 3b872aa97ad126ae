/// How a matrix product `C = op(A) · op(B)` (`m × k` times `k × n`) is cut into blocks for
/// Neuromorph's own thread pool.
///
/// OpenBLAS runs single-threaded inside Neuromorph (see ``ComputeThreads``); a large
/// product is instead cut into blocks, and each block is one single-threaded BLAS call on
/// a ``ComputeThreads/forEachChunk(_:_:)`` worker. The cut depends only on the product's
/// shape, never on the thread count, so a product gives the same bits for any thread count.
///
/// Three cuts, each with its own redundant work:
/// - ``Axis/columns``: blocks of output columns; every block packs all of `op(A)`
///   (`(blocks − 1)·m·k` extra copies);
/// - ``Axis/rows``: blocks of output rows; every block packs all of `op(B)` (`(blocks − 1)·k·n`);
/// - ``Axis/inner``: blocks of the inner dimension into partial products that are then added
///   in block order (`blocks·m·n` extra writes and reads): the cut for weight gradients,
///   whose inner dimension (batch × pixels) dwarfs the output.
///
/// The cut with the most blocks is taken, where a block count is allowed when each block
/// has at least ``minimumBlockMultiplyAdds`` multiply-adds and ``alignment`` elements along
/// the cut, and the extra copies, weighted by ``copyCost`` multiply-adds each, stay within
/// ``overheadFraction`` of the product. Block counts are even (two threads share them
/// evenly) and at most ``maximumBlocks``.
///
/// Why not OpenBLAS's own threads: its workers spin (`sched_yield`) between calls while
/// Neuromorph's element-wise passes run on Dispatch workers, so the two pools fight over the
/// cores; in the demo CNN step at two threads about a fifth of the samples were in
/// `sched_yield` (docs/performance.md).
public struct ProductSplit: Equatable, Sendable {
    /// Which dimension the blocks cut.
    public enum Axis: Equatable, Sendable { case rows, columns, inner }

    /// The cut dimension.
    public let axis: Axis
    /// Number of blocks (1: one call, no cut).
    public let blocks: Int
    /// The length of the cut dimension.
    public let length: Int

    /// Multiply-adds each block gets at least.
    public static let minimumBlockMultiplyAdds = 1 << 20
    /// At most this many blocks, whatever the size (enough for 16 threads).
    public static let maximumBlocks = 16
    /// Blocks hold whole multiples of this many rows, columns or inner indices (BLAS panels).
    public static let alignment = 16
    /// One redundant element copy costs about this many multiply-adds (an AVX-512 core does
    /// 32 multiply-adds per cycle and copies about one element per cycle).
    public static let copyCost = 32
    /// The redundant copies may cost at most this fraction of the product.
    public static let overheadFraction = 0.125

    /// The cut for an `m × n` output with inner dimension `k`.
    public init(m: Int, n: Int, k: Int) {
        let work = Double(m) * Double(n) * Double(k)
        func allowed(_ length: Int, extraCopies: (Int) -> Double) -> Int {
            var best = 1
            for blocks in stride(from: 2, through: Self.maximumBlocks, by: 2) {
                guard length >= blocks * Self.alignment,
                      work / Double(blocks) >= Double(Self.minimumBlockMultiplyAdds),
                      extraCopies(blocks) * Double(Self.copyCost) <= Self.overheadFraction * work else { break }
                best = blocks
            }
            return best
        }
        let candidates: [(Axis, Int, Int)] = [
            (.columns, n, allowed(n) { Double($0 - 1) * Double(m) * Double(k) }),
            (.rows, m, allowed(m) { Double($0 - 1) * Double(k) * Double(n) }),
            (.inner, k, allowed(k) { Double($0) * Double(m) * Double(n) }),
        ]
        var chosen = candidates[0]
        for candidate in candidates.dropFirst() where candidate.2 > chosen.2 { chosen = candidate }
        self.axis = chosen.0
        self.length = chosen.1
        self.blocks = chosen.2
    }

    /// The range of `block` along the cut: the dimension in units of ``alignment`` shared
    /// out as evenly as the units allow, the remainder in the last block.
    public func range(of block: Int) -> Range<Int> {
        let units = (length + Self.alignment - 1) / Self.alignment
        let lower = Swift.min(length, block * units / blocks * Self.alignment)
        let upper = block == blocks - 1 ? length : Swift.min(length, (block + 1) * units / blocks * Self.alignment)
        return lower..<upper
    }
}
