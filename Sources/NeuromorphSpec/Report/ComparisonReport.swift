import Foundation
import NeuromorphCore

/// The HTML page of `neuromorph compare` (`report.html`, issue 17 item 2): the comparison
/// table, the energy per inference by component for every substrate (100 %-stacked bars, the
/// total printed next to each bar), accuracy vs energy per inference across substrates (log
/// energy axis) with the Pareto front marked, the sources of every number, and the spec.
/// Self-contained XHTML with inline SVG, like ``RunReport``; `data-plot` names each plot and
/// `data-points` counts what it draws.
public struct ComparisonReport: Sendable {
    public let comparison: SubstrateComparison
    public let specText: String?

    public init(comparison: SubstrateComparison, specText: String?) {
        self.comparison = comparison
        self.specText = specText
    }

    /// Reads `comparison.json` (and `spec.yaml` when present) from a folder written by
    /// `neuromorph compare`, so `neuromorph report DIR` rebuilds the page.
    ///
    /// - Throws: `SweepError` naming the folder when it has no `comparison.json`; a decoding
    ///   error naming the file and field when the file is not a comparison.
    public init(folder: URL) throws {
        let url = folder.appendingPathComponent("comparison.json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SweepError("\(folder.path): no comparison.json here (a folder written by `neuromorph compare`)")
        }
        comparison = try SpecLoader.decode(SubstrateComparison.self, from: url)
        specText = try? String(contentsOf: folder.appendingPathComponent("spec.yaml"), encoding: .utf8)
    }

