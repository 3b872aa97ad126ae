#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import COpenBLASCore
import Dispatch
import Synchronization

/// The worker threads behind ``ComputeThreads/forEachChunk(_:_:)``: one pool for every
/// parallel pass and every cut matrix product (``ProductSplit``), so no second pool competes
/// for the cores.
///
/// A job is `chunks` calls of one body; the calling thread and the helpers claim chunk
/// indices from one atomic word until none are left. After a job a helper spins for
/// ``spinNanoseconds`` waiting for the next one before it sleeps: a training step issues
/// jobs tens of microseconds apart, and waking a sleeping thread costs about as much as a
/// small job (the reason OpenBLAS's own workers spin, and the reason Dispatch's
/// `concurrentPerform` did not speed up the W1 MLP step).
///
/// Which thread runs which chunk varies from run to run; callers make each chunk write its
/// own memory, so results never depend on it. A job submitted while another runs (a chunk
/// that starts its own parallel loop, or a second thread) runs on its caller alone.
///
/// The claim word packs the job's generation (24 bits), its chunk count (20 bits) and the
/// next unclaimed index (20 bits), so a helper that is late for a finished job cannot
/// claim a chunk of the next one: its compare-and-swap expects the old generation.
final class ChunkPool: @unchecked Sendable {
    static let shared = ChunkPool()

    /// Jobs with more chunks than this go to Dispatch instead (the claim word's index field).
    static let maximumChunks = (1 << 20) - 1
    /// How long an idle helper polls for the next job before it sleeps.
    static let spinNanoseconds: UInt64 = 200_000
    /// Polls of the finished count before the caller starts yielding its core between polls.
    static let spinPollsBeforeYield = 4_096

    private static let indexBits: UInt64 = 20
    private static let chunkBits: UInt64 = 20
    private static let fieldMask: UInt64 = (1 << 20) - 1

    /// Generation | chunk count | next index.
    private let claim = Atomic<UInt64>(0)
    /// Chunks finished in the current job.
    private let finished = Atomic<Int>(0)
    /// The current job's body (an `UnsafeRawPointer` to a `Job`), valid while it runs.
    private let body = Atomic<UInt>(0)
    /// Set while a job is being submitted or run.
    private let busy = Atomic<Bool>(false)
    /// Helpers allowed to take part (the configured thread count minus the caller).
    private let participants = Atomic<Int>(0)

    private var mutex = pthread_mutex_t()
    private var wake = pthread_cond_t()
    private var sleepers = 0          // guarded by mutex
    private var started = 0           // guarded by mutex

    private struct Job {
        let run: (Int) -> Void
    }

    private init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&wake, nil)
    }

    /// Runs `body(c)` for `c` in `0..<chunks` on the caller and up to `threads − 1` helpers.
    /// Returns false, having run nothing, when the pool is busy or the job does not fit;
    /// the caller then runs the chunks itself.
    func run(_ chunks: Int, threads: Int, _ run: (Int) -> Void) -> Bool {
        guard chunks <= Self.maximumChunks, threads > 1 else { return false }
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        ensureHelpers(threads - 1)
        participants.store(threads - 1, ordering: .relaxed)
        return withoutActuallyEscaping(run) { run in
            var job = Job(run: run)
            return withUnsafePointer(to: &job) { pointer in
                let generation = ((claim.load(ordering: .relaxed) >> (Self.indexBits + Self.chunkBits)) + 1) & 0xFFFFFF
                finished.store(0, ordering: .relaxed)
                body.store(UInt(bitPattern: pointer), ordering: .releasing)
                claim.store(generation << (Self.indexBits + Self.chunkBits) | UInt64(chunks) << Self.indexBits,
                            ordering: .releasing)
                pthread_mutex_lock(&mutex)
                if sleepers > 0 { pthread_cond_broadcast(&wake) }
                pthread_mutex_unlock(&mutex)
                work(generation: generation, job: pointer)
                // A helper still running a chunk may have been descheduled (a loaded machine):
                // after a short spin, give the core away between polls.
                var polls = 0
                while finished.load(ordering: .acquiring) < chunks {
                    polls += 1
                    if polls > Self.spinPollsBeforeYield { sched_yield() } else { spinPause() }
                }
                body.store(0, ordering: .releasing)
                return true
            }
        }
    }

    /// Claims and runs chunks of job `generation` until none are left.
    private func work(generation: UInt64, job: UnsafePointer<Job>) {
        var current = claim.load(ordering: .acquiring)
        while true {
            guard current >> (Self.indexBits + Self.chunkBits) == generation else { return }
            let index = current & Self.fieldMask
            let chunks = (current >> Self.indexBits) & Self.fieldMask
            guard index < chunks else { return }
            let (exchanged, original) = claim.compareExchange(expected: current, desired: current + 1,
                                                               ordering: .acquiringAndReleasing)
            if exchanged {
                job.pointee.run(Int(index))
                finished.add(1, ordering: .releasing)
                current = claim.load(ordering: .acquiring)
            } else {
                current = original
            }
        }
    }

    /// Starts helper threads until there are `count`.
    private func ensureHelpers(_ count: Int) {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while started < count {
            let index = started
            var thread = pthread_t()
            let context = Unmanaged.passRetained(HelperContext(pool: self, index: index)).toOpaque()
            guard pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                let context = Unmanaged<HelperContext>.fromOpaque(raw).takeRetainedValue()
                context.pool.helperLoop(index: context.index)   // never returns
            }, context) == 0 else {
                Unmanaged<HelperContext>.fromOpaque(context).release()
                return   // fewer helpers: the caller and the others do the chunks
            }
            pthread_detach(thread)
            started += 1
        }
    }

    private final class HelperContext {
        let pool: ChunkPool
        let index: Int
        init(pool: ChunkPool, index: Int) {
            self.pool = pool
            self.index = index
        }
    }

    private func helperLoop(index: Int) -> Never {
        var seen = claim.load(ordering: .acquiring) >> (Self.indexBits + Self.chunkBits)
        while true {
            let generation = waitForJob(after: seen)
            seen = generation
            guard index < participants.load(ordering: .relaxed) else { continue }
            let raw = body.load(ordering: .acquiring)
            guard raw != 0, let job = UnsafePointer<Job>(bitPattern: raw) else { continue }
            // `job` may already belong to a later generation; `work` then claims nothing.
            work(generation: generation, job: job)
        }
    }

    /// Waits until the claim word shows a generation other than `seen`: spins first, then
    /// sleeps on the condition variable. Returns the new generation.
    private func waitForJob(after seen: UInt64) -> UInt64 {
        let shift = Self.indexBits + Self.chunkBits
        let start = DispatchTime.now().uptimeNanoseconds
        var polls = 0
        while true {
            let generation = claim.load(ordering: .acquiring) >> shift
            if generation != seen { return generation }
            polls += 1
            if polls & 63 == 0 && DispatchTime.now().uptimeNanoseconds - start > Self.spinNanoseconds { break }
            spinPause()
        }
        pthread_mutex_lock(&mutex)
        sleepers += 1
        var generation = claim.load(ordering: .acquiring) >> shift
        while generation == seen {
            pthread_cond_wait(&wake, &mutex)
            generation = claim.load(ordering: .acquiring) >> shift
        }
        sleepers -= 1
        pthread_mutex_unlock(&mutex)
        return generation
    }
}

/// A CPU hint inside a spin-wait loop.
@inline(__always)
private func spinPause() { neuromorph_cpu_pause() }
