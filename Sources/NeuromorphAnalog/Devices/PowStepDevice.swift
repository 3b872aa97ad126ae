import NeuromorphCore
import RealModule

/// A power-step device (aihwkit 1.1 `PowStepDevice`): the step is a power of the distance to
/// the bound the pulse drives toward, relative to the device's range.
///
/// ```
/// up:    Δw⁺ = dw_up,ij   · ((b_max,ij − w)/(b_max,ij − b_min,ij))^γ⁺_ij     w ← clip(w + Δw⁺ (1 + σ_c2c ξ))
/// down:  Δw⁻ = dw_down,ij · ((w − b_min,ij)/(b_max,ij − b_min,ij))^γ⁻_ij     w ← clip(w − Δw⁻ (1 + σ_c2c ξ))
/// gain = 1 + pow_gamma_dtod ξ₁,  r = pow_up_down_dtod ξ₂
/// γ⁺_ij = pow_gamma (gain + r + min(pow_up_down, 0)),  γ⁻_ij = pow_gamma (gain − r − max(pow_up_down, 0))
/// ```
/// (additive noise: `Δw + dw σ_c2c ξ`; exponents kept positive by the negative-step
/// policy). Defaults are aihwkit's (`pow_gamma` 1, `pow_gamma_dtod` 0.1). Note that at
/// `w = 0` in a symmetric range the step is `dw_min · 0.5^γ`, as in aihwkit. Symmetry point
/// by bisection.
@dynamicMemberLookup
public struct PowStepDevice: PulsedDeviceConfiguration {
    /// The shared pulsed-device parameters (`dw_min`, bounds, variations).
    public var pulsed: PulsedDeviceParameters
    /// Mean exponent `γ` (dimensionless; aihwkit `pow_gamma`).
    public var powGamma: Float = 1
    /// Device-to-device standard deviation of `γ`, relative (aihwkit `pow_gamma_dtod`).
    public var powGammaDtod: Float = 0.1
    /// Systematic up/down imbalance of `γ`, relative (aihwkit `pow_up_down`).
    public var powUpDown: Float = 0
    /// Device-to-device spread of the up/down imbalance of `γ`, relative (aihwkit `pow_up_down_dtod`).
    public var powUpDownDtod: Float = 0

    public init(pulsed: PulsedDeviceParameters = PulsedDeviceParameters()) {
        self.pulsed = pulsed
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<PulsedDeviceParameters, T>) -> T {
        get { pulsed[keyPath: keyPath] }
        set { pulsed[keyPath: keyPath] = newValue }
    }

    /// aihwkit 1.1's `PowStepDevice()` defaults.
    public static let aihwkitDefault = PowStepDevice()

    public var nominalStep: Float { pulsed.dwMin }

    public func validate() throws {
        try pulsed.validate(device: "PowStepDevice")
        let name = "PowStepDevice"
        guard powGamma.isFinite && powGamma > 0 else {
            throw DeviceParameterError(device: name, parameter: "pow_gamma", "must be finite and > 0, got \(powGamma)")
        }
        for (parameter, value) in [("pow_gamma_dtod", powGammaDtod), ("pow_up_down_dtod", powUpDownDtod)] where !(value.isFinite && value >= 0) {
            throw DeviceParameterError(device: name, parameter: parameter, "must be finite and ≥ 0, got \(value)")
        }
        guard powUpDown.isFinite && Swift.abs(powUpDown) < 1 else {
            throw DeviceParameterError(device: name, parameter: "pow_up_down", "must be in (−1, 1), got \(powUpDown)")
        }
    }

    public func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> PowStepDeviceArray {
        try validate()
        let storage = try PulsedDeviceStorage(rows: rows, columns: columns, parameters: pulsed,
                                              device: "PowStepDevice", generator: &generator)
        let n = rows * columns
        var up = [Float](repeating: 0, count: n), down = [Float](repeating: 0, count: n)
        let upBias = powUpDown > 0 ? 0 : powUpDown, downBias = powUpDown > 0 ? -powUpDown : 0
        for k in 0..<n {
            var gammaUp: Float = 0, gammaDown: Float = 0, tries = 0
            repeat {
                let gain = 1 + (powGammaDtod > 0 ? powGammaDtod * generator.nextNormal() : 0)
                let r = powUpDownDtod > 0 ? powUpDownDtod * generator.nextNormal() : 0
                gammaUp = (upBias + gain + r) * powGamma
                gammaDown = (downBias + gain - r) * powGamma
                tries += 1
            } while pulsed.negativeStepPolicy == .resample && (gammaUp <= 0 || gammaDown <= 0) && tries < 64
            up[k] = pulsed.negativeStepPolicy.fix(gammaUp, nominal: powGamma)
            down[k] = pulsed.negativeStepPolicy.fix(gammaDown, nominal: powGamma)
        }
        return PowStepDeviceArray(storage: storage, gammaUp: up, gammaDown: down, cycleStd: pulsed.dwMinStd, noise: pulsed.noise)
    }
}

