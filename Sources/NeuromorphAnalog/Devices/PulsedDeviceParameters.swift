import NeuromorphCore
import RealModule

// MARK: - Shared parameter types

/// How the cycle-to-cycle noise of one pulse enters its step (Gokmen 2021, digest
/// `ttv2_gradient-decomposition_shd.md` §1.3, "Cycle-to-cycle (c2c) noise").
///
/// ```
/// multiplicative:  Δw ← Δw · (1 + σ_c2c ξ)
/// additive:        Δw ← Δw + Δw_min,ij · σ_c2c ξ        (ξ ~ N(0, 1) per pulse)
/// ```
/// With additive noise a pulse whose nominal step vanishes (at a soft bound) still moves
/// the weight, possibly against the pulse direction, as Gokmen's Fig. 5A-C states.
public enum CycleNoiseModel: String, Sendable, Codable, CaseIterable {
    case multiplicative
    case additive
}

/// What to do with a device whose sampled step size (`dw_min` up or down, or a slope) comes
/// out non-positive: a Gaussian `μ(1 + σξ)` is negative with probability `Φ(−1/σ)`, about
/// 0.04 % of devices at σ = 0.3 (digest §1.3 and §5 item 4, where the paper is silent).
public enum NegativeStepPolicy: Sendable, Codable, Equatable {
    /// Take the absolute value (aihwkit's `enforce_consistency = True`, the default).
    case absoluteValue
    /// Draw the device's parameter again until it is positive (at most 64 tries, after
    /// which the value is clipped as by ``clip(minimumFraction:)`` with fraction 0.01).
    case resample
    /// Clip from below to `minimumFraction × nominal` (e.g. 0.01 × `dw_min`), a small
    /// positive value.
    case clip(minimumFraction: Float)

    /// Applies the non-resampling part of the policy to a sampled value with nominal mean
    /// `nominal > 0`: a non-positive value becomes positive; `.clip` also raises any value
    /// below its floor to the floor.
    @usableFromInline
    func fix(_ value: Float, nominal: Float) -> Float {
        switch self {
        case .absoluteValue:
            if value > 0 { return value }
            return Swift.abs(value) > 0 ? Swift.abs(value) : 0.01 * nominal
        case .resample:
            return value > 0 ? value : 0.01 * nominal
        case .clip(let fraction):
            return Swift.max(value, fraction * nominal)
        }
    }

    func validate(device: String) throws {
        if case .clip(let fraction) = self, !(fraction > 0 && fraction <= 1) {
            throw DeviceParameterError(device: device, parameter: "negative_step_policy",
                                       "clip fraction must be in (0, 1], got \(fraction)")
        }
    }

    /// Samples `nominal · (1 + relativeStd · ξ)` and enforces positivity by the policy.
    func samplePositive(nominal: Float, relativeStd: Float, generator: inout SeededGenerator) -> Float {
        guard relativeStd > 0 else { return nominal }
        var value = nominal * (1 + relativeStd * generator.nextNormal())
        if case .resample = self {
            var tries = 0
            while value <= 0 && tries < 64 {
                value = nominal * (1 + relativeStd * generator.nextNormal())
                tries += 1
            }
        }
        return fix(value, nominal: nominal)
    }
}

