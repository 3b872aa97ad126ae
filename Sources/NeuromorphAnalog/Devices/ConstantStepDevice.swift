import NeuromorphCore

/// A constant-step device (aihwkit 1.1 `ConstantStepDevice`): each pulse moves the weight by
/// the device's own step in that direction, independent of the weight, up to hard bounds.
///
/// ```
/// up:    w ← clip(w + Δw⁺_ij (1 + σ_c2c ξ), b_min,ij, b_max,ij)
/// down:  w ← clip(w − Δw⁻_ij (1 + σ_c2c ξ), b_min,ij, b_max,ij)
/// ```
/// (additive noise: `Δw + Δw_ij σ_c2c ξ`), with `Δw±_ij`, `b_ij` sampled once per device as
/// ``PulsedDeviceParameters`` describes; all defaults are aihwkit's.
///
/// Symmetry point: with `Δw⁺ > Δw⁻` alternating pulses ratchet the weight to `b_max`, with
/// `Δw⁺ < Δw⁻` to `b_min`; with exactly equal steps every weight is one (the current weight
/// is reported).
@dynamicMemberLookup
public struct ConstantStepDevice: PulsedDeviceConfiguration {
    /// The shared pulsed-device parameters (`dw_min`, bounds, variations).
    public var pulsed: PulsedDeviceParameters

    public init(pulsed: PulsedDeviceParameters = PulsedDeviceParameters()) {
        self.pulsed = pulsed
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<PulsedDeviceParameters, T>) -> T {
        get { pulsed[keyPath: keyPath] }
        set { pulsed[keyPath: keyPath] = newValue }
    }

    /// aihwkit 1.1's `ConstantStepDevice()` defaults.
    public static let aihwkitDefault = ConstantStepDevice()

    public var nominalStep: Float { pulsed.dwMin }

    public func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> ConstantStepDeviceArray {
        let storage = try PulsedDeviceStorage(rows: rows, columns: columns, parameters: pulsed,
                                              device: "ConstantStepDevice", generator: &generator)
        return ConstantStepDeviceArray(storage: storage, cycleStd: pulsed.dwMinStd, noise: pulsed.noise)
    }
}

/// The devices of one crossbar of ``ConstantStepDevice``s.
public struct ConstantStepDeviceArray: SymmetryPointDeviceArray, DecayingDeviceArray, Equatable {
    @usableFromInline var storage: PulsedDeviceStorage
    @usableFromInline let cycleStd: Float
    @usableFromInline let noise: CycleNoiseModel

    init(storage: PulsedDeviceStorage, cycleStd: Float, noise: CycleNoiseModel) {
        self.storage = storage
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
        var w = storage.weights[index]
        if up {
            let s = storage.stepUp[index]
            for _ in 0..<count { w = clamp(w + noisyStep(s, deviceStep: s, std: cycleStd, noise: noise, normals: &normals, generator: &generator), lo, hi) }
        } else {
            let s = storage.stepDown[index]
            for _ in 0..<count { w = clamp(w - noisyStep(s, deviceStep: s, std: cycleStd, noise: noise, normals: &normals, generator: &generator), lo, hi) }
        }
        storage.weights[index] = w
    }

    /// The row-batched form of `applyPulses`: one buffer access per row instead of per pulse.
    @inlinable
    public mutating func applyRowPulses(base: Int, columns: UnsafePointer<Int32>, counts: UnsafePointer<UInt8>,
                                        up: UnsafePointer<Bool>, n: Int, generator: inout SeededGenerator) {
        let lower = storage.minBound, upper = storage.maxBound, stepUp = storage.stepUp, stepDown = storage.stepDown
        let std = cycleStd, model = noise
        var normals = PulseNormals()
        lower.withUnsafeBufferPointer { lo in
            upper.withUnsafeBufferPointer { hi in
                stepUp.withUnsafeBufferPointer { su in
                    stepDown.withUnsafeBufferPointer { sd in
                        storage.weights.withUnsafeMutableBufferPointer { weights in
                            for k in 0..<n {
                                let index = base + Int(columns[k])
                                var w = weights[index]
                                let a = lo[index], b = hi[index]
                                if up[k] {
                                    let s = su[index]
                                    for _ in 0..<Int(counts[k]) {
                                        w = clamp(w + noisyStep(s, deviceStep: s, std: std, noise: model, normals: &normals,
                                                                generator: &generator), a, b)
                                    }
                                } else {
                                    let s = sd[index]
                                    for _ in 0..<Int(counts[k]) {
                                        w = clamp(w - noisyStep(s, deviceStep: s, std: std, noise: model, normals: &normals,
                                                                generator: &generator), a, b)
                                    }
                                }
                                weights[index] = w
                            }
                        }
                    }
                }
            }
        }
    }

    @inlinable
    public func expectedStep(at index: Int, up: Bool) -> Float {
        let w = storage.weights[index]
        return up ? Swift.min(storage.stepUp[index], storage.maxBound[index] - w)
                  : -Swift.min(storage.stepDown[index], w - storage.minBound[index])
    }

    public mutating func setWeights(_ targets: [Float]) { storage.setWeights(targets) }

    public var sampledParameters: [String: [Float]] { storage.commonParameters }

    public var symmetryPoints: [Float] {
        (0..<storage.weights.count).map { k in
            let up = storage.stepUp[k], down = storage.stepDown[k]
            return up > down ? storage.maxBound[k] : (up < down ? storage.minBound[k] : storage.weights[k])
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

extension ConstantStepDevice {
    /// Decodes the keys present and keeps the documented default for every missing one.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pulsed = try c.decodeIfPresent(PulsedDeviceParameters.self, forKey: .pulsed) ?? pulsed
    }
}

// MARK: - Registry

extension ConstantStepDevice {
    /// The names configuration files use for this model (see ``DeviceRegistry``).
    public static var registryEntries: [DeviceRegistryEntry] {
        [
            DeviceRegistryEntry(name: "constant_step", summary: "aihwkit ConstantStepDevice with its 1.1 defaults", preset: ConstantStepDevice.aihwkitDefault,
                                read: { $0.pulsed }, write: { device, p in var d = device; d.pulsed = p; return d }),
        ]
    }
}