/// The devices of one crossbar of ``PowStepDevice``s.
public struct PowStepDeviceArray: SymmetryPointDeviceArray, DecayingDeviceArray, Equatable {
    @usableFromInline var storage: PulsedDeviceStorage
    @usableFromInline let gammaUp: [Float]
    @usableFromInline let gammaDown: [Float]
    @usableFromInline let cycleStd: Float
    @usableFromInline let noise: CycleNoiseModel

    init(storage: PulsedDeviceStorage, gammaUp: [Float], gammaDown: [Float], cycleStd: Float, noise: CycleNoiseModel) {
        self.storage = storage
        self.gammaUp = gammaUp
        self.gammaDown = gammaDown
        self.cycleStd = cycleStd
        self.noise = noise
    }

    public var rows: Int { storage.rows }
    public var columns: Int { storage.columns }
    public var weights: [Float] { storage.weights }

    /// The noise-free step magnitude at `w`.
    @inlinable @inline(__always)
    static func magnitude(_ w: Float, step: Float, gamma: Float, lo: Float, hi: Float, up: Bool) -> Float {
        let range = hi - lo
        guard range > 0 else { return 0 }
        let distance = Swift.max(up ? (hi - w) / range : (w - lo) / range, 0)
        return step * Float.pow(distance, gamma)
    }

    @inlinable
    public mutating func applyPulses(at index: Int, count: Int, up: Bool, generator: inout SeededGenerator) {
        guard count > 0 else { return }
        var normals = PulseNormals()
        let lo = storage.minBound[index], hi = storage.maxBound[index]
        let s = up ? storage.stepUp[index] : storage.stepDown[index]
        let gamma = up ? gammaUp[index] : gammaDown[index]
        var w = storage.weights[index]
        for _ in 0..<count {
            let step = noisyStep(Self.magnitude(w, step: s, gamma: gamma, lo: lo, hi: hi, up: up), deviceStep: s,
                                 std: cycleStd, noise: noise, normals: &normals, generator: &generator)
            w = clamp(up ? w + step : w - step, lo, hi)
        }
        storage.weights[index] = w
    }

    @inlinable
    public func expectedStep(at index: Int, up: Bool) -> Float {
        let w = storage.weights[index], lo = storage.minBound[index], hi = storage.maxBound[index]
        let step = Self.magnitude(w, step: up ? storage.stepUp[index] : storage.stepDown[index],
                                  gamma: up ? gammaUp[index] : gammaDown[index], lo: lo, hi: hi, up: up)
        return clamp(up ? w + step : w - step, lo, hi) - w
    }

    public mutating func setWeights(_ targets: [Float]) { storage.setWeights(targets) }

    public var sampledParameters: [String: [Float]] {
        var p = storage.commonParameters
        p["gamma_up"] = gammaUp
        p["gamma_down"] = gammaDown
        return p
    }

    public var symmetryPoints: [Float] {
        (0..<storage.weights.count).map { k in
            let lo = storage.minBound[k], hi = storage.maxBound[k]
            let su = storage.stepUp[k], sd = storage.stepDown[k], gu = gammaUp[k], gd = gammaDown[k]
            return bisectSymmetryPoint(lo: lo, hi: hi,
                                       up: { Self.magnitude($0, step: su, gamma: gu, lo: lo, hi: hi, up: true) },
                                       down: { Self.magnitude($0, step: sd, gamma: gd, lo: lo, hi: hi, up: false) })
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

extension PowStepDevice {
    /// Decodes the keys present and keeps the documented default for every missing one.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pulsed = try c.decodeIfPresent(PulsedDeviceParameters.self, forKey: .pulsed) ?? pulsed
        powGamma = try c.decodeIfPresent(Float.self, forKey: .powGamma) ?? powGamma
        powGammaDtod = try c.decodeIfPresent(Float.self, forKey: .powGammaDtod) ?? powGammaDtod
        powUpDown = try c.decodeIfPresent(Float.self, forKey: .powUpDown) ?? powUpDown
        powUpDownDtod = try c.decodeIfPresent(Float.self, forKey: .powUpDownDtod) ?? powUpDownDtod
    }
}

// MARK: - Registry

extension PowStepDevice {
    /// The names configuration files use for this model (see ``DeviceRegistry``).
    public static var registryEntries: [DeviceRegistryEntry] {
        [
            DeviceRegistryEntry(name: "pow_step", summary: "aihwkit PowStepDevice defaults", preset: PowStepDevice.aihwkitDefault,
                                read: { $0.pulsed }, write: { device, p in var d = device; d.pulsed = p; return d }),
        ]
    }
}