/// The parameters every pulsed device model shares, with aihwkit 1.1's `PulsedDevice`
/// names (in `snake_case` in error messages and ``PulsedDeviceArray/sampledParameters``) and
/// defaults. Weights are in normalized units ("weight units"), a pulse moves a weight by
/// about `dwMin`.
///
/// Device-to-device sampling (aihwkit `PulsedRPUDevice::populate`), once per device with
/// independent ξ ~ N(0, 1):
/// ```
/// gain      = 1 + dw_min_dtod · ξ₁,        r = up_down_dtod · ξ₂
/// dw_up     = dw_min · (gain + r + min(up_down, 0))
/// dw_down   = dw_min · (gain − r − max(up_down, 0))
/// b_max     = w_max · (1 + w_max_dtod · ξ₃),   b_min = w_min · (1 + w_min_dtod · ξ₄)
/// reset_ij  = reset + reset_dtod · ξ₅
/// lifetime_ij = lifetime · (1 + lifetime_dtod · ξ₆),   decay_ij = 1 − 1/lifetime_ij  (0 if lifetime_ij ≤ 1)
/// diffusion_ij = |diffusion · (1 + diffusion_dtod · ξ₇)|
/// ```
/// then a non-positive `dw_up`/`dw_down` is fixed by ``negativeStepPolicy``; if the nominal
/// range contains 0, `b_max ← |b_max|`, `b_min ← −|b_min|` (aihwkit consistency), and a
/// crossed pair is swapped.
public struct PulsedDeviceParameters: Sendable, Codable, Equatable {
    /// Mean step of one pulse across devices and directions, in weight units (aihwkit `dw_min`).
    public var dwMin: Float = 0.001
    /// Device-to-device standard deviation of the step, relative to `dwMin` (dimensionless;
    /// aihwkit `dw_min_dtod`).
    public var dwMinDtod: Float = 0.3
    /// Cycle-to-cycle (per pulse) standard deviation of the step, relative to the device's
    /// step (dimensionless; aihwkit `dw_min_std`).
    public var dwMinStd: Float = 0.3
    /// Systematic up/down step imbalance, relative to `dwMin`: positive makes up steps larger
    /// (dimensionless; aihwkit `up_down`).
    public var upDown: Float = 0
    /// Device-to-device standard deviation of the up/down imbalance, relative to `dwMin`
    /// (dimensionless; aihwkit `up_down_dtod`).
    public var upDownDtod: Float = 0.01
    /// Mean lower (hard) weight bound, in weight units (aihwkit `w_min`).
    public var wMin: Float = -0.6
    /// Mean upper (hard) weight bound, in weight units (aihwkit `w_max`).
    public var wMax: Float = 0.6
    /// Device-to-device standard deviation of the lower bound, relative to `wMin`
    /// (dimensionless; aihwkit `w_min_dtod`).
    public var wMinDtod: Float = 0.3
    /// Device-to-device standard deviation of the upper bound, relative to `wMax`
    /// (dimensionless; aihwkit `w_max_dtod`).
    public var wMaxDtod: Float = 0.3
    /// Mean weight a reset puts a device at, in weight units (aihwkit `reset`).
    public var reset: Float = 0.01
    /// Device-to-device standard deviation of the reset value, in weight units (aihwkit
    /// `reset_dtod`).
    public var resetDtod: Float = 0
    /// Cycle-to-cycle standard deviation of each reset, in weight units (aihwkit `reset_std`).
    public var resetStd: Float = 0.01
    /// Mean lifetime of a stored weight, in decay calls (usually mini-batches); each
    /// ``DecayingDeviceArray/decayWeights(alpha:)`` shrinks `w − reset_ij` by `1/lifetime`
    /// (aihwkit `lifetime`; 0 = no decay).
    public var lifetime: Float = 0
    /// Device-to-device standard deviation of the lifetime, relative (aihwkit `lifetime_dtod`).
    public var lifetimeDtod: Float = 0
    /// Standard deviation of the random walk one ``DecayingDeviceArray/diffuseWeights(generator:)``
    /// call adds, in weight units (aihwkit `diffusion`; 0 = none).
    public var diffusion: Float = 0
    /// Device-to-device standard deviation of the diffusion rate, relative (aihwkit `diffusion_dtod`).
    public var diffusionDtod: Float = 0
    /// Whether the cycle-to-cycle noise multiplies the step or adds to it (aihwkit
    /// `mult_noise`; multiplicative by default).
    public var noise: CycleNoiseModel = .multiplicative
    /// What to do with non-positive sampled steps (default: absolute value, as aihwkit).
    public var negativeStepPolicy: NegativeStepPolicy = .absoluteValue

    public init() {}

    /// No variation at all: every device identical and every pulse exact.
    public static var noiseFree: PulsedDeviceParameters {
        var p = PulsedDeviceParameters()
        p.dwMinDtod = 0; p.dwMinStd = 0; p.upDownDtod = 0
        p.wMinDtod = 0; p.wMaxDtod = 0; p.reset = 0; p.resetStd = 0
        return p
    }

