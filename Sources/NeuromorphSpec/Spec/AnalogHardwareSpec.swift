import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN

/// The `hardware.analog` section: which layers run on analog crossbar tiles, their device
/// model, unit cell, periphery and update (aihwkit's `SingleRPUConfig` /
/// `UnitCellRPUConfig` in one block).
///
/// ```yaml
/// hardware:
///   analog:
///     device: constant_step            # a registered model or preset, see DeviceRegistry
///     pulsed: {dw_min: 0.001, dw_min_dtod: 0.3}   # aihwkit PulsedDevice overrides
///     unit_cell: single_device         # or reference_pair, or a mapping (see UnitCellSpec)
///     forward: {out_noise: 0.06, inp_res: 0.0078740}
///     backward: {out_noise: 0.06}
///     update: {pulse_type: stochastic, desired_bl: 31}
///     layers: all                      # or a list of layer indices, e.g. [0, 2]
///     max_tile_size: 512
/// ```
/// or an aihwkit preset by its class name, with keys next to it replacing the preset's:
/// ```yaml
/// hardware:
///   analog:
///     preset: TTv2CapacitorPreset      # see AnalogPresets, `neuromorph presets --analog`
///     update: {desired_bl: 15}         # replaces the preset's whole `update`
/// ```
public struct AnalogHardwareSpec: Codable, Sendable, Equatable {
    public var device: AnalogDeviceChoice
    public var pulsed: PulsedParameterOverrides
    /// The unit cell of every tile (default: one device per cross-point).
    public var unitCell: UnitCellSpec
    public var forward: IOParameters
    public var backward: IOParameters
    public var update: PulsedUpdateParameters
    /// Indices (into `model.layers`) of the linear/conv layers to put on tiles; `nil`: all.
    public var layers: [Int]?
    public var maxTileSize: Int
    /// Weight remapping (aihwkit `weight_scaling_omega`): the largest initial |w| of each
    /// layer is programmed at ω and a digital output scale compensates; `nil`: off.
    public var weightScalingOmega: Double?
    /// The aihwkit preset (`AnalogPresets`, e.g. `TTv2CapacitorPreset`) that filled the keys
    /// this section does not give; `nil`: none.
    public var preset: String? = nil

