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
    private let make: @Sendable (PulsedDeviceParameters?) -> any PulsedDeviceConfiguration

    /// An entry for a model without aihwkit `PulsedDevice` parameters.
    public init<Device: PulsedDeviceConfiguration>(name: String, summary: String, preset: Device) {
        self.name = name
        self.summary = summary
        pulsedDefaults = nil
        make = { _ in preset }
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
        make = { parameters in parameters.map { write(preset, $0) } ?? preset }
    }

    /// Whether `pulsed:` overrides apply.
    public var acceptsPulsedParameters: Bool { pulsedDefaults != nil }

    /// The configuration, with `pulsed` replacing the preset's `PulsedDevice` parameters
    /// where the model has them (ignored otherwise; check ``acceptsPulsedParameters``).
    public func configuration(pulsed: PulsedDeviceParameters? = nil) -> any PulsedDeviceConfiguration {
        make(acceptsPulsedParameters ? pulsed : nil)
    }
}

/// The device models and presets configuration files can name, in one list. A new model
/// registers by adding its type's `registryEntries` here.
public enum DeviceRegistry {
    public static let entries: [DeviceRegistryEntry] = [
        IdealPulsedDevice.registryEntries,
        ConstantStepDevice.registryEntries,
        SoftBoundsDevice.registryEntries,
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