    /// Throws a ``DeviceParameterError`` naming the first invalid parameter.
    public func validate(device: String) throws {
        func check(_ ok: Bool, _ name: String, _ message: @autoclosure () -> String) throws {
            if !ok { throw DeviceParameterError(device: device, parameter: name, message()) }
        }
        try check(dwMin.isFinite && dwMin > 0, "dw_min", "must be a finite step > 0 (weight units), got \(dwMin)")
        try check(dwMinDtod.isFinite && dwMinDtod >= 0, "dw_min_dtod", "must be ≥ 0 (relative), got \(dwMinDtod)")
        try check(dwMinStd.isFinite && dwMinStd >= 0, "dw_min_std", "must be ≥ 0 (relative), got \(dwMinStd)")
        try check(upDown.isFinite && Swift.abs(upDown) < 1, "up_down",
                  "must be in (−1, 1) so both nominal steps stay positive, got \(upDown)")
        try check(upDownDtod.isFinite && upDownDtod >= 0, "up_down_dtod", "must be ≥ 0 (relative), got \(upDownDtod)")
        try check(wMin.isFinite && wMax.isFinite, "w_min", "bounds must be finite, got [\(wMin), \(wMax)]")
        try check(wMin < wMax, "w_min", "must be < w_max, got w_min = \(wMin) ≥ w_max = \(wMax)")
        try check(wMinDtod.isFinite && wMinDtod >= 0, "w_min_dtod", "must be ≥ 0 (relative), got \(wMinDtod)")
        try check(wMaxDtod.isFinite && wMaxDtod >= 0, "w_max_dtod", "must be ≥ 0 (relative), got \(wMaxDtod)")
        try check(reset.isFinite, "reset", "must be finite, got \(reset)")
        try check(resetDtod.isFinite && resetDtod >= 0, "reset_dtod", "must be ≥ 0 (weight units), got \(resetDtod)")
        try check(resetStd.isFinite && resetStd >= 0, "reset_std", "must be ≥ 0 (weight units), got \(resetStd)")
        try check(lifetime.isFinite && (lifetime == 0 || lifetime >= 1), "lifetime",
                  "must be 0 (no decay) or ≥ 1 decay calls, got \(lifetime)")
        try check(lifetimeDtod.isFinite && lifetimeDtod >= 0, "lifetime_dtod", "must be ≥ 0 (relative), got \(lifetimeDtod)")
        try check(diffusion.isFinite && diffusion >= 0, "diffusion", "must be ≥ 0 (weight units), got \(diffusion)")
        try check(diffusionDtod.isFinite && diffusionDtod >= 0, "diffusion_dtod", "must be ≥ 0 (relative), got \(diffusionDtod)")
        try negativeStepPolicy.validate(device: device)
    }
}

// MARK: - Shared per-device storage

/// The per-device buffers every bounded pulsed model keeps (row-major, one entry per device).
@usableFromInline
struct PulsedDeviceStorage: Sendable, Codable, Equatable {
    @usableFromInline let rows: Int
    @usableFromInline let columns: Int
    @usableFromInline var weights: [Float]
    /// `dw_min_up` per device (> 0, weight units).
    @usableFromInline var stepUp: [Float]
    /// `dw_min_down` per device, as a magnitude (> 0, weight units).
    @usableFromInline var stepDown: [Float]
    @usableFromInline var minBound: [Float]
    @usableFromInline var maxBound: [Float]
    @usableFromInline var resetBias: [Float]
    @usableFromInline let resetStd: Float
    /// Per-device factor `1 − 1/lifetime_ij` of one decay call (1 = no decay).
    @usableFromInline var decayScale: [Float]
    /// Per-device standard deviation of one diffusion call (weight units).
    @usableFromInline var diffusionRate: [Float]

