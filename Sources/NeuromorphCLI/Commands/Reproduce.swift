import ArgumentParser
import Foundation
import Neuromorph

/// `neuromorph reproduce [PAPER|all] [--list] [--quick] [--csv FILE]`: runs the registered
/// paper results (``PaperResults``) and prints paper value, Neuromorph value, tolerance,
/// verdict and kind (computed or consistency check), then the counts per paper. Exits with
/// status 1 when a computed result falls outside its tolerance.
struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reproduce the checkable paper results: paper vs Neuromorph value, tolerance, verdict, kind.",
        discussion: "PAPER is 'all' (default) or a paper key; --list shows the keys and results without running them.")

    @Argument(help: "'all' or a paper key (see --list).")
    var paper: String = "all"

    @Flag(help: "List the papers and results without running them.")
    var list = false

    @Flag(help: "Run only the fast results (seconds in a debug build): what CI runs.")
    var quick = false

    @Option(help: "Also write the results as CSV to this file (written atomically).")
    var csv: String?

    @Option(help: "Also write an HTML report (paper-vs-Neuromorph tables) to this file (default for a full run: results/reproduce.html).")
    var html: String?

    func run() throws {
        let results = try reportingErrors { try PaperResults.select(paper, quick: quick) }
        if list {
            for key in PaperResults.papers.map(\.key) {
                let ofPaper = results.filter { $0.paper.key == key }
                guard let first = ofPaper.first else { continue }
                say("\(key): \(first.paper.citation) (digest \(first.paper.digest), \(ofPaper.count) results)")
                for r in ofPaper {
                    say("  \(r.id)  [\(r.kind.label)\(r.quick ? "" : ", slow")]  \(r.section)  \(r.description)")
                }
            }
            return
        }
        let run = Reproduction.run(results) { outcome in
            if outcome.verdict == .fail {
                say("\(outcome.failsRun ? "FAIL" : "fail (consistency)"): \(outcome.result.id) \(outcome.error ?? "")")
            }
        }
        say(run.table())
        say("")
        say(run.summary())
        if let csv {
            try AtomicFile.write(run.csv(), to: URL(fileURLWithPath: csv))
            say("wrote \(csv)")
        }
        // The full run (all papers, not --quick) writes its HTML report by default.
        if let target = html ?? (paper == "all" && !quick ? "results/reproduce.html" : nil) {
            let url = URL(fileURLWithPath: target)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(run.html(), to: url)
            say("wrote \(target)")
        }
        if !run.succeeded {
            let failed = run.outcomes.filter(\.failsRun).map(\.result.id)
            throw CommandFailure(description: "\(failed.count) computed result(s) outside tolerance: \(failed.joined(separator: ", "))")
        }
    }
}
