import Foundation

/// Paper-versus-model tables for every chip calculator.
public enum ChipModelReport {
    /// The comparisons for one model, computed from its paper presets.
    public static func comparisons(for model: ChipModelName) throws -> [PaperComparison] {
        switch model {
        case .moneta: try MonetaChip.paperComparisons()
        case .alwaysOnSNN: try AlwaysOnSNN.paperComparisons()
        case .ubrain: try MuBrain.paperComparisons()
        case .optoelectronic: try Optoelectronic.paperComparisons()
        }
    }

    /// An aligned text table: quantity, unit, paper value, Neuromorph value, relative
    /// error, source, note.
    ///
    /// - Throws: ``ChipModelError`` if the calculator rejects its own paper preset (a bug
    ///   the caller must report, not print as a table).
    public static func table(for model: ChipModelName) throws -> String {
        render(title: model.paperTitle, rows: try comparisons(for: model))
    }

    /// The same comparison as a Markdown table (for docs).
    ///
    /// - Throws: ``ChipModelError`` as ``table(for:)`` does.
    public static func markdown(for model: ChipModelName) throws -> String {
        let rows = try comparisons(for: model)
        var out = "| quantity | unit | paper | Neuromorph | rel. error | kind | source | note |\n"
        out += "|---|---|--:|--:|--:|---|---|---|\n"
        for row in rows {
            let fields = [row.quantity, row.unit, format(row.paper), format(row.model),
                          formatPercent(row.relativeError), row.kind.rawValue, row.source, row.note]
            out += "| " + fields.map { $0.replacingOccurrences(of: "|", with: "\\|") }
                .joined(separator: " | ") + " |\n"
        }
        return out
    }

    /// Renders rows as an aligned, plain-text table.
    public static func render(title: String, rows: [PaperComparison]) -> String {
        let header = ["quantity", "unit", "paper", "Neuromorph", "rel. error", "kind", "source", "note"]
        let cells = rows.map { row in
            [row.quantity, row.unit, format(row.paper), format(row.model),
             formatPercent(row.relativeError), row.kind.rawValue, row.source, row.note]
        }
        let all = [header] + cells
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        let numeric: Set<Int> = [2, 3, 4]
        func line(_ fields: [String]) -> String {
            let padded = fields.enumerated().map { column, text in
                let pad = String(repeating: " ", count: widths[column] - text.count)
                return numeric.contains(column) ? pad + text : text + pad
            }
            return padded.joined(separator: "  ").replacingOccurrences(
                of: "\\s+$", with: "", options: .regularExpression)
        }
        let rule = String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))
        var out = title + "\n" + line(header) + "\n" + rule + "\n"
        for row in cells { out += line(row) + "\n" }
        out += kindSummary(rows) + "\n"
        return out
    }

    /// "12 computed, 2 consistency checks, 1 input": only computed rows test the model.
    public static func kindSummary(_ rows: [PaperComparison]) -> String {
        let counts = PaperComparison.Kind.allCases.map { kind in (kind, rows.filter { $0.kind == kind }.count) }
        return counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ")
            + " (only computed rows test the model; a consistency check recomputes a value its inputs were fitted to, an input is echoed)"
    }

    /// Seven significant digits, scientific notation outside [1e-3, 1e7).
    static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        if value == 0 { return "0" }
        if magnitude >= 1e-3 && magnitude < 1e7 { return String(format: "%.7g", value) }
        return String(format: "%.4e", value)
    }

    static func formatPercent(_ value: Double) -> String {
        value < 5e-7 ? "0 %" : String(format: "%.3g %%", value * 100)
    }
}
