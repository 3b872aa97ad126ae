import Foundation

/// A terminal progress bar for one epoch: batches done, batches/s, running loss and ETA.
/// Redraws in place at most ten times a second, and only when standard error is a terminal
/// (logs and CI get the per-epoch summary lines instead).
public struct ProgressBar: Sendable {
    public let total: Int
    public let label: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let enabled: Bool

    public init(total: Int, label: String, enabled: Bool = ProgressBar.isTerminal) {
        self.total = total
        self.label = label
        self.enabled = enabled
    }

    /// Whether standard error is an interactive terminal.
    public static var isTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// Draws the bar after `done` batches with the running mean loss.
    public mutating func update(done: Int, loss: Float) {
        guard enabled else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let width = 28
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "")
            + String(repeating: " ", count: Swift.max(0, width - filled - 1))
        let line = String(format: "\r%@ [%@] %d/%d  %.0f batch/s  loss %.4f  ETA %@", label, bar, done, total,
                          rate, loss, ProgressBar.format(seconds: eta))
        FileHandle.standardError.write(Data(line.utf8))
        if done == total { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }

    /// `75` → `1m15s`.
    public static func format(seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
