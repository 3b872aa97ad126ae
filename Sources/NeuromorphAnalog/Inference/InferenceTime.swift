import NeuromorphCore

/// A time after the end of weight programming at which an analog network is evaluated
/// (Spoon et al. evaluate at 1 s, 1 h, 1 day, 1 week and 1 month; digest §2.6, §2.9).
///
/// Written as a number with an optional unit: `30`, `30s`, `1min`, `2.5h`, `1d`, `1w`,
/// `1mo`, `1y` (no unit: seconds). A month is 30 days and a year 365 days (the paper's
/// "1 month" is not defined further; 30 days gives the digest's 0.5617 drift factor).
/// The bare `m` is refused as ambiguous (minute or month).
public struct InferenceTime: Sendable, Codable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds after the end of programming.
    public var seconds: Double

    public init(seconds: Double) {
        precondition(seconds >= 0 && seconds.isFinite, "InferenceTime: seconds must be finite and ≥ 0, got \(seconds)")
        self.seconds = seconds
    }

    /// The units accepted after the number, with their length in seconds (longest first for display).
    public static let units: [(symbol: String, seconds: Double)] = [
        ("y", 365 * 86_400), ("mo", 30 * 86_400), ("w", 7 * 86_400), ("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1),
    ]

    static let aliases: [String: String] = [
        "sec": "s", "secs": "s", "second": "s", "seconds": "s",
        "mins": "min", "minute": "min", "minutes": "min",
        "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
        "day": "d", "days": "d", "week": "w", "weeks": "w",
        "month": "mo", "months": "mo", "year": "y", "years": "y",
    ]

    static let expectedForm = "a non-negative number with an optional unit s, min, h, d, w, mo (30 days) or y (365 days), e.g. 1s, 30, 2.5h, 1mo"

    /// Parses one time such as `1h`, `2.5h`, `30s`, `1mo` or `3600`.
    public init(parsing token: String) throws(InferenceTimeParseError) {
        let text = token.trimmingWhitespace()
        guard !text.isEmpty else { throw InferenceTimeParseError(token: token, reason: "empty time; expected \(Self.expectedForm)") }
        let numberEnd = text.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? text.endIndex
        let numberText = String(text[..<numberEnd])
        let unitText = String(text[numberEnd...]).trimmingWhitespace().lowercased()
        guard !numberText.isEmpty else {
            let reason = text.hasPrefix("-") ? "times cannot be negative" : "no number at the start"
            throw InferenceTimeParseError(token: token, reason: "\(reason); expected \(Self.expectedForm)")
        }
        guard let value = Double(numberText), value.isFinite else {
            throw InferenceTimeParseError(token: token, reason: "'\(numberText)' is not a number; expected \(Self.expectedForm)")
        }
        let unit = unitText.isEmpty ? "s" : (Self.aliases[unitText] ?? unitText)
        if unit == "m" {
            throw InferenceTimeParseError(token: token, reason: "unit 'm' is ambiguous; write 'min' for minutes or 'mo' for months (30 days)")
        }
        guard let scale = Self.units.first(where: { $0.symbol == unit })?.seconds else {
            throw InferenceTimeParseError(token: token, reason: "unknown unit '\(unitText)'; expected \(Self.expectedForm)")
        }
        self.init(seconds: value * scale)
    }

    public static let second = InferenceTime(seconds: 1)
    public static let hour = InferenceTime(seconds: 3_600)
    public static let day = InferenceTime(seconds: 86_400)
    public static let week = InferenceTime(seconds: 7 * 86_400)
    /// 30 days.
    public static let month = InferenceTime(seconds: 30 * 86_400)

    /// The paper's grid: 1 s, 1 h, 1 day, 1 week, 1 month (30 days).
    public static let paperGrid: [InferenceTime] = [.second, .hour, .day, .week, .month]

    /// Parses a comma- or space-separated list such as `"1s,1h,1d,1w,1mo"`. An empty list
    /// is an error; each bad token is named in the error.
    public static func parseGrid(_ list: String) throws(InferenceTimeParseError) -> [InferenceTime] {
        let tokens = list.split { $0 == "," || $0 == " " || $0 == "\t" || $0 == "\n" }.map(String.init)
        guard !tokens.isEmpty else {
            throw InferenceTimeParseError(token: list, reason: "empty list of times; expected e.g. 1s,1h,1d,1w,1mo")
        }
        var times: [InferenceTime] = []
        for token in tokens { times.append(try InferenceTime(parsing: token)) }
        return times
    }

    public static func < (a: InferenceTime, b: InferenceTime) -> Bool { a.seconds < b.seconds }

    /// The shortest exact label: `1s`, `1h`, `2.5h`, `1mo`, `90s`, …
    public var description: String {
        for (symbol, length) in Self.units where seconds >= length {
            let count = seconds / length
            if (count * 10).rounded() == count * 10 { return Self.format(count) + symbol }
        }
        return Self.format(seconds) + "s"
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && Swift.abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// A time that could not be parsed: names the token and the form expected.
public struct InferenceTimeParseError: UserFacingError, Sendable, Equatable {
    /// The offending token as given.
    public var token: String
    /// What was wrong and what was expected.
    public var reason: String

    public init(token: String, reason: String) {
        self.token = token
        self.reason = reason
    }

    public var description: String { "cannot parse inference time '\(token)': \(reason)" }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
