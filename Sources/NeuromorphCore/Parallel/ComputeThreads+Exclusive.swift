extension ComputeThreads {
    /// Runs `body` with `threads` compute threads while no other `exclusive` caller runs:
    /// the count is global, so code that needs a fixed count for its whole duration (a
    /// bit-identity check across thread counts, a benchmark, a test suite) takes this turn
    /// instead of calling ``set(_:)`` while others may change it. The previous count is
    /// restored afterwards. Callers queue in arrival order.
    public static func exclusive<T: Sendable>(_ threads: Int, _ body: () async throws -> T) async throws -> T {
        await ExclusiveTurn.shared.acquire()
        let previous = count
        set(threads)
        do {
            let result = try await body()
            set(previous)
            await ExclusiveTurn.shared.release()
            return result
        } catch {
            set(previous)
            await ExclusiveTurn.shared.release()
            throw error
        }
    }
}

/// A first-come, first-served turn for ``ComputeThreads/exclusive(_:_:)``.
actor ExclusiveTurn {
    static let shared = ExclusiveTurn()
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { held = false } else { waiting.removeFirst().resume() }
    }
}
