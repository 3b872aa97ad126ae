import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN
@testable import NeuromorphSpec

/// `hardware.analog.unit_cell` for the training algorithms (docs/analog-training.md): the
/// kinds, their aihwkit-named parameters, strict errors with key paths, and a small spec
/// trained with each cell.
@Suite(.exclusiveComputeThreads, .serialized) struct TrainingCellSpecTests {
    let base = minimalYAML + "\nhardware:\n  analog:\n    device: soft_bounds\n"

    /// The unit-cell YAML of each kind as a small experiment would use it.
    static let cells: [(kind: String, yaml: String)] = [
        ("transfer_compound", "{kind: transfer_compound, gamma: 0.1, fast_lr: 0.1, transfer_every: 1, read_threshold: 0.01}"),
        ("buffered_transfer_compound", "{kind: buffered_transfer_compound, fast_lr: 0.1, transfer_lr: 2, units_in_mbatch: false, transfer_every: 2, hysteretic_reset: 0.6}"),
        ("chopped_transfer_compound", "{kind: chopped_transfer_compound, fast_lr: 0.1, transfer_lr: 2, in_chop_prob: 0.1, out_chop_prob: 0.01}"),
        ("shd", "{kind: shd, fast_lr: 0.1, transfer_lr: 0.5, zero_shift_pairs: 50}"),
        ("mixed_precision", "{kind: mixed_precision, n_x_bins: 31, n_d_bins: 31}"),
    ]

