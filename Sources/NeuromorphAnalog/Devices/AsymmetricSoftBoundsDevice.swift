import NeuromorphCore

/// A generic asymmetric device with an explicit symmetry point (Onen et al. 2022, digest
/// `ttv2_gradient-decomposition_shd.md` §3.2 Eq. 2 and §3.5): soft bounds centred on a
/// per-device symmetry point `w_sym`, so that every pulse, whatever its sign, also drifts the
/// weight toward `w_sym` with strength set by the asymmetry factor `κ`.
///
/// ```
/// up:    Δw⁺ = dw_up,ij   · (1 − κ_ij (w − w_sym,ij))     w ← clip(w + Δw⁺ (1 + σ_c2c ξ))
/// down:  Δw⁻ = dw_down,ij · (1 + κ_ij (w − w_sym,ij))     w ← clip(w − Δw⁻ (1 + σ_c2c ξ))
/// κ_ij = κ (1 + σ_κ ξ₁),   w_sym,ij = w_sym + σ_sym ξ₂                  (sampled once)
/// ```
/// In expectation (Eq. 3 / Onen Eq. 2) `w ← w + η d x − η |d x| κ (w − w_sym)`: `F = 1`,
/// `f_hardware = w − w_sym`. The soft range is `w_sym ± 1/κ`, the number of states
/// `2/(κ dw_min)`, and the symmetry point (closed form, equal to `w_sym,ij` for equal steps)
/// `w* = w_sym + (dw_up − dw_down)/(κ (dw_up + dw_down))`.
///
/// The hard bounds `w_min`/`w_max` still clip; this device's default hard bounds are ±1 with
/// no spread (wider than aihwkit's ±0.6, so the soft range decides).
@dynamicMemberLookup
public struct AsymmetricSoftBoundsDevice: PulsedDeviceConfiguration {
    /// The shared pulsed-device parameters (`dw_min`, hard bounds, variations).
    public var pulsed: PulsedDeviceParameters
    /// Mean asymmetry factor `κ`: the slope of both steps around the symmetry point, in
    /// 1/weight units (Onen's `κ`; Gokmen's `μ_s`).
    public var asymmetry: Float
    /// Device-to-device standard deviation of `κ`, relative to `asymmetry` (dimensionless).
    public var asymmetryDtod: Float
    /// Mean symmetry point, in weight units.
    public var symmetryPoint: Float
    /// Device-to-device standard deviation of the symmetry point, in weight units.
    public var symmetryPointDtod: Float

    public init(pulsed: PulsedDeviceParameters = AsymmetricSoftBoundsDevice.defaultPulsed,
                asymmetry: Float = 1.66, asymmetryDtod: Float = 0.1,
                symmetryPoint: Float = 0, symmetryPointDtod: Float = 0) {
        self.pulsed = pulsed
        self.asymmetry = asymmetry
        self.asymmetryDtod = asymmetryDtod
        self.symmetryPoint = symmetryPoint
        self.symmetryPointDtod = symmetryPointDtod
    }

    /// A device with `states = 2/(κ dw_min)` nominal states (Onen M3 uses about 1,200).
    public init(states: Float, asymmetry: Float, asymmetryDtod: Float = 0.1, symmetryPoint: Float = 0,
                symmetryPointDtod: Float = 0, pulsed: PulsedDeviceParameters = AsymmetricSoftBoundsDevice.defaultPulsed) {
        var p = pulsed
        p.dwMin = asymmetry > 0 && states > 0 ? 2 / (asymmetry * states) : 0
        self.init(pulsed: p, asymmetry: asymmetry, asymmetryDtod: asymmetryDtod,
                  symmetryPoint: symmetryPoint, symmetryPointDtod: symmetryPointDtod)
    }

    /// aihwkit's pulsed defaults with hard bounds ±1 and no bound spread.
    public static var defaultPulsed: PulsedDeviceParameters {
        var p = PulsedDeviceParameters()
        p.wMin = -1; p.wMax = 1; p.wMinDtod = 0; p.wMaxDtod = 0
        return p
    }

