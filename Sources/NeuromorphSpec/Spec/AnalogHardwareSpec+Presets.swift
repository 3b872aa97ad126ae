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
/// - `TikiTaka<Device>Preset`: `TransferCompound` with `transfer_forward =
///   PresetIOParameters(noise_management=NONE, bound_management=NONE)`, `transfer_update =
///   PresetUpdateParameters()`, `units_in_mbatch = True` → `transfer_compound`.
/// - `TTv2<Device>Preset` and `ChoppedTTv2<Device>Preset`: aihwkit builds both from
///   `ChoppedTransferCompound` (TTv2 with `in_chop_prob = 0`) → `chopped_transfer_compound`
///   with the same `in_chop_prob`, `fast_lr`, `auto_scale`, `auto_granularity`,
///   `units_in_mbatch = False` and the single-pulse transfer update.
/// - `MixedPrecision<Device>Preset` (`DigitalRankUpdateRPUConfig`): `MixedPrecisionCompound`
///   with its defaults → `mixed_precision`.
/// All use `PresetIOParameters` forward and backward (``IOParameters/aihwkitPreset``) and
/// `PresetUpdateParameters` (``PulsedUpdateParameters/aihwkitPreset(desiredBL:)``).
public enum AnalogPresets {
    /// The devices of the presets: aihwkit's name part and our registered device name.
    static let devices: [(part: String, device: String)] = [
        ("Capacitor", "capacitor"), ("EcRam", "ecram"), ("EcRamMO", "ecram_mo"),
        ("Idealized", "idealized"), ("GokmenVlasov", "gokmen_vlasov"),
    ]

    static func section(_ device: String, _ cell: UnitCellSpec, desiredBL: Int = 31) -> AnalogHardwareSpec {
        // Registered names only (AihwkitDevicePresets.names), so the choice always exists.
        let choice = AnalogDeviceChoice.allCases.first { $0.rawValue == device } ?? .constantStep
        return AnalogHardwareSpec(device: choice, unitCell: cell, forward: .aihwkitPreset, backward: .aihwkitPreset,
                                  update: .aihwkitPreset(desiredBL: desiredBL))
    }

    static func tikiTaka() -> TransferCompoundParameters {
        var p = TransferCompoundParameters()
        p.transferForward = .aihwkitPresetTransfer
        p.transferUpdate = .aihwkitPreset()
        p.unitsInMiniBatch = true
        return p
    }

    static func chopped(inChop: Float, fastLR: Float?, autoGranularity: Float) -> ChoppedTransferCompoundParameters {
        var p = ChoppedTransferCompoundParameters()
        p.transfer.transferForward = .aihwkitPresetTransfer
        var update = PulsedUpdateParameters.aihwkitPreset(desiredBL: 1)
        update.bitLengthManagement = false
        update.updateManagement = false
        p.transfer.transferUpdate = update
        p.transfer.unitsInMiniBatch = false
        if let fastLR { p.transfer.fastLR = fastLR }
        p.inChopProbability = inChop
        p.autoScale = true
        p.autoGranularity = autoGranularity
        return p
    }

    /// Every preset that maps exactly, in aihwkit's order (single, Tiki-Taka, TTv2,
    /// chopped TTv2, mixed precision).
    public static let all: [AnalogAlgorithmPreset] = {
        var presets: [AnalogAlgorithmPreset] = []
        for (part, device) in devices {
            presets.append(AnalogAlgorithmPreset(name: "\(part)Preset", summary: "single_device on \(device); analog SGD",
                                                 hardware: section(device, .singleDevice)))
        }
        for (part, device) in devices where part != "GokmenVlasov" {
            presets.append(AnalogAlgorithmPreset(
                name: "TikiTaka\(part)Preset", summary: "transfer_compound on \(device) (units_in_mbatch, transfer read without NM/BM)",
                hardware: section(device, .transferCompound(tikiTaka(), slow: nil))))
        }
        // configs.py: TTv2/ChoppedTTv2 Capacitor use fast_lr 0.1, auto_granularity 1000, desired_bl 31.
        presets.append(AnalogAlgorithmPreset(
            name: "TTv2CapacitorPreset", summary: "chopped_transfer_compound on capacitor, in_chop_prob 0, fast_lr 0.1, auto_scale, auto_granularity 1000",
            hardware: section("capacitor", .choppedTransferCompound(chopped(inChop: 0, fastLR: 0.1, autoGranularity: 1000), slow: nil))))
        presets.append(AnalogAlgorithmPreset(
            name: "ChoppedTTv2CapacitorPreset", summary: "chopped_transfer_compound on capacitor, in_chop_prob 0.01, fast_lr 0.1, auto_scale, auto_granularity 1000",
            hardware: section("capacitor", .choppedTransferCompound(chopped(inChop: 0.01, fastLR: 0.1, autoGranularity: 1000), slow: nil))))
        for (part, device) in devices {
            presets.append(AnalogAlgorithmPreset(
                name: "MixedPrecision\(part)Preset", summary: "mixed_precision on \(device) (MixedPrecisionCompound defaults)",
                hardware: section(device, .mixedPrecision(MixedPrecisionCompoundParameters()))))
        }
        return presets
    }()

    /// aihwkit presets with no exact counterpart here, and why.
    public static let unavailable: [(name: String, reason: String)] = {
        var list: [(String, String)] = []
        let families = ["", "TikiTaka", "TTv2", "ChoppedTTv2", "AGAD", "MixedPrecision"]
        for device in ["ReRamES", "ReRamSB"] {
            for family in families {
                list.append(("\(family)\(device)Preset", "the \(device)PresetDevice's write_noise_std is not modelled"))
            }
        }
        for device in ["EcRam", "EcRamMO", "Idealized"] {
            for family in ["TTv2", "ChoppedTTv2"] {
                list.append(("\(family)\(device)Preset", "its update uses desired_bl = 100; our pulse trains are at most 64 pulses"))
            }
        }
        for (part, _) in devices where part != "GokmenVlasov" {
            list.append(("AGAD\(part)Preset", "DynamicTransferCompound (AGAD) is not implemented"))
        }
        for part in ["ReRamES", "ReRamSB", "Capacitor", "EcRam", "EcRamMO", "Idealized"] {
            for n in [2, 4] { list.append(("\(part)\(n)Preset", "VectorUnitCell is not implemented")) }
        }
        list.append(("PCMPreset", "PCMPresetUnitCell (OneSidedUnitCell with refresh) is not implemented"))
        list.append(("MixedPrecisionPCMPreset", "PCMPresetUnitCell (OneSidedUnitCell with refresh) is not implemented"))
        return list
    }()

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
