import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN
@testable import NeuromorphSpec

/// `unit_cell: {kind: dynamic_transfer_compound, …}` (AGAD) and the device keys the ReRAM
/// presets need (`write_noise_std`, `reference_mean`, `reference_std`, `subtract_symmetry_point`).
@Suite struct DynamicTransferSpecTests {
    let base = minimalYAML + "\nhardware:\n  analog:\n    device: constant_step\n"

    @Test func agadDecodesWithAihwkitNamesAndRoundTrips() throws {
        let spec = try SpecLoader.parse(base + """
                unit_cell:
                  kind: dynamic_transfer_compound
                  in_chop_prob: 0.05
                  tail_weightening: 10
                  buffer_cap: 2
                  forget_buffer: false
                  auto_scale: true
            """, format: .yaml)
        let analog = try #require(spec.hardware.analog)
        guard case .dynamicTransferCompound(let p, nil) = analog.unitCell else { Issue.record("\(analog.unitCell)"); return }
        #expect(p.chopped.inChopProbability == 0.05 && p.tailWeightening == 10 && p.bufferCap == 2 && !p.chopped.forgetBuffer)
        #expect(!p.chopped.inChopRandom && p.chopped.autoScale)    // AGAD's default: regular choppers
        #expect(try SpecLoader.parse(try SpecLoader.yaml(spec), format: .yaml) == spec)
        var g = SeededGenerator(seed: 1)
        let layer = try analog.linear(4, 3, bias: true, generator: &g)
        #expect(layer.summary.contains("DynamicTransferCompound"))
        let short = try #require(try SpecLoader.parse(base + "    unit_cell: dynamic_transfer_compound", format: .yaml).hardware.analog)
        #expect(short.unitCell == .dynamicTransferCompound(DynamicTransferCompoundParameters(), slow: nil))
    }

    @Test func agadKeyErrorsNameThePath() {
        expectSpecError(base + "    unit_cell: {kind: dynamic_transfer_compound, tail_weighting: 5}",
                        path: "hardware.analog.unit_cell.tail_weighting", mentions: ["unknown key", "tail_weightening"])
        expectSpecError(base + "    unit_cell: {kind: dynamic_transfer_compound, in_chop_prob: 0}",
                        path: "hardware.analog.unit_cell.in_chop_prob", mentions: ["> 0"])
        expectSpecError(base + "    unit_cell: {kind: dynamic_transfer_compound, tail_weightening: -1}",
                        path: "hardware.analog.unit_cell.tail_weightening", mentions: ["> 0"])
        expectSpecError(base + "    unit_cell: {kind: chopped_transfer_compound, buffer_cap: 1}",
                        path: "hardware.analog.unit_cell.buffer_cap", mentions: ["dynamic_transfer_compound"])
    }

    @Test func reramDeviceKeys() throws {
        let root = minimalYAML + "\nhardware:\n  analog:\n"
        let sb = try #require(try SpecLoader.parse(root + "    device: reram_sb\n    pulsed: {subtract_symmetry_point: true, reference_std: 0.05}\n",
                                                   format: .yaml).hardware.analog)
        let config = try #require(try sb.deviceConfiguration as? WriteNoiseDevice<SoftBoundsReferenceDevice>)
        #expect(config.base.subtractSymmetryPoint && config.base.referenceStd == 0.05 && config.writeNoiseStd == 56)
        let quiet = try #require(try SpecLoader.parse(root + "    device: reram_es\n    pulsed: {write_noise_std: 0}\n", format: .yaml).hardware.analog)
        #expect(try quiet.deviceConfiguration is ExpStepDevice)
        let noisy = try #require(try SpecLoader.parse(root + "    device: constant_step\n    pulsed: {write_noise_std: 2}\n", format: .yaml).hardware.analog)
        #expect((try noisy.deviceConfiguration as? WriteNoiseDevice<ConstantStepDevice>)?.writeNoiseStd == 2)
        #expect(try SpecLoader.parse(try SpecLoader.yaml(try SpecLoader.parse(root + "    device: reram_sb\n    pulsed: {subtract_symmetry_point: true}\n",
                                                                              format: .yaml)), format: .yaml).hardware.analog == sb.with { $0.pulsed.values = ["subtract_symmetry_point": 1] })
        expectSpecError(root + "    device: constant_step\n    pulsed: {subtract_symmetry_point: true}\n",
                        path: "hardware.analog.pulsed.subtract_symmetry_point", mentions: ["SoftBoundsReferenceDevice", "no model keys"])
        expectSpecError(root + "    device: reram_sb\n    pulsed: {write_noise_std: -1}\n",
                        path: "hardware.analog.pulsed.write_noise_std", mentions: ["≥ 0"])
        expectSpecError(root + "    device: reram_sb\n    pulsed: {reference_std: .nan}\n",
                        path: "hardware.analog.pulsed.reference_std", mentions: ["≥ 0"])
    }
}

extension AnalogHardwareSpec {
    func with(_ change: (inout AnalogHardwareSpec) -> Void) -> AnalogHardwareSpec {
        var copy = self
        change(&copy)
        return copy
    }
}
