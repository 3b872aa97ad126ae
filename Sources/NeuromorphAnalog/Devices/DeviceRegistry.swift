import NeuromorphCore

/// One device model or preset a configuration file can name (`device: constant_step`):
/// its name, what it is, and how to build its configuration, with or without aihwkit
/// `PulsedDevice` parameter overrides. Each device type declares its own entries next to
/// its definition (`registryEntries`); ``DeviceRegistry/entries`` lists them in one place.
public struct DeviceRegistryEntry: Sendable {
    /// The name in configuration files (`constant_step`, `gokmen-15-states`).
    public let name: String
    /// One line: the model and where its parameters come from.
    public let summary: String
    /// The preset's aihwkit `PulsedDevice` parameters, or `nil` when the model has none (so
    /// `pulsed:` overrides do not apply).
    public let pulsedDefaults: PulsedDeviceParameters?
    /// The preset's read-visible write noise in units of `dw_min` (aihwkit `write_noise_std`;
    /// 0: none). A positive value wraps the configuration in ``WriteNoiseDevice``.
    public let writeNoiseStd: Float
    /// The model's own keys beyond aihwkit's `PulsedDevice` ones that `pulsed:` may set, with
    /// their defaults (e.g. `reference_std` of ``SoftBoundsReferenceDevice``); booleans as 0/1.
    public let modelDefaults: [String: Double]
    private let make: @Sendable (PulsedDeviceParameters?, [String: Double]) -> any PulsedDeviceConfiguration

    /// An entry for a model without aihwkit `PulsedDevice` parameters.
    public init<Device: PulsedDeviceConfiguration>(name: String, summary: String, preset: Device) {
        self.name = name
        self.summary = summary
        pulsedDefaults = nil
        writeNoiseStd = 0
        modelDefaults = [:]
        make = { _, _ in preset }
    }

    /// An entry with `PulsedDevice` parameters, write noise and model keys: `build` makes the
    /// configuration from the (overridden) parameters and model keys.
    public init(name: String, summary: String, pulsed: PulsedDeviceParameters, writeNoiseStd: Float = 0,
                modelDefaults: [String: Double] = [:],
                build: @escaping @Sendable (PulsedDeviceParameters, [String: Double]) -> any PulsedDeviceConfiguration) {
        self.name = name
        self.summary = summary
        pulsedDefaults = pulsed
        self.writeNoiseStd = writeNoiseStd
        self.modelDefaults = modelDefaults
        make = { parameters, model in build(parameters ?? pulsed, modelDefaults.merging(model) { _, new in new }) }
    }

    /// An entry whose `PulsedDevice` parameters are `preset.pulsed`-like and can be
    /// overridden: `read` gets them, `write` returns the preset with replaced parameters.
    public init<Device: PulsedDeviceConfiguration>(
        name: String, summary: String, preset: Device,
        read: @escaping @Sendable (Device) -> PulsedDeviceParameters,
        write: @escaping @Sendable (Device, PulsedDeviceParameters) -> Device
    ) {
        self.name = name
        self.summary = summary
        pulsedDefaults = read(preset)
        writeNoiseStd = 0
        modelDefaults = [:]
        make = { parameters, _ in parameters.map { write(preset, $0) } ?? preset }
    }

    /// Whether `pulsed:` overrides apply.
    public var acceptsPulsedParameters: Bool { pulsedDefaults != nil }

    /// The configuration, with `pulsed` replacing the preset's `PulsedDevice` parameters
    /// where the model has them (ignored otherwise; check ``acceptsPulsedParameters``).
    public func configuration(pulsed: PulsedDeviceParameters? = nil) -> any PulsedDeviceConfiguration {
        configuration(pulsed: pulsed, model: [:], writeNoiseStd: nil)
    }

    /// The configuration with `pulsed` parameters, model keys (see ``modelDefaults``) and
    /// write noise (`nil`: the preset's), wrapped in ``WriteNoiseDevice`` when the write noise
    /// is positive.
    public func configuration(pulsed: PulsedDeviceParameters?, model: [String: Double],
                              writeNoiseStd noise: Float?) -> any PulsedDeviceConfiguration {
        let base = make(acceptsPulsedParameters ? pulsed : nil, model)
        let std = noise ?? writeNoiseStd
        guard std != 0 else { return base }
        func wrap<D: PulsedDeviceConfiguration>(_ device: D) -> any PulsedDeviceConfiguration {
            WriteNoiseDevice(base: device, writeNoiseStd: std)
        }
        return wrap(base)
    }
}

/// The device models and presets configuration files can name, in one list. A new model
/// registers by adding its type's `registryEntries` here.
public enum DeviceRegistry {
    public static let entries: [DeviceRegistryEntry] = [
        IdealPulsedDevice.registryEntries,
        ConstantStepDevice.registryEntries,
        SoftBoundsDevice.registryEntries,
        SoftBoundsReferenceDevice.registryEntries,
        ExpStepDevice.registryEntries,
        PowStepDevice.registryEntries,
        LinearStepDevice.registryEntries,
        NeuroSimDevice.registryEntries,
        AsymmetricSoftBoundsDevice.registryEntries,
        AihwkitDevicePresets.registryEntries,
    ].flatMap { $0 }

    /// Every registered name, in registration order.
    public static var names: [String] { entries.map(\.name) }

    /// The entry named `name`, if any.
    public static func entry(named name: String) -> DeviceRegistryEntry? {
        entries.first { $0.name == name }
    }
}
