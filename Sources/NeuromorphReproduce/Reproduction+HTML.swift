import Foundation
import NeuromorphCore

extension Reproduction {
    /// A self-contained HTML page: the per-paper counts by verdict and kind, then one
    /// paper-vs-Neuromorph table per paper (value, tolerance, verdict, kind, digest section).
    /// Well-formed XML, no scripts or network access (`neuromorph reproduce --html FILE`).
    public func html() -> String {
        func escape(_ s: String) -> String { s.xmlEscaped }
        let papers = outcomes.reduce(into: [Paper]()) { list, o in if !list.contains(o.result.paper) { list.append(o.result.paper) } }
        var body = ["<h1>Neuromorph: the papers' checkable results</h1>",
                    "<p>\(outcomes.count) results, \(outcomes.filter { $0.verdict == .pass }.count) pass. Computed results come from independent inputs; consistency checks return a paper value that entered as an input.</p>",
                    "<table><tr><th>paper</th><th>computed pass</th><th>computed fail</th><th>consistency pass</th><th>consistency fail</th></tr>"]
        for paper in papers {
            let cells = [count(paper: paper.key, verdict: .pass, kind: .computed), count(paper: paper.key, verdict: .fail, kind: .computed),
                         count(paper: paper.key, verdict: .pass, kind: .consistency), count(paper: paper.key, verdict: .fail, kind: .consistency)]
            body.append("<tr><td>\(escape(paper.key))</td>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>")
        }
        body.append("</table>")
        for paper in papers {
            body.append("<h2>\(escape(paper.citation))</h2><p>digest <code>\(escape(paper.digest))</code></p>")
            body.append("<table><tr><th>result</th><th>section</th><th>paper</th><th>Neuromorph</th><th>tolerance</th><th>verdict</th><th>kind</th></tr>")
            for o in outcomes where o.result.paper == paper {
                let value = o.value.map { ReproduceFormat.number($0) } ?? "error: \(o.error ?? "?")"
                let color = o.verdict == .pass ? "#e8f5e9" : "#ffebee"
                body.append("<tr style=\"background:\(color)\"><td title=\"\(escape(o.result.id))\">\(escape(o.result.description))</td><td>\(escape(o.result.section))</td>"
                            + "<td>\(escape(ReproduceFormat.number(o.result.paperValue) + " " + o.result.unit))</td><td>\(escape(value))</td>"
                            + "<td>\(escape(o.result.tolerance.description))</td><td>\(o.verdict.rawValue)</td><td>\(escape(o.result.kind.label))</td></tr>")
            }
            body.append("</table>")
        }
        return """
        <?xml version="1.0" encoding="utf-8"?>
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml"><head><meta charset="utf-8"/><title>Neuromorph reproduce</title>
        <style>body{font-family:sans-serif;max-width:1100px;margin:1em auto}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style>
        </head><body>
        \(body.joined(separator: "\n"))
        </body></html>

        """
    }
}
