import NeuromorphCore
import RealModule

/// The PCM statistical device model for inference of Spoon et al. 2021 (Front. Comput.
/// Neurosci. 15:675741, §2.1.2; digest §2.3), calibrated by Joshi et al. 2020 on 90 nm PCM
/// and shipped as IBM aihwkit's `PCMLikeNoiseModel`. Conductances in µS; `x = g_T / g_max`
/// is the target normalized to ``gMax`` (the paper writes `g_T`; aihwkit normalizes, and
/// the fits only make sense normalized).
///
/// **(1) Programming noise** (paper eq. 1–2), once per device:
/// ```
/// g_prog  = max( g_T + N(0, σ_prog), 0 )
/// σ_prog  = γ_prog · max( c₀ + c₁·x + c₂·x², 0 ) · g_max / 25 µS
///           (c₀, c₁, c₂) = (0.26348, 1.9650, −1.1731)
/// ```
/// The printed "1 : 1731" is an OCR artefact for −1.1731 (digest §2.3 erratum); 0.26348 is
/// aihwkit's unrounded 0.2635. The fit is in µS for `g_max = 25 µS`; like aihwkit, another
/// `g_max` rescales σ by `g_max / 25 µS`.
///
/// **(2) Drift** (paper eq. 3–5, Ielmini et al. 2007), ν drawn once per device:
/// ```
/// g_drift(t) = g_prog · ((t + t_c) / t_c)^(−ν)          (t: seconds after programming)
/// ν   = | N(μ_ν, σ_ν) | · drift_scale
/// μ_ν = min( max( −0.0155·ln x̂ + 0.0244, 0.049 ), 0.1 )
/// σ_ν = min( max( −0.0125·ln x̂ − 0.0059, 0.008 ), 0.045 ),   x̂ = max(x, 1e-7)
/// ```
/// The paper leaves `t_c` ("the time at which g_prog was measured") open; Neuromorph uses
/// aihwkit's `t_0 = 20 s` and counts `t` from the end of programming, so the paper's time
/// is `t + t_c` and drift starts at `t = 0` with factor 1. ν is folded to `|ν|` (aihwkit):
/// PCM conductance only decays.
///
/// **(3) Read noise** (1/f and RTN accumulated since programming, paper eq. 6–8), fresh on
/// every read:
/// ```
/// g(t)    = max( g_drift(t) + N(0, σ_nG(t)), 0 )
/// σ_nG(t) = γ_read · |g_drift(t)| · Q_s · √( ln( (t + t_c + t_read) / (2 t_read) ) )
/// Q_s     = min( 0.0088 / max(x^0.65, 1e-3), 0.2 ),   t_read = 250 ns
/// ```
/// `Q_s` uses the target `x` (the paper's `g_T`) by default; aihwkit evaluates it at
/// `|g_prog| / g_max` (``QsReference/programmed``).
///
/// `γ = 1` is the device of the paper; `γ = 0.5` (``reducedNoise``) its "reduced-noise
/// device": half the programming and read noise, full drift.
public struct PCMNoiseModel: InferenceNoiseModel, Sendable, Codable, Equatable, CustomStringConvertible {
    /// Which conductance the read-noise coefficient `Q_s` is evaluated at.
    public enum QsReference: String, Sendable, Codable, Equatable, CaseIterable {
        /// The target `g_T` (the paper's equation).
        case target
        /// The programmed `|g_prog|` (aihwkit `PCMLikeNoiseModel`).
        case programmed
    }

