import NeuromorphAnalog
import NeuromorphCore

// MARK: - Decoding the training-algorithm unit cells

/// `hardware.analog.unit_cell` for the training algorithms (docs/analog-training.md):
///
/// ```yaml
/// unit_cell:
///   kind: buffered_transfer_compound      # transfer_compound | buffered_transfer_compound |
///                                         # chopped_transfer_compound | dynamic_transfer_compound |
///                                         # shd | mixed_precision
///   transfer_every: 5                     # aihwkit names, flat (as aihwkit's dataclasses)
///   units_in_mbatch: false
///   hysteretic_reset: 0.6
///   transfer_forward: {out_noise: 0.06}   # IOParameters keys
///   transfer_update: {desired_bl: 1}      # update keys
///   slow: {device: soft_bounds, pulsed: {dw_min: 0.01}}   # C's device (not for mixed_precision)
/// ```
extension UnitCellSpec {
    /// A kind named by its string alone: its documented defaults.
    static func defaults(_ kind: Kind) -> UnitCellSpec {
        switch kind {
        case .singleDevice: .singleDevice
        case .referencePair: .referencePair(reference: nil, referenceWeight: 0)
        case .transferCompound: .transferCompound(TransferCompoundParameters(), slow: nil)
        case .bufferedTransferCompound: .bufferedTransferCompound(BufferedTransferCompoundParameters(), slow: nil)
        case .choppedTransferCompound: .choppedTransferCompound(ChoppedTransferCompoundParameters(), slow: nil)
        case .dynamicTransferCompound: .dynamicTransferCompound(DynamicTransferCompoundParameters(), slow: nil)
        case .shd: .shd(StochasticHamiltonianDescentParameters(), slow: nil)
        case .mixedPrecision: .mixedPrecision(MixedPrecisionCompoundParameters())
        case .miniBatch: .miniBatch(MiniBatchCellSpec())
        case .lowRank: .lowRank(LowRankCellSpec())
        case .vector: .vector(VectorUnitCellParameters())
        case .oneSided: .oneSided(OneSidedUnitCellParameters())
        }
    }

    /// Decodes the parameters of a training kind (unknown keys were rejected already) and
    /// checks them, naming the key of a bad value or combination.
    static func decodeTraining(_ kind: Kind, from decoder: any Decoder) throws -> UnitCellSpec {
        let c = try decoder.container(keyedBy: AnyKey.self)
        let slow = try c.decodeIfPresent(ReferenceDeviceSpec.self, forKey: AnyKey(stringValue: "slow"))
        func checked(_ validate: () throws -> Void) throws {
            do { try validate() } catch let error as DeviceParameterError {
                throw SpecError(path: SpecError.render(c.codingPath + [AnyKey(stringValue: error.parameter)]),
                                "\(error.message) (\(error.device))")
            }
        }
        switch kind {
        case .transferCompound:
            let p = try TransferCompoundParameters(from: decoder)
            try checked(p.validate)
            return .transferCompound(p, slow: slow)
        case .bufferedTransferCompound:
            let p = try BufferedTransferCompoundParameters(from: decoder)
            try checked(p.validate)         // hysteretic_reset with momentum or forget_buffer is refused
            return .bufferedTransferCompound(p, slow: slow)
        case .choppedTransferCompound:
            let p = try ChoppedTransferCompoundParameters(from: decoder)
            try checked(p.validate)
            return .choppedTransferCompound(p, slow: slow)
        case .dynamicTransferCompound:
            let p = try DynamicTransferCompoundParameters(from: decoder)
            try checked(p.validate)
            return .dynamicTransferCompound(p, slow: slow)
        case .shd:
            let p = try StochasticHamiltonianDescentParameters(from: decoder)
            try checked(p.validate)
            return .shd(p, slow: slow)
        case .mixedPrecision:
            let p = try MixedPrecisionCompoundParameters(from: decoder)
            try checked(p.validate)
            let key = AnyKey(stringValue: "device")
            switch try c.decodeIfPresent(UnitCellSpec.self, forKey: key) {
            case nil, .singleDevice?: return .mixedPrecision(p)
            case .oneSided(let pair)?: return .mixedPrecision(p, oneSided: pair)
            case let other?:
                throw SpecError(path: SpecError.render(c.codingPath + [key]),
                                "mixed_precision writes onto single_device or one_sided_unit_cell (aihwkit MixedPrecisionCompound.device); "
                                + "got kind \(other.kind.rawValue)")
            }
        case .miniBatch:
            return .miniBatch(try MiniBatchCellSpec(from: decoder))
        case .lowRank:
            return .lowRank(try LowRankCellSpec(from: decoder))
        case .vector:
            let p = try VectorUnitCellParameters(from: decoder)
            try checked(p.validate)
            return .vector(p)
        case .oneSided:
            let p = try OneSidedUnitCellParameters(from: decoder)
            try checked(p.validate)
            return .oneSided(p)
        case .singleDevice, .referencePair:
            return defaults(kind)
        }
    }

