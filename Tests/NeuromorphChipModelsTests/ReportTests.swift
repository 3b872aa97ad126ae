import Testing
@testable import NeuromorphChipModels

/// The CLI tables (`neuromorph chip <name>`).
@Suite("Report")
struct ReportTests {
    @Test("every model renders an aligned table with its headline rows", arguments: ChipModelName.allCases)
    func table(model: ChipModelName) throws {
        let rows = try ChipModelReport.comparisons(for: model)
        #expect(rows.count >= 10, "\(model)")
        let table = try ChipModelReport.table(for: model)
        let lines = table.split(separator: "\n")
        #expect(lines.count == rows.count + 4)
        #expect(lines.last.map(String.init) == ChipModelReport.kindSummary(rows))
        #expect(lines[1].hasPrefix("quantity"))
        // the numeric columns end at the same offset on every row
        let header = String(lines[1])
        let errorEnd = header.range(of: "rel. error")!.upperBound
        let column = header.distance(from: header.startIndex, to: errorEnd)
        for line in lines.dropFirst(3).dropLast() {
            let text = String(line)
            let index = text.index(text.startIndex, offsetBy: column)
            #expect(text[text.index(before: index)] == "%", "\(model): \(text)")
        }
        let markdown = try ChipModelReport.markdown(for: model).split(separator: "\n")
        #expect(markdown.count == rows.count + 2)
        #expect(markdown.allSatisfy { $0.hasPrefix("|") && $0.hasSuffix("|") })
        for row in rows {
            #expect(row.model.isFinite && row.paper.isFinite, "\(model): \(row.quantity)")
        }
    }

    @Test("rows without a noted discrepancy match the paper within 10 %", arguments: ChipModelName.allCases)
    func headlineAgreement(model: ChipModelName) throws {
        for row in try ChipModelReport.comparisons(for: model) where row.note.isEmpty {
            #expect(row.relativeError < 0.10, "\(model): \(row.quantity) \(row.model) vs \(row.paper)")
        }
    }

    /// The honest-results counts of docs/honest-results.md: (computed, consistency check, input).
    @Test("rows are labelled computed, consistency check or input", arguments: [
        (ChipModelName.moneta, 12, 5, 0), (.alwaysOnSNN, 13, 1, 2), (.ubrain, 11, 4, 0), (.optoelectronic, 27, 1, 0),
    ])
    func kinds(model: ChipModelName, computed: Int, check: Int, input: Int) throws {
        let rows = try ChipModelReport.comparisons(for: model)
        let counts = [PaperComparison.Kind.computed, .consistencyCheck, .input].map { kind in rows.filter { $0.kind == kind }.count }
        if computed >= 0 { #expect(counts == [computed, check, input], "\(model)") }
        #expect(try ChipModelReport.markdown(for: model).contains("| kind |"))
        // A row that echoes an input matches exactly; it must never be counted as a reproduction.
        for row in rows where row.kind == .input { #expect(row.relativeError < 1e-9, "\(model): \(row.quantity)") }
    }

    @Test("names are the CLI spellings")
    func names() {
        #expect(ChipModelName.allCases.map(\.rawValue) == ["moneta", "always-on-snn", "ubrain", "optoelectronic"])
        #expect(ChipModelName(rawValue: "moneta") == .moneta)
    }

    @Test("relative error and number formatting")
    func formatting() {
        let row = PaperComparison(quantity: "x", unit: "", paper: 2, model: 2.5, source: "")
        #expect(row.relativeError == 0.25)
        #expect(ChipModelReport.format(13_020.833) == "13020.83")
        #expect(ChipModelReport.format(3.1623e11) == "3.1623e+11")
        #expect(ChipModelReport.formatPercent(0.25) == "25 %")
    }
}