    /// Samples the shared device-to-device parameters (see ``PulsedDeviceParameters``).
    init(rows: Int, columns: Int, parameters p: PulsedDeviceParameters, device: String,
         generator: inout SeededGenerator) throws {
        try p.validate(device: device)
        guard rows > 0, columns > 0 else {
            throw DeviceParameterError(device: device, parameter: "shape", "rows and columns must be > 0, got \(rows)×\(columns)")
        }
        let n = rows * columns
        self.rows = rows
        self.columns = columns
        weights = [Float](repeating: 0, count: n)
        stepUp = [Float](repeating: 0, count: n)
        stepDown = [Float](repeating: 0, count: n)
        minBound = [Float](repeating: 0, count: n)
        maxBound = [Float](repeating: 0, count: n)
        resetBias = [Float](repeating: 0, count: n)
        resetStd = p.resetStd
        decayScale = [Float](repeating: 1, count: n)
        diffusionRate = [Float](repeating: 0, count: n)
        let upBias = p.upDown > 0 ? 0 : p.upDown
        let downBias = p.upDown > 0 ? -p.upDown : 0
        let rangeContainsZero = p.wMin <= 0 && p.wMax >= 0
        for k in 0..<n {
            var hi = p.wMax * (1 + (p.wMaxDtod > 0 ? p.wMaxDtod * generator.nextNormal() : 0))
            var lo = p.wMin * (1 + (p.wMinDtod > 0 ? p.wMinDtod * generator.nextNormal() : 0))
            var up: Float = 0, down: Float = 0
            var tries = 0
            repeat {
                let gain = 1 + (p.dwMinDtod > 0 ? p.dwMinDtod * generator.nextNormal() : 0)
                let r = p.upDownDtod > 0 ? p.upDownDtod * generator.nextNormal() : 0
                up = (upBias + gain + r) * p.dwMin
                down = (downBias + gain - r) * p.dwMin
                tries += 1
            } while p.negativeStepPolicy == .resample && (up <= 0 || down <= 0) && tries < 64
            up = p.negativeStepPolicy.fix(up, nominal: p.dwMin)
            down = p.negativeStepPolicy.fix(down, nominal: p.dwMin)
            if rangeContainsZero {
                hi = Swift.abs(hi)
                lo = -Swift.abs(lo)
            }
            if lo > hi { swap(&lo, &hi) }
            stepUp[k] = up
            stepDown[k] = down
            minBound[k] = lo
            maxBound[k] = hi
            weights[k] = clamp(0, lo, hi)        // start at 0, or the nearest bound if 0 is outside
            resetBias[k] = p.reset + (p.resetDtod > 0 ? p.resetDtod * generator.nextNormal() : 0)
            if p.lifetime > 0 {
                let t = p.lifetime * (1 + (p.lifetimeDtod > 0 ? p.lifetimeDtod * generator.nextNormal() : 0))
                decayScale[k] = t > 1 ? 1 - 1 / t : 0
            }
            if p.diffusion > 0 {
                diffusionRate[k] = Swift.abs(p.diffusion * (1 + (p.diffusionDtod > 0 ? p.diffusionDtod * generator.nextNormal() : 0)))
            }
        }
    }

    /// aihwkit decay: `w ← (w − reset_ij)(1 + α (decay_ij − 1)) + reset_ij`, clipped.
    mutating func decay(alpha: Float) {
        for k in weights.indices where decayScale[k] != 1 {
            let s = 1 + alpha * (decayScale[k] - 1)
            weights[k] = clamp((weights[k] - resetBias[k]) * s + resetBias[k], minBound[k], maxBound[k])
        }
    }

    /// aihwkit diffusion: `w ← clip(w + diffusion_ij ξ)`.
    mutating func diffuse(generator: inout SeededGenerator) {
        for k in weights.indices where diffusionRate[k] > 0 {
            weights[k] = clamp(weights[k] + diffusionRate[k] * generator.nextNormal(), minBound[k], maxBound[k])
        }
    }

    mutating func setWeights(_ targets: [Float]) {
        precondition(targets.count == weights.count,
                     "setWeights: \(targets.count) values for \(rows)×\(columns) devices")
        for k in weights.indices {
            weights[k] = Swift.min(Swift.max(targets[k], minBound[k]), maxBound[k])
        }
    }

    /// Whether any device decays or diffuses.
    var hasSlowDynamics: Bool {
        decayScale.contains { $0 != 1 } || diffusionRate.contains { $0 > 0 }
    }

    /// aihwkit reset of some devices: `w = reset_ij + reset_std · ξ`, clipped to the bounds.
    mutating func reset(at indices: [Int], generator: inout SeededGenerator) {
        for k in indices {
            let w = resetBias[k] + (resetStd > 0 ? resetStd * generator.nextNormal() : 0)
            weights[k] = Swift.min(Swift.max(w, minBound[k]), maxBound[k])
        }
    }

    /// aihwkit reset: `w = reset_ij + reset_std · ξ`, clipped to the bounds.
    mutating func reset(generator: inout SeededGenerator) {
        for k in weights.indices {
            let w = resetBias[k] + (resetStd > 0 ? resetStd * generator.nextNormal() : 0)
            weights[k] = Swift.min(Swift.max(w, minBound[k]), maxBound[k])
        }
    }