    /// Writes `kind`, the parameters (flat, aihwkit names) and `slow`.
    func encodeTraining(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(kind.rawValue, forKey: AnyKey(stringValue: "kind"))
        try c.encodeIfPresent(slowDevice, forKey: AnyKey(stringValue: "slow"))
        switch self {
        case .transferCompound(let p, _): try p.encode(to: encoder)
        case .bufferedTransferCompound(let p, _): try p.encode(to: encoder)
        case .choppedTransferCompound(let p, _): try p.encode(to: encoder)
        case .dynamicTransferCompound(let p, _): try p.encode(to: encoder)
        case .shd(let p, _): try p.encode(to: encoder)
        case .mixedPrecision(let p, let pair):
            try p.encode(to: encoder)
            if let pair { try c.encode(UnitCellSpec.oneSided(pair), forKey: AnyKey(stringValue: "device")) }
        case .miniBatch(let p): try p.encode(to: encoder)
        case .lowRank(let p): try p.encode(to: encoder)
        case .vector(let p): try p.encode(to: encoder)
        case .oneSided(let p): try p.encode(to: encoder)
        case .singleDevice, .referencePair: break
        }
    }
}

// MARK: - Building the cells

extension AnalogHardwareSpec {
    /// The slow (C) array's device of a transfer kind: `unit_cell.slow` over the section's
    /// device (its `pulsed` merged over the section's when the device is the same), or the
    /// section's device.
    public var slowDeviceConfiguration: any PulsedDeviceConfiguration {
        get throws {
            guard let slow = unitCell.slowDevice else { return try deviceConfiguration }
            guard let other = slow.device else {
                var merged = pulsed
                merged.values.merge(slow.pulsed.values) { _, new in new }
                return try device.configuration(merged)
            }
            return try other.configuration(slow.pulsed)
        }
    }

    /// The configuration of a training-algorithm cell with `main` as the fast (A) device.
    func trainingCellConfiguration(_ main: any PulsedDeviceConfiguration) throws -> any UnitCellConfiguration {
        if case .mixedPrecision(let p, let pair) = unitCell {
            func make<D: PulsedDeviceConfiguration>(_ device: D) -> any UnitCellConfiguration {
                guard let pair else { return MixedPrecisionCompoundConfiguration(device: device, parameters: p) }
                return MixedPrecisionOneSidedConfiguration(device: device, parameters: p, oneSided: pair)
            }
            return make(main)
        }
        let slow = try slowDeviceConfiguration
        let cell = unitCell
        func open<F: PulsedDeviceConfiguration>(_ fast: F) throws -> any UnitCellConfiguration {
            func inner<S: PulsedDeviceConfiguration>(_ slow: S) throws -> any UnitCellConfiguration {
                try cell.twoDeviceConfiguration(fast: fast, slow: slow)
            }
            return try inner(slow)
        }
        return try open(main)
    }
}

extension UnitCellSpec {
    /// The configuration of a two-device training cell (A from `fast`, C from `slow`).
    func twoDeviceConfiguration<F: PulsedDeviceConfiguration, S: PulsedDeviceConfiguration>(
        fast: F, slow: S
    ) throws -> any UnitCellConfiguration {
        switch self {
        case .transferCompound(let p, _): return TransferCompoundConfiguration(fast: fast, slow: slow, parameters: p)
        case .bufferedTransferCompound(let p, _): return BufferedTransferCompoundConfiguration(fast: fast, slow: slow, parameters: p)
        case .choppedTransferCompound(let p, _): return ChoppedTransferCompoundConfiguration(fast: fast, slow: slow, parameters: p)
        case .dynamicTransferCompound(let p, _): return DynamicTransferCompoundConfiguration(fast: fast, slow: slow, parameters: p)
        case .shd(let p, _): return StochasticHamiltonianDescentConfiguration(fast: fast, slow: slow, parameters: p)
        case .singleDevice, .referencePair, .mixedPrecision, .miniBatch, .lowRank, .vector, .oneSided:
            throw SpecError(path: "hardware.analog.unit_cell", "kind \(kind.rawValue) is not a two-array training cell")
        }
    }
}