    /// The largest target conductance, µS (aihwkit `SinglePairConductanceConverter.g_max`;
    /// the paper gives none). Default 25 µS.
    public var gMax: Float
    /// γ of the programming noise (paper: γ = 1, or 0.5 for the reduced-noise device).
    public var programmingNoiseScale: Float
    /// γ of the read noise (the paper uses the same γ as for programming).
    public var readNoiseScale: Float
    /// Multiplies every drift exponent ν (aihwkit `drift_scale`); 0 disables drift.
    public var driftScale: Float
    /// `t_c`, seconds: the time after which the programmed conductance is measured and from
    /// which drift is counted (aihwkit `t_0`). Default 20 s; not given in the paper.
    public var driftReferenceTime: Double
    /// `t_read`, seconds: the duration of a read pulse. Default 250 ns (paper).
    public var readDuration: Double
    /// The programming-noise polynomial `(c₀, c₁, c₂, …)` in µS at `g_max = 25 µS`.
    public var programmingCoefficients: [Float]
    /// The conductance the coefficients were fitted at (µS); σ_prog scales by `gMax / this`.
    public var programmingCoefficientReference: Float
    /// Where `Q_s` is evaluated (default: the target, as printed).
    public var qsReference: QsReference
    /// When `true`, devices with target 0 µS (the RESET half of every differential pair)
    /// are taken as exactly 0 µS forever: no programming noise, hence no drift or read
    /// noise. Default `false`: the printed σ_prog(0) = 0.2635·γ µS applies to them, as in
    /// aihwkit.
    public var resetDevicesAreExact: Bool

    /// The model with every parameter at the paper's / aihwkit's default and noise scale `gamma`.
    public init(gMax: Float = 25, gamma: Float = 1, driftScale: Float = 1, driftReferenceTime: Double = 20,
                readDuration: Double = 250e-9, programmingCoefficients: [Float] = [0.26348, 1.9650, -1.1731],
                programmingCoefficientReference: Float = 25, qsReference: QsReference = .target,
                resetDevicesAreExact: Bool = false) {
        precondition(gMax > 0 && gMax.isFinite, "PCMNoiseModel: gMax must be positive, got \(gMax)")
        precondition(gamma >= 0, "PCMNoiseModel: gamma must be ≥ 0, got \(gamma)")
        precondition(driftReferenceTime > 0, "PCMNoiseModel: t_c must be positive, got \(driftReferenceTime)")
        precondition(readDuration > 0, "PCMNoiseModel: t_read must be positive, got \(readDuration)")
        self.gMax = gMax
        self.programmingNoiseScale = gamma
        self.readNoiseScale = gamma
        self.driftScale = driftScale
        self.driftReferenceTime = driftReferenceTime
        self.readDuration = readDuration
        self.programmingCoefficients = programmingCoefficients
        self.programmingCoefficientReference = programmingCoefficientReference
        self.qsReference = qsReference
        self.resetDevicesAreExact = resetDevicesAreExact
    }

    /// The paper's device (γ = 1).
    public static let paper = PCMNoiseModel()
    /// The paper's "reduced-noise device": γ = 0.5 on programming and read noise, full drift.
    public static let reducedNoise = PCMNoiseModel(gamma: 0.5)

    public var description: String {
        "PCMNoiseModel(gMax: \(gMax) µS, γ_prog: \(programmingNoiseScale), γ_read: \(readNoiseScale), "
            + "drift×\(driftScale), t_c: \(driftReferenceTime) s, t_read: \(readDuration) s, Q_s at \(qsReference))"
    }
}

// MARK: - Closed forms (digest §2.3)

extension PCMNoiseModel {
    /// Smallest normalized conductance inside the drift fits' logarithm (aihwkit `_ZERO_CLIP`).
    public static let driftFloor: Float = 1e-7

    /// σ_prog in µS for a normalized target `x = g_T / g_max`, without γ:
    /// `max(c₀ + c₁x + c₂x², 0) · g_max / 25 µS` (paper eq. 2).
    @inlinable
    public func programmingNoiseStd(normalizedTarget x: Float) -> Float {
        var p: Float = 0
        for c in programmingCoefficients.reversed() { p = p * x + c }
        return Swift.max(p, 0) * (gMax / programmingCoefficientReference)
    }

    /// μ_ν(x) = min(max(−0.0155 ln x + 0.0244, 0.049), 0.1), `x` floored at 1e-7 (paper eq. 4).
    @inlinable
    public static func driftExponentMean(normalizedTarget x: Float) -> Float {
        let l = Float.log(Swift.max(Swift.abs(x), driftFloor))
        return Swift.min(Swift.max(-0.0155 * l + 0.0244, 0.049), 0.1)
    }

