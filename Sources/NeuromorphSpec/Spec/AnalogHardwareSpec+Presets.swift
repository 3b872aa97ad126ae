import NeuromorphAnalog
import NeuromorphCore

/// One of aihwkit's RPU-config presets (`aihwkit/simulator/presets/configs.py`) as a
/// `hardware.analog` section: the device, unit cell, forward/backward periphery and update
/// aihwkit's class of the same name sets. A spec names it with `hardware.analog.preset`;
/// keys given next to `preset` replace the preset's value of that key as a whole.
public struct AnalogAlgorithmPreset: Sendable {
    /// aihwkit's class name, e.g. `TTv2CapacitorPreset`.
    public let name: String
    /// One line: the cell and the parameters the preset sets.
    public let summary: String
    /// The section the preset stands for (`layers: all`, `max_tile_size: 512`).
    public let hardware: AnalogHardwareSpec
}

/// aihwkit's algorithm presets that map exactly onto Neuromorph's devices and unit cells,
/// and those that do not (with the reason). See docs/analog-training.md, "aihwkit presets".
///
/// aihwkit families and how they map:
/// - `<Device>Preset` (`SingleRPUConfig`): `unit_cell: single_device`.
/// - `<Device>2Preset`, `<Device>4Preset`: `VectorUnitCell` of 2 or 4 preset devices,
///   `SINGLE_RANDOM` → `vector_unit_cell` with `update_policy: single_random`.
/// - `TikiTaka<Device>Preset`: `TransferCompound` with `transfer_forward =
///   PresetIOParameters(noise_management=NONE, bound_management=NONE)`, `transfer_update =
///   PresetUpdateParameters()`, `units_in_mbatch = True` → `transfer_compound`.
/// - `TTv2<Device>Preset` and `ChoppedTTv2<Device>Preset`: aihwkit builds both from
///   `ChoppedTransferCompound` (TTv2 with `in_chop_prob = 0`) → `chopped_transfer_compound`
///   with the same `in_chop_prob`, `fast_lr`, `auto_scale`, `auto_granularity`,
///   `units_in_mbatch = False` and the single-pulse transfer update.
/// - `AGAD<Device>Preset`: `DynamicTransferCompound` → `dynamic_transfer_compound` with the
///   same `fast_lr`, `auto_granularity`, `tail_weightening`, `in_chop_prob`, `auto_scale` and
///   the single-pulse transfer update.
/// - The TT-family presets on ReRamSB set `subtract_symmetry_point: true` (`pulsed:`).
/// - `MixedPrecision<Device>Preset` (`DigitalRankUpdateRPUConfig`): `MixedPrecisionCompound`
///   with its defaults → `mixed_precision`.
/// All use `PresetIOParameters` forward and backward (``IOParameters/aihwkitPreset``) and
/// `PresetUpdateParameters` (``PulsedUpdateParameters/aihwkitPreset(desiredBL:)``).
public enum AnalogPresets {
    /// The devices of the presets: aihwkit's name part and our registered device name.
    static let devices: [(part: String, device: String)] = [
        ("ReRamES", "reram_es"), ("ReRamSB", "reram_sb"),
        ("Capacitor", "capacitor"), ("EcRam", "ecram"), ("EcRamMO", "ecram_mo"),
        ("Idealized", "idealized"), ("GokmenVlasov", "gokmen_vlasov"),
    ]

    /// `pulsed: {subtract_symmetry_point: true}`: aihwkit's TT-family presets build ReRamSB as
    /// `ReRamSBPresetDevice(subtract_symmetry_point=True)`.
    static func transferPulsed(_ device: String) -> PulsedParameterOverrides {
        var p = PulsedParameterOverrides()
        if device == "reram_sb" { p.values["subtract_symmetry_point"] = 1 }
        return p
    }

    static func section(_ device: String, _ cell: UnitCellSpec, desiredBL: Int = 31,
                        pulsed: PulsedParameterOverrides = PulsedParameterOverrides()) -> AnalogHardwareSpec {
        // Registered names only (AihwkitDevicePresets.names), so the choice always exists.
        let choice = AnalogDeviceChoice.allCases.first { $0.rawValue == device } ?? .constantStep
        return AnalogHardwareSpec(device: choice, pulsed: pulsed, unitCell: cell, forward: .aihwkitPreset, backward: .aihwkitPreset,
                                  update: .aihwkitPreset(desiredBL: desiredBL))
    }

