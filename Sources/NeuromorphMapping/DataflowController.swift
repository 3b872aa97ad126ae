/// Per-core dataflow controller of Dazzi et al. 2021, Algorithm 1.
///
/// Pixels arrive column by column (`pointer_in.x` fastest, then `pointer_in.y`, Fig. 8).
/// Every timestep the controller stores the arriving pixels and, if `conditions_to_compute`
/// holds, computes up to `nr_parallel` output pixels in stream order. The paper leaves
/// `conditions_to_compute` implicit; Neuromorph uses (digest §1.6, [INFERRED]): output (i, j)
/// is computable once input
/// ```
/// (min(s·i − P + F − 1, H − 1),  min(s·j − P + F − 1, W − 1))
/// ```
/// has been stored, i.e. the bottom-right pixel of its window, clipped by zero padding.
/// Zero pixels of the padding are never streamed (store_data writes them, §2.4.2).
public struct DataflowController: Sendable, Hashable {
    public let inputHeight: Int
    public let inputWidth: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    /// Outputs computed per timestep (`nr_parallel`).
    public let parallel: Int
    /// Pixels received so far (`pointer_in` is the last of them).
    public private(set) var received = 0
    /// Output pixels computed so far (`pointer_out` is the last of them).
    public private(set) var computed = 0

    public init(inputHeight: Int, inputWidth: Int, kernel: Int, stride: Int, padding: Int, parallel: Int = 1) {
        precondition(inputHeight > 0 && inputWidth > 0 && kernel > 0 && stride > 0 && padding >= 0 && parallel > 0,
                     "dataflow controller sizes must be positive")
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.parallel = parallel
    }

    public var outputHeight: Int { (inputHeight + 2 * padding - kernel) / stride + 1 }
    public var outputWidth: Int { (inputWidth + 2 * padding - kernel) / stride + 1 }

    /// `pointer_in` as (x, y), or nil before the first pixel.
    public var pointerIn: (x: Int, y: Int)? {
        received == 0 ? nil : ((received - 1) % inputHeight, (received - 1) / inputHeight)
    }
    /// `pointer_out` as (x, y), or nil before the first output.
    public var pointerOut: (x: Int, y: Int)? {
        computed == 0 ? nil : ((computed - 1) % outputHeight, (computed - 1) / outputHeight)
    }
    /// `computation_complete`.
    public var isComplete: Bool { computed == outputHeight * outputWidth }

    /// Stream index (y·H + x) of the last input pixel output (i, j) depends on.
    public static func lastInputIndex(row i: Int, column j: Int, inputHeight h: Int, inputWidth w: Int,
                                      kernel f: Int, stride s: Int, padding p: Int) -> Int {
        let x = min(s * i - p + f - 1, h - 1)
        let y = min(s * j - p + f - 1, w - 1)
        return y * h + x
    }

    /// Minimum pixels stored before the first MVM, `H·(F − P − 1) + (F − P)` (§2.4.2).
    public static func minimumBufferedPixels(height h: Int, kernel f: Int, padding p: Int) -> Int {
        h * (f - p - 1) + (f - p)
    }

    /// One timestep: store `incoming` pixels, then compute what is ready (at most `parallel`).
    /// Returns the output positions computed, as (x, y).
    public mutating func step(incoming: Int) -> [(x: Int, y: Int)] {
        received = min(received + incoming, inputHeight * inputWidth)
        var out: [(x: Int, y: Int)] = []
        while out.count < parallel && !isComplete {
            let i = computed % outputHeight
            let j = computed / outputHeight
            let need = Self.lastInputIndex(row: i, column: j, inputHeight: inputHeight, inputWidth: inputWidth,
                                           kernel: kernel, stride: stride, padding: padding)
            guard need < received else { break }
            out.append((i, j))
            computed += 1
        }
        return out
    }
}