    /// σ_ν(x) = min(max(−0.0125 ln x − 0.0059, 0.008), 0.045), `x` floored at 1e-7 (paper eq. 5).
    @inlinable
    public static func driftExponentStd(normalizedTarget x: Float) -> Float {
        let l = Float.log(Swift.max(Swift.abs(x), driftFloor))
        return Swift.min(Swift.max(-0.0125 * l - 0.0059, 0.008), 0.045)
    }

    /// Q_s(x) = min(0.0088 / max(x^0.65, 1e-3), 0.2) (paper eq. 8; the 1e-3 floor is
    /// aihwkit's and only matters below the 0.2 cap, at x < 0.00818).
    @inlinable
    public static func readNoiseCoefficient(normalizedConductance x: Float) -> Float {
        Swift.min(0.0088 / Swift.max(Float.pow(Swift.abs(x), 0.65), 1e-3), 0.2)
    }

    /// The drift factor `((t + t_c) / t_c)^(−ν)` for `t` seconds after programming.
    @inlinable
    public func driftFactor(exponent nu: Float, at time: Double) -> Float {
        Float(Double.exp(-Double(nu) * driftLogTime(time)))
    }

    /// `ln((t + t_c) / t_c)`: the log-time that multiplies −ν.
    @inlinable
    public func driftLogTime(_ time: Double) -> Double {
        Double.log(onePlus: Swift.max(time, 0) / driftReferenceTime)
    }

    /// `√(ln((t + t_c + t_read) / (2 t_read)))`: the accumulated 1/f noise factor, so that
    /// `σ_nG = γ_read · |g_drift| · Q_s · readNoiseTimeFactor(t)`.
    @inlinable
    public func readNoiseTimeFactor(_ time: Double) -> Double {
        let t = Swift.max(time, 0) + driftReferenceTime
        return Swift.max(Double.log((t + readDuration) / (2 * readDuration)), 0).squareRoot()
    }
}

// MARK: - Programmed state

/// The programmed state of PCM devices (``PCMNoiseModel``): per-device target, programmed
/// conductance, drift exponent ν and read-noise coefficient `Q_s`, each a contiguous buffer.
public struct PCMProgrammedDevices: InferenceDeviceState {
    /// Target conductances `g_T`, µS.
    public var targets: [Float]
    /// Programmed conductances `g_prog` (after programming noise and the ≥ 0 clamp), µS.
    public var programmed: [Float]
    /// The drift exponent ν of every device (already multiplied by the drift scale).
    public var driftExponents: [Float]
    /// `Q_s` of every device (evaluated once, at the model's ``PCMNoiseModel/qsReference``).
    public var readNoiseCoefficients: [Float]

    public var count: Int { targets.count }

    public init(targets: [Float], programmed: [Float], driftExponents: [Float], readNoiseCoefficients: [Float]) {
        precondition(programmed.count == targets.count && driftExponents.count == targets.count
                        && readNoiseCoefficients.count == targets.count,
                     "PCMProgrammedDevices: buffers of unequal length")
        self.targets = targets
        self.programmed = programmed
        self.driftExponents = driftExponents
        self.readNoiseCoefficients = readNoiseCoefficients
    }
}

// MARK: - Programming and reading

extension PCMNoiseModel {
    /// Devices read per inner block (normals for one block live on the stack).
    @usableFromInline static let readBlock = 1024

