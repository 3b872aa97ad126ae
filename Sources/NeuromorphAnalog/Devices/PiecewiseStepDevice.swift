import NeuromorphCore

/// A piecewise-linear step device from a user table (aihwkit 1.1 `PiecewiseStepDevice`): the
/// relative step in each direction is interpolated linearly between `K` nodes equally spaced
/// over each device's bounds.
///
/// ```
/// t = (w − b_min,ij)/(b_max,ij − b_min,ij) · (K − 1),   i = min(⌊t⌋, K − 2),   f = t − i
/// up:    Δw⁺ = dw_up,ij   · ((1 − f) up[i]   + f up[i+1])      w ← clip(w + Δw⁺ (1 + σ_c2c ξ))
/// down:  Δw⁻ = dw_down,ij · ((1 − f) down[i] + f down[i+1])    w ← clip(w − Δw⁻ (1 + σ_c2c ξ))
/// ```
/// (additive noise: `Δw + dw σ_c2c ξ`). Tables must hold ≥ 2 non-negative, finite values of
/// equal length. With ``requireSaturating`` (default) the up table must be non-increasing
/// and the down table non-decreasing in `w` — each step shrinks toward the bound it drives
/// to, as every physical device does; a non-monotone table is rejected. Symmetry point by
/// bisection. The default table (5 nodes, up 1.5 → 0.5, down 0.5 → 1.5) is soft-bounds-like;
/// it is our choice, not an aihwkit default.
@dynamicMemberLookup
public struct PiecewiseStepDevice: PulsedDeviceConfiguration {
    /// The shared pulsed-device parameters (`dw_min`, bounds, variations).
    public var pulsed: PulsedDeviceParameters
    /// Relative up-step at the nodes from `b_min` to `b_max` (dimensionless; aihwkit `piecewise_up`).
    public var piecewiseUp: [Float] = [1.5, 1.25, 1, 0.75, 0.5]
    /// Relative down-step at the nodes from `b_min` to `b_max` (dimensionless; aihwkit `piecewise_down`).
    public var piecewiseDown: [Float] = [0.5, 0.75, 1, 1.25, 1.5]
    /// Reject tables whose steps do not shrink toward the bound they drive to.
    public var requireSaturating: Bool = true

    public init(pulsed: PulsedDeviceParameters = PulsedDeviceParameters()) {
        self.pulsed = pulsed
    }

    public init(up: [Float], down: [Float], pulsed: PulsedDeviceParameters = PulsedDeviceParameters(),
                requireSaturating: Bool = true) {
        self.pulsed = pulsed
        piecewiseUp = up
        piecewiseDown = down
        self.requireSaturating = requireSaturating
    }

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<PulsedDeviceParameters, T>) -> T {
        get { pulsed[keyPath: keyPath] }
        set { pulsed[keyPath: keyPath] = newValue }
    }

    public var nominalStep: Float { pulsed.dwMin }

    public func validate() throws {
        let name = "PiecewiseStepDevice"
        try pulsed.validate(device: name)
        for (parameter, table) in [("piecewise_up", piecewiseUp), ("piecewise_down", piecewiseDown)] {
            guard table.count >= 1 else {
                throw DeviceParameterError(device: name, parameter: parameter, "needs at least 1 node (1 node: a constant step, aihwkit's default [1]), got 0")
            }
            if let bad = table.first(where: { !($0.isFinite && $0 >= 0) }) {
                throw DeviceParameterError(device: name, parameter: parameter, "values must be finite and ≥ 0, got \(bad)")
            }
        }
        guard piecewiseUp.count == piecewiseDown.count else {
            throw DeviceParameterError(device: name, parameter: "piecewise_down",
                                       "must have as many nodes as piecewise_up (\(piecewiseUp.count)), got \(piecewiseDown.count)")
        }
        if requireSaturating {
            if let i = (1..<piecewiseUp.count).first(where: { piecewiseUp[$0] > piecewiseUp[$0 - 1] }) {
                throw DeviceParameterError(device: name, parameter: "piecewise_up",
                                           "must be non-increasing in w (steps saturate toward w_max); node \(i) = \(piecewiseUp[i]) > node \(i - 1) = \(piecewiseUp[i - 1])")
            }
            if let i = (1..<piecewiseDown.count).first(where: { piecewiseDown[$0] < piecewiseDown[$0 - 1] }) {
                throw DeviceParameterError(device: name, parameter: "piecewise_down",
                                           "must be non-decreasing in w (steps saturate toward w_min); node \(i) = \(piecewiseDown[i]) < node \(i - 1) = \(piecewiseDown[i - 1])")
            }
        }
    }

    public func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> PiecewiseStepDeviceArray {
        try validate()
        let storage = try PulsedDeviceStorage(rows: rows, columns: columns, parameters: pulsed,
                                              device: "PiecewiseStepDevice", generator: &generator)
        return PiecewiseStepDeviceArray(storage: storage, tableUp: piecewiseUp, tableDown: piecewiseDown,
                                        cycleStd: pulsed.dwMinStd, noise: pulsed.noise)
    }
}

