import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN
@testable import NeuromorphSpec

/// `hardware.analog.unit_cell: {kind: one_sided_unit_cell, …}` (aihwkit `OneSidedUnitCell`).
@Suite struct OneSidedUnitCellSpecTests {
    let base = minimalYAML + "\nhardware:\n  analog:\n    device: constant_step\n"

    @Test func decodesRoundTripsAndBuildsTheCell() throws {
        let spec = try SpecLoader.parse(base + """
                unit_cell: {kind: one_sided_unit_cell, refresh_every: 3, units_in_mbatch: false, refresh_upper_thres: 0.8, refresh_lower_thres: 0.2, refresh_forward: {out_noise: 0.01}, refresh_update: {desired_bl: 15}}
            """, format: .yaml)
        let analog = try #require(spec.hardware.analog)
        guard case .oneSided(let p) = analog.unitCell else { Issue.record("\(analog.unitCell)"); return }
        #expect(p.refreshEvery == 3 && !p.unitsInMbatch && p.refreshUpperThres == 0.8 && p.refreshLowerThres == 0.2)
        #expect(p.refreshForward.outputNoise == 0.01 && p.refreshUpdate.desiredBL == 15 && !p.copyInverted)
        #expect(try SpecLoader.parse(try SpecLoader.yaml(spec), format: .yaml) == spec)
        var g = SeededGenerator(seed: 1)
        let layer = try analog.linear(4, 3, bias: true, generator: &g)
        #expect(layer is AnalogLinear<OneSidedUnitCell<ConstantStepDeviceArray>>)
        let short = try #require(try SpecLoader.parse(base + "    unit_cell: one_sided_unit_cell", format: .yaml).hardware.analog)
        #expect(short.unitCell == .oneSided(OneSidedUnitCellParameters()))
    }

    @Test func badValuesNameTheKeyPath() {
        expectSpecError(base + "    unit_cell: {kind: one_sided_unit_cell, refresh_every: -2}",
                        path: "hardware.analog.unit_cell.refresh_every", mentions: ["≥ 0"])
        expectSpecError(base + "    unit_cell: {kind: one_sided_unit_cell, refresh_lower_thres: 0.9}",
                        path: "hardware.analog.unit_cell.refresh_lower_thres", mentions: ["refresh_upper_thres"])
        expectSpecError(base + "    unit_cell: {kind: one_sided_unit_cell, copy_inverted: true}",
                        path: "hardware.analog.unit_cell.copy_inverted", mentions: ["not modelled"])
        expectSpecError(base + "    unit_cell: {kind: one_sided_unit_cell, refresh_update: {desired_bl: 0}}",
                        path: "hardware.analog.unit_cell.refresh_update.desired_bl", mentions: ["1..."])
        expectSpecError(base + "    unit_cell: {kind: one_sided_unit_cell, gamma_vec: [1, 1]}",
                        path: "hardware.analog.unit_cell.gamma_vec", mentions: ["vector_unit_cell", "refresh_every"])
    }
}