    var commonParameters: [String: [Float]] {
        ["dw_min_up": stepUp, "dw_min_down": stepDown, "w_min": minBound, "w_max": maxBound,
         "reset_bias": resetBias, "decay_scale": decayScale, "diffusion_rate": diffusionRate]
    }

    /// The same devices seen through `w ↦ −w` (aihwkit `OneSidedUnitCell.copy_inverted`,
    /// `PulsedRPUDevice::copyInvertDeviceParameter`), device by device:
    ///
    /// ```
    /// dw_up′ = dw_down,   dw_down′ = dw_up          (an up pulse moves as a down pulse did)
    /// b_max′ = −b_min,    b_min′ = −b_max           (bounds mirrored)
    /// w′ = −w,            reset′ = −reset            (state and reset point mirrored)
    /// ```
    ///
    /// `reset_std`, the decay factors and the diffusion rates are kept (they do not depend on the
    /// sign of `w`). Negation is `0 − v`, so a zero stays `+0`.
    func inverted() -> PulsedDeviceStorage {
        var copy = self
        copy.stepUp = stepDown
        copy.stepDown = stepUp
        copy.minBound = negated(maxBound)
        copy.maxBound = negated(minBound)
        copy.weights = negated(weights)
        copy.resetBias = negated(resetBias)
        return copy
    }
}

/// `0 − v` for every element (no `−0` from a `+0`).
@inline(__always)
func negated(_ values: [Float]) -> [Float] { values.map { 0 - $0 } }

// MARK: - Per-pulse helpers

/// The standard normal draws of one `applyPulses` call, by Core's Ziggurat (one 64-bit
/// draw per pulse on the fast path). Nothing is cached between calls, so the device state
/// never holds a pending draw and a checkpointed array plus its generator resumes
/// bit-identically.
/// The Ziggurat tables are fetched once per call (``Ziggurat/Sampler``), not once per pulse.
@usableFromInline
struct PulseNormals {
    @usableFromInline let sampler: Ziggurat.Sampler

    @inlinable init() { sampler = Ziggurat.Sampler() }

    @inlinable @inline(__always)
    mutating func next(_ generator: inout SeededGenerator) -> Float {
        // Ziggurat: one 64-bit draw and a table lookup for ~99 % of pulses.
        sampler.next(&generator)
    }
}

/// One noisy step: the nominal step magnitude `nominal` of the pulse direction with its
/// cycle-to-cycle noise (see ``CycleNoiseModel``); `deviceStep` is the device's `dw_min`
/// in that direction, the scale of additive noise.
@inlinable @inline(__always)
func noisyStep(_ nominal: Float, deviceStep: Float, std: Float, noise: CycleNoiseModel,
               normals: inout PulseNormals, generator: inout SeededGenerator) -> Float {
    guard std > 0 else { return nominal }
    let xi = normals.next(&generator)
    switch noise {
    case .multiplicative: return nominal * (1 + std * xi)
    case .additive: return nominal + deviceStep * std * xi
    }
}

@inlinable @inline(__always)
func clamp(_ w: Float, _ lo: Float, _ hi: Float) -> Float {
    Swift.min(Swift.max(w, lo), hi)
}

// MARK: - Decoding with defaults