    public init(device: AnalogDeviceChoice, pulsed: PulsedParameterOverrides = PulsedParameterOverrides(),
                unitCell: UnitCellSpec = .singleDevice,
                forward: IOParameters = .forwardDefault, backward: IOParameters = .backwardDefault,
                update: PulsedUpdateParameters = PulsedUpdateParameters(), layers: [Int]? = nil, maxTileSize: Int = 512) {
        self.device = device
        self.pulsed = pulsed
        self.unitCell = unitCell
        self.forward = forward
        self.backward = backward
        self.update = update
        self.layers = layers
        self.maxTileSize = maxTileSize
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case device, pulsed, unitCell = "unit_cell", forward, backward, update, layers, maxTileSize = "max_tile_size"
        case weightScalingOmega = "weight_scaling_omega"
        case preset
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // `preset`: an aihwkit preset fills device, unit_cell, forward, backward and update;
        // each of those keys given here replaces the preset's value as a whole.
        preset = try c.decodeIfPresent(String.self, forKey: .preset)
        let base = try preset.map { try AnalogPresets.hardware(named: $0, path: SpecError.render(c.codingPath + [CodingKeys.preset])) }
        if let base, !c.contains(.device) {
            device = base.device
        } else {
            device = try c.decodeChoice(AnalogDeviceChoice.self, forKey: .device)
        }
        // `pulsed` merges over the preset's (TT-family ReRamSB presets set subtract_symmetry_point).
        pulsed = base?.pulsed ?? PulsedParameterOverrides()
        if let given = try c.decodeIfPresent(PulsedParameterOverrides.self, forKey: .pulsed) {
            pulsed.values.merge(given.values) { _, new in new }
        }
        unitCell = try c.decodeIfPresent(UnitCellSpec.self, forKey: .unitCell) ?? base?.unitCell ?? .singleDevice
        forward = try c.decodeIfPresent(IOParameters.self, forKey: .forward) ?? base?.forward ?? .forwardDefault
        backward = try c.decodeIfPresent(IOParameters.self, forKey: .backward) ?? base?.backward ?? .backwardDefault
        update = try c.decodeIfPresent(PulsedUpdateParameters.self, forKey: .update) ?? base?.update ?? PulsedUpdateParameters()
        if c.contains(.layers), (try? c.decode(String.self, forKey: .layers)) == "all" {
            layers = nil
        } else {
            layers = try c.decodeIfPresent([Int].self, forKey: .layers)
        }
        maxTileSize = try c.decodeCheckedIfPresent(Int.self, forKey: .maxTileSize, "a tile size ≥ 1") { $0 >= 1 } ?? 512
        weightScalingOmega = try c.decodeCheckedIfPresent(Double.self, forKey: .weightScalingOmega, "a weight > 0, e.g. 0.6") { $0 > 0 }
        if !pulsed.isEmpty && !device.hasPulsedParameters {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.pulsed]),
                            "device '\(device.rawValue)' has no aihwkit PulsedDevice parameters to override; remove 'pulsed'")
        }
        try device.checkModelKeys(pulsed, path: SpecError.render(c.codingPath + [CodingKeys.pulsed]))
        if let slow = unitCell.slowDevice {
            try (slow.device ?? device).checkModelKeys(slow.pulsed, path: SpecError.render(c.codingPath + [CodingKeys.unitCell]) + ".slow.pulsed")
        }
        if case .referencePair(let reference?, _) = unitCell {
            try (reference.device ?? device).checkModelKeys(reference.pulsed,
                                                            path: SpecError.render(c.codingPath + [CodingKeys.unitCell]) + ".reference.pulsed")
        }
        if let defaults = device.entry?.pulsedDefaults {
            do { try pulsed.applied(to: defaults).validate(device: device.rawValue) } catch let error as DeviceParameterError {
                throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.pulsed]) + "." + error.parameter, error.description)
            }
        }
        if case .referencePair(let reference, _) = unitCell, let reference, !reference.pulsed.isEmpty,
           !(reference.device ?? device).hasPulsedParameters {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.unitCell]) + ".reference.pulsed",
                            "device '\((reference.device ?? device).rawValue)' has no aihwkit PulsedDevice parameters to override; remove 'pulsed'")
        }
        if let slow = unitCell.slowDevice, !slow.pulsed.isEmpty, !(slow.device ?? device).hasPulsedParameters {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.unitCell]) + ".slow.pulsed",
                            "device '\((slow.device ?? device).rawValue)' has no aihwkit PulsedDevice parameters to override; remove 'pulsed'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(preset, forKey: .preset)
        try c.encode(device, forKey: .device)
        try c.encode(pulsed, forKey: .pulsed)
        if unitCell != .singleDevice || preset != nil { try c.encode(unitCell, forKey: .unitCell) }
        try c.encode(forward, forKey: .forward)
        try c.encode(backward, forKey: .backward)
        try c.encode(update, forKey: .update)
        try c.encodeIfPresent(layers, forKey: .layers)
        try c.encode(maxTileSize, forKey: .maxTileSize)
        try c.encodeIfPresent(weightScalingOmega, forKey: .weightScalingOmega)
    }
}

/// A device model or preset by its registered name (`DeviceRegistry`): any name a device
/// type registers is a valid choice; the static members name the built-in ones.
public struct AnalogDeviceChoice: RawRepresentable, Codable, Sendable, Hashable, CaseIterable {
    public let rawValue: String

    /// `nil` unless `rawValue` is a registered device name.
    public init?(rawValue: String) {
        guard DeviceRegistry.entry(named: rawValue) != nil else { return nil }
        self.rawValue = rawValue
    }

    private init(registered name: String) { rawValue = name }

    /// Every registered device, in registration order.
    public static var allCases: [AnalogDeviceChoice] { DeviceRegistry.names.map(AnalogDeviceChoice.init(registered:)) }

