import Foundation
import NeuromorphCore

/// An error in user-supplied data: a missing, unreadable, corrupt or inconsistent file.
///
/// The message always names the file and, where it applies, the line and column, and
/// states what was expected and what was found, for example
/// `train-images-idx3-ubyte.gz: expected 47,040,000 data bytes for dims [60000, 28, 28], found 1,000`.
/// Programmer errors (asking for a batch size of zero, indexing past the end) are
/// `precondition`s instead.
public struct DataError: UserFacingError, Sendable, Equatable {
    /// What went wrong, for callers that react differently to different failures.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The file or folder does not exist.
        case missing
        /// The file exists but could not be read.
        case unreadable
        /// The gzip stream is corrupt or truncated.
        case compression
        /// The content does not have the expected layout (magic number, header, line syntax).
        case format
        /// The header promises a different amount of data than the file holds.
        case sizeMismatch
        /// Two files (or two parts of one file) disagree, e.g. image and label counts.
        case inconsistent
        /// A value lies outside its allowed range, e.g. a label ≥ the class count.
        case outOfRange
    }

    /// What went wrong.
    public var kind: Kind
    /// The file (or folder) the error is about, as a path.
    public var file: String
    /// The 1-based line number, for text formats.
    public var line: Int?
    /// The column, for tabular formats: its 1-based number and, when known, its header name.
    public var column: String?
    /// What was expected and what was found.
    public var message: String

    /// An error about `file` (a path), optionally at a line and column.
    public init(_ kind: Kind, file: String, line: Int? = nil, column: String? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// An error about the file at `url`.
    public init(_ kind: Kind, url: URL, line: Int? = nil, column: String? = nil, _ message: String) {
        self.init(kind, file: url.path, line: line, column: column, message)
    }

    /// `file:line, column c: message`, leaving out what is unknown.
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ", column \(column)" }
        return "\(location): \(message)"
    }
}

// MARK: - Message helpers

extension Int {
    /// The number with comma thousands separators, independent of the locale (`47,040,000`).
    var grouped: String {
        let digits = String(self.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return self < 0 ? "-" + out : out
    }
}

/// A short, printable excerpt of a line of input for error messages.
func excerpt(_ text: some StringProtocol, limit: Int = 60) -> String {
    let clipped = text.count > limit ? String(text.prefix(limit)) + "…" : String(text)
    return "\"" + clipped.replacingOccurrences(of: "\t", with: "\\t") + "\""
}

/// `0x0D`: a byte as two upper-case hex digits.
func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
}
