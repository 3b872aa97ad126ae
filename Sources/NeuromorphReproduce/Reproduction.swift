import Foundation
import NeuromorphCore

/// Pass or fail of one result.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    case pass, fail
}

/// One result after running its computation.
public struct ResultOutcome: Sendable {
    public let result: PaperResult
    /// The Neuromorph value, or `nil` when the computation threw.
    public let value: Double?
    /// The error's text when the computation threw.
    public let error: String?
    public let seconds: Double

    public var verdict: Verdict {
        guard let value else { return .fail }
        return result.tolerance.accepts(value, paper: result.paperValue) ? .pass : .fail
    }

    /// A computed result outside its tolerance (or one that threw): fails the run.
    public var failsRun: Bool { verdict == .fail && result.kind == .computed }

    /// Runs `result.compute()` and times it.
    public static func run(_ result: PaperResult) -> ResultOutcome {
        let start = DispatchTime.now().uptimeNanoseconds
        var value: Double?, error: String?
        do { value = try result.compute() } catch let thrown { error = String(describing: thrown) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return ResultOutcome(result: result, value: value, error: error, seconds: seconds)
    }
}

/// The outcomes of a run, with the terminal table, the per-paper summary and the CSV.
public struct Reproduction: Sendable {
    public let outcomes: [ResultOutcome]

    public init(outcomes: [ResultOutcome]) { self.outcomes = outcomes }

    /// Runs every result in order.
    public static func run(_ results: [PaperResult], progress: (ResultOutcome) -> Void = { _ in }) -> Reproduction {
        Reproduction(outcomes: results.map { result in
            let outcome = ResultOutcome.run(result)
            progress(outcome)
            return outcome
        })
    }

    /// True when no computed result failed.
    public var succeeded: Bool { !outcomes.contains(where: \.failsRun) }

    /// Count of outcomes of `paper` with `verdict` and `kind`.
    public func count(paper: String? = nil, verdict: Verdict, kind: ResultKind) -> Int {
        outcomes.filter { ($0.result.paper.key == paper || paper == nil) && $0.verdict == verdict && $0.result.kind == kind }.count
    }

    /// One line per result: id, paper value, Neuromorph value, tolerance, verdict, kind, citation.
    public func table() -> String {
        let header = ["result", "paper", "neuromorph", "tolerance", "verdict", "kind", "digest"]
        let rows = outcomes.map { o -> [String] in
            let unit = o.result.unit.isEmpty ? "" : " \(o.result.unit)"
            return [o.result.id, ReproduceFormat.number(o.result.paperValue) + unit,
                    o.value.map { ReproduceFormat.number($0) + unit } ?? "error: \(o.error ?? "")",
                    o.result.tolerance.description, o.verdict.rawValue.uppercased(), o.result.kind.label,
                    o.result.citation]
        }
        return ReproduceFormat.align([header] + rows)
    }

    /// Counts per paper by verdict and kind, and the total.
    public func summary() -> String {
        let keys = PaperResults.papers.map(\.key).filter { key in outcomes.contains { $0.result.paper.key == key } }
        let header = ["paper", "results", "computed pass", "computed fail", "consistency pass", "consistency fail"]
        func row(_ name: String, _ key: String?) -> [String] {
            let n = outcomes.filter { key == nil || $0.result.paper.key == key }.count
            return [name, "\(n)", "\(count(paper: key, verdict: .pass, kind: .computed))",
                    "\(count(paper: key, verdict: .fail, kind: .computed))",
                    "\(count(paper: key, verdict: .pass, kind: .consistency))",
                    "\(count(paper: key, verdict: .fail, kind: .consistency))"]
        }
        return ReproduceFormat.align([header] + keys.map { row($0, $0) } + [row("total", nil)])
    }

    /// CSV with a header: id, paper, section, description, paper_value, neuromorph_value,
    /// unit, tolerance, verdict, kind, seconds.
    public func csv() -> String {
        var lines = ["id,paper,digest,section,description,paper_value,neuromorph_value,unit,tolerance,verdict,kind,seconds"]
        for o in outcomes {
            let r = o.result
            let fields = [r.id, r.paper.key, r.paper.digest, r.section, r.description, "\(r.paperValue)",
                          o.value.map { "\($0)" } ?? "", r.unit, r.tolerance.description, o.verdict.rawValue,
                          r.kind.rawValue, String(format: "%.4f", o.seconds)]
            lines.append(fields.map(ReproduceFormat.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Number and table formatting for the reproduction report.
public enum ReproduceFormat {
    /// Up to 6 significant digits, plain for moderate magnitudes, scientific otherwise.
    public static func number(_ x: Double) -> String {
        if x == 0 { return "0" }
        if x == x.rounded(), abs(x) < 1e9 { return String(Int(x)) }
        let magnitude = abs(x)
        if magnitude >= 1e-3 && magnitude < 1e7 {
            var text = String(format: "%.6g", x)
            if text.contains("e") { text = String(format: "%.6f", x) }
            return text
        }
        return String(format: "%.5g", x)
    }

    /// Left-aligned columns separated by two spaces.
    public static func align(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// RFC 4180 quoting when the field holds a comma, quote or newline.
    public static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
