import Testing
import NeuromorphCore

/// A suite that sets the global compute-thread count (to compare results across counts or
/// pin BLAS sums) runs while no other such suite does: its whole scope holds
/// `ComputeThreads.exclusive`, starting from 1 thread.
struct ExclusiveComputeThreads: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await ComputeThreads.exclusive(1) { try await function() }
    }
}

extension Trait where Self == ExclusiveComputeThreads {
    /// Holds the compute-thread count for the suite (see ``ExclusiveComputeThreads``).
    static var exclusiveComputeThreads: Self { ExclusiveComputeThreads() }
}