    static func tikiTaka() -> TransferCompoundParameters {
        var p = TransferCompoundParameters()
        p.transferForward = .aihwkitPresetTransfer
        p.transferUpdate = .aihwkitPreset()
        p.unitsInMiniBatch = true
        return p
    }

    /// The single-pulse transfer update of the TTv2/c-TTv2/AGAD presets.
    static var singlePulseTransfer: PulsedUpdateParameters {
        var update = PulsedUpdateParameters.aihwkitPreset(desiredBL: 1)
        update.bitLengthManagement = false
        update.updateManagement = false
        return update
    }

    static func chopped(inChop: Float, fastLR: Float?, autoGranularity: Float) -> ChoppedTransferCompoundParameters {
        var p = ChoppedTransferCompoundParameters()
        p.transfer.transferForward = .aihwkitPresetTransfer
        p.transfer.transferUpdate = singlePulseTransfer
        p.transfer.unitsInMiniBatch = false
        if let fastLR { p.transfer.fastLR = fastLR }
        p.inChopProbability = inChop
        p.autoScale = true
        p.autoGranularity = autoGranularity
        return p
    }

    /// Per-device values of aihwkit's `presets/configs.py` (ReRamES, ReRamSB, Capacitor,
    /// EcRam, EcRamMO, Idealized): TTv2 and c-TTv2 `fast_lr` (`nil`: not set, 1.0 — aihwkit's
    /// `ChoppedTTv2EcRamPreset` omits it, note §2.3), `auto_granularity`, `in_chop_prob`, and
    /// the SGD update's `desired_bl`.
    static let ttv2Values: [String: (fastLR: Float, choppedFastLR: Float?, granularity: Float, inChop: Float, bl: Int)] = [
        "ReRamES": (0.5, 0.5, 1000, 0.01, 31), "ReRamSB": (0.5, 0.5, 1000, 0.01, 31),
        "Capacitor": (0.1, 0.1, 1000, 0.01, 31), "EcRam": (0.1, nil, 500, 0.01, 100),
        "EcRamMO": (0.1, 0.1, 500, 0.001, 100), "Idealized": (0.1, 0.1, 500, 0.001, 100),
    ]

    /// Every preset that maps exactly, in aihwkit's order (single, 2- and 4-device vector
    /// cells, Tiki-Taka, TTv2, chopped TTv2, AGAD, mixed precision).
    public static let all: [AnalogAlgorithmPreset] = {
        var presets: [AnalogAlgorithmPreset] = []
        for (part, device) in devices {
            presets.append(AnalogAlgorithmPreset(name: "\(part)Preset", summary: "single_device on \(device); analog SGD",
                                                 hardware: section(device, .singleDevice)))
        }
        presets.append(pcmPreset)
        presets += vectorPresets
        let transferDevices = devices.filter { $0.part != "GokmenVlasov" }
        for (part, device) in transferDevices {
            let sp = device == "reram_sb" ? ", subtract_symmetry_point" : ""
            presets.append(AnalogAlgorithmPreset(
                name: "TikiTaka\(part)Preset", summary: "transfer_compound on \(device)\(sp) (units_in_mbatch, transfer read without NM/BM)",
                hardware: section(device, .transferCompound(tikiTaka(), slow: nil), pulsed: transferPulsed(device))))
        }
        for (part, device) in transferDevices {
            guard let v = ttv2Values[part] else { continue }
            let sp = device == "reram_sb" ? ", subtract_symmetry_point" : ""
            presets.append(AnalogAlgorithmPreset(
                name: "TTv2\(part)Preset",
                summary: "chopped_transfer_compound on \(device)\(sp), in_chop_prob 0, fast_lr \(v.fastLR), auto_scale, auto_granularity \(Int(v.granularity))",
                hardware: section(device, .choppedTransferCompound(chopped(inChop: 0, fastLR: v.fastLR, autoGranularity: v.granularity), slow: nil),
                                  desiredBL: v.bl, pulsed: transferPulsed(device))))
        }
        for (part, device) in transferDevices {
            guard let v = ttv2Values[part] else { continue }
            let sp = device == "reram_sb" ? ", subtract_symmetry_point" : ""
            presets.append(AnalogAlgorithmPreset(
                name: "ChoppedTTv2\(part)Preset",
                summary: "chopped_transfer_compound on \(device)\(sp), in_chop_prob \(v.inChop), fast_lr \(v.choppedFastLR ?? 1), auto_scale, auto_granularity \(Int(v.granularity))",
                hardware: section(device, .choppedTransferCompound(chopped(inChop: v.inChop, fastLR: v.choppedFastLR, autoGranularity: v.granularity),
                                                                   slow: nil),
                                  desiredBL: v.bl, pulsed: transferPulsed(device))))
        }
        presets += agadPresets
        for (part, device) in devices {
            presets.append(AnalogAlgorithmPreset(
                name: "MixedPrecision\(part)Preset", summary: "mixed_precision on \(device) (MixedPrecisionCompound defaults)",
                hardware: section(device, .mixedPrecision(MixedPrecisionCompoundParameters()))))
        }
        presets.append(mixedPrecisionPCMPreset)
        return presets
    }()

