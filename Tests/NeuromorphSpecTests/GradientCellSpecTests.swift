import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN
@testable import NeuromorphSpec

/// `hardware.analog.unit_cell: mini_batch | low_rank` (Zhao et al.; docs/gradient-decomposition.md):
/// decoding, round trip, strict errors, and a small spec trained with each.
@Suite(.exclusiveComputeThreads, .serialized) struct GradientCellSpecTests {
    let base = minimalYAML + "\nhardware:\n  analog:\n    device: soft_bounds\n"

    static let cells: [(kind: String, yaml: String)] = [
        ("mini_batch", "{kind: mini_batch, batch_size: 8, rounding: stochastic}"),
        ("low_rank", "{kind: low_rank, batch_size: 8, method: {kind: sbpca, rank: 2, block_size: 4}, transfer: rank_sum}"),
        ("low_rank", "{kind: low_rank, batch_size: 8, method: {kind: nmf, rank: 2, iterations: 20}, transfer: rank_seq}"),
    ]

    @Test func cellsDecodeRoundTripAndTrain() throws {
        ComputeThreads.set(1)
        for (kind, yaml) in Self.cells {
            var spec = try SpecLoader.parse(base + "    unit_cell: " + yaml, format: .yaml)
            let analog = try #require(spec.hardware.analog)
            #expect(analog.unitCell.kind.rawValue == kind)
            #expect(try SpecLoader.parse(try SpecLoader.yaml(spec), format: .yaml) == spec, "\(yaml) round trip")
            spec.training.epochs = 3
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let results = try ExperimentRunner.run(spec, output: folder, log: { _ in })
            #expect((results.finalTest.accuracy ?? 0) > 0.6, "\(yaml): \(results.finalTest.accuracy ?? 0)")
        }
    }

    @Test func badGradientCellsNameTheKey() {
        expectSpecError(base + "    unit_cell: {kind: mini_batch, batch_size: 0}", path: "hardware.analog.unit_cell.batch_size",
                        mentions: ["≥ 1"])
        expectSpecError(base + "    unit_cell: {kind: mini_batch, rounding: up}", path: "hardware.analog.unit_cell.rounding",
                        mentions: ["stochastic"])
        expectSpecError(base + "    unit_cell: {kind: low_rank, method: {kind: svd}}", path: "hardware.analog.unit_cell.method.kind",
                        mentions: ["sbpca", "nmf"])
        expectSpecError(base + "    unit_cell: {kind: low_rank, method: {kind: sbpca, iterations: 3}}",
                        path: "hardware.analog.unit_cell.method.iterations", mentions: ["block_size"])
        expectSpecError(base + "    unit_cell: {kind: mini_batch, method: {kind: sbpca}}", path: "hardware.analog.unit_cell.method",
                        mentions: ["low_rank"])
    }
}
