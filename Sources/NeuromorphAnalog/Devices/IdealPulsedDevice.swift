import NeuromorphCore

/// An ideal pulsed device, the float reference: every pulse adds exactly `dwMin`, with no
/// device-to-device or cycle-to-cycle variation, optionally clipped to fixed bounds
/// (Gokmen 2021 Eq. 2 with `F = 1, G = 0`, digest `ttv2_gradient-decomposition_shd.md` §1.2;
/// aihwkit's `IdealDevice` updates in float instead of in pulses).
///
/// ```
/// w ← clip(w ± dw_min, w_min, w_max)        (unbounded when the bounds are nil)
/// ```
/// Every weight is a symmetry point; ``IdealPulsedDeviceArray/symmetryPoints`` reports the
/// current weights.
public struct IdealPulsedDevice: PulsedDeviceConfiguration {
    /// The exact step of one pulse, in weight units (aihwkit `dw_min`).
    public var dwMin: Float
    /// Lower bound in weight units, or nil for none.
    public var wMin: Float?
    /// Upper bound in weight units, or nil for none.
    public var wMax: Float?

    public init(dwMin: Float = 0.001, wMin: Float? = nil, wMax: Float? = nil) {
        self.dwMin = dwMin
        self.wMin = wMin
        self.wMax = wMax
    }

    /// The ideal symmetric reference: `dw_min` 0.001, unbounded.
    public static let symmetricReference = IdealPulsedDevice()

    public var nominalStep: Float { dwMin }

    public func validate() throws {
        let name = "IdealPulsedDevice"
        guard dwMin.isFinite && dwMin > 0 else {
            throw DeviceParameterError(device: name, parameter: "dw_min", "must be a finite step > 0 (weight units), got \(dwMin)")
        }
        if let lo = wMin, let hi = wMax, !(lo < hi) {
            throw DeviceParameterError(device: name, parameter: "w_min", "must be < w_max, got w_min = \(lo) ≥ w_max = \(hi)")
        }
        if let lo = wMin, !lo.isFinite { throw DeviceParameterError(device: name, parameter: "w_min", "must be finite or nil, got \(lo)") }
        if let hi = wMax, !hi.isFinite { throw DeviceParameterError(device: name, parameter: "w_max", "must be finite or nil, got \(hi)") }
    }

    public func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> IdealPulsedDeviceArray {
        try validate()
        guard rows > 0, columns > 0 else {
            throw DeviceParameterError(device: "IdealPulsedDevice", parameter: "shape", "rows and columns must be > 0, got \(rows)×\(columns)")
        }
        return IdealPulsedDeviceArray(rows: rows, columns: columns, step: dwMin,
                                      lower: wMin ?? -Float.greatestFiniteMagnitude,
                                      upper: wMax ?? Float.greatestFiniteMagnitude)
    }
}

/// The devices of one crossbar of ``IdealPulsedDevice``s.
public struct IdealPulsedDeviceArray: SymmetryPointDeviceArray, Equatable {
    public let rows: Int
    public let columns: Int
    @usableFromInline var values: [Float]
    @usableFromInline let step: Float
    @usableFromInline let lower: Float
    @usableFromInline let upper: Float

    init(rows: Int, columns: Int, step: Float, lower: Float, upper: Float) {
        self.rows = rows
        self.columns = columns
        self.step = step
        self.lower = lower
        self.upper = upper
        values = [Float](repeating: clamp(0, lower, upper), count: rows * columns)
    }

    public var weights: [Float] { values }

    @inlinable
    public mutating func applyPulses(at index: Int, count: Int, up: Bool, generator: inout SeededGenerator) {
        guard count > 0 else { return }
        let delta = up ? step * Float(count) : -step * Float(count)
        values[index] = clamp(values[index] + delta, lower, upper)
    }

    @inlinable
    public func expectedStep(at index: Int, up: Bool) -> Float {
        let w = values[index]
        return up ? Swift.min(step, upper - w) : -Swift.min(step, w - lower)
    }

    public mutating func setWeights(_ targets: [Float]) {
        precondition(targets.count == values.count, "setWeights: \(targets.count) values for \(rows)×\(columns) devices")
        for k in values.indices { values[k] = clamp(targets[k], lower, upper) }
    }

    public var sampledParameters: [String: [Float]] {
        let n = values.count
        return ["dw_min_up": [Float](repeating: step, count: n), "dw_min_down": [Float](repeating: step, count: n),
                "w_min": [Float](repeating: lower, count: n), "w_max": [Float](repeating: upper, count: n)]
    }

    public var symmetryPoints: [Float] { values }

    /// Resets every device to 0 (clipped to the bounds).
    public mutating func reset(generator: inout SeededGenerator) {
        for k in values.indices { values[k] = clamp(0, lower, upper) }
    }
}

// MARK: - Decoding with defaults

extension IdealPulsedDevice {
    /// Decodes the keys present and keeps the documented default for every missing one.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dwMin = try c.decodeIfPresent(Float.self, forKey: .dwMin) ?? dwMin
        wMin = try c.decodeIfPresent(Float.self, forKey: .wMin)
        wMax = try c.decodeIfPresent(Float.self, forKey: .wMax)
    }
}

// MARK: - Registry

extension IdealPulsedDevice {
    /// The names configuration files use for this model (see ``DeviceRegistry``).
    public static var registryEntries: [DeviceRegistryEntry] {
        [DeviceRegistryEntry(name: "ideal", summary: "exact dw_min steps, no bounds or noise (the symmetric reference)",
                             preset: IdealPulsedDevice.symmetricReference)]
    }
}
