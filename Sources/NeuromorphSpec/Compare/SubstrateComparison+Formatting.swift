import Foundation
import NeuromorphCore
import NeuromorphData

/// The flat columns of `comparison.csv` for one row (no energy breakdown or per-layer costs:
/// those are in `comparison.json`). Numbers are written with Swift's shortest exact decimal
/// form, so a CSV read back gives the same values (`nil` ↔ empty field).
public struct ComparisonCSVRow: Sendable, Equatable {
    public static let header = ["substrate", "kind", "accuracy", "accuracy_standard_error", "energy_per_inference_j",
                                "latency_s", "area_mm2", "spikes_per_inference", "synaptic_operations_per_inference",
                                "cores", "pipeline_latency_s", "technology_node", "preset", "model", "accuracy_source",
                                "energy_source", "latency_source", "area_source"]
    public var fields: [String]

    public init(_ row: ComparisonRow) {
        func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        fields = [row.substrate, row.kind, number(row.accuracy), number(row.accuracyStandardError),
                  number(row.energyPerInferenceJ), number(row.latencySeconds), number(row.areaMM2),
                  number(row.spikesPerInference), number(row.synapticOperationsPerInference),
                  row.cores.map(String.init) ?? "", number(row.pipelineLatencySeconds), row.sources.technologyNode,
                  row.sources.preset, row.sources.model, row.sources.accuracy, row.sources.energy, row.sources.latency,
                  row.sources.area]
    }

    init(fields: [String]) { self.fields = fields }

    /// The value of column `name`.
    public subscript(_ name: String) -> String { Self.header.firstIndex(of: name).map { fields[$0] } ?? "" }
    /// The number in column `name`, nil when empty.
    public func number(_ name: String) -> Double? { Double(self[name]) }

    /// Reads `comparison.csv` text; throws a `DataError` for malformed CSV and a `SpecError`
    /// for a header other than ``header``.
    public static func parse(_ text: String, name: String = "comparison.csv") throws -> [ComparisonCSVRow] {
        let table = try CSVTable.parse(text, name: name)
        guard table.header == header else {
            throw SpecError(file: name, path: "header", "expected the columns \(header.joined(separator: ","))")
        }
        return table.rows.map(ComparisonCSVRow.init(fields:))
    }
}

extension SubstrateComparison {
    /// `comparison.csv`: ``ComparisonCSVRow/header`` and one line per row (RFC 4180 quoting).
    public func csv() -> String {
        func quoted(_ field: String) -> String {
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        return ([ComparisonCSVRow.header] + rows.map { ComparisonCSVRow($0).fields })
            .map { $0.map(quoted).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// The terminal table: one line per row, then the sources of every row.
    public func table() -> String {
        func engineering(_ value: Double?, _ unit: String) -> String {
            guard let value else { return "n/a" }
            let prefixes: [(Double, String)] = [(1, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f")]
            let (scale, prefix) = prefixes.first { abs(value) >= $0.0 } ?? (1e-15, "f")
            return value == 0 ? "0 \(unit)" : String(format: "%.3g %@%@", value / scale, prefix, unit)
        }
        let pareto = Set(paretoIndices)
        var lines = ["\(name): \(model); \(macs) MACs, \(parameters) parameters per inference; data \(dataSource) (\(testSamples) test)"]
        let head = ["substrate", "accuracy", "energy/inf", "latency", "area", "spikes/inf", "SOPs/inf", "cores", "pareto"]
        var cells: [[String]] = [head]
        for (i, row) in rows.enumerated() {
            let accuracy = row.accuracy.map { a in
                String(format: "%.2f %%", a * 100) + (row.accuracyStandardError.map { String(format: " ± %.2f", $0 * 100) } ?? "")
            } ?? "n/a"
            cells.append([row.substrate, accuracy, engineering(row.energyPerInferenceJ, "J"), engineering(row.latencySeconds, "s"),
                          row.areaMM2.map { String(format: "%.4g mm²", $0) } ?? "n/a",
                          row.spikesPerInference.map { String(format: "%.0f", $0) } ?? "-",
                          row.synapticOperationsPerInference.map { String(format: "%.0f", $0) } ?? "-",
                          row.cores.map(String.init) ?? "-", pareto.contains(i) ? "*" : ""])
        }
        let widths = head.indices.map { c in cells.map { $0[c].count }.max() ?? 0 }
        for row in cells {
            lines.append(row.enumerated().map { c, text in
                c == 0 ? text.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - text.count) + text
            }.joined(separator: "  "))
        }
        lines.append("sources:")
        for row in rows {
            lines.append("  \(row.substrate): model: \(row.sources.model); preset: \(row.sources.preset); node: \(row.sources.technologyNode)")
            lines.append("    accuracy: \(row.sources.accuracy)")
            lines.append("    energy: \(row.sources.energy)")
            lines.append("    latency: \(row.sources.latency)")
            lines.append("    area: \(row.sources.area)")
        }
        return lines.joined(separator: "\n")
    }
}
