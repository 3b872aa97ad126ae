import Foundation
import Testing
@testable import NeuromorphReproduce

/// The reproduction registry (issue 17 item 3): well-formed entries, and every quick entry
/// within its tolerance. Each entry's paper value, tolerance and digest section are in its
/// paper file under Sources/NeuromorphReproduce/Papers/.
@Suite("Paper results registry")
struct PaperResultsTests {
    static let all = PaperResults.all

    @Test("ids are unique, prefixed by their paper key, and there are ≥ 40 across ≥ 8 papers")
    func idsAreUniqueAndCoverageIsBroad() {
        let ids = Self.all.map(\.id)
        #expect(Set(ids).count == ids.count, "duplicates: \(Dictionary(grouping: ids) { $0 }.filter { $1.count > 1 }.keys)")
        #expect(Self.all.allSatisfy { $0.id.hasPrefix($0.paper.key + ".") })
        #expect(Self.all.count >= 40)
        #expect(Set(Self.all.map(\.paper.key)).count >= 8)
        #expect(Set(PaperResults.papers.map(\.key)).count == PaperResults.papers.count)
        // Both kinds are used; consistency checks are labelled, not hidden.
        #expect(Self.all.contains { $0.kind == .consistency } && Self.all.contains { $0.kind == .computed })
    }

    @Test("every entry cites an existing digest file and a section")
    func everyEntryCitesItsDigest() {
        let digests = ["bayesian-hardware_bcpnn-memristor_moneta.md", "bias-matching_stochastic-synapses_truenorth-kernels.md",
                       "equilibrium-propagation_ubrain_neurosim.md", "imc-cnn-mapping_optoelectronic-scaling.md",
                       "snn-robotics_pcm-transformer_always-on-snn.md", "ttv2_gradient-decomposition_shd.md"]
        for r in Self.all {
            #expect(digests.contains(r.paper.digest), "\(r.id): \(r.paper.digest)")
            #expect(r.section.hasPrefix("§"), "\(r.id): section '\(r.section)'")
            #expect(!r.description.isEmpty && r.paperValue.isFinite, "\(r.id)")
        }
    }

    @Test("tolerances: absolute and relative bounds, exact for counts, non-finite values fail")
    func toleranceArithmetic() {
        #expect(Tolerance.absolute(0.05).accepts(18.245, paper: 18.2))
        #expect(!Tolerance.absolute(0.04).accepts(18.245, paper: 18.2))
        #expect(Tolerance.relative(0.03).accepts(299, paper: 308))
        #expect(!Tolerance.relative(0.02).accepts(299, paper: 308))
        #expect(Tolerance.exact.accepts(43, paper: 43) && !Tolerance.exact.accepts(44, paper: 43))
        #expect(!Tolerance.relative(1).accepts(.nan, paper: 1))
        #expect(Tolerance.exact.description == "exact" && Tolerance.relative(0.015).description == "±1.5%")
    }

    /// Every quick entry passes: paper value vs Neuromorph value within the entry's tolerance
    /// (e.g. stuijt2021.fc-synapses 17,488 exact; kim2022.fps-conv1 13,020.8 ± 0.05 fps;
    /// bagheriye2021.sprinkler-p-s-given-w 0.4298 ± 1e-4; lu2021.analog-energy 80.58 ± 0.005 pJ).
    @Test("every quick entry is within its tolerance", arguments: PaperResults.all.filter(\.quick).map(\.id))
    func quickEntryPasses(id: String) throws {
        let result = try #require(Self.all.first { $0.id == id })
        let outcome = ResultOutcome.run(result)
        #expect(outcome.error == nil, "\(id): \(outcome.error ?? "")")
        #expect(outcome.verdict == .pass,
                "\(id): paper \(result.paperValue) \(result.unit), Neuromorph \(outcome.value ?? .nan), tolerance \(result.tolerance)")
        #expect(outcome.seconds < 20, "\(id) took \(outcome.seconds) s: mark it quick: false")
    }

    @Test("a failing computed result fails the run; a failing consistency check does not")
    func verdictAndExitLogic() {
        let paper = Paper(key: "test", citation: "test", digest: "none.md")
        let bad = PaperResult(id: "test.bad", paper: paper, section: "§0", description: "off", paperValue: 1,
                              tolerance: .absolute(0.1)) { 2 }
        let badConsistency = PaperResult(id: "test.c", paper: paper, section: "§0", description: "off", paperValue: 1,
                                         tolerance: .absolute(0.1), kind: .consistency) { 2 }
        struct Boom: Error {}
        let throwing = PaperResult(id: "test.t", paper: paper, section: "§0", description: "throws", paperValue: 1,
                                   tolerance: .absolute(0.1)) { throw Boom() }
        #expect(!Reproduction.run([bad]).succeeded)
        #expect(Reproduction.run([badConsistency]).succeeded)
        let thrown = Reproduction.run([throwing])
        #expect(!thrown.succeeded && thrown.outcomes[0].value == nil && thrown.outcomes[0].error != nil)
        let mixed = Reproduction.run([bad, badConsistency])
        #expect(mixed.count(verdict: .fail, kind: .computed) == 1 && mixed.count(verdict: .fail, kind: .consistency) == 1)
        #expect(mixed.csv().split(separator: "\n").count == 3)
    }

    @Test("selection: all, one paper, quick filter; unknown key throws naming the valid keys")
    func selection() throws {
        #expect(try PaperResults.select(nil, quick: false).count == Self.all.count)
        #expect(try PaperResults.select("ALL", quick: true).count == Self.all.filter(\.quick).count)
        let moneta = try PaperResults.select("kim2022", quick: false)
        #expect(!moneta.isEmpty && moneta.allSatisfy { $0.paper.key == "kim2022" })
        do {
            _ = try PaperResults.select("nobody1999", quick: false)
            Issue.record("unknown key accepted")
        } catch let error as ReproduceError {
            #expect(error.description.contains("'nobody1999'") && error.description.contains("stuijt2021"))
        }
    }
}