/// The devices of one crossbar of ``PiecewiseStepDevice``s.
public struct PiecewiseStepDeviceArray: SymmetryPointDeviceArray, DecayingDeviceArray, Equatable {
    @usableFromInline var storage: PulsedDeviceStorage
    @usableFromInline let tableUp: [Float]
    @usableFromInline let tableDown: [Float]
    @usableFromInline let cycleStd: Float
    @usableFromInline let noise: CycleNoiseModel

    init(storage: PulsedDeviceStorage, tableUp: [Float], tableDown: [Float], cycleStd: Float, noise: CycleNoiseModel) {
        self.storage = storage
        self.tableUp = tableUp
        self.tableDown = tableDown
        self.cycleStd = cycleStd
        self.noise = noise
    }

    public var rows: Int { storage.rows }
    public var columns: Int { storage.columns }
    public var weights: [Float] { storage.weights }

    /// The interpolated relative step at `w`.
    @inlinable @inline(__always)
    func factor(_ w: Float, lo: Float, hi: Float, up: Bool) -> Float {
        let sections = tableUp.count - 1
        guard sections > 0, hi > lo else { return up ? tableUp[0] : tableDown[0] }
        let t = Swift.max((w - lo) / (hi - lo) * Float(sections), 0)
        let i = Swift.min(Int(t), sections - 1)
        let f = Swift.min(t - Float(i), 1)
        return up ? (1 - f) * tableUp[i] + f * tableUp[i + 1] : (1 - f) * tableDown[i] + f * tableDown[i + 1]
    }

    @inlinable
    public mutating func applyPulses(at index: Int, count: Int, up: Bool, generator: inout SeededGenerator) {
        guard count > 0 else { return }
        var normals = PulseNormals()
        let lo = storage.minBound[index], hi = storage.maxBound[index]
        let s = up ? storage.stepUp[index] : storage.stepDown[index]
        var w = storage.weights[index]
        for _ in 0..<count {
            let step = noisyStep(s * factor(w, lo: lo, hi: hi, up: up), deviceStep: s, std: cycleStd,
                                 noise: noise, normals: &normals, generator: &generator)
            w = clamp(up ? w + step : w - step, lo, hi)
        }
        storage.weights[index] = w
    }

    @inlinable
    public func expectedStep(at index: Int, up: Bool) -> Float {
        let w = storage.weights[index], lo = storage.minBound[index], hi = storage.maxBound[index]
        let step = (up ? storage.stepUp[index] : storage.stepDown[index]) * factor(w, lo: lo, hi: hi, up: up)
        return clamp(up ? w + step : w - step, lo, hi) - w
    }

    public mutating func setWeights(_ targets: [Float]) { storage.setWeights(targets) }

    public var sampledParameters: [String: [Float]] { storage.commonParameters }

    public var symmetryPoints: [Float] {
        (0..<storage.weights.count).map { k in
            let lo = storage.minBound[k], hi = storage.maxBound[k], su = storage.stepUp[k], sd = storage.stepDown[k]
            return bisectSymmetryPoint(lo: lo, hi: hi, up: { su * factor($0, lo: lo, hi: hi, up: true) },
                                       down: { sd * factor($0, lo: lo, hi: hi, up: false) })
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

extension PiecewiseStepDevice {
    /// Decodes the keys present and keeps the documented default for every missing one.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pulsed = try c.decodeIfPresent(PulsedDeviceParameters.self, forKey: .pulsed) ?? pulsed
        piecewiseUp = try c.decodeIfPresent([Float].self, forKey: .piecewiseUp) ?? piecewiseUp
        piecewiseDown = try c.decodeIfPresent([Float].self, forKey: .piecewiseDown) ?? piecewiseDown
        requireSaturating = try c.decodeIfPresent(Bool.self, forKey: .requireSaturating) ?? requireSaturating
    }
}
