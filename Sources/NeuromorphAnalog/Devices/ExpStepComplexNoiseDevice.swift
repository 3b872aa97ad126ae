import NeuromorphCore

/// An ``ExpStepDevice`` with aihwkit's "complex" cycle-to-cycle noise (aihwkit 1.1
/// `ExpStepDevice.dw_min_std_add` / `dw_min_std_slope`, C++ `update_once_complex_noise` in
/// `rpu_expstep_device.cpp`): the noise of a pulse grows with the step it makes and with the
/// weight it starts from, and is added to the step rather than multiplying it.
///
/// ```
/// z   = 2 a w / (b_max,ij − b_min,ij) + b
/// up:    Δw = + max(1 − A⁺ exp( γ⁺ z), 0) · dw_up,ij
/// down:  Δw = − max(1 − A⁻ exp(−γ⁻ z), 0) · dw_down,ij
/// σ   = dw_min_std · (|Δw| + dw_min_std_add + dw_min_std_slope · |w|)
/// w  ← clip(w + Δw + σ ξ, b_min,ij, b_max,ij)            ξ ~ N(0, 1) per pulse
/// ```
///
/// `dw_min_std_add` is in weight units and `dw_min_std_slope` is dimensionless, both scaled by
/// `dw_min_std` (aihwkit's docstring says "in units of `dw_min_std`"). As in aihwkit the
/// complex noise applies when `dw_min_std > 0` and at least one of the two is non-zero;
/// otherwise every pulse is the plain ``ExpStepDevice`` step. A device whose sampled bounds
/// coincide (`b_max = b_min`) is not changed by a pulse (aihwkit skips it).
///
/// aihwkit's `PCMPresetDevice` (``AihwkitDevicePresets/pcm``) is this model.
public struct ExpStepComplexNoiseDevice: PulsedDeviceConfiguration {
    /// The exponential-step model with its `PulsedDevice` parameters (`dw_min_std` is the σ
    /// above).
    public var expStep: ExpStepDevice
    /// The additive part of the pulse noise, in weight units before the factor
    /// `dw_min_std` (aihwkit `dw_min_std_add`, default 0).
    public var dwMinStdAdd: Float
    /// The part of the pulse noise proportional to `|w|`, dimensionless before the factor
    /// `dw_min_std` (aihwkit `dw_min_std_slope`, default 0).
    public var dwMinStdSlope: Float

    public init(expStep: ExpStepDevice = ExpStepDevice(), dwMinStdAdd: Float = 0, dwMinStdSlope: Float = 0) {
        self.expStep = expStep
        self.dwMinStdAdd = dwMinStdAdd
        self.dwMinStdSlope = dwMinStdSlope
    }

    public var nominalStep: Float { expStep.nominalStep }

    /// Whether pulses use the complex noise (aihwkit `hasComplexNoise`).
    public var hasComplexNoise: Bool { expStep.pulsed.dwMinStd > 0 && (dwMinStdAdd != 0 || dwMinStdSlope != 0) }

    public func validate() throws {
        try expStep.validate()
        for (name, value) in [("dw_min_std_add", dwMinStdAdd), ("dw_min_std_slope", dwMinStdSlope)]
        where !(value.isFinite && value >= 0) {
            throw DeviceParameterError(device: "ExpStepDevice", parameter: name,
                                       "must be finite and ≥ 0 (a noise scale before the factor dw_min_std), got \(value)")
        }
    }

    public func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> ExpStepComplexNoiseDeviceArray {
        try validate()
        let base = try expStep.makeArray(rows: rows, columns: columns, generator: &generator)
        return ExpStepComplexNoiseDeviceArray(base: base, noise: hasComplexNoise
            ? ComplexPulseNoise(std: expStep.pulsed.dwMinStd, add: dwMinStdAdd, slope: dwMinStdSlope) : nil)
    }
}

/// The σ of one pulse of ``ExpStepComplexNoiseDevice``: `std · (|Δw| + add + slope · |w|)`.
@usableFromInline
struct ComplexPulseNoise: Sendable, Codable, Equatable {
    @usableFromInline var std: Float
    @usableFromInline var add: Float
    @usableFromInline var slope: Float

