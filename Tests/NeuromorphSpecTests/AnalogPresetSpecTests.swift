import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN
@testable import NeuromorphSpec

/// `hardware.analog.preset`: aihwkit's algorithm presets (`src/aihwkit/simulator/presets/configs.py`,
/// IBM/aihwkit main) by name (docs/analog-training.md, "aihwkit presets").
@Suite(.exclusiveComputeThreads, .serialized) struct AnalogPresetSpecTests {
    static func yaml(_ analog: String) -> String { minimalYAML + "\nhardware:\n  analog:\n" + analog }

    static func cellName(_ kind: UnitCellSpec.Kind) -> String {
        switch kind {
        case .singleDevice: "SingleDevice"
        case .transferCompound: "TransferCompound"
        case .choppedTransferCompound: "ChoppedTransferCompound"
        case .dynamicTransferCompound: "DynamicTransferCompound"
        case .mixedPrecision: "MixedPrecisionCompound"
        case .vector: "VectorUnitCell"
        case .oneSided: "OneSidedUnitCell"
        default: "?"
        }
    }

    // Every preset parses by name, round-trips, uses PresetIOParameters forward and backward,
    // and builds a layer with aihwkit's cell: <Device>Preset → single device,
    // TikiTaka* → TransferCompound, TTv2*/ChoppedTTv2* → ChoppedTransferCompound (aihwkit
    // builds both from ChoppedTransferCompound), MixedPrecision* → MixedPrecisionCompound,
    // PCMPreset → OneSidedUnitCell.
    @Test func everyPresetBuildsItsCell() throws {
        // 7 single + PCMPreset + 6 each of *2, *4, TikiTaka, TTv2, ChoppedTTv2, AGAD + 8 MixedPrecision
        #expect(AnalogPresets.all.count == 52)
        for preset in AnalogPresets.all {
            let spec = try SpecLoader.parse(Self.yaml("    preset: \(preset.name)\n"), format: .yaml)
            let analog = try #require(spec.hardware.analog)
            #expect(analog.preset == preset.name)
            #expect(analog.forward == .aihwkitPreset && analog.backward == .aihwkitPreset, "\(preset.name)")
            #expect(try SpecLoader.parse(try SpecLoader.yaml(spec), format: .yaml) == spec, "\(preset.name) round trip")
            let expected: UnitCellSpec.Kind =
                preset.name.hasPrefix("TikiTaka") ? .transferCompound
                : preset.name.hasPrefix("TTv2") || preset.name.hasPrefix("ChoppedTTv2") ? .choppedTransferCompound
                : preset.name.hasPrefix("AGAD") ? .dynamicTransferCompound
                : preset.name.hasPrefix("MixedPrecision") ? .mixedPrecision
                : preset.name == "PCMPreset" ? .oneSided
                : preset.name.hasSuffix("2Preset") || preset.name.hasSuffix("4Preset") ? .vector : .singleDevice
            #expect(analog.unitCell.kind == expected, "\(preset.name)")
            var g = SeededGenerator(seed: 1)
            let layer = try analog.linear(4, 3, bias: true, generator: &g)
            #expect(layer.summary.contains(Self.cellName(expected)), "\(preset.name): \(layer.summary)")
        }
    }

    // configs.py values: TikiTakaCapacitorPreset, TTv2CapacitorPreset, ChoppedTTv2CapacitorPreset,
    // MixedPrecisionGokmenVlasovPreset (consistency checks).
    @Test func presetValuesAreAihwkits() throws {
        let tt = try #require(AnalogPresets.named("TikiTakaCapacitorPreset")).hardware
        #expect(tt.device.rawValue == "capacitor" && tt.update == .aihwkitPreset())
        guard case .transferCompound(let t, nil) = tt.unitCell else { Issue.record("\(tt.unitCell)"); return }
        #expect(t.unitsInMiniBatch && t.transferEvery == 1 && t.gamma == 0 && t.fastLR == 1)
        #expect(t.transferForward == .aihwkitPresetTransfer && t.transferUpdate == .aihwkitPreset())

        let v2 = try #require(AnalogPresets.named("TTv2CapacitorPreset")).hardware
        #expect(v2.update.desiredBL == 31)
        guard case .choppedTransferCompound(let c, nil) = v2.unitCell else { Issue.record("\(v2.unitCell)"); return }
        #expect(c.inChopProbability == 0 && c.transfer.fastLR == 0.1 && c.autoScale && c.autoGranularity == 1000)
        #expect(!c.transfer.unitsInMiniBatch && c.transfer.transferForward == .aihwkitPresetTransfer)
        #expect(c.transfer.transferUpdate.desiredBL == 1 && !c.transfer.transferUpdate.bitLengthManagement
                && !c.transfer.transferUpdate.updateManagement)

