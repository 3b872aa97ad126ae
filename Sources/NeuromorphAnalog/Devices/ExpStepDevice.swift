import NeuromorphCore
import RealModule

/// An exponential-step device (aihwkit 1.1 `ExpStepDevice`, a CMOS-like/ReRAM fit): the step
/// falls off exponentially toward the bound the pulse drives to.
///
/// ```
/// z     = 2 a w / (b_max,ij − b_min,ij) + b
/// up:    y⁺ = max(1 − A⁺ exp( γ⁺ z), 0)      w ← clip(w + y⁺ dw_up,ij   (1 + σ_c2c ξ))
/// down:  y⁻ = max(1 − A⁻ exp(−γ⁻ z), 0)      w ← clip(w − y⁻ dw_down,ij (1 + σ_c2c ξ))
/// ```
/// (additive noise: `y dw + dw σ_c2c ξ`). `a`, `b`, `A±`, `γ±` are tile-wide (no
/// device-to-device variation, as in aihwkit); defaults are aihwkit's. Symmetry point by
/// bisection.
@dynamicMemberLookup
public struct ExpStepDevice: PulsedDeviceConfiguration {
    /// The shared pulsed-device parameters (`dw_min`, hard bounds, variations).
    public var pulsed: PulsedDeviceParameters
    /// Up-direction factor `A⁺` (dimensionless; aihwkit `A_up`).
    public var aUp: Float = 0.00081
    /// Down-direction factor `A⁻` (dimensionless; aihwkit `A_down`).
    public var aDown: Float = 0.36833
    /// Up-direction exponent `γ⁺` (dimensionless; aihwkit `gamma_up`).
    public var gammaUp: Float = 12.44625
    /// Down-direction exponent `γ⁻` (dimensionless; aihwkit `gamma_down`).
    public var gammaDown: Float = 12.78785
    /// Global slope `a` of `z` in the weight (dimensionless; aihwkit `a`).
    public var slope: Float = 0.244
    /// Global offset `b` of `z` (dimensionless; aihwkit `b`).
    public var offset: Float = 0.2425

    public init(pulsed: PulsedDeviceParameters = PulsedDeviceParameters()) {
        self.pulsed = pulsed
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<PulsedDeviceParameters, T>) -> T {
        get { pulsed[keyPath: keyPath] }
        set { pulsed[keyPath: keyPath] = newValue }
    }

    /// aihwkit 1.1's `ExpStepDevice()` defaults.
    public static let aihwkitDefault = ExpStepDevice()

    public var nominalStep: Float { pulsed.dwMin }

    public func validate() throws {
        try pulsed.validate(device: "ExpStepDevice")
        // A± may be negative (aihwkit's ReRamESPresetDevice: A_up = −1.18445, A_down = −0.081404).
        for (name, value) in [("A_up", aUp), ("A_down", aDown)] where !value.isFinite {
            throw DeviceParameterError(device: "ExpStepDevice", parameter: name, "must be finite, got \(value)")
        }
        for (name, value) in [("gamma_up", gammaUp), ("gamma_down", gammaDown)]
        where !(value.isFinite && value >= 0) {
            throw DeviceParameterError(device: "ExpStepDevice", parameter: name, "must be finite and ≥ 0, got \(value)")
        }
        for (name, value) in [("a", slope), ("b", offset)] where !value.isFinite {
            throw DeviceParameterError(device: "ExpStepDevice", parameter: name, "must be finite, got \(value)")
        }
    }

    public func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> ExpStepDeviceArray {
        try validate()
        let storage = try PulsedDeviceStorage(rows: rows, columns: columns, parameters: pulsed,
                                              device: "ExpStepDevice", generator: &generator)
        return ExpStepDeviceArray(storage: storage, shape: ExpStepShape(aUp: aUp, aDown: aDown, gammaUp: gammaUp,
                                                                       gammaDown: gammaDown, slope: slope, offset: offset),
                                  cycleStd: pulsed.dwMinStd, noise: pulsed.noise)
    }
}

/// The tile-wide shape constants of ``ExpStepDevice``.
@usableFromInline
struct ExpStepShape: Sendable, Codable, Equatable {
    @usableFromInline var aUp, aDown, gammaUp, gammaDown, slope, offset: Float

    /// The relative step `y` in a direction at weight `w` with bounds `[lo, hi]`.
    @inlinable @inline(__always)
    func factor(_ w: Float, lo: Float, hi: Float, up: Bool) -> Float {
        let range = hi - lo
        guard range > 0 else { return 0 }
        let z = 2 * slope * w / range + offset
        return up ? Swift.max(1 - aUp * Float.exp(gammaUp * z), 0)
                  : Swift.max(1 - aDown * Float.exp(-gammaDown * z), 0)
    }
}

