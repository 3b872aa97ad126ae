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

    // The example of docs/analog-training.md ("One-sided pair with refresh") builds, and a few
    // updates of its layer fire refreshes on the one-sided [0, 1] conductances.
    @Test func theDocsExampleBuildsAndRefreshes() throws {
        let spec = try SpecLoader.parse(minimalYAML + """

            hardware:
              analog:
                device: constant_step
                pulsed: {w_min: 0, w_max: 1, reset: 0, reset_std: 0.01}
                unit_cell: {kind: one_sided_unit_cell, refresh_every: 1, refresh_forward: {out_noise: 0.0}}
            """, format: .yaml)
        let analog = try #require(spec.hardware.analog)
        var g = SeededGenerator(seed: 3)
        var cell = try OneSidedUnitCellConfiguration(device: ConstantStepDevice(pulsed: {
            var p = PulsedDeviceParameters(); p.wMin = 0; p.wMax = 1; p.reset = 0; p.resetStd = 0.01; return p
        }()), parameters: { guard case .oneSided(let p) = analog.unitCell else { return OneSidedUnitCellParameters() }; return p }())
            .makeCell(outputs: 8, inputs: 4, forwardIO: .perfect, backwardIO: .perfect, update: PulsedUpdateParameters(), generator: &g)
        #expect(try analog.linear(4, 8, bias: false, generator: &g) is AnalogLinear<OneSidedUnitCell<ConstantStepDeviceArray>>)
        var data = SeededGenerator(seed: 4)
        for _ in 0..<40 {
            let x = Tensor.randomUniform([2, 4], lower: -1, upper: 1, using: &data)
            cell.update(x: x, d: Tensor.randomNormal([2, 8], std: 1, using: &data), rates: LearningRates(sgd: 0.2))
        }
        #expect(cell.refreshCount > 0)
        #expect(cell.arrays.allSatisfy { $0.weights.scalars.allSatisfy { $0 >= 0 && $0 <= 1.5 } })
    }

    // `copy_inverted: true` (aihwkit OneSidedUnitCell.copy_inverted) builds g⁺ as g⁻'s devices
    // mirrored, both as the unit cell and as mixed precision's analog part
    // (`device: {kind: one_sided_unit_cell, copy_inverted: true, …}`), and round-trips.
    @Test func copyInvertedBuildsAMirroredPair() throws {
        let spec = try SpecLoader.parse(base + "    unit_cell: {kind: one_sided_unit_cell, copy_inverted: true, refresh_every: 2}",
                                        format: .yaml)
        let analog = try #require(spec.hardware.analog)
        guard case .oneSided(let p) = analog.unitCell else { Issue.record("\(analog.unitCell)"); return }
        #expect(p.copyInverted && p.refreshEvery == 2)
        #expect(try SpecLoader.parse(try SpecLoader.yaml(spec), format: .yaml) == spec)
        var g = SeededGenerator(seed: 1)
        let layer = try #require(try analog.linear(4, 3, bias: false, generator: &g) as? AnalogLinear<OneSidedUnitCell<ConstantStepDeviceArray>>)
        func isMirrored(_ arrays: [CrossbarArray<some PulsedDeviceArray>]) -> Bool {
            let minus = arrays[0].sampledParameters, plus = arrays[1].sampledParameters
            return plus["dw_min_up"] == minus["dw_min_down"] && plus["dw_min_down"] == minus["dw_min_up"]
                && plus["w_max"] == minus["w_min"]?.map { 0 - $0 } && plus["w_min"] == minus["w_max"]?.map { 0 - $0 }
        }
        #expect(isMirrored(layer.tiles[0][0].arrays))

        let mixed = try SpecLoader.parse(minimalYAML + """

            hardware:
              analog:
                device: pcm
                unit_cell:
                  kind: mixed_precision
                  device: {kind: one_sided_unit_cell, copy_inverted: true, refresh_every: 1}
            """, format: .yaml)
        let mp = try #require(mixed.hardware.analog)
        guard case .mixedPrecision(_, let pair?) = mp.unitCell else { Issue.record("\(mp.unitCell)"); return }
        #expect(pair.copyInverted)
        let mpLayer = try #require(try mp.linear(4, 3, bias: false, generator: &g)
            as? AnalogLinear<MixedPrecisionCompound<OneSidedUnitCell<ExpStepComplexNoiseDeviceArray>>>)
        #expect(isMirrored(mpLayer.tiles[0][0].array.arrays))
    }

    @Test func badValuesNameTheKeyPath() {
        expectSpecError(base + "    unit_cell: {kind: one_sided_unit_cell, refresh_every: -2}",
                        path: "hardware.analog.unit_cell.refresh_every", mentions: ["≥ 0"])
        expectSpecError(base + "    unit_cell: {kind: one_sided_unit_cell, refresh_lower_thres: 0.9}",
                        path: "hardware.analog.unit_cell.refresh_lower_thres", mentions: ["refresh_upper_thres"])
        expectSpecError(base + "    unit_cell: {kind: one_sided_unit_cell, refresh_update: {desired_bl: 0}}",
                        path: "hardware.analog.unit_cell.refresh_update.desired_bl", mentions: ["1..."])
        expectSpecError(base + "    unit_cell: {kind: one_sided_unit_cell, gamma_vec: [1, 1]}",
                        path: "hardware.analog.unit_cell.gamma_vec", mentions: ["vector_unit_cell", "refresh_every"])
    }
}