    /// True when `folder` holds the output of `neuromorph compare`.
    public static func isComparisonFolder(_ folder: URL) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("comparison.json").path)
    }

    static func escape(_ s: String) -> String { s.xmlEscaped }

    static func engineering(_ value: Double?, _ unit: String) -> String {
        guard let value else { return "n/a" }
        let prefixes: [(Double, String)] = [(1, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f")]
        let (scale, prefix) = prefixes.first { abs(value) >= $0.0 } ?? (1e-15, "f")
        return value == 0 ? "0 \(unit)" : String(format: "%.3g %@%@", value / scale, prefix, unit)
    }

    /// The whole page.
    public func html() -> String {
        let c = comparison
        let pareto = Set(c.paretoIndices)
        var body = ["<h1>\(Self.escape(c.name)): one network, \(c.rows.count) substrate rows</h1>",
                    "<table class=\"summary\">"]
        for (key, value) in [("data", "\(c.dataSource) (\(c.trainSamples) train, \(c.testSamples) test)"), ("model", c.model),
                             ("work per inference", "\(c.macs) MACs, \(c.parameters) parameters"), ("checkpoint", c.checkpoint)] {
            body.append("<tr><th>\(key)</th><td>\(Self.escape(value))</td></tr>")
        }
        body.append("</table>")
        body.append("<h2>Comparison</h2>")
        body.append("<table class=\"grid\"><tr><th>substrate</th><th>accuracy</th><th>energy / inference</th><th>latency</th>"
            + "<th>area</th><th>spikes / inf</th><th>SOPs / inf</th><th>cores</th><th>Pareto</th></tr>")
        for (i, row) in c.rows.enumerated() {
            let accuracy = row.accuracy.map { String(format: "%.2f %%", $0 * 100) } ?? "n/a"
            let cells = [row.substrate, accuracy, Self.engineering(row.energyPerInferenceJ, "J"), Self.engineering(row.latencySeconds, "s"),
                         row.areaMM2.map { String(format: "%.4g mm²", $0) } ?? "n/a",
                         row.spikesPerInference.map { String(format: "%.0f", $0) } ?? "-",
                         row.synapticOperationsPerInference.map { String(format: "%.0f", $0) } ?? "-",
                         row.cores.map(String.init) ?? "-", pareto.contains(i) ? "yes" : ""]
            body.append("<tr>" + cells.map { "<td>\(Self.escape($0))</td>" }.joined() + "</tr>")
        }
        body.append("</table>")
        body.append("<h2>Energy per inference by component</h2>")
        body.append(Self.energyBreakdown(c.rows))
        body.append("<h2>Accuracy vs energy per inference</h2>")
        body.append(Self.paretoPlot(c.rows, front: c.paretoIndices))
        body.append("<h2>Sources</h2><table class=\"grid\"><tr><th>substrate</th><th>model</th><th>preset</th><th>node</th>"
            + "<th>accuracy</th><th>energy</th><th>latency</th><th>area</th></tr>")
        for row in c.rows {
            let s = row.sources
            body.append("<tr>" + [row.substrate, s.model, s.preset, s.technologyNode, s.accuracy, s.energy, s.latency, s.area]
                .map { "<td>\(Self.escape($0))</td>" }.joined() + "</tr>")
        }
        body.append("</table>")
        if let specText {
            body.append("<h2>Spec</h2>")
            body.append("<pre>\(Self.escape(specText))</pre>")
        }
        return """
        <?xml version="1.0" encoding="utf-8"?>
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml"><head><meta charset="utf-8"/><title>\(Self.escape(c.name)) — Neuromorph substrate comparison</title>
        <style>body{font-family:sans-serif;max-width:1100px;margin:1em auto}table.summary th{text-align:left;padding-right:1em}table.grid{border-collapse:collapse;font-size:90%}table.grid td,table.grid th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}pre{background:#f6f6f6;padding:.5em;overflow-x:auto}</style>
        </head><body>
        \(body.joined(separator: "\n"))
        </body></html>

        """
    }

    /// 26 distinguishable colours (d3 category10, then category20b/c tones), so the components
    /// of every substrate (19 in a crossbar + digital + spiking report) get colours of their own.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                          "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#222222",
                          "#fdd835", "#31a354", "#756bb1", "#636363", "#fdae6b", "#a1d99b", "#9ecae1", "#fdd0a2",
                          "#c7e9c0", "#dadaeb"]

    /// Horizontal 100 %-stacked bars, one per row with a breakdown; one colour per component
    /// name across rows, the total energy printed after each bar.
    static func energyBreakdown(_ rows: [ComparisonRow], width: Int = 960) -> String {
        let shown = rows.filter { !$0.energyBreakdown.isEmpty && ($0.energyPerInferenceJ ?? 0) > 0 }
        var components: [String] = []
        for row in shown { for part in row.energyBreakdown where !components.contains(part.name) { components.append(part.name) } }
        func color(_ name: String) -> String { palette[(components.firstIndex(of: name) ?? 0) % palette.count] }
        let left = 230.0, barWidth = Double(width) - left - 110, barHeight = 18.0, gap = 8.0, top = 30.0
        let legendRows = (components.count + 3) / 4
        let height = Int(top + Double(shown.count) * (barHeight + gap) + 20 + Double(legendRows) * 18)
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var segments = 0
        var svg: [String] = []
        for (k, row) in shown.enumerated() {
            let y = top + Double(k) * (barHeight + gap)
            let total = row.energyBreakdown.reduce(0) { $0 + $1.joules }
            svg.append("<text x=\"\(f(left - 6))\" y=\"\(f(y + 13))\" text-anchor=\"end\">\(escape(row.substrate))</text>")
            var x = left
            for part in row.energyBreakdown where part.joules > 0 && total > 0 {
                let w = part.joules / total * barWidth
                svg.append("<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(String(format: "%.2f", w))\" height=\"\(f(barHeight))\" fill=\"\(color(part.name))\">"
                    + "<title>\(escape(part.name)): \(escape(engineering(part.joules, "J"))) (\(String(format: "%.1f", part.joules / total * 100)) %)</title></rect>")
                x += w
                segments += 1
            }
            svg.append("<text x=\"\(f(left + barWidth + 6))\" y=\"\(f(y + 13))\">\(escape(engineering(row.energyPerInferenceJ, "J")))</text>")
        }
        let legendTop = top + Double(shown.count) * (barHeight + gap) + 10
        for (i, name) in components.enumerated() {
            let x = 10 + Double(i % 4) * (Double(width) / 4), y = legendTop + Double(i / 4) * 18
            svg.append("<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"12\" height=\"12\" fill=\"\(color(name))\"/>")
            svg.append("<text x=\"\(f(x + 16))\" y=\"\(f(y + 11))\">\(escape(name))</text>")
        }
        return (["<svg xmlns=\"http://www.w3.org/2000/svg\" data-plot=\"energy-breakdown\" data-points=\"\(segments)\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">",
                 "<text x=\"10\" y=\"18\" font-weight=\"bold\">share of the energy per inference by component (total on the right)</text>"]
                + svg + ["</svg>"]).joined(separator: "\n")
    }

    /// Accuracy (%) against energy per inference on a log axis; the Pareto front (`front`,
    /// indices into `rows` by increasing energy) is joined by a line and its points ringed.
    static func paretoPlot(_ rows: [ComparisonRow], front: [Int], width: Int = 960, height: Int = 480) -> String {
        let points = rows.indices.compactMap { i -> (Int, Double, Double)? in
            guard let e = rows[i].energyPerInferenceJ, e > 0, let a = rows[i].accuracy else { return nil }
            return (i, e, a * 100)
        }
        let left = 70.0, right = 230.0, top = 30.0, bottom = 45.0
        let w = Double(width) - left - right, h = Double(height) - top - bottom
        let energies = points.map { log10($0.1) }, accuracies = points.map(\.2)
        var x0 = (energies.min() ?? -9).rounded(.down), x1 = (energies.max() ?? -8).rounded(.up)
        if x1 <= x0 { x0 -= 1; x1 += 1 }
        var y0 = accuracies.min() ?? 0, y1 = accuracies.max() ?? 100
        if y1 - y0 < 1 { y0 -= 0.5; y1 += 0.5 }
        let pad = (y1 - y0) * 0.08
        y0 = max(0, y0 - pad); y1 = min(100, y1 + pad)
        func px(_ e: Double) -> Double { left + (log10(e) - x0) / (x1 - x0) * w }
        func py(_ a: Double) -> Double { top + (y1 - a) / (y1 - y0) * h }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg = ["<svg xmlns=\"http://www.w3.org/2000/svg\" data-plot=\"pareto\" data-points=\"\(points.count)\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">",
                   "<text x=\"\(f(left))\" y=\"18\" font-weight=\"bold\">accuracy vs energy per inference (Pareto front in red)</text>",
                   "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"none\" stroke=\"black\"/>"]
        for decade in Int(x0)...Int(x1) {
            let x = left + (Double(decade) - x0) / (x1 - x0) * w
            svg.append("<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + h))\" stroke=\"#ddd\"/>")
            svg.append("<text x=\"\(f(x))\" y=\"\(f(top + h + 16))\" text-anchor=\"middle\">1e\(decade) J</text>")
        }
        for k in 0...4 {
            let v = y0 + (y1 - y0) * Double(k) / 4
            svg.append("<text x=\"\(f(left - 6))\" y=\"\(f(py(v) + 4))\" text-anchor=\"end\">\(String(format: "%.1f", v))</text>")
            svg.append("<line x1=\"\(f(left))\" y1=\"\(f(py(v)))\" x2=\"\(f(left + w))\" y2=\"\(f(py(v)))\" stroke=\"#eee\"/>")
        }
        svg.append("<text x=\"\(f(left + w / 2))\" y=\"\(f(Double(height) - 8))\" text-anchor=\"middle\">energy per inference (J, log scale)</text>")
        svg.append("<text x=\"16\" y=\"\(f(top + h / 2))\" transform=\"rotate(-90 16 \(f(top + h / 2)))\" text-anchor=\"middle\">test accuracy [%]</text>")
        let onFront = front.compactMap { i in points.first { $0.0 == i } }
        if !onFront.isEmpty {
            svg.append("<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" points=\""
                + onFront.map { "\(f(px($0.1))),\(f(py($0.2)))" }.joined(separator: " ") + "\"/>")
        }
        let frontSet = Set(front)
        for (n, point) in points.enumerated() {
            let (i, e, a) = point
            let x = px(e), y = py(a)
            let color = palette[n % palette.count]
            if frontSet.contains(i) {
                svg.append("<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"8\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>")
            }
            svg.append("<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"4\" fill=\"\(color)\"><title>\(escape(rows[i].substrate)): "
                + "\(String(format: "%.2f", a)) %, \(escape(engineering(e, "J")))</title></circle>")
            svg.append("<text x=\"\(f(left + w + 10))\" y=\"\(f(top + 12 + 15 * Double(n)))\" fill=\"\(color)\">\(frontSet.contains(i) ? "● " : "")\(escape(rows[i].substrate))</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }
}