    @inlinable @inline(__always)
    func sigma(step: Float, weight: Float) -> Float {
        std * (Swift.abs(step) + add + slope * Swift.abs(weight))
    }
}

/// The devices of one crossbar of ``ExpStepComplexNoiseDevice``s: an ``ExpStepDeviceArray``
/// whose pulses draw the complex noise.
public struct ExpStepComplexNoiseDeviceArray: SymmetryPointDeviceArray, DecayingDeviceArray, Equatable {
    @usableFromInline var base: ExpStepDeviceArray
    /// `nil`: plain ``ExpStepDevice`` pulses (no complex noise configured).
    @usableFromInline let noise: ComplexPulseNoise?

    init(base: ExpStepDeviceArray, noise: ComplexPulseNoise?) {
        self.base = base
        self.noise = noise
    }

    public var rows: Int { base.rows }
    public var columns: Int { base.columns }
    public var weights: [Float] { base.weights }

    @inlinable
    public mutating func applyPulses(at index: Int, count: Int, up: Bool, generator: inout SeededGenerator) {
        guard let noise else {
            base.applyPulses(at: index, count: count, up: up, generator: &generator)
            return
        }
        guard count > 0 else { return }
        let lo = base.storage.minBound[index], hi = base.storage.maxBound[index]
        guard hi > lo else { return }
        var normals = PulseNormals()
        let s = up ? base.storage.stepUp[index] : base.storage.stepDown[index]
        var w = base.storage.weights[index]
        for _ in 0..<count {
            let magnitude = s * base.shape.factor(w, lo: lo, hi: hi, up: up)
            let step = up ? magnitude : -magnitude
            w = clamp(w + step + noise.sigma(step: step, weight: w) * normals.next(&generator), lo, hi)
        }
        base.storage.weights[index] = w
    }

    public func expectedStep(at index: Int, up: Bool) -> Float { base.expectedStep(at: index, up: up) }

    public mutating func setWeights(_ targets: [Float]) { base.setWeights(targets) }

    public var sampledParameters: [String: [Float]] { base.sampledParameters }

    public var symmetryPoints: [Float] { base.symmetryPoints }

    public mutating func reset(generator: inout SeededGenerator) { base.reset(generator: &generator) }

    public mutating func decayWeights(alpha: Float = 1) { base.decayWeights(alpha: alpha) }

    public mutating func diffuseWeights(generator: inout SeededGenerator) { base.diffuseWeights(generator: &generator) }

    public var hasSlowDynamics: Bool { base.hasSlowDynamics }

    public mutating func resetDevices(at indices: [Int], generator: inout SeededGenerator) {
        base.resetDevices(at: indices, generator: &generator)
    }
}

// MARK: - Registry

extension ExpStepComplexNoiseDevice {
    /// The model keys (`pulsed:` in a spec) of an exp-step device beyond aihwkit's
    /// `PulsedDevice` ones, with aihwkit's `ExpStepDevice` defaults.
    public static let modelKeyDefaults: [String: Double] = ["dw_min_std_add": 0, "dw_min_std_slope": 0]

    /// `device` with its `PulsedDevice` parameters replaced by `pulsed` and the complex noise
    /// of the model keys: a plain ``ExpStepDevice`` when both noise keys are 0 (so configurations
    /// without them build exactly as before), else an ``ExpStepComplexNoiseDevice``.
    static func build(_ device: ExpStepDevice, pulsed: PulsedDeviceParameters,
                      model: [String: Double]) -> any PulsedDeviceConfiguration {
        var d = device
        d.pulsed = pulsed
        let add = Float(model["dw_min_std_add"] ?? 0), slope = Float(model["dw_min_std_slope"] ?? 0)
        guard add != 0 || slope != 0 else { return d }
        return ExpStepComplexNoiseDevice(expStep: d, dwMinStdAdd: add, dwMinStdSlope: slope)
    }
}