        let chopped = try #require(AnalogPresets.named("ChoppedTTv2CapacitorPreset")).hardware
        guard case .choppedTransferCompound(let cc, nil) = chopped.unitCell else { Issue.record("\(chopped.unitCell)"); return }
        #expect(cc.inChopProbability == 0.01 && cc.transfer.fastLR == 0.1 && cc.autoGranularity == 1000)

        // configs.py: the TT family on ReRamSB uses ReRamSBPresetDevice(subtract_symmetry_point=True);
        // EcRamMO/Idealized TTv2 and AGAD updates use desired_bl 100; ChoppedTTv2EcRamPreset
        // leaves fast_lr at 1.0 (note §2.3); AGAD values per device.
        let sb = try #require(AnalogPresets.named("TTv2ReRamSBPreset")).hardware
        #expect(sb.device.rawValue == "reram_sb" && sb.pulsed.values["subtract_symmetry_point"] == 1 && sb.update.desiredBL == 31)
        #expect(try #require(AnalogPresets.named("ReRamSBPreset")).hardware.pulsed.isEmpty)
        #expect(try #require(AnalogPresets.named("MixedPrecisionReRamSBPreset")).hardware.pulsed.isEmpty)
        #expect(try #require(AnalogPresets.named("TTv2IdealizedPreset")).hardware.update.desiredBL == 100)
        let ec = try #require(AnalogPresets.named("ChoppedTTv2EcRamPreset")).hardware
        guard case .choppedTransferCompound(let e, nil) = ec.unitCell else { Issue.record("\(ec.unitCell)"); return }
        #expect(e.transfer.fastLR == 1 && e.autoGranularity == 500 && e.inChopProbability == 0.01 && ec.update.desiredBL == 100)
        let agad = try #require(AnalogPresets.named("AGADEcRamPreset")).hardware
        guard case .dynamicTransferCompound(let a, nil) = agad.unitCell else { Issue.record("\(agad.unitCell)"); return }
        #expect(a.chopped.transfer.fastLR == 0.1 && a.chopped.autoGranularity == 750 && a.tailWeightening == 50
                && a.chopped.inChopProbability == 0.005 && a.chopped.autoScale && !a.chopped.inChopRandom && agad.update.desiredBL == 31)
        #expect(try #require(AnalogPresets.named("AGADIdealizedPreset")).hardware.update.desiredBL == 100)

        // Through the spec: the preset's `pulsed` reaches the device, and `pulsed:` next to the
        // preset merges over it.
        let parsed = try #require(try SpecLoader.parse(Self.yaml("    preset: AGADReRamSBPreset\n    pulsed: {dw_min: 0.001}\n"),
                                                       format: .yaml).hardware.analog)
        let device = try #require(try parsed.deviceConfiguration as? WriteNoiseDevice<SoftBoundsReferenceDevice>)
        #expect(device.base.subtractSymmetryPoint && device.base.pulsed.dwMin == 0.001 && device.writeNoiseStd == 56)

        // configs.py: ReRamES2Preset … Idealized4Preset are VectorUnitCell(unit_cell_devices = n ×
        // <Device>PresetDevice(), update_policy = SINGLE_RANDOM) with the default gamma_vec and
        // PresetUpdateParameters; the ReRamSB device without symmetry-point subtraction.
        for n in [2, 4] {
            for (part, device) in [("ReRamES", "reram_es"), ("ReRamSB", "reram_sb"), ("Capacitor", "capacitor"),
                                   ("EcRam", "ecram"), ("EcRamMO", "ecram_mo"), ("Idealized", "idealized")] {
                let v = try #require(AnalogPresets.named("\(part)\(n)Preset"), "\(part)\(n)Preset").hardware
                guard case .vector(let p) = v.unitCell else { Issue.record("\(v.unitCell)"); return }
                #expect(v.device.rawValue == device && v.pulsed.isEmpty && v.update == .aihwkitPreset(), "\(part)\(n)Preset")
                #expect(p.devices == n && p.updatePolicy == .singleRandom && p.firstUpdateIndex == 0 && p.gammaVec.isEmpty
                        && p.gammas == [Float](repeating: 1 / Float(n), count: n), "\(part)\(n)Preset")
            }
        }
        #expect(AnalogPresets.named("GokmenVlasov2Preset") == nil)

        let mp = try #require(AnalogPresets.named("MixedPrecisionGokmenVlasovPreset")).hardware
        #expect(mp.device.rawValue == "gokmen_vlasov" && mp.unitCell == .mixedPrecision(MixedPrecisionCompoundParameters()))
    }

    // Keys next to `preset` replace the preset's value of that key as a whole.
    @Test func explicitKeysOverrideThePreset() throws {
        let spec = try SpecLoader.parse(Self.yaml("""
                    preset: TikiTakaEcRamPreset
                    device: constant_step
                    update: {desired_bl: 15}
                    max_tile_size: 64

            """), format: .yaml)
        let analog = try #require(spec.hardware.analog)
        #expect(analog.device == .constantStep && analog.update.desiredBL == 15 && analog.update.updateManagement)
        #expect(analog.unitCell.kind == .transferCompound && analog.forward == .aihwkitPreset && analog.maxTileSize == 64)
        #expect(try SpecLoader.parse(try SpecLoader.yaml(spec), format: .yaml) == spec)
        // A preset's device takes `pulsed:` overrides like a named device.
        let pulsed = try #require(try SpecLoader.parse(Self.yaml("    preset: IdealizedPreset\n    pulsed: {dw_min: 0.001}\n"),
                                                       format: .yaml).hardware.analog)
        #expect(try pulsed.device.configuration(pulsed.pulsed).nominalStep == 0.001)
    }

    @Test func unknownOrUnavailablePresetsErrorWithTheList() {
        expectSpecError(Self.yaml("    preset: TTv2CapcitorPreset\n"), path: "hardware.analog.preset",
                        mentions: ["not an aihwkit preset", "TTv2CapacitorPreset", "MixedPrecisionIdealizedPreset"])
        #expect(AnalogPresets.unavailable.isEmpty)
    }

    @Test func listingHasOneLinePerPreset() {
        let lines = AnalogPresets.listing
        for preset in AnalogPresets.all { #expect(lines.contains { $0.hasPrefix("  \(preset.name)  ") }, "\(preset.name)") }
        for (name, aihwkit) in AihwkitDevicePresets.names { #expect(lines.contains { $0.hasPrefix("  \(name) = \(aihwkit)") }) }
        #expect(lines.contains { $0.hasPrefix("  TTv2ReRamSBPreset  ") })
    }

    // Brief: "a small spec trains with one preset" — the blobs spec (8-3 MLP, 3 epochs) with
    // aihwkit's TikiTakaIdealizedPreset learns well above chance (1/3).
    @Test func aSmallSpecTrainsWithAPreset() throws {
        ComputeThreads.set(1)
        var spec = try SpecLoader.parse(Self.yaml("    preset: TikiTakaIdealizedPreset\n"), format: .yaml)
        spec.training.epochs = 3
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try ExperimentRunner.run(spec, output: folder, log: { _ in })
        let accuracy = results.finalTest.accuracy ?? 0
        #expect(accuracy > 0.75, "accuracy \(accuracy)")
        print("TikiTakaIdealizedPreset blobs accuracy", accuracy)
    }

    // results.json gets per-epoch transfer statistics for transfer cells (AGAD preset with its
    // desired_bl 100 update): one transfer read per sample and tile (transfer_every 1,
    // units_in_mbatch false), so every epoch reads the same number of slices; A receives
    // pulses. A single-device run has none.
    @Test func resultsCarryTransferStatisticsPerEpoch() throws {
        ComputeThreads.set(1)
        var spec = try SpecLoader.parse(Self.yaml("    preset: AGADIdealizedPreset\n"), format: .yaml)
        spec.training.epochs = 2
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try ExperimentRunner.run(spec, output: folder, log: { _ in })
        let records = try #require(results.transferStatistics)
        #expect(records.map(\.epoch) == [1, 2])
        #expect(records[0].transferReads > 0 && records[0].transferReads == records[1].transferReads, "\(records)")
        #expect(records.allSatisfy { $0.fastPulses > 0 && $0.chopperFlips > 0 }, "\(records)")
        let json = try String(contentsOf: folder.appendingPathComponent("results.json"), encoding: .utf8)
        #expect(json.contains("\"transferStatistics\"") && json.contains("\"threshold_crossings\""))
        var single = try SpecLoader.parse(Self.yaml("    preset: IdealizedPreset\n"), format: .yaml)
        single.training.epochs = 1
        #expect(try ExperimentRunner.run(single, output: nil, log: { _ in }).transferStatistics == nil)
    }
}
