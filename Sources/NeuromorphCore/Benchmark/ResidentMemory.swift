import COpenBLASCore
import Foundation

/// The resident memory of this process, for the peak-memory column of `neuromorph bench
/// --scaling`: Linux's `VmRSS` (current) and `VmHWM` (high-water mark) from
/// `/proc/self/status`, with `getrusage(RUSAGE_SELF).ru_maxrss` as the fallback for the peak.
///
/// Writing `5` to `/proc/self/clear_refs` resets the high-water mark to the current resident
/// size (Linux ≥ 4.0), so the peak of one workload can be measured after another has run.
public enum ResidentMemory {
    /// The current resident set size in bytes, or `nil` where `/proc` is not available.
    public static func currentBytes() -> Int? { statusField("VmRSS:") }

    /// The peak resident set size in bytes since the process started or since the last
    /// successful ``resetPeak()``.
    public static func peakBytes() -> Int? {
        if let hwm = statusField("VmHWM:") { return hwm }
        var usage = rusage()
        #if os(Linux)
        let who = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return nil }
        return Int(usage.ru_maxrss) * 1024   // kilobytes on Linux
    }

    /// Resets the peak to the current resident size; `false` where the kernel does not allow
    /// it (then ``peakBytes()`` keeps the process-wide peak).
    /// Freed heap memory is returned to the kernel first (`malloc_trim`: Neuromorph keeps
    /// freed buffers in the heap between steps, see `Sources/COpenBLASCore`), so the peak
    /// starts from what the process really holds.
    @discardableResult
    public static func resetPeak() -> Bool {
        neuromorph_release_free_memory()
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data("5".utf8))
            return true
        } catch {
            return false
        }
    }

    /// A `kB` field of `/proc/self/status`, in bytes.
    static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            // "VmRSS:\t   12345 kB": a tab and spaces before the number.
            let digits = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
            return digits.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