    /// Programs every device (paper eq. 1–5): draws the programming noise of all devices,
    /// then all drift exponents, in device order.
    public func program(targets: [Float], generator: inout SeededGenerator) -> PCMProgrammedDevices {
        let n = targets.count
        var programmed = [Float](repeating: 0, count: n)
        var nu = [Float](repeating: 0, count: n)
        var qs = [Float](repeating: 0, count: n)
        let invGMax = 1 / gMax
        // (1) Programming noise: the normals go into `programmed`, then are replaced in place.
        programmed.withUnsafeMutableBufferPointer { g in
            InferenceNormalSampler.fill(g, generator: &generator)
            for i in 0..<n {
                let target = targets[i]
                precondition(target >= 0 && target.isFinite, "PCMNoiseModel.program: target \(target) µS at \(i) is not ≥ 0")
                let sigma = programmingNoiseScale * programmingNoiseStd(normalizedTarget: target * invGMax)
                let exact = resetDevicesAreExact && target == 0
                g[i] = exact ? 0 : Swift.max(target + sigma * g[i], 0)
            }
        }
        // (2) Drift exponents ν = |N(μ_ν, σ_ν)| · drift_scale.
        nu.withUnsafeMutableBufferPointer { v in
            InferenceNormalSampler.fill(v, generator: &generator)
            for i in 0..<n {
                let x = targets[i] * invGMax
                let mean = Self.driftExponentMean(normalizedTarget: x)
                let std = Self.driftExponentStd(normalizedTarget: x)
                v[i] = Swift.abs(mean + std * v[i]) * driftScale
            }
        }
        // (3) Q_s, fixed per device.
        for i in 0..<n {
            let g = qsReference == .target ? targets[i] : programmed[i]
            qs[i] = Self.readNoiseCoefficient(normalizedConductance: g * invGMax)
        }
        return PCMProgrammedDevices(targets: targets, programmed: programmed, driftExponents: nu,
                                    readNoiseCoefficients: qs)
    }

    /// Reads devices `range` at `time` seconds after programming (paper eq. 3 and 6–7):
    /// `g = max(g_drift + γ_read·|g_drift|·Q_s·R(t)·z, 0)`, `g_drift = g_prog·e^(−ν·ln(1 + t/t_c))`.
    public func read(_ devices: PCMProgrammedDevices, range: Range<Int>, at time: Double,
                     generator: inout SeededGenerator, into output: UnsafeMutableBufferPointer<Float>) {
        precondition(time >= 0 && time.isFinite, "PCMNoiseModel.read: time must be ≥ 0 s, got \(time)")
        precondition(output.count == range.count, "PCMNoiseModel.read: output holds \(output.count), range \(range.count)")
        precondition(range.lowerBound >= 0 && range.upperBound <= devices.count, "PCMNoiseModel.read: range \(range) outside \(devices.count) devices")
        guard let out = output.baseAddress, !range.isEmpty else { return }
        let logTime = Float(driftLogTime(time))
        let noise = readNoiseScale * Float(readNoiseTimeFactor(time))
        devices.programmed.withUnsafeBufferPointer { gProg in
            devices.driftExponents.withUnsafeBufferPointer { nu in
                devices.readNoiseCoefficients.withUnsafeBufferPointer { qs in
                    let g = gProg.baseAddress! + range.lowerBound
                    let v = nu.baseAddress! + range.lowerBound
                    let q = qs.baseAddress! + range.lowerBound
                    if noise == 0 {
                        Self.driftKernel(g, v, logTime, range.count, out)
                        return
                    }
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.readBlock) { z in
                        var start = 0
                        while start < range.count {
                            let m = Swift.min(Self.readBlock, range.count - start)
                            InferenceNormalSampler.fill(UnsafeMutableBufferPointer(rebasing: z[0..<m]), generator: &generator)
                            Self.readKernel(g + start, v + start, q + start, z.baseAddress!, logTime, noise, m, out + start)
                            start += m
                        }
                    }
                }
            }
        }
    }

    /// `out = g · e^(−ν·L)` (drift only): a flat loop the optimizer vectorizes.
    @inline(never)
    static func driftKernel(_ g: UnsafePointer<Float>, _ nu: UnsafePointer<Float>, _ logTime: Float, _ count: Int,
                           _ out: UnsafeMutablePointer<Float>) {
        for i in 0..<count { out[i] = g[i] * FastMath.exp(-nu[i] * logTime) }
    }

    /// `out = max(g_d + noise·Q_s·|g_d|·z, 0)`, `g_d = g · e^(−ν·L)`: one block of reads.
    @inline(never)
    static func readKernel(_ g: UnsafePointer<Float>, _ nu: UnsafePointer<Float>, _ qs: UnsafePointer<Float>,
                          _ z: UnsafePointer<Float>, _ logTime: Float, _ noise: Float, _ count: Int,
                          _ out: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            let drifted = g[i] * FastMath.exp(-nu[i] * logTime)
            let sigma = noise * qs[i] * Swift.abs(drifted)
            out[i] = Swift.max(Relaxed.multiplyAdd(sigma, z[i], drifted), 0)
        }
    }
}