/// The devices of one crossbar of ``ExpStepDevice``s.
public struct ExpStepDeviceArray: SymmetryPointDeviceArray, DecayingDeviceArray, Equatable {
    @usableFromInline var storage: PulsedDeviceStorage
    @usableFromInline let shape: ExpStepShape
    @usableFromInline let cycleStd: Float
    @usableFromInline let noise: CycleNoiseModel

    init(storage: PulsedDeviceStorage, shape: ExpStepShape, cycleStd: Float, noise: CycleNoiseModel) {
        self.storage = storage
        self.shape = shape
        self.cycleStd = cycleStd
        self.noise = noise
    }

    public var rows: Int { storage.rows }
    public var columns: Int { storage.columns }
    public var weights: [Float] { storage.weights }

    @inlinable
    public mutating func applyPulses(at index: Int, count: Int, up: Bool, generator: inout SeededGenerator) {
        guard count > 0 else { return }
        var normals = PulseNormals()
        let lo = storage.minBound[index], hi = storage.maxBound[index]
        let s = up ? storage.stepUp[index] : storage.stepDown[index]
        var w = storage.weights[index]
        for _ in 0..<count {
            let step = noisyStep(s * shape.factor(w, lo: lo, hi: hi, up: up), deviceStep: s, std: cycleStd,
                                 noise: noise, normals: &normals, generator: &generator)
            w = clamp(up ? w + step : w - step, lo, hi)
        }
        storage.weights[index] = w
    }

    @inlinable
    public func expectedStep(at index: Int, up: Bool) -> Float {
        let w = storage.weights[index], lo = storage.minBound[index], hi = storage.maxBound[index]
        let step = (up ? storage.stepUp[index] : storage.stepDown[index]) * shape.factor(w, lo: lo, hi: hi, up: up)
        return clamp(up ? w + step : w - step, lo, hi) - w
    }

    public mutating func setWeights(_ targets: [Float]) { storage.setWeights(targets) }

    public var sampledParameters: [String: [Float]] { storage.commonParameters }

    public var symmetryPoints: [Float] {
        (0..<storage.weights.count).map { k in
            let lo = storage.minBound[k], hi = storage.maxBound[k], su = storage.stepUp[k], sd = storage.stepDown[k]
            return bisectSymmetryPoint(lo: lo, hi: hi, up: { su * shape.factor($0, lo: lo, hi: hi, up: true) },
                                       down: { sd * shape.factor($0, lo: lo, hi: hi, up: false) })
        }
    }

    public mutating func reset(generator: inout SeededGenerator) { storage.reset(generator: &generator) }

    public mutating func decayWeights(alpha: Float = 1) { storage.decay(alpha: alpha) }

    public mutating func diffuseWeights(generator: inout SeededGenerator) { storage.diffuse(generator: &generator) }

    public var hasSlowDynamics: Bool { storage.hasSlowDynamics }

    public mutating func resetDevices(at indices: [Int], generator: inout SeededGenerator) {
        storage.reset(at: indices, generator: &generator)
    }
}

// MARK: - Decoding with defaults

extension ExpStepDevice {
    /// Decodes the keys present and keeps the documented default for every missing one.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pulsed = try c.decodeIfPresent(PulsedDeviceParameters.self, forKey: .pulsed) ?? pulsed
        aUp = try c.decodeIfPresent(Float.self, forKey: .aUp) ?? aUp
        aDown = try c.decodeIfPresent(Float.self, forKey: .aDown) ?? aDown
        gammaUp = try c.decodeIfPresent(Float.self, forKey: .gammaUp) ?? gammaUp
        gammaDown = try c.decodeIfPresent(Float.self, forKey: .gammaDown) ?? gammaDown
        slope = try c.decodeIfPresent(Float.self, forKey: .slope) ?? slope
        offset = try c.decodeIfPresent(Float.self, forKey: .offset) ?? offset
    }
}

// MARK: - Registry

extension ExpStepDevice {
    /// The names configuration files use for this model (see ``DeviceRegistry``).
    public static var registryEntries: [DeviceRegistryEntry] {
        [
            // `dw_min_std_add`/`dw_min_std_slope` (model keys) select the complex pulse noise.
            DeviceRegistryEntry(name: "exp_step", summary: "aihwkit ExpStepDevice defaults (model keys dw_min_std_add, dw_min_std_slope)",
                                pulsed: ExpStepDevice.aihwkitDefault.pulsed, modelDefaults: ExpStepComplexNoiseDevice.modelKeyDefaults) { p, model in
                ExpStepComplexNoiseDevice.build(.aihwkitDefault, pulsed: p, model: model)
            },
        ]
    }
}
