import Foundation
import Testing
@testable import NeuromorphSpec

/// `neuromorph sweep` grids (issue 17 item 4): expansion order, validation against the spec
/// schema before anything runs, stable folder hashes, shards.
@Suite struct SweepGridTests {
    @Test func gridIsTheProductInRowMajorOrderWithStableHashes() throws {
        let axes = [try SweepAxis(parsing: "training.optimizer.learning_rate=0.01,0.1"),
                    try SweepAxis(parsing: "training.seed=0,1,2")]
        let points = try SweepGrid.expand(base: minimalYAML, format: .yaml, file: "tiny.yaml", axes: axes)
        #expect(points.count == 6)
        #expect(points.map { $0.assignments.map(\.value) } == [["0.01", "0"], ["0.01", "1"], ["0.01", "2"], ["0.1", "0"], ["0.1", "1"], ["0.1", "2"]])
        #expect(points[4].spec.training.seed == 1)
        #expect(points[4].spec.training.optimizer.learningRate == 0.1)
        #expect(Set(points.map(\.hash)).count == 6)
        let again = try SweepGrid.expand(base: minimalYAML, format: .yaml, file: "tiny.yaml", axes: axes)
        #expect(again.map(\.hash) == points.map(\.hash))
        // A point equal to the base spec hashes like the base spec.
        let base = try SpecLoader.parse(minimalYAML, format: .yaml)
        let same = try SweepGrid.expand(base: minimalYAML, format: .yaml, file: "tiny.yaml",
                                        axes: [SweepAxis(key: "training.epochs", values: ["2"])])
        #expect(same[0].hash == SweepGrid.fnv1a64Hex(try SpecLoader.yaml(base)))
        // List indices reach into model layers.
        let widths = try SweepGrid.expand(base: minimalYAML, format: .yaml, file: "tiny.yaml",
                                          axes: [SweepAxis(key: "model.layers.0.out", values: ["4", "16"])])
        #expect(widths.map(\.yaml).allSatisfy { !$0.isEmpty } && widths[0].hash != widths[1].hash)
    }

    @Test func badKeysAndValuesAreRejectedBeforeAnythingRuns() throws {
        func message(_ sets: [String]) -> String {
            do {
                _ = try SweepGrid.expand(base: minimalYAML, format: .yaml, file: "tiny.yaml", axes: try sets.map(SweepAxis.init(parsing:)))
                return "accepted"
            } catch { return "\(error)" }
        }
        #expect(message(["training.optimizer.lerning_rate=0.1"]).contains("unknown key 'lerning_rate'"))
        #expect(message(["training.epochs=two"]).contains("training.epochs"))
        #expect(message(["model.layers.7.out=3"]).contains("'7' is not an index of a list of 3 entries"))
        #expect(message(["training.seed=0", "training.seed=1"]).contains("given twice"))
        #expect(message(["training.seed"]).contains("expected KEY=VALUE"))
        #expect(message(["training.seed=1,,2"]).contains("non-empty"))
        #expect(message(["training..seed=1"]).contains("dotted path"))
    }

    @Test func shardsPartitionTheGrid() throws {
        let shards = try (0..<4).map { try SweepShard(parsing: "\($0)/4") }
        for point in 0..<12 { #expect(shards.filter { $0.contains(point) }.count == 1) }
        for bad in ["4/4", "-1/4", "1", "a/b", "0/0"] {
            #expect(throws: SweepError.self) { try SweepShard(parsing: bad) }
        }
    }
}