    /// aihwkit presets with no exact counterpart here, and why (none since the PCM presets).
    public static let unavailable: [(name: String, reason: String)] = []

    /// The preset named `name` (aihwkit's class name), if it maps exactly.
    public static func named(_ name: String) -> AnalogAlgorithmPreset? {
        all.first { $0.name == name }
    }

    /// The section of preset `name`, or a ``SpecError`` at `path` that says why it is not
    /// available and lists the ones that are.
    public static func hardware(named name: String, path: String) throws -> AnalogHardwareSpec {
        if let preset = named(name) { return preset.hardware }
        let known = "expected one of: " + all.map(\.name).joined(separator: ", ")
        if let missing = unavailable.first(where: { $0.name == name }) {
            throw SpecError(path: path, "aihwkit preset '\(name)' is not available: \(missing.reason); \(known)")
        }
        throw SpecError(path: path, "'\(name)' is not an aihwkit preset; \(known)")
    }

    /// One line per device preset, algorithm preset and unavailable preset (for
    /// `neuromorph presets --analog`).
    public static var listing: [String] {
        var lines = ["device presets (hardware.analog.device):"]
        for (name, aihwkit) in AihwkitDevicePresets.names {
            let summary = DeviceRegistry.entry(named: name)?.summary ?? aihwkit
            lines.append("  \(name) = \(aihwkit)  \(summary)")
        }
        lines.append("algorithm presets (hardware.analog.preset; PresetIOParameters forward/backward, PresetUpdateParameters):")
        for preset in all {
            lines.append("  \(preset.name)  \(preset.summary), desired_bl \(preset.hardware.update.desiredBL)")
        }
        lines.append("not available (no exact counterpart):")
        for (name, reason) in AihwkitDevicePresets.unavailable + unavailable.map({ (aihwkit: $0.name, reason: $0.reason) }) {
            lines.append("  \(name)  \(reason)")
        }
        return lines
    }
}

extension AnalogPresets {
    /// Per-device values of aihwkit's `AGAD<Device>Preset` (ReRamES, ReRamSB, Capacitor, EcRam,
    /// EcRamMO, Idealized): `fast_lr`, `auto_granularity`, `tail_weightening`, `in_chop_prob`
    /// and the SGD update's `desired_bl`.
    static let agadValues: [String: (fastLR: Float, granularity: Float, tail: Float, inChop: Float, bl: Int)] = [
        "ReRamES": (0.5, 1000, 5, 0.02, 31), "ReRamSB": (0.5, 1000, 5, 0.02, 31),
        "Capacitor": (0.1, 1000, 20, 0.01, 31), "EcRam": (0.1, 750, 50, 0.005, 31),
        "EcRamMO": (0.1, 500, 50, 0.005, 100), "Idealized": (0.1, 500, 50, 0.005, 100),
    ]

