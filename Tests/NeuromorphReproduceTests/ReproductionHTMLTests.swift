import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import NeuromorphReproduce

/// The reproduction's HTML report (issue 17 item 3: the full run writes one): well-formed XML,
/// one row per result, failures marked.
@Suite struct ReproductionHTMLTests {
    @Test func reportHasOneRowPerResultAndMarksFailures() throws {
        let paper = Paper(key: "toy", citation: "Toy 2026", digest: "toy.md")
        let pass = PaperResult(id: "toy.pass", paper: paper, section: "§1", description: "two <plus> two", paperValue: 4,
                               unit: "", tolerance: .exact, kind: .computed, quick: true, compute: { 4 })
        let fail = PaperResult(id: "toy.fail", paper: paper, section: "§2", description: "off", paperValue: 1,
                               unit: "pJ", tolerance: .relative(0.01), kind: .consistency, quick: true, compute: { 2 })
        let html = Reproduction.run([pass, fail]).html()
        let parser = XMLParser(data: Data(html.utf8))
        #expect(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        #expect(html.contains("two &lt;plus&gt; two") && html.contains("Toy 2026"))
        #expect(html.components(separatedBy: "<td title=").count - 1 == 2)
        #expect(html.contains("<td>fail</td>") && html.contains("<td>pass</td>"))
    }
}
