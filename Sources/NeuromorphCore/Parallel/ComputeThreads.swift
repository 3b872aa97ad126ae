import COpenBLAS
import Dispatch
import Synchronization

/// The one place that sets how many threads Neuromorph computes with.
///
/// Neuromorph's own loops split work into chunks whose boundaries depend only on the
/// problem size, never on the thread count, and each chunk writes its own output, so
/// their results are bit-identical for any thread count. OpenBLAS runs single-threaded:
/// large matrix products are cut into output blocks by ``ProductSplit`` and run on these
/// same threads, so BLAS results are bit-identical for any thread count too, and only one
/// pool of workers competes for the cores.
public enum ComputeThreads {
    private static let current = Atomic<Int>(1)

    /// The number of threads in use.
    public static var count: Int { current.load(ordering: .relaxed) }

    /// Uses `threads` threads (at least 1) for Neuromorph's parallel loops and its cut
    /// matrix products (OpenBLAS itself stays single-threaded).
    public static func set(_ threads: Int) {
        let n = Swift.max(1, threads)
        current.store(n, ordering: .relaxed)
        openblas_set_num_threads(1)
    }

    /// Runs `body(chunk)` for `chunk` in `0..<chunks`, concurrently when more than one
    /// thread is configured (on ``ChunkPool``'s helpers). The caller must make each chunk
    /// write disjoint memory. A call made while the pool runs another job (from inside a
    /// chunk, or from a second thread) runs its chunks on the calling thread.
    public static func forEachChunk(_ chunks: Int, _ body: (Int) -> Void) {
        let threads = Swift.min(count, chunks)
        if threads <= 1 {
            for c in 0..<chunks { body(c) }
        } else if ChunkPool.shared.run(chunks, threads: threads, body) {
            return
        } else if chunks <= ChunkPool.maximumChunks {
            // The pool is running another job (this is a chunk of it, or another thread's):
            // run here, alone.
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

extension ComputeThreads {
    /// ``forEachChunk(_:_:)`` for a job whose size is known: with less than `threshold`
    /// units of `work` the chunks run in order on the calling thread, since waking the
    /// helpers would cost more than they save (a transfer's one-column write, say). The
    /// results are the same either way: the chunks write disjoint memory.
    public static func forEachChunk(_ chunks: Int, work: Int, parallelFrom threshold: Int, _ body: (Int) -> Void) {
        if work < threshold {
            for c in 0..<chunks { body(c) }
        } else {
            forEachChunk(chunks, body)
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