    @Test func everyKindDecodesRoundTripsAndBuildsItsCell() throws {
        for (kind, yaml) in Self.cells {
            let spec = try SpecLoader.parse(base + "    unit_cell: " + yaml, format: .yaml)
            let analog = try #require(spec.hardware.analog)
            #expect(analog.unitCell.kind.rawValue == kind)
            #expect(try SpecLoader.parse(try SpecLoader.yaml(spec), format: .yaml) == spec, "\(kind) round trip")
            var g = SeededGenerator(seed: 1)
            let layer = try analog.linear(4, 3, bias: true, generator: &g)
            #expect(layer.summary.contains(kind == "shd" ? "StochasticHamiltonianDescent" : {
                switch kind {
                case "transfer_compound": "TransferCompound"
                case "buffered_transfer_compound": "BufferedTransferCompound"
                case "chopped_transfer_compound": "ChoppedTransferCompound"
                default: "MixedPrecisionCompound"
                }
            }()), "\(layer.summary)")
            let conv = try analog.conv(2, 3, kernel: 3, stride: 1, padding: 0, bias: true, generator: &g)
            #expect(conv.summary.contains("AnalogConv2d"), "\(kind)")
        }
        // Parameters arrive under aihwkit's names; the short form gives the defaults.
        let parsed = try #require(try SpecLoader.parse(base + "    unit_cell: " + Self.cells[1].yaml, format: .yaml).hardware.analog)
        guard case .bufferedTransferCompound(let p, nil) = parsed.unitCell else { Issue.record("\(parsed.unitCell)"); return }
        #expect(p.hystereticReset == 0.6 && p.transfer.transferEvery == 2 && !p.transfer.unitsInMiniBatch && p.momentum == 0)
        #expect(p.transfer.transferUpdate == .singlePulse)
        let short = try #require(try SpecLoader.parse(base + "    unit_cell: chopped_transfer_compound", format: .yaml).hardware.analog)
        #expect(short.unitCell == .choppedTransferCompound(ChoppedTransferCompoundParameters(), slow: nil))
        // A slow device of its own.
        let slow = try #require(try SpecLoader.parse(base + "    unit_cell: {kind: shd, slow: {device: ideal}}", format: .yaml).hardware.analog)
        var g = SeededGenerator(seed: 2)
        #expect(try slow.linear(2, 2, bias: false, generator: &g) is AnalogLinear<StochasticHamiltonianDescent<SoftBoundsDeviceArray, IdealPulsedDeviceArray>>)
    }

    @Test func badCellSpecsNameTheKey() {
        expectSpecError(base + "    unit_cell: {kind: transfer_compound, gama: 0.1}", path: "hardware.analog.unit_cell.gama",
                        mentions: ["gamma", "transfer_every"])
        expectSpecError(base + "    unit_cell: {kind: transfer_compound, in_chop_prob: 0.1}", path: "hardware.analog.unit_cell.in_chop_prob",
                        mentions: ["chopped_transfer_compound"])
        expectSpecError(base + "    unit_cell: {kind: mixed_precision, slow: {device: ideal}}", path: "hardware.analog.unit_cell.slow",
                        mentions: ["transfer_compound", "shd"])
        expectSpecError(base + "    unit_cell: {kind: transfer_compound, transfer_every: -2}", path: "hardware.analog.unit_cell.transfer_every",
                        mentions: ["≥ 0"])
        expectSpecError(base + "    unit_cell: {kind: transfer_compound, transfer_every: 0}", path: "hardware.analog.unit_cell.transfer_every",
                        mentions: ["gamma"])
        expectSpecError(base + "    unit_cell: {kind: buffered_transfer_compound, hysteretic_reset: 0.6, momentum: 0.2}",
                        path: "hardware.analog.unit_cell.hysteretic_reset", mentions: ["momentum"])
        expectSpecError(base + "    unit_cell: {kind: chopped_transfer_compound, in_chop_prob: 2}", path: "hardware.analog.unit_cell.in_chop_prob",
                        mentions: ["[0, 1]"])
        expectSpecError(base + "    unit_cell: {kind: chopped_transfer_compound, correct_gradient_magnitudes: true, auto_granularity: 1000}",
                        path: "hardware.analog.unit_cell.auto_granularity", mentions: ["correct_gradient_magnitudes"])
        expectSpecError(base + "    unit_cell: {kind: chopped_transfer_compound, transfer_forward: {out_nois: 0.1}}",
                        path: "hardware.analog.unit_cell.transfer_forward.out_nois", mentions: ["out_noise"])
        expectSpecError(base + "    unit_cell: {kind: mixed_precision, n_x_bins: 1}", path: "hardware.analog.unit_cell.n_x_bins",
                        mentions: ["≥ 2"])
        expectSpecError(base + "    unit_cell: {kind: shd, slow: {device: ideal, pulsed: {dw_min: 0.1}}}",
                        path: "hardware.analog.unit_cell.slow.pulsed", mentions: ["ideal"])
        expectSpecError(base + "    unit_cell: tiki_taka", path: "hardware.analog.unit_cell", mentions: ["buffered_transfer_compound", "shd"])
    }

    // Brief: "a small spec trains with each cell" — the blobs spec (8-3 MLP, 2 epochs) on
    // soft-bounds devices learns well above chance (1/3) with every training cell, and the
    // cell's state is exported per tile in the checkpoint.
    @Test func aSmallSpecTrainsWithEveryCell() throws {
        ComputeThreads.set(1)
        for (kind, yaml) in Self.cells {
            var spec = try SpecLoader.parse(base + "    unit_cell: " + yaml, format: .yaml)
            spec.training.epochs = 3
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let results = try ExperimentRunner.run(spec, output: folder, log: { _ in })
            let accuracy = results.finalTest.accuracy ?? 0
            #expect(accuracy > 0.75, "\(kind): accuracy \(accuracy)")
            let exported = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("checkpoint/devices").path)
            let expected = kind == "mixed_precision" ? "0.tile0_0.chi.npy" : "0.tile0_0.device1.weights.npy"
            #expect(exported.contains(expected), "\(kind): \(exported.sorted())")
        }
    }

    // Checkpoint/resume through the runner is bit-identical for the cell with the most state.
    @Test func choppedRunResumesBitIdentically() throws {
        ComputeThreads.set(1)
        var spec = try SpecLoader.parse(base + "    unit_cell: " + Self.cells[2].yaml, format: .yaml)
        spec.training.epochs = 2
        let straight = temporaryFolder(), first = temporaryFolder(), resumed = temporaryFolder()
        defer { for f in [straight, first, resumed] { try? FileManager.default.removeItem(at: f) } }
        _ = try ExperimentRunner.run(spec, output: straight, log: { _ in })
        var short = spec
        short.training.epochs = 1
        _ = try ExperimentRunner.run(short, output: first, log: { _ in })
        _ = try ExperimentRunner.run(spec, output: resumed, resume: first.appendingPathComponent("checkpoint"), log: { _ in })
        for file in ["0.state.bin", "2.state.bin", "devices/0.tile0_0.buffer.npy", "devices/0.tile0_0.in_chopper.npy"] {
            let a = try Data(contentsOf: straight.appendingPathComponent("checkpoint/\(file)"))
            let b = try Data(contentsOf: resumed.appendingPathComponent("checkpoint/\(file)"))
            #expect(a == b, "\(file) differs after resume")
        }
    }
}