    /// Exact `dw_min` steps, no bounds or noise (the symmetric reference).
    public static let ideal = AnalogDeviceChoice(registered: "ideal")
    /// aihwkit `ConstantStepDevice` with its 1.1 defaults.
    public static let constantStep = AnalogDeviceChoice(registered: "constant_step")
    /// aihwkit `SoftBoundsDevice` with its 1.1 defaults.
    public static let softBounds = AnalogDeviceChoice(registered: "soft_bounds")
    /// aihwkit `ExpStepDevice` defaults.
    public static let expStep = AnalogDeviceChoice(registered: "exp_step")
    /// aihwkit `PowStepDevice` defaults.
    public static let powStep = AnalogDeviceChoice(registered: "pow_step")
    /// Gokmen 2021 soft-bounds device with 1,200 states (μ_dw = 1e-3, μ_s = 1.66).
    public static let gokmen1200 = AnalogDeviceChoice(registered: "gokmen-1200-states")
    /// Gokmen 2021 soft-bounds device with 15 states (μ_dw = 0.08).
    public static let gokmen15 = AnalogDeviceChoice(registered: "gokmen-15-states")
    /// Zhao et al. 2021 Ag:Si NeuroSim device (NL_LTP 2.40, NL_LTD −4.88, 500 levels, 3.5 % c2c).
    public static let zhaoAgSi = AnalogDeviceChoice(registered: "zhao-ag-si")
    /// Onen et al. 2022 asymmetric soft-bounds toy device.
    public static let onenAsymmetric = AnalogDeviceChoice(registered: "onen-asymmetric")

    /// The registry entry (always present: choices are only made from registered names).
    public var entry: DeviceRegistryEntry? { DeviceRegistry.entry(named: rawValue) }

    /// Whether `pulsed:` overrides apply (the model carries aihwkit `PulsedDevice` parameters).
    public var hasPulsedParameters: Bool { entry?.acceptsPulsedParameters ?? false }

    /// The device configuration with `overrides` applied to the preset's `PulsedDevice`
    /// parameters (where it has them).
    public func configuration(_ overrides: PulsedParameterOverrides = PulsedParameterOverrides()) throws -> any PulsedDeviceConfiguration {
        guard let entry else {
            throw SpecError(path: "hardware.analog.device", "'\(rawValue)' is not a registered device; expected one of: "
                            + DeviceRegistry.names.joined(separator: ", "))
        }
        return entry.configuration(pulsed: entry.pulsedDefaults.map { overrides.applied(to: $0) },
                                   model: overrides.modelValues, writeNoiseStd: overrides.writeNoiseStd)
    }

