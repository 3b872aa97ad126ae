import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NeuromorphCore
import Testing
@testable import NeuromorphNN
@testable import NeuromorphSpec

/// `report.html` (issue 17 item 2): one self-contained page per results folder; it parses as
/// XML and every plot has data.
@Suite struct RunReportTests {
    @Test func reportParsesAndEveryPlotHasData() throws {
        let spec = try SpecLoader.parse(minimalYAML, format: .yaml)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let results = try ExperimentRunner.run(spec, output: dir, log: { _ in })
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains(results.name) && html.contains("final test") && html.contains("learning_rate"))
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").dropFirst().allSatisfy {
            $0.hasPrefix("www.w3.org/")   // namespaces only: nothing is fetched
        })
        let plots = try PlotCollector.plots(in: Data(html.utf8))
        #expect(plots.map(\.name) == ["loss", "accuracy"], "\(plots)")
        #expect(plots.allSatisfy { $0.points > 0 && $0.polylines > 0 }, "\(plots)")
        #expect(plots.first { $0.name == "accuracy" }?.points == 2 * results.epochs.count)
        // `neuromorph report` rebuilds the same page from the folder.
        #expect(try RunReport(folder: dir).html() == html)
    }

    @Test func missingResultsNameTheFolder() {
        #expect(throws: SweepError.self) { try RunReport(folder: URL(fileURLWithPath: "/nonexistent/run")) }
    }
}

/// Collects the `<svg data-plot>` elements of a page with Foundation's XML parser (which fails
/// on markup that is not well-formed).
final class PlotCollector: NSObject, XMLParserDelegate {
    struct Plot { var name: String; var points: Int; var polylines: Int }
    var plots: [Plot] = []

    static func plots(in data: Data) throws -> [Plot] {
        let parser = XMLParser(data: data)
        let collector = PlotCollector()
        parser.delegate = collector
        guard parser.parse() else {
            throw SpecError(path: "report.html", "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)")
        }
        return collector.plots
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if element == "svg", let name = attributes["data-plot"] {
            plots.append(Plot(name: name, points: Int(attributes["data-points"] ?? "") ?? 0, polylines: 0))
        } else if element == "polyline", !plots.isEmpty, let points = attributes["points"], !points.isEmpty {
            plots[plots.count - 1].polylines += 1
        }
    }
}