    /// aihwkit's `AGAD<Device>Preset`s: `DynamicTransferCompound` with the single-pulse transfer
    /// update, `auto_scale` and the values of ``agadValues``.
    static var agadPresets: [AnalogAlgorithmPreset] {
        devices.compactMap { part, device in
            guard let v = agadValues[part] else { return nil }
            var p = DynamicTransferCompoundParameters()
            p.chopped.transfer.transferForward = .aihwkitPresetTransfer
            p.chopped.transfer.transferUpdate = singlePulseTransfer
            p.chopped.transfer.unitsInMiniBatch = false
            p.chopped.transfer.fastLR = v.fastLR
            p.chopped.autoGranularity = v.granularity
            p.chopped.inChopProbability = v.inChop
            p.chopped.autoScale = true
            p.tailWeightening = v.tail
            let sp = device == "reram_sb" ? ", subtract_symmetry_point" : ""
            return AnalogAlgorithmPreset(
                name: "AGAD\(part)Preset",
                summary: "dynamic_transfer_compound on \(device)\(sp), in_chop_prob \(v.inChop), fast_lr \(v.fastLR), tail_weightening \(Int(v.tail)), auto_scale, auto_granularity \(Int(v.granularity))",
                hardware: section(device, .dynamicTransferCompound(p, slow: nil), desiredBL: v.bl, pulsed: transferPulsed(device)))
        }
    }
}

extension AnalogPresets {
    /// aihwkit's `<Device>2Preset` and `<Device>4Preset` (ReRamES, ReRamSB, Capacitor, EcRam,
    /// EcRamMO, Idealized): `VectorUnitCell` of 2 or 4 devices of the preset device with
    /// `update_policy = SINGLE_RANDOM`, the default `gamma_vec` (1/n each) and
    /// `PresetUpdateParameters` (`desired_bl` 31). The ReRamSB device is plain
    /// `ReRamSBPresetDevice()` here (no symmetry-point subtraction, unlike the TT family).
    static var vectorPresets: [AnalogAlgorithmPreset] {
        [2, 4].flatMap { n in
            devices.filter { $0.part != "GokmenVlasov" }.map { part, device in
                var p = VectorUnitCellParameters()
                p.devices = n
                p.updatePolicy = .singleRandom
                return AnalogAlgorithmPreset(name: "\(part)\(n)Preset",
                                             summary: "vector_unit_cell of \(n) × \(device), update_policy single_random, gamma_vec 1/\(n) each",
                                             hardware: section(device, .vector(p)))
            }
        }
    }
}

extension AnalogPresets {
    /// aihwkit's `PCMPresetUnitCell` (`presets/compounds.py`): a `OneSidedUnitCell` of two
    /// `PCMPresetDevice`s with `refresh_every = 1`, `units_in_mbatch = True`,
    /// `refresh_forward = PresetIOParameters()` and `refresh_update =
    /// PresetUpdateParameters(desired_bl=31)`; the thresholds keep their defaults (0.75, 0.25).
    static var pcmUnitCell: OneSidedUnitCellParameters {
        var p = OneSidedUnitCellParameters()
        p.refreshEvery = 1
        p.unitsInMbatch = true
        p.refreshForward = .aihwkitPreset
        p.refreshUpdate = .aihwkitPreset(desiredBL: 31)
        return p
    }

    /// aihwkit's `PCMPreset` (`UnitCellRPUConfig` with `PCMPresetUnitCell`, `PresetIOParameters`
    /// forward and backward, `PresetUpdateParameters`).
    static var pcmPreset: AnalogAlgorithmPreset {
        AnalogAlgorithmPreset(name: "PCMPreset",
                              summary: "one_sided_unit_cell of 2 × pcm (PCMPresetUnitCell): refresh_every 1 (units_in_mbatch), "
                                + "refresh_forward PresetIOParameters, refresh_update desired_bl 31; analog SGD",
                              hardware: section("pcm", .oneSided(pcmUnitCell)))
    }

    /// aihwkit's `MixedPrecisionPCMPreset` (`DigitalRankUpdateRPUConfig` with
    /// `MixedPrecisionCompound(device=PCMPresetUnitCell())`): the digital χ is written onto a
    /// one-sided PCM pair with refresh.
    static var mixedPrecisionPCMPreset: AnalogAlgorithmPreset {
        AnalogAlgorithmPreset(name: "MixedPrecisionPCMPreset",
                              summary: "mixed_precision (MixedPrecisionCompound defaults) on a one_sided_unit_cell of 2 × pcm (PCMPresetUnitCell)",
                              hardware: section("pcm", .mixedPrecision(MixedPrecisionCompoundParameters(), oneSided: pcmUnitCell)))
    }
}
