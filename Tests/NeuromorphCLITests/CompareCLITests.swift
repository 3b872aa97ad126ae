import Foundation
import Testing

/// `neuromorph compare` (issue 17 item 1) on the shipped 8×8 digits: the quick example runs in
/// seconds; its crossbar rows equal `neuromorph estimate` on the same spec and preset.
@Suite("neuromorph compare")
struct CompareCLITests {
    struct LayerCost: Decodable, Equatable { var name: String; var macs: Int; var latencyNS: Double; var macroEnergyPJ: Double }
    struct Row: Decodable { var substrate: String; var kind: String; var accuracy: Double?; var layers: [LayerCost]? }
    struct Comparison: Decodable { var rows: [Row] }
    struct EstimateLayer: Decodable, Equatable { var name: String; var macs: Int; var latencyNS: Double; var macroEnergyPJ: Double }
    struct Estimate: Decodable { var layers: [EstimateLayer] }

    @Test("compare --quick on the digits example: table, files, and the estimate numbers per layer")
    func quickDigitsComparison() throws {
        let dir = try Scratch()
        let run = try neuromorph("compare", CLITests.example("compare-digits-quick.yaml"), "--quick", "--threads", "1",
                                 "--output", dir.path("cmp"))
        #expect(run.status == 0, "\(run)")
        for text in ["digital float32", "digital int8", "analog constant_step", "pcm 1mo compensated", "spiking (32 steps)",
                     "sources:", "energy/inf"] {
            #expect(run.stdout.contains(text), "missing \(text) in\n\(run.stdout)")
        }
        for file in ["comparison.json", "comparison.csv", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: dir.path("cmp/\(file)")), "\(file)")
        }
        let comparison = try JSONDecoder().decode(Comparison.self, from: Data(contentsOf: URL(fileURLWithPath: dir.path("cmp/comparison.json"))))
        #expect(comparison.rows.allSatisfy { $0.accuracy != nil })

        // `neuromorph report DIR` rebuilds the same page from comparison.json and spec.yaml.
        let written = try String(contentsOfFile: dir.path("cmp/report.html"), encoding: .utf8)
        try FileManager.default.removeItem(atPath: dir.path("cmp/report.html"))
        let rebuilt = try neuromorph("report", dir.path("cmp"))
        #expect(rebuilt.status == 0, "\(rebuilt)")
        #expect(try String(contentsOfFile: dir.path("cmp/report.html"), encoding: .utf8) == written)

        // `neuromorph estimate SPEC --preset P` on the same spec: the same numbers per layer.
        for (preset, kind) in [("pcm14-22nm", "pcm"), ("rram12-22nm", "analog")] {
            let estimate = try neuromorph("estimate", CLITests.example("compare-digits-quick.yaml"), "--preset", preset,
                                          "--output", dir.path("est-\(preset)"))
            #expect(estimate.status == 0, "\(estimate)")
            let report = try JSONDecoder().decode(Estimate.self, from: Data(contentsOf: URL(fileURLWithPath: dir.path("est-\(preset)/report.json"))))
            let row = try #require(comparison.rows.first { $0.kind == kind })
            #expect(row.layers?.map { EstimateLayer(name: $0.name, macs: $0.macs, latencyNS: $0.latencyNS, macroEnergyPJ: $0.macroEnergyPJ) }
                    == report.layers, "\(preset)")
        }
    }

    @Test("an unknown substrate kind lists the allowed kinds; a spec without substrates says what to add")
    func badSubstrates() throws {
        let dir = try Scratch()
        let spec = dir.path("bad.yaml")
        try (Specs.blobs + "\nsubstrates:\n- {kind: fpga}\n").write(toFile: spec, atomically: true, encoding: .utf8)
        let bad = try neuromorph("compare", spec, "--output", dir.path("out"))
        #expect(bad.status == 1 && bad.stderr.contains("substrates[0].kind: 'fpga' is not allowed; expected one of: digital, analog, pcm, spiking"),
                "\(bad)")
        let plain = dir.path("plain.yaml")
        try Specs.blobs.write(toFile: plain, atomically: true, encoding: .utf8)
        let none = try neuromorph("compare", plain, "--output", dir.path("out2"))
        #expect(none.status == 1 && none.stderr.contains("substrates: missing or empty"), "\(none)")
    }
}
