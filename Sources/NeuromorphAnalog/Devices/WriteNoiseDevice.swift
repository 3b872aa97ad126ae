import NeuromorphCore

/// Read-visible write noise (aihwkit 1.1 `PulsedDevice.write_noise_std`,
/// `PulsedRPUDevice::applyUpdateWriteNoise` and the devices' `update_once`): every device keeps
/// a hidden (persistent) weight that the pulses update, and the weight that forward, backward
/// and transfer reads see differs from it by noise drawn anew whenever the device is written:
///
/// ```
/// w_apparent,ij = w_ij + σ_w · dw_min · ξ        ξ ~ N(0, 1)
/// ```
///
/// - redrawn for a device after each update that gives it at least one pulse (aihwkit
///   redraws it in the pulse loop, so only the last draw of an update is visible);
/// - redrawn for every device after decay, diffusion and a reset, and after ``setWeights(_:)``
///   when `apply_write_noise_on_set` (aihwkit's default `True`);
/// - the hidden weight stays within the device's bounds; the apparent one is not clipped.
///
/// The noise is drawn by the Ziggurat method (``PulseNormals``), like the pulses' cycle noise.
///
/// Any device model can be wrapped (``WriteNoiseDevice``); a `pulsed: {write_noise_std: σ}`
/// key or a preset with write noise (`reram_es`, `reram_sb`) wraps the registered device.
public struct WriteNoiseDevice<Base: PulsedDeviceConfiguration>: PulsedDeviceConfiguration {
    /// The device model whose weights are the hidden (persistent) ones.
    public var base: Base
    /// `σ_w`: the write noise in units of `dw_min` (aihwkit `write_noise_std`; 0: none).
    public var writeNoiseStd: Float
    /// Whether ``PulsedDeviceArray/setWeights(_:)`` also draws write noise (aihwkit
    /// `apply_write_noise_on_set`, default `true`).
    public var applyWriteNoiseOnSet: Bool

    public init(base: Base, writeNoiseStd: Float, applyWriteNoiseOnSet: Bool = true) {
        self.base = base
        self.writeNoiseStd = writeNoiseStd
        self.applyWriteNoiseOnSet = applyWriteNoiseOnSet
    }

    public var nominalStep: Float { base.nominalStep }

    public func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> WriteNoiseDeviceArray<Base.DeviceArray> {
        guard writeNoiseStd.isFinite, writeNoiseStd >= 0 else {
            throw DeviceParameterError(device: "\(Base.self)", parameter: "write_noise_std",
                                       "must be ≥ 0 (in units of dw_min), got \(writeNoiseStd)")
        }
        let devices = try base.makeArray(rows: rows, columns: columns, generator: &generator)
        return WriteNoiseDeviceArray(base: devices, noiseStd: writeNoiseStd * base.nominalStep,
                                     applyOnSet: applyWriteNoiseOnSet, generator: SeededGenerator(seed: generator.next()))
    }
}

/// The devices of ``WriteNoiseDevice``: the base array holds the hidden weights, `weights`
/// the apparent ones.
public struct WriteNoiseDeviceArray<Base: PulsedDeviceArray>: PulsedDeviceArray {
    /// The devices with their hidden (persistent) weights (aihwkit `w_persistent_`).
    public internal(set) var base: Base
    /// The apparent weights every read sees.
    public private(set) var weights: [Float]
    /// `σ_w · dw_min`, in weight units.
    public let noiseStd: Float
    public let applyOnSet: Bool
    /// Noise of writes that are not pulsed updates (set, decay, reset).
    var generator: SeededGenerator

    init(base: Base, noiseStd: Float, applyOnSet: Bool, generator: SeededGenerator) {
        self.base = base
        self.noiseStd = noiseStd
        self.applyOnSet = applyOnSet
        self.generator = generator
        weights = base.weights
        if applyOnSet { redrawAll() }
    }

    public var rows: Int { base.rows }
    public var columns: Int { base.columns }

    mutating func redrawAll() {
        let hidden = base.weights
        var normals = PulseNormals()
        for k in weights.indices { weights[k] = hidden[k] + noiseStd * normals.next(&generator) }
    }

    public mutating func applyPulses(at index: Int, count: Int, up: Bool, generator: inout SeededGenerator) {
        guard count > 0 else { return }
        base.applyPulses(at: index, count: count, up: up, generator: &generator)
        var normals = PulseNormals()
        weights[index] = base.weights[index] + noiseStd * normals.next(&generator)
    }

    public mutating func applyRowPulses(base offset: Int, columns: UnsafePointer<Int32>, counts: UnsafePointer<UInt8>,
                                        up: UnsafePointer<Bool>, n: Int, generator: inout SeededGenerator) {
        base.applyRowPulses(base: offset, columns: columns, counts: counts, up: up, n: n, generator: &generator)
        let scale = noiseStd
        var normals = PulseNormals()
        base.weights.withUnsafeBufferPointer { hidden in
            weights.withUnsafeMutableBufferPointer { apparent in
                for k in 0..<n where counts[k] > 0 {
                    let index = offset + Int(columns[k])
                    apparent[index] = hidden[index] + scale * normals.next(&generator)
                }
            }
        }
    }

    public func expectedStep(at index: Int, up: Bool) -> Float { base.expectedStep(at: index, up: up) }

    public mutating func setWeights(_ targets: [Float]) {
        base.setWeights(targets)
        if applyOnSet { redrawAll() } else { weights = base.weights }
    }

    /// The base's parameters and `persistent_weights` (aihwkit's hidden-parameter name).
    public var sampledParameters: [String: [Float]] {
        var result = base.sampledParameters
        result["persistent_weights"] = base.weights
        return result
    }

    public var hasSlowDynamics: Bool { base.hasSlowDynamics }

    public mutating func decayWeights(alpha: Float) {
        base.decayWeights(alpha: alpha)
        redrawAll()
    }

    public mutating func diffuseWeights(generator: inout SeededGenerator) {
        base.diffuseWeights(generator: &generator)
        redrawAll()
    }

    public mutating func resetDevices(at indices: [Int], generator: inout SeededGenerator) {
        base.resetDevices(at: indices, generator: &generator)
        redrawAll()
    }
}

extension WriteNoiseDeviceArray: SymmetryPointDeviceArray where Base: SymmetryPointDeviceArray {
    public var symmetryPoints: [Float] { base.symmetryPoints }

    public mutating func reset(generator: inout SeededGenerator) {
        base.reset(generator: &generator)
        redrawAll()
    }
}

extension WriteNoiseDeviceArray: Equatable where Base: Equatable {}
