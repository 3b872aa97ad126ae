import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN
@testable import NeuromorphSpec

/// `hardware.analog.unit_cell: {kind: vector_unit_cell, …}` (aihwkit `VectorUnitCell`).
@Suite struct VectorUnitCellSpecTests {
    let base = minimalYAML + "\nhardware:\n  analog:\n    device: constant_step\n"

    @Test func decodesRoundTripsAndBuildsTheCell() throws {
        let spec = try SpecLoader.parse(base + """
                unit_cell: {kind: vector_unit_cell, update_policy: single_sequential, first_update_idx: 1, gamma_vec: [0.6, 0.3, 0.1]}
            """, format: .yaml)
        let analog = try #require(spec.hardware.analog)
        guard case .vector(let p) = analog.unitCell else { Issue.record("\(analog.unitCell)"); return }
        #expect(p.devices == 3 && p.updatePolicy == .singleSequential && p.firstUpdateIndex == 1 && p.gammas == [0.6, 0.3, 0.1])
        #expect(try SpecLoader.parse(try SpecLoader.yaml(spec), format: .yaml) == spec)
        var g = SeededGenerator(seed: 1)
        let layer = try analog.linear(4, 3, bias: true, generator: &g)
        #expect(layer is AnalogLinear<VectorUnitCell<ConstantStepDeviceArray>>)
        let short = try #require(try SpecLoader.parse(base + "    unit_cell: vector_unit_cell", format: .yaml).hardware.analog)
        #expect(short.unitCell == .vector(VectorUnitCellParameters()))
    }

    @Test func badCombinationsNameTheKeyPath() {
        expectSpecError(base + "    unit_cell: {kind: vector_unit_cell, n_devices: 2, first_update_idx: 2}",
                        path: "hardware.analog.unit_cell.first_update_idx", mentions: ["0..<2"])
        expectSpecError(base + "    unit_cell: {kind: vector_unit_cell, n_devices: 2, gamma_vec: [1, 1, 1]}",
                        path: "hardware.analog.unit_cell.gamma_vec", mentions: ["n_devices = 2"])
        expectSpecError(base + "    unit_cell: {kind: vector_unit_cell, n_devices: 0}",
                        path: "hardware.analog.unit_cell.n_devices", mentions: ["≥ 1"])
        expectSpecError(base + "    unit_cell: {kind: vector_unit_cell, update_policy: random}",
                        path: "hardware.analog.unit_cell.update_policy", mentions: ["single_random", "single_fixed"])
        expectSpecError(base + "    unit_cell: {kind: vector_unit_cell, transfer_every: 2}",
                        path: "hardware.analog.unit_cell.transfer_every", mentions: ["gamma_vec", "update_policy"])
        expectSpecError(base + "    preset: ReRamES2Preset\n    unit_cell: {kind: vector_unit_cell, first_update_idx: -1}",
                        path: "hardware.analog.unit_cell.first_update_idx", mentions: ["device index"])
    }
}
