import Foundation
import NeuromorphCore
import NeuromorphNN

/// The merged results of a sweep folder (`neuromorph collect`): every point's final test
/// metric, the best point, and the metric averaged over the other keys for each value of
/// each swept key.
public struct SweepTable: Sendable {
    /// One completed point.
    public struct Row: Sendable {
        public var index: Int
        public var folder: String
        public var values: [String: String]
        public var test: Evaluation
        public var seconds: Double
    }

    public let axes: [SweepAxis]
    public let completed: [Row]
    public let pending: [Int]
    /// `accuracy` (higher is better) or `rmse` (lower is better): the first the runs report.
    public let metric: String

    public init(manifest: SweepManifest, folder: URL) throws {
        axes = manifest.axes
        var rows: [Row] = []
        var pending: [Int] = []
        for point in manifest.points {
            let url = folder.appendingPathComponent(point.folder).appendingPathComponent("results.json")
            guard FileManager.default.fileExists(atPath: url.path) else { pending.append(point.index); continue }
            let results = try SpecLoader.decode(RunResults.self, from: url)
            rows.append(Row(index: point.index, folder: point.folder, values: point.values,
                            test: results.finalTest, seconds: results.totalSeconds))
        }
        completed = rows
        self.pending = pending
        metric = rows.contains { $0.test.accuracy != nil } || rows.isEmpty ? "accuracy" : "rmse"
    }

    /// The metric of a row (accuracy in %, or RMSE).
    public func value(_ row: Row) -> Double {
        metric == "accuracy" ? Double(row.test.accuracy ?? .nan) * 100 : Double(row.test.rmse ?? .nan)
    }

    /// The best completed row (highest accuracy or lowest RMSE).
    public var best: Row? {
        let valid = completed.filter { value($0).isFinite }
        return metric == "accuracy" ? valid.max { value($0) < value($1) } : valid.min { value($0) < value($1) }
    }

    /// Mean metric for each value of `axis` over the completed points, in the axis's order.
    public func marginal(_ axis: SweepAxis) -> [(value: String, mean: Double, count: Int)] {
        axis.values.map { v in
            let matching = completed.filter { $0.values[axis.key] == v }.map(value)
            return (v, matching.isEmpty ? .nan : matching.reduce(0, +) / Double(matching.count), matching.count)
        }
    }

    var metricLabel: String { metric == "accuracy" ? "test acc %" : "test RMSE" }

    /// The terminal table.
    public func lines() -> [String] {
        var out = ["point  " + axes.map(\.key).joined(separator: "  ") + "  \(metricLabel)  loss  seconds"]
        for row in completed {
            out.append(String(format: "%5d  ", row.index) + axes.map { row.values[$0.key] ?? "?" }.joined(separator: "  ")
                       + String(format: "  %.4f  %.4f  %.1f", value(row), row.test.loss, row.seconds))
        }
        for index in pending { out.append(String(format: "%5d  (no results yet)", index)) }
        if let best {
            out.append("best: point \(best.index) " + axes.map { "\($0.key)=\(best.values[$0.key] ?? "?")" }.joined(separator: " ")
                       + String(format: " → %@ %.4f", metricLabel, value(best)))
        }
        for axis in axes {
            out.append("\(metricLabel) by \(axis.key): " + marginal(axis).map { String(format: "%@ → %.4f (%d)", $0.value, $0.mean, $0.count) }.joined(separator: ", "))
        }
        return out
    }

    /// `collect.csv`: one row per completed point.
    public func csv() -> String {
        var text = (["point", "folder"] + axes.map(\.key) + ["test_loss", "test_accuracy", "test_rmse", "seconds"]).joined(separator: ",") + "\n"
        for row in completed {
            let fields = [String(row.index), row.folder] + axes.map { row.values[$0.key] ?? "" }
                + ["\(row.test.loss)", row.test.accuracy.map { "\($0)" } ?? "", row.test.rmse.map { "\($0)" } ?? "", String(format: "%.3f", row.seconds)]
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }

    /// `collect.html`: self-contained (inline SVG, no network), the table, the best point, and
    /// one bar chart of the metric against each swept key.
    public func html() -> String {
        func escape(_ s: String) -> String { s.xmlEscaped }
        var body = "<h1>Sweep: \(completed.count) of \(completed.count + pending.count) points complete</h1>\n"
        if let best {
            body += "<p>Best: point \(best.index), " + escape(axes.map { "\($0.key) = \(best.values[$0.key] ?? "?")" }.joined(separator: ", "))
                + String(format: " — %@ %.4f</p>\n", metricLabel, value(best))
        }
        for axis in axes {
            let bars = marginal(axis)
            let finite = bars.map(\.mean).filter(\.isFinite)
            let top = max(finite.max() ?? 1, 1e-12)
            let width = 60 * bars.count + 60, height = 200
            var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height + 40)\" data-key=\"\(escape(axis.key))\">"
            for (i, bar) in bars.enumerated() where bar.mean.isFinite {
                let h = Double(height) * bar.mean / top
                svg += String(format: "<rect x=\"%d\" y=\"%.1f\" width=\"40\" height=\"%.1f\" fill=\"#4878a8\"><title>%@: %.4f</title></rect>",
                              40 + 60 * i, Double(height) - h, h, escape(bar.value), bar.mean)
                svg += "<text x=\"\(40 + 60 * i)\" y=\"\(height + 15)\" font-size=\"11\">\(escape(bar.value))</text>"
                svg += String(format: "<text x=\"%d\" y=\"%.1f\" font-size=\"10\">%.3g</text>", 40 + 60 * i, max(Double(height) - h - 3, 10), bar.mean)
            }
            svg += "<text x=\"0\" y=\"\(height + 35)\" font-size=\"12\">\(escape(metricLabel)) against \(escape(axis.key))</text></svg>"
            body += "<h2>\(escape(axis.key))</h2>\n" + svg + "\n"
        }
        body += "<table border=\"1\" cellpadding=\"3\"><tr><th>point</th>" + axes.map { "<th>\(escape($0.key))</th>" }.joined()
            + "<th>\(metricLabel)</th><th>loss</th><th>seconds</th></tr>\n"
        for row in completed {
            body += "<tr><td>\(row.index)</td>" + axes.map { "<td>\(escape(row.values[$0.key] ?? ""))</td>" }.joined()
                + String(format: "<td>%.4f</td><td>%.4f</td><td>%.1f</td></tr>\n", value(row), row.test.loss, row.seconds)
        }
        body += "</table>\n"
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Neuromorph sweep</title></head><body style=\"font-family: sans-serif\">\n"
            + body + "</body></html>\n"
    }
}
