import Foundation
import Testing

/// `neuromorph reproduce` (issue 17 item 3): the quick registry run, the per-paper counts, the
/// CSV, and the error for an unknown paper key.
@Suite("neuromorph reproduce")
struct ReproduceCommandTests {
    @Test("reproduce all --quick: exit 0, a table with verdicts and kinds, counts per paper, a CSV")
    func quickRunSucceeds() throws {
        let dir = try Scratch()
        let csv = dir.path("out/reproduce.csv")
        let run = try neuromorph("reproduce", "all", "--quick", "--csv", csv)
        #expect(run.status == 0, "\(run)")
        for text in ["stuijt2021.fc-synapses", "PASS", "computed", "consistency check", "computed pass",
                     "consistency pass", "total", "kim2022", "lu2021", "bagheriye2021"] {
            #expect(run.stdout.contains(text), "missing \(text): \(run)")
        }
        #expect(!run.stdout.contains("FAIL"), "\(run)")
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.first?.hasPrefix("id,paper,digest,section,") == true)
        #expect(lines.count > 40)
        #expect(lines.dropFirst().allSatisfy { $0.contains(",pass,") }, "\(lines.filter { !$0.contains(",pass,") })")
    }

    @Test("reproduce PAPER runs one paper; --list lists without running")
    func onePaperAndList() throws {
        let one = try neuromorph("reproduce", "kim2022", "--quick")
        #expect(one.status == 0, "\(one)")
        #expect(one.stdout.contains("kim2022.peak-tops") && !one.stdout.contains("stuijt2021."), "\(one)")
        let list = try neuromorph("reproduce", "--list")
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.contains("dazzi2021.latency-regular") && list.stdout.contains("slow"), "\(list)")
        #expect(!list.stdout.contains("PASS"), "\(list)")
    }

    @Test("reproduce with an unknown paper fails and lists the valid keys")
    func unknownPaper() throws {
        let run = try neuromorph("reproduce", "nobody1999")
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("unknown paper 'nobody1999'"), "\(run)")
        #expect(run.stderr.contains("stuijt2021") && run.stderr.contains("kim2022"), "\(run)")
    }
}