    /// The 1-parameter toy of Onen et al. Fig. 1 (digest §3.6): `κ = 1.66`, symmetry point 0,
    /// no variation or noise, `dw_min = 0.001`.
    public static let onenToy: AsymmetricSoftBoundsDevice = {
        var p = PulsedDeviceParameters.noiseFree
        p.wMin = -1; p.wMax = 1
        return AsymmetricSoftBoundsDevice(pulsed: p, asymmetry: 1.66, asymmetryDtod: 0)
    }()

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<PulsedDeviceParameters, T>) -> T {
        get { pulsed[keyPath: keyPath] }
        set { pulsed[keyPath: keyPath] = newValue }
    }

    public var nominalStep: Float { pulsed.dwMin }

    /// `2/(κ dw_min)`: the soft range over the step at the symmetry point.
    public var nominalStateCount: Float { 2 / (asymmetry * pulsed.dwMin) }

    public func validate() throws {
        let name = "AsymmetricSoftBoundsDevice"
        try pulsed.validate(device: name)
        guard asymmetry.isFinite && asymmetry >= 0 else {
            throw DeviceParameterError(device: name, parameter: "asymmetry", "must be finite and ≥ 0 (1/weight units), got \(asymmetry)")
        }
        guard asymmetryDtod.isFinite && asymmetryDtod >= 0 else {
            throw DeviceParameterError(device: name, parameter: "asymmetry_dtod", "must be ≥ 0 (relative), got \(asymmetryDtod)")
        }
        guard symmetryPoint.isFinite && symmetryPoint > pulsed.wMin && symmetryPoint < pulsed.wMax else {
            throw DeviceParameterError(device: name, parameter: "symmetry_point",
                                       "must lie inside (w_min, w_max) = (\(pulsed.wMin), \(pulsed.wMax)), got \(symmetryPoint)")
        }
        guard symmetryPointDtod.isFinite && symmetryPointDtod >= 0 else {
            throw DeviceParameterError(device: name, parameter: "symmetry_point_dtod", "must be ≥ 0 (weight units), got \(symmetryPointDtod)")
        }
    }

    public func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> LinearStepDeviceArray {
        try validate()
        var storage = try PulsedDeviceStorage(rows: rows, columns: columns, parameters: pulsed,
                                              device: "AsymmetricSoftBoundsDevice", generator: &generator)
        let n = rows * columns
        var slope = [Float](repeating: 0, count: n), center = [Float](repeating: 0, count: n)
        for k in 0..<n {
            slope[k] = asymmetry > 0
                ? pulsed.negativeStepPolicy.samplePositive(nominal: asymmetry, relativeStd: asymmetryDtod, generator: &generator) : 0
            center[k] = clamp(symmetryPoint + (symmetryPointDtod > 0 ? symmetryPointDtod * generator.nextNormal() : 0),
                              storage.minBound[k], storage.maxBound[k])
        }
        storage.setWeights(center)   // devices start at their symmetry point (Onen M2 initialization)
        return LinearStepDeviceArray(storage: storage, slopeUp: slope, slopeDown: slope, center: center,
                                     cycleStd: pulsed.dwMinStd, noise: pulsed.noise)
    }
}

/// The array type of ``AsymmetricSoftBoundsDevice``.
public typealias AsymmetricSoftBoundsDeviceArray = LinearStepDeviceArray

// MARK: - Decoding with defaults

extension AsymmetricSoftBoundsDevice {
    /// Decodes the keys present and keeps the documented default for every missing one.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pulsed = try c.decodeIfPresent(PulsedDeviceParameters.self, forKey: .pulsed) ?? pulsed
        asymmetry = try c.decodeIfPresent(Float.self, forKey: .asymmetry) ?? asymmetry
        asymmetryDtod = try c.decodeIfPresent(Float.self, forKey: .asymmetryDtod) ?? asymmetryDtod
        symmetryPoint = try c.decodeIfPresent(Float.self, forKey: .symmetryPoint) ?? symmetryPoint
        symmetryPointDtod = try c.decodeIfPresent(Float.self, forKey: .symmetryPointDtod) ?? symmetryPointDtod
    }
}

// MARK: - Registry

extension AsymmetricSoftBoundsDevice {
    /// The names configuration files use for this model (see ``DeviceRegistry``).
    public static var registryEntries: [DeviceRegistryEntry] {
        [
            DeviceRegistryEntry(name: "onen-asymmetric", summary: "Onen et al. 2022 asymmetric soft-bounds toy device", preset: AsymmetricSoftBoundsDevice.onenToy,
                                read: { $0.pulsed }, write: { device, p in var d = device; d.pulsed = p; return d }),
        ]
    }
}
