import Foundation
import NeuromorphCore
import NeuromorphNN

/// A self-contained HTML report of one results folder (`neuromorph report DIR`; `train` and
/// `infer` write it as `report.html`): the summary, training curves, the PCM accuracy over time
/// on a log axis when the run has one, and the spec. Plots are inline SVG, so the file opens from
/// disk with no network access. The markup is well-formed XML (XHTML), which the tests parse.
public struct RunReport: Sendable {
    public let results: RunResults
    public let specText: String?

    public init(results: RunResults, specText: String?) {
        self.results = results
        self.specText = specText
    }

    /// Reads `results.json` (and `spec.yaml` when present) from a results folder.
    public init(folder: URL) throws {
        let url = folder.appendingPathComponent("results.json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SweepError("\(folder.path): no results.json here (a folder written by `neuromorph train` or `infer`; or comparison.json, written by `neuromorph compare`)")
        }
        results = try SpecLoader.decode(RunResults.self, from: url)
        specText = try? String(contentsOf: folder.appendingPathComponent("spec.yaml"), encoding: .utf8)
    }

    /// The whole page.
    public func html() -> String {
        var body: [String] = ["<h1>\(Self.escape(results.name))</h1>"]
        body.append("<table class=\"summary\">")
        let rows: [(String, String)] = [
            ("data", "\(results.dataSource) (\(results.trainSamples) train, \(results.testSamples) test)"),
            ("model", results.model), ("parameters", "\(results.parameters)"),
            ("final test", results.finalTest.headline + String(format: ", loss %.4f", results.finalTest.loss)),
            ("epochs", "\(results.epochs.count)"), ("time", String(format: "%.1f s on %d thread(s)", results.totalSeconds, results.threads)),
            ("versions", results.versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")),
        ]
        for (key, value) in rows { body.append("<tr><th>\(key)</th><td>\(Self.escape(value))</td></tr>") }
        body.append("</table>")
        if !results.epochs.isEmpty {
            body.append("<h2>Training</h2>")
            let epochs = results.epochs.map { Double($0.epoch) }
            body.append(Self.lineChart(title: "training loss", x: epochs, series: [("train loss", "#c0392b", results.epochs.map { Double($0.trainLoss) })],
                                       xLabel: "epoch", yLabel: "loss", id: "loss"))
            var quality: [(String, String, [Double])] = []
            if results.epochs.allSatisfy({ $0.trainAccuracy != nil }) {
                quality.append(("train", "#2c7fb8", results.epochs.map { Double($0.trainAccuracy ?? 0) * 100 }))
            }
            if results.epochs.allSatisfy({ $0.test?.accuracy != nil }) {
                quality.append(("test", "#27ae60", results.epochs.map { Double($0.test?.accuracy ?? 0) * 100 }))
            }
            if !quality.isEmpty {
                body.append(Self.lineChart(title: "accuracy", x: epochs, series: quality, xLabel: "epoch", yLabel: "accuracy [%]", id: "accuracy"))
            } else if results.epochs.allSatisfy({ $0.test?.rmse != nil }) {
                body.append(Self.lineChart(title: "test RMSE", x: epochs, series: [("test", "#27ae60", results.epochs.map { Double($0.test?.rmse ?? 0) })],
                                           xLabel: "epoch", yLabel: "RMSE", id: "rmse"))
            }
        }
        if let inference = results.inference {
            body.append("<h2>Accuracy after programming (PCM drift, log time)</h2>")
            body.append(inference.svg().replacingOccurrences(of: "<svg ", with: "<svg data-plot=\"drift\" "))
            body.append("<pre>\(Self.escape(inference.table()))</pre>")
        }
        if let specText {
            body.append("<h2>Spec</h2>")
            body.append("<pre>\(Self.escape(specText))</pre>")
        }
        return """
        <?xml version="1.0" encoding="utf-8"?>
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml"><head><meta charset="utf-8"/><title>\(Self.escape(results.name)) — Neuromorph report</title>
        <style>body{font-family:sans-serif;max-width:960px;margin:1em auto}table.summary th{text-align:left;padding-right:1em}pre{background:#f6f6f6;padding:.5em;overflow-x:auto}</style>
        </head><body>
        \(body.joined(separator: "\n"))
        </body></html>

        """
    }

    /// A line chart of one or more series over shared x values, with axes and a legend;
    /// `data-plot` names it and `data-points` counts the points it draws.
    static func lineChart(title: String, x: [Double], series: [(label: String, color: String, y: [Double])],
                          xLabel: String, yLabel: String, id: String, width: Int = 640, height: Int = 320) -> String {
        let left = 60.0, right = 20.0, top = 30.0, bottom = 45.0
        let w = Double(width) - left - right, h = Double(height) - top - bottom
        let values = series.flatMap(\.y).filter(\.isFinite)
        let x0 = x.min() ?? 0, x1 = max(x.max() ?? 1, x0 + 1)
        var y0 = values.min() ?? 0, y1 = values.max() ?? 1
        if y1 - y0 < 1e-9 { y0 -= 0.5; y1 += 0.5 }
        let pad = (y1 - y0) * 0.05
        y0 -= pad; y1 += pad
        func px(_ v: Double) -> Double { left + (v - x0) / (x1 - x0) * w }
        func py(_ v: Double) -> Double { top + (y1 - v) / (y1 - y0) * h }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        let count = series.reduce(0) { $0 + $1.y.filter(\.isFinite).count }
        var svg = ["<svg xmlns=\"http://www.w3.org/2000/svg\" data-plot=\"\(id)\" data-points=\"\(count)\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">",
                   "<text x=\"\(f(left))\" y=\"18\" font-weight=\"bold\">\(escape(title))</text>",
                   "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(w))\" height=\"\(f(h))\" fill=\"none\" stroke=\"black\"/>"]
        for k in 0...4 {
            let v = y0 + (y1 - y0) * Double(k) / 4
            svg.append("<text x=\"\(f(left - 6))\" y=\"\(f(py(v) + 4))\" text-anchor=\"end\">\(String(format: "%.3g", v))</text>")
            svg.append("<line x1=\"\(f(left))\" y1=\"\(f(py(v)))\" x2=\"\(f(left + w))\" y2=\"\(f(py(v)))\" stroke=\"#ddd\"/>")
        }
        for v in x {
            svg.append("<text x=\"\(f(px(v)))\" y=\"\(f(top + h + 16))\" text-anchor=\"middle\">\(String(format: "%g", v))</text>")
        }
        svg.append("<text x=\"\(f(left + w / 2))\" y=\"\(f(Double(height) - 8))\" text-anchor=\"middle\">\(escape(xLabel))</text>")
        svg.append("<text x=\"14\" y=\"\(f(top + h / 2))\" transform=\"rotate(-90 14 \(f(top + h / 2)))\" text-anchor=\"middle\">\(escape(yLabel))</text>")
        for (i, s) in series.enumerated() {
            let points = zip(x, s.y).filter { $0.1.isFinite }.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
            svg.append("<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\" points=\"\(points)\"/>")
            for (xv, yv) in zip(x, s.y) where yv.isFinite {
                svg.append("<circle cx=\"\(f(px(xv)))\" cy=\"\(f(py(yv)))\" r=\"3\" fill=\"\(s.color)\"/>")
            }
            svg.append("<text x=\"\(f(left + w - 100))\" y=\"\(f(top + 16 + 16 * Double(i)))\" fill=\"\(s.color)\">\(escape(s.label))</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    static func escape(_ s: String) -> String { s.xmlEscaped }
}