    /// Throws when `overrides` sets a model key this device does not have (e.g.
    /// `subtract_symmetry_point` on a device that is not a `SoftBoundsReferenceDevice`).
    func checkModelKeys(_ overrides: PulsedParameterOverrides, path: String) throws {
        let own = entry?.modelDefaults.keys.sorted() ?? []
        for key in overrides.modelValues.keys.sorted() where !own.contains(key) {
            let owner = PulsedParameterOverrides.expStepKeys.contains(key)
                ? "ExpStepDevice models (exp_step, reram_es, pcm)" : "SoftBoundsReferenceDevice models (soft_bounds_reference, reram_sb)"
            throw SpecError(path: path + "." + key,
                            "'\(key)' applies only to \(owner); "
                            + "device '\(rawValue)' has " + (own.isEmpty ? "no model keys" : "model keys: " + own.joined(separator: ", ")))
        }
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let value = AnalogDeviceChoice(rawValue: raw) else {
            throw SpecError(path: SpecError.render(decoder.codingPath),
                            "'\(raw)' is not allowed; expected one of: \(DeviceRegistry.names.joined(separator: ", "))")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

// MARK: - Unit cells

/// The `unit_cell` key of `hardware.analog`: what each cross-point is made of (aihwkit's
/// `UnitCellRPUConfig` choices) and, for the training algorithms, their parameters under
/// aihwkit's names (see docs/analog-training.md).
///
/// ```yaml
/// unit_cell: single_device            # default: one device, W = G
/// unit_cell: reference_pair           # W = G⁺ − G_ref, reference of the same device at 0
/// unit_cell:
///   kind: reference_pair
///   reference_weight: 0.0             # the weight the reference is programmed to once
///   reference:                        # optional: the reference's own device
///     device: constant_step           #   (default: the section's device and pulsed)
///     pulsed: {dw_min_dtod: 0.1}      #   overrides on the reference's device
/// unit_cell:                          # aihwkit VectorUnitCell: W = Σ γ_k G_k
///   kind: vector_unit_cell            #   n_devices of the section's device
///   n_devices: 2
///   update_policy: single_random      #   all | single_fixed | single_sequential | single_random
///   first_update_idx: 0
///   gamma_vec: [0.5, 0.5]             #   default 1/n each
/// unit_cell:                          # aihwkit OneSidedUnitCell: W = g⁺ − g⁻, up pulses only
///   kind: one_sided_unit_cell         #   two devices of the section's device
///   refresh_every: 10                 #   0 = never; in mini-batches with units_in_mbatch
///   units_in_mbatch: true
///   refresh_upper_thres: 0.75         #   fractions of w_max
///   refresh_lower_thres: 0.25
///   refresh_forward: {out_noise: 0.0} #   IOParameters keys of the refresh read
///   refresh_update: {desired_bl: 31}  #   update keys of the rewrite
/// unit_cell:                          # Tiki-Taka v1 (aihwkit TransferCompound)
///   kind: transfer_compound           # or buffered_transfer_compound (TTv2),
///   gamma: 0.0                        #    chopped_transfer_compound (c-TTv2),
///   transfer_every: 1                 #    dynamic_transfer_compound (AGAD), shd, mixed_precision
///   slow: {device: soft_bounds}       # optional: C's device (default: the section's)
/// unit_cell:                          # mixed precision onto a one-sided pair (MixedPrecisionPCMPreset)
///   kind: mixed_precision
///   device: {kind: one_sided_unit_cell, refresh_every: 1}   # or single_device (the default)
/// ```
public enum UnitCellSpec: Codable, Sendable, Equatable {
    /// One device per cross-point (`SingleDevice`).
    case singleDevice
    /// A trained device and a fixed reference (`ReferencePair`, aihwkit `ReferenceUnitCell`).
    case referencePair(reference: ReferenceDeviceSpec?, referenceWeight: Double)
    /// Tiki-Taka v1 (`TransferCompound`); `slow`: C's device.
    case transferCompound(TransferCompoundParameters, slow: ReferenceDeviceSpec?)
    /// TTv2 (`BufferedTransferCompound`).
    case bufferedTransferCompound(BufferedTransferCompoundParameters, slow: ReferenceDeviceSpec?)
    /// Chopped TTv2 (`ChoppedTransferCompound`).
    case choppedTransferCompound(ChoppedTransferCompoundParameters, slow: ReferenceDeviceSpec?)
    /// AGAD (`DynamicTransferCompound`). Boxed: stored inline, this largest payload made the
    /// debug build release a tagged value as a pointer when destroying a `Checkpoint`
    /// (Swift 6 multi-payload enum layout; reproduced by `aSmallSpecTrainsWithAPreset`).
    indirect case dynamicTransferCompound(DynamicTransferCompoundParameters, slow: ReferenceDeviceSpec?)
    /// Stochastic Hamiltonian Descent (`StochasticHamiltonianDescent`); `slow`: C_main's device.
    case shd(StochasticHamiltonianDescentParameters, slow: ReferenceDeviceSpec?)
    /// Mixed precision (`MixedPrecisionCompound`); `oneSided`: its analog part is a one-sided
    /// pair with refresh of the section's device (aihwkit `MixedPrecisionCompound(device=
    /// OneSidedUnitCell(...))`, key `device: {kind: one_sided_unit_cell, …}`), else one device.
    case mixedPrecision(MixedPrecisionCompoundParameters, oneSided: OneSidedUnitCellParameters? = nil)
    /// Zhao's mini-batch accumulation with rounded pulse counts (`MiniBatchAccumulation`).
    case miniBatch(MiniBatchCellSpec)
    /// Zhao's low-rank gradient decomposition (`LowRankGradientCell`, SBPCA or NMF).
    case lowRank(LowRankCellSpec)
    /// Several devices of the section's model per cross-point, `W = Σ γ_k G_k`
    /// (`VectorUnitCell`, aihwkit `VectorUnitCell`).
    case vector(VectorUnitCellParameters)
    /// A one-sided pair of the section's device with refresh, `W = g⁺ − g⁻`
    /// (`OneSidedUnitCell`, aihwkit `OneSidedUnitCell`).
    case oneSided(OneSidedUnitCellParameters)

    /// The kinds a spec can name.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case singleDevice = "single_device"
        case referencePair = "reference_pair"
        case transferCompound = "transfer_compound"
        case bufferedTransferCompound = "buffered_transfer_compound"
        case choppedTransferCompound = "chopped_transfer_compound"
        case dynamicTransferCompound = "dynamic_transfer_compound"
        case shd
        case mixedPrecision = "mixed_precision"
        case miniBatch = "mini_batch"
        case lowRank = "low_rank"
        case vector = "vector_unit_cell"
        case oneSided = "one_sided_unit_cell"
    }

    public var kind: Kind {
        switch self {
        case .singleDevice: .singleDevice
        case .referencePair: .referencePair
        case .transferCompound: .transferCompound
        case .bufferedTransferCompound: .bufferedTransferCompound
        case .choppedTransferCompound: .choppedTransferCompound
        case .dynamicTransferCompound: .dynamicTransferCompound
        case .shd: .shd
        case .mixedPrecision: .mixedPrecision
        case .miniBatch: .miniBatch
        case .lowRank: .lowRank
        case .vector: .vector
        case .oneSided: .oneSided
        }
    }

    /// The second (slow) array's device spec of the transfer kinds, if given.
    public var slowDevice: ReferenceDeviceSpec? {
        switch self {
        case .transferCompound(_, let slow), .bufferedTransferCompound(_, let slow), .choppedTransferCompound(_, let slow),
             .dynamicTransferCompound(_, let slow), .shd(_, let slow): slow
        default: nil
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, reference, referenceWeight = "reference_weight", slow
    }

    /// The keys a mapping of `kind` may hold.
    static func allowedKeys(_ kind: Kind) -> [String] {
        switch kind {
        case .singleDevice: ["kind"]
        case .referencePair: ["kind", "reference", "reference_weight"]
        case .transferCompound: ["kind", "slow"] + TransferCompoundParameters.keys
        case .bufferedTransferCompound: ["kind", "slow"] + BufferedTransferCompoundParameters.keys
        case .choppedTransferCompound: ["kind", "slow"] + ChoppedTransferCompoundParameters.keys
        case .dynamicTransferCompound: ["kind", "slow"] + DynamicTransferCompoundParameters.keys
        case .shd: ["kind", "slow"] + StochasticHamiltonianDescentParameters.keys
        case .mixedPrecision: ["kind", "device"] + MixedPrecisionCompoundParameters.keys
        case .miniBatch: ["kind"] + MiniBatchCellSpec.keys
        case .lowRank: ["kind"] + LowRankCellSpec.keys
        case .vector: ["kind"] + VectorUnitCellParameters.keys
        case .oneSided: ["kind"] + OneSidedUnitCellParameters.keys
        }
    }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let raw = try? single.decode(String.self) {
            guard let kind = Kind(rawValue: raw) else {
                throw SpecError(path: SpecError.render(decoder.codingPath),
                                "'\(raw)' is not allowed; expected one of: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self = Self.defaults(kind)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decodeChoice(Kind.self, forKey: .kind)
        // Keys of another kind name the kind they belong to.
        let all = try decoder.container(keyedBy: AnyKey.self)
        let allowed = Self.allowedKeys(kind)
        for key in all.allKeys where !allowed.contains(key.stringValue) {
            let owners = Kind.allCases.filter { Self.allowedKeys($0).contains(key.stringValue) }
            if !owners.isEmpty {
                throw SpecError(path: SpecError.render(c.codingPath + [key]),
                                "'\(key.stringValue)' applies only to kind: \(owners.map(\.rawValue).joined(separator: ", ")); "
                                + "allowed keys for \(kind.rawValue): " + allowed.joined(separator: ", "))
            }
            throw SpecError(path: SpecError.render(c.codingPath + [key]),
                            "unknown key '\(key.stringValue)'; allowed keys: \(allowed.joined(separator: ", "))")
        }
        switch kind {
        case .singleDevice:
            self = .singleDevice
        case .referencePair:
            let reference = try c.decodeIfPresent(ReferenceDeviceSpec.self, forKey: .reference)
            let weight = try c.decodeCheckedIfPresent(Double.self, forKey: .referenceWeight, "a finite weight, e.g. 0") {
                $0.isFinite
            } ?? 0
            self = .referencePair(reference: reference, referenceWeight: weight)
        default:
            self = try Self.decodeTraining(kind, from: decoder)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .singleDevice:
            var c = encoder.singleValueContainer()
            try c.encode(Kind.singleDevice.rawValue)
        case .referencePair(let reference, let weight):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(Kind.referencePair.rawValue, forKey: .kind)
            try c.encodeIfPresent(reference, forKey: .reference)
            if weight != 0 { try c.encode(weight, forKey: .referenceWeight) }
        default:
            try encodeTraining(to: encoder)
        }
    }
}

/// The reference array's device in `unit_cell.reference`: a registered device (default:
/// the section's device) and `PulsedDevice` overrides on top of it (on top of the
/// section's `pulsed` when the device is the section's).
public struct ReferenceDeviceSpec: Codable, Sendable, Equatable {
    public var device: AnalogDeviceChoice?
    public var pulsed: PulsedParameterOverrides

    public init(device: AnalogDeviceChoice? = nil, pulsed: PulsedParameterOverrides = PulsedParameterOverrides()) {
        self.device = device
        self.pulsed = pulsed
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case device, pulsed }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        device = try c.decodeIfPresent(AnalogDeviceChoice.self, forKey: .device)
        pulsed = try c.decodeIfPresent(PulsedParameterOverrides.self, forKey: .pulsed) ?? PulsedParameterOverrides()
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(device, forKey: .device)
        if !pulsed.isEmpty { try c.encode(pulsed, forKey: .pulsed) }
    }
}

/// Overrides of aihwkit's `PulsedDevice` parameters (aihwkit names); absent keys keep the
/// chosen model's values. `reset`, `reset_dtod` and `reset_std` set each device's sampled
/// reset value `reset_ij = reset + reset_dtod · ξ` and the noise of a reset: devices decay
/// toward `reset_ij` (with `lifetime`) and go there when reset
/// (``CrossbarArray/resetColumns(_:)``); `lifetime` and `diffusion` act once per mini-batch
/// (``CrossbarArray/postUpdate()``).
public struct PulsedParameterOverrides: Codable, Sendable, Equatable {
    public var values: [String: Double] = [:]
    public init() {}
    public var isEmpty: Bool { values.isEmpty }

    static var keys: [String: WritableKeyPath<PulsedDeviceParameters, Float>] { [
        "dw_min": \.dwMin, "dw_min_dtod": \.dwMinDtod, "dw_min_std": \.dwMinStd, "up_down": \.upDown,
        "up_down_dtod": \.upDownDtod, "w_min": \.wMin, "w_max": \.wMax, "w_min_dtod": \.wMinDtod,
        "w_max_dtod": \.wMaxDtod, "reset": \.reset, "reset_dtod": \.resetDtod, "reset_std": \.resetStd,
        "lifetime": \.lifetime, "lifetime_dtod": \.lifetimeDtod, "diffusion": \.diffusion, "diffusion_dtod": \.diffusionDtod,
    ] }

    /// `write_noise_std` (aihwkit `PulsedDevice`, units of `dw_min`): read-visible write noise,
    /// applied by wrapping the device in ``WriteNoiseDevice``.
    static let writeNoiseKey = "write_noise_std"
    /// Keys of ``SoftBoundsReferenceDevice`` and of the exp-step models
    /// (``ExpStepComplexNoiseDevice``), checked against the device's registry entry.
    static let modelKeys = ["reference_mean", "reference_std", "subtract_symmetry_point"] + expStepKeys
    /// aihwkit `ExpStepDevice.dw_min_std_add` and `dw_min_std_slope`.
    static let expStepKeys = ["dw_min_std_add", "dw_min_std_slope"]
    static let booleanKeys: Set<String> = ["subtract_symmetry_point"]

    /// The `write_noise_std` given here, if any.
    public var writeNoiseStd: Float? { values[Self.writeNoiseKey].map(Float.init) }
    /// The model keys given here (booleans as 0/1).
    public var modelValues: [String: Double] { values.filter { Self.modelKeys.contains($0.key) } }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: (Self.keys.keys.sorted() + [Self.writeNoiseKey] + Self.modelKeys).sorted())
        let c = try decoder.container(keyedBy: AnyKey.self)
        for key in c.allKeys {
            if Self.booleanKeys.contains(key.stringValue) {
                values[key.stringValue] = try c.decode(Bool.self, forKey: key) ? 1 : 0
            } else {
                values[key.stringValue] = try c.decode(Double.self, forKey: key)
            }
        }
        if let noise = values[Self.writeNoiseKey], !(noise.isFinite && noise >= 0) {
            throw SpecError(path: SpecError.render(c.codingPath + [AnyKey(stringValue: Self.writeNoiseKey)]),
                            "expected a write noise ≥ 0 in units of dw_min (aihwkit write_noise_std), got \(noise)")
        }
        if let std = values["reference_std"], !(std.isFinite && std >= 0) {
            throw SpecError(path: SpecError.render(c.codingPath + [AnyKey(stringValue: "reference_std")]),
                            "expected a reference spread ≥ 0 in weight units, got \(std)")
        }
        for key in Self.expStepKeys {
            if let value = values[key], !(value.isFinite && value >= 0) {
                throw SpecError(path: SpecError.render(c.codingPath + [AnyKey(stringValue: key)]),
                                "expected a noise scale ≥ 0 (aihwkit ExpStepDevice \(key), multiplied by dw_min_std), got \(value)")
            }
        }
        if let mean = values["reference_mean"], !mean.isFinite {
            throw SpecError(path: SpecError.render(c.codingPath + [AnyKey(stringValue: "reference_mean")]),
                            "expected a finite reference in weight units, got \(mean)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            if Self.booleanKeys.contains(key) {
                try c.encode(value != 0, forKey: AnyKey(stringValue: key))
            } else {
                try c.encode(value, forKey: AnyKey(stringValue: key))
            }
        }
    }

    func applied(to parameters: PulsedDeviceParameters) -> PulsedDeviceParameters {
        var p = parameters
        for (key, value) in values { if let path = Self.keys[key] { p[keyPath: path] = Float(value) } }
        return p
    }
}

// MARK: - Building analog layers

extension AnalogHardwareSpec {
    /// An analog linear layer with this section's device, unit cell, periphery and update.
    public func linear(_ inputs: Int, _ outputs: Int, bias: Bool, generator: inout SeededGenerator) throws -> any Layer {
        let cell = try cellConfiguration
        return try wrapping { try makeLinear(cell, inputs, outputs, bias: bias, generator: &generator) }
    }

    /// An analog convolution with this section's device, unit cell, periphery and update.
    public func conv(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, padding: Int, bias: Bool,
                     generator: inout SeededGenerator) throws -> any Layer {
        let cell = try cellConfiguration
        return try wrapping {
            try makeConv(cell, inChannels, outChannels, kernel: kernel, stride: stride, padding: padding,
                         bias: bias, generator: &generator)
        }
    }

    private func makeLinear<C: UnitCellConfiguration>(_ cell: C, _ inputs: Int, _ outputs: Int, bias: Bool,
                                                      generator: inout SeededGenerator) throws -> any Layer {
        try AnalogLinear(inputs, outputs, bias: bias, cell: cell, forwardIO: forward, backwardIO: backward,
                         update: update, maxTileInputs: maxTileSize, maxTileOutputs: maxTileSize,
                         weightScalingOmega: weightScalingOmega.map(Float.init), generator: &generator)
    }

    private func makeConv<C: UnitCellConfiguration>(_ cell: C, _ inChannels: Int, _ outChannels: Int, kernel: Int,
                                                    stride: Int, padding: Int, bias: Bool,
                                                    generator: inout SeededGenerator) throws -> any Layer {
        try AnalogConv2d(inChannels, outChannels, kernelSize: kernel, stride: stride, padding: padding, bias: bias,
                         cell: cell, forwardIO: forward, backwardIO: backward, update: update,
                         maxTileInputs: maxTileSize, maxTileOutputs: maxTileSize,
                         weightScalingOmega: weightScalingOmega.map(Float.init), generator: &generator)
    }

    private func wrapping(_ body: () throws -> any Layer) throws -> any Layer {
        do { return try body() } catch let error as DeviceParameterError {
            throw SpecError(path: "hardware.analog", error.description)
        }
    }

    /// The chosen device model with the `pulsed` overrides applied.
    public var deviceConfiguration: any PulsedDeviceConfiguration {
        get throws { try device.configuration(pulsed) }
    }

    /// The reference array's device model of a `reference_pair` cell (see
    /// ``ReferenceDeviceSpec``); the section's device for other cells.
    public var referenceDeviceConfiguration: any PulsedDeviceConfiguration {
        get throws {
            guard case .referencePair(let reference?, _) = unitCell else { return try deviceConfiguration }
            guard let other = reference.device else {
                var merged = pulsed
                merged.values.merge(reference.pulsed.values) { _, new in new }
                return try device.configuration(merged)
            }
            return try other.configuration(reference.pulsed)
        }
    }

    /// The unit-cell configuration every analog layer of this section is built with.
    public var cellConfiguration: any UnitCellConfiguration {
        get throws {
            let main = try deviceConfiguration
            switch unitCell {
            case .singleDevice:
                return Self.single(main)
            case .referencePair(_, let weight):
                return Self.pair(main, try referenceDeviceConfiguration, referenceWeight: Float(weight))
            case .miniBatch, .lowRank:
                return try gradientCellConfiguration(main)
            case .vector(let parameters):
                return Self.vector(main, parameters)
            case .oneSided(let parameters):
                return Self.oneSided(main, parameters)
            default:
                return try trainingCellConfiguration(main)
            }
        }
    }

    private static func single<D: PulsedDeviceConfiguration>(_ device: D) -> any UnitCellConfiguration {
        SingleDeviceConfiguration(device: device)
    }

    private static func vector<D: PulsedDeviceConfiguration>(_ device: D, _ parameters: VectorUnitCellParameters)
        -> any UnitCellConfiguration {
        VectorUnitCellConfiguration(device: device, parameters: parameters)
    }

    private static func oneSided<D: PulsedDeviceConfiguration>(_ device: D, _ parameters: OneSidedUnitCellParameters)
        -> any UnitCellConfiguration {
        OneSidedUnitCellConfiguration(device: device, parameters: parameters)
    }

    private static func pair<D: PulsedDeviceConfiguration>(_ device: D, _ reference: any PulsedDeviceConfiguration,
                                                           referenceWeight: Float) -> any UnitCellConfiguration {
        func withReference<R: PulsedDeviceConfiguration>(_ reference: R) -> any UnitCellConfiguration {
            ReferencePairConfiguration(device: device, reference: reference, referenceWeight: referenceWeight)
        }
        return withReference(reference)
    }
}

// MARK: - Optimizers analog layers can honour

extension AnalogHardwareSpec {
    /// Throws a `SpecError` at `path` when the optimizer cannot be applied to analog
    /// layers: they apply the optimizer's learning rate as a pulsed SGD update on the devices
    /// (aihwkit `AnalogSGD`), so only plain SGD without momentum, Nesterov or weight decay
    /// is honoured (the digital biases follow any optimizer).
    public func validate(optimizer kind: String, momentum: Double, nesterov: Bool = false, weightDecay: Double = 0,
                         path: String = "training.optimizer") throws {
        let supported = "analog layers (hardware.analog) apply pulsed SGD on their devices (aihwkit AnalogSGD); "
            + "supported: kind: sgd with momentum: 0, nesterov: false, weight_decay: 0"
        guard kind == "sgd" else {
            throw SpecError(path: layerPath(path, "kind"), "optimizer '\(kind)' cannot train analog layers; \(supported)")
        }
        guard momentum == 0 else {
            throw SpecError(path: layerPath(path, "momentum"), "momentum \(momentum) cannot train analog layers; \(supported)")
        }
        guard !nesterov else {
            throw SpecError(path: layerPath(path, "nesterov"), "Nesterov momentum cannot train analog layers; \(supported)")
        }
        guard weightDecay == 0 else {
            throw SpecError(path: layerPath(path, "weight_decay"),
                            "weight decay \(weightDecay) is not applied to analog weights; \(supported)")
        }
    }
}
