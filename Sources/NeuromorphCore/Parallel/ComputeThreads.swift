import COpenBLAS
import Dispatch
import Synchronization

/// The one place that sets how many threads Neuromorph computes with: OpenBLAS's pool and
/// Neuromorph's own parallel loops.
///
/// Neuromorph's own loops split work into chunks whose boundaries depend only on the
/// problem size, never on the thread count, and each chunk writes its own output, so
/// their results are bit-identical for any thread count. OpenBLAS may change its
/// summation order with the thread count; call `set(1)` where bit-identical BLAS sums
/// across thread counts matter (tests do).
public enum ComputeThreads {
    private static let current = Atomic<Int>(1)

    /// The number of threads in use.
    public static var count: Int { current.load(ordering: .relaxed) }

    /// Uses `threads` threads (at least 1) for BLAS and for Neuromorph's parallel loops.
    public static func set(_ threads: Int) {
        let n = Swift.max(1, threads)
        current.store(n, ordering: .relaxed)
        openblas_set_num_threads(Int32(n))
    }

    /// Runs `body(chunk)` for `chunk` in `0..<chunks`, concurrently when more than one
    /// thread is configured. The caller must make each chunk write disjoint memory.
    public static func forEachChunk(_ chunks: Int, _ body: (Int) -> Void) {
        if count <= 1 || chunks <= 1 {
            for c in 0..<chunks { body(c) }
        } else {
            withoutActuallyEscaping(body) { body in
                let box = UnsafeSendableBox(body)
                let workers = Swift.min(count, chunks)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    for c in stride(from: worker, to: chunks, by: workers) { box.value(c) }
                }
            }
        }
    }
}

/// Carries a non-Sendable closure into `concurrentPerform`, whose iterations the caller
/// guarantees touch disjoint memory.
private struct UnsafeSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension ComputeThreads {
    /// OpenBLAS's build description (version, target core, threading), for results files.
    public static var blasConfiguration: String {
        guard let text = openblas_get_config() else { return "unknown" }
        return String(cString: text)
    }
}

extension ComputeThreads {
    /// Elements per chunk of ``forEachRange(_:_:)``.
    public static let elementsPerChunk = 16_384

    /// Runs `body(range)` over `0..<count` in ranges of ``elementsPerChunk`` elements,
    /// concurrently when more than one thread is configured. The ranges depend only on
    /// `count`, so an element-wise pass whose chunks write disjoint ranges gives the same
    /// result for any thread count.
    public static func forEachRange(_ count: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = (count + elementsPerChunk - 1) / elementsPerChunk
        forEachChunk(chunks) { chunk in
            body((chunk * elementsPerChunk)..<Swift.min(count, (chunk + 1) * elementsPerChunk))
        }
    }
}