extension PulsedDeviceParameters {
    /// Decodes the keys present and keeps the documented default for every missing one, so a
    /// configuration file only lists what it changes (`{"dwMin": 0.01}`).
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dwMin = try c.decodeIfPresent(Float.self, forKey: .dwMin) ?? dwMin
        dwMinDtod = try c.decodeIfPresent(Float.self, forKey: .dwMinDtod) ?? dwMinDtod
        dwMinStd = try c.decodeIfPresent(Float.self, forKey: .dwMinStd) ?? dwMinStd
        upDown = try c.decodeIfPresent(Float.self, forKey: .upDown) ?? upDown
        upDownDtod = try c.decodeIfPresent(Float.self, forKey: .upDownDtod) ?? upDownDtod
        wMin = try c.decodeIfPresent(Float.self, forKey: .wMin) ?? wMin
        wMax = try c.decodeIfPresent(Float.self, forKey: .wMax) ?? wMax
        wMinDtod = try c.decodeIfPresent(Float.self, forKey: .wMinDtod) ?? wMinDtod
        wMaxDtod = try c.decodeIfPresent(Float.self, forKey: .wMaxDtod) ?? wMaxDtod
        reset = try c.decodeIfPresent(Float.self, forKey: .reset) ?? reset
        resetDtod = try c.decodeIfPresent(Float.self, forKey: .resetDtod) ?? resetDtod
        resetStd = try c.decodeIfPresent(Float.self, forKey: .resetStd) ?? resetStd
        noise = try c.decodeIfPresent(CycleNoiseModel.self, forKey: .noise) ?? noise
        lifetime = try c.decodeIfPresent(Float.self, forKey: .lifetime) ?? lifetime
        lifetimeDtod = try c.decodeIfPresent(Float.self, forKey: .lifetimeDtod) ?? lifetimeDtod
        diffusion = try c.decodeIfPresent(Float.self, forKey: .diffusion) ?? diffusion
        diffusionDtod = try c.decodeIfPresent(Float.self, forKey: .diffusionDtod) ?? diffusionDtod
        negativeStepPolicy = try c.decodeIfPresent(NegativeStepPolicy.self, forKey: .negativeStepPolicy) ?? negativeStepPolicy
    }
}

// MARK: - Several pulses in one draw (linear steps with additive noise)

/// `n` pulses in one direction on a linear-step device with additive cycle-to-cycle noise,
/// drawn at once. Each pulse is the affine map
/// ```
/// w_{k+1} = r·w_k + q + s·σ·ξ_k,    r = 1 − s·slope,    ξ_k ~ N(0, 1)
/// ```
/// (up: `q = s(1 + slope·c)`; down: `q = −s(1 − slope·c)`, noise sign irrelevant), so without
/// clamping `w_n` is exactly normal with mean `m_n` (the noise-free path towards the
/// fixed point `q/(1 − r)`, in closed form) and standard deviation `s·σ·√V_n`, `V_n = Σ_{k<n} r^{2k}`:
/// one normal draw replaces `n`. The per-pulse form clamps every intermediate weight to
/// `[lo, hi]`; the closed form is used only when the noise-free path widened by
/// ``aggregationMargin`` standard deviations stays inside the bounds, so the chance that
/// the per-pulse form would have clamped is below `n · 2Φ(−9) ≈ 7·10⁻¹⁸` per coincidence
/// (`n ≤ 31`); otherwise (`nil`) the caller applies the pulses one by one. The result is
/// the same distribution as aihwkit's pulse loop, not the same random numbers.
@inlinable @inline(__always)
func aggregatedLinearSteps(from w0: Float, count n: Int, r: Float, q: Float, noiseScale: Float,
                           lower lo: Float, upper hi: Float,
                           normals: inout PulseNormals, generator: inout SeededGenerator) -> Float? {
    guard r >= 0 else { return nil }
    var mean: Float, variance: Float
    let decay = 1 - r                                           // s·slope
    if n < 32 && decay >= 1e-4 {
        // rⁿ by squaring, without branches: Π_j (1 + bit_j (r^(2ʲ) − 1)).
        var rn: Float = 1, square = r
        for j in 0..<5 {
            rn *= 1 + Float((n >> j) & 1) * (square - 1)
            square *= square
        }
        // Towards the fixed point f = q/(1 − r): m_n = f + (w₀ − f) rⁿ,
        // V_n = Σ_{k<n} r²ᵏ = (1 − r²ⁿ)/(1 − r²).
        let fixedPoint = q / decay
        mean = fixedPoint + (w0 - fixedPoint) * rn
        variance = (1 - rn * rn) / (decay * (1 + r))
    } else {
        // A (nearly) constant step or a long train: iterate the noise-free path.
        let r2 = r * r
        mean = w0
        variance = 0
        for _ in 0..<n {
            mean = r * mean + q
            variance = r2 * variance + 1
        }
    }
    let sd = noiseScale * variance.squareRoot()
    let margin = aggregationMargin * sd
    guard Swift.min(w0, mean) - margin >= lo, Swift.max(w0, mean) + margin <= hi else { return nil }
    return mean + sd * normals.next(&generator)
}

/// Standard deviations between the noise-free pulse path and a bound below which
/// ``aggregatedLinearSteps(from:count:r:q:noiseScale:lower:upper:normals:generator:)`` falls
/// back to pulse-by-pulse updates.
@usableFromInline let aggregationMargin: Float = 9
