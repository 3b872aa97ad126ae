import NeuromorphCore

/// A soft-bounds device (aihwkit 1.1 `SoftBoundsDevice`): the step shrinks linearly to zero
/// at the device's sampled bounds.
///
/// ```
/// up:    Δw⁺ = dw_up,ij   · (1 − w / b_max,ij)       w ← clip(w + Δw⁺ (1 + σ_c2c ξ))
/// down:  Δw⁻ = dw_down,ij · (1 − w / b_min,ij)       w ← clip(w − Δw⁻ (1 + σ_c2c ξ))
/// ```
/// (`b_min < 0`; additive noise `Δw± + dw_ij σ_c2c ξ`). It is the linear-step model with
/// `slope⁺ = 1/b_max`, `slope⁻ = 1/|b_min|` (aihwkit: `LinearStepDevice` with `γ = 1`), so
/// it shares ``LinearStepDeviceArray``; Gokmen 2021's devices (digest
/// `ttv2_gradient-decomposition_shd.md` §1.3) are ``LinearStepDevice/gokmen1200States`` and
/// ``LinearStepDevice/gokmen15States``. Symmetry point (closed form):
/// `w* = (dw_up − dw_down)/(dw_up/b_max + dw_down/|b_min|)`.
@dynamicMemberLookup
public struct SoftBoundsDevice: PulsedDeviceConfiguration {
    /// The shared pulsed-device parameters; here `w_min`/`w_max` are the soft bounds.
    public var pulsed: PulsedDeviceParameters

    public init(pulsed: PulsedDeviceParameters = PulsedDeviceParameters()) {
        self.pulsed = pulsed
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<PulsedDeviceParameters, T>) -> T {
        get { pulsed[keyPath: keyPath] }
        set { pulsed[keyPath: keyPath] = newValue }
    }

    /// aihwkit 1.1's `SoftBoundsDevice()` defaults (multiplicative noise).
    public static let aihwkitDefault = SoftBoundsDevice()

    public var nominalStep: Float { pulsed.dwMin }

    /// `(w_max − w_min)/dw_min`: the nominal range over the step at the symmetry point.
    public var nominalStateCount: Float { (pulsed.wMax - pulsed.wMin) / pulsed.dwMin }

    public func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> LinearStepDeviceArray {
        guard pulsed.wMin < 0 && pulsed.wMax > 0 else {
            throw DeviceParameterError(device: "SoftBoundsDevice", parameter: "w_min",
                                       "soft bounds need w_min < 0 < w_max, got [\(pulsed.wMin), \(pulsed.wMax)]")
        }
        let storage = try PulsedDeviceStorage(rows: rows, columns: columns, parameters: pulsed,
                                              device: "SoftBoundsDevice", generator: &generator)
        let up = storage.maxBound.map { $0 > 0 ? 1 / $0 : 0 }
        let down = storage.minBound.map { $0 < 0 ? -1 / $0 : 0 }
        return LinearStepDeviceArray(storage: storage, slopeUp: up, slopeDown: down,
                                     center: [Float](repeating: 0, count: rows * columns),
                                     cycleStd: pulsed.dwMinStd, noise: pulsed.noise, slopesFromBounds: true)
    }
}

/// The array type of ``SoftBoundsDevice``.
public typealias SoftBoundsDeviceArray = LinearStepDeviceArray

// MARK: - Decoding with defaults

extension SoftBoundsDevice {
    /// Decodes the keys present and keeps the documented default for every missing one.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pulsed = try c.decodeIfPresent(PulsedDeviceParameters.self, forKey: .pulsed) ?? pulsed
    }
}

// MARK: - Registry

extension SoftBoundsDevice {
    /// The names configuration files use for this model (see ``DeviceRegistry``).
    public static var registryEntries: [DeviceRegistryEntry] {
        [
            DeviceRegistryEntry(name: "soft_bounds", summary: "aihwkit SoftBoundsDevice with its 1.1 defaults", preset: SoftBoundsDevice.aihwkitDefault,
                                read: { $0.pulsed }, write: { device, p in var d = device; d.pulsed = p; return d }),
        ]
    }
}
