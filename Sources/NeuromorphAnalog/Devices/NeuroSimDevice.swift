import NeuromorphCore
import RealModule

/// The NeuroSim V3.0 nonlinear device (Zhao et al. 2021, digest
/// `ttv2_gradient-decomposition_shd.md` §2.2): conductance follows saturating curves of the
/// pulse number, one for potentiation (LTP) and one for depression (LTD); a write finds the
/// device's current pulse position on the curve of its direction and moves `n` pulses along it.
///
/// On normalized conductance `g = (G − Gmin)/(Gmax − Gmin) ∈ [0, 1]` and pulse position
/// `p = P/Pmax ∈ [0, 1]`:
/// ```
/// g(p)   = (1 − exp(−p/a)) / (1 − exp(−1/a))          (G(P) = B (1 − e^(−P/A)) + Gmin,
/// p(g)   = −a · ln(1 − g (1 − exp(−1/a)))              A = a·Pmax, B = ΔG/(1 − e^(−Pmax/A)))
/// up n:    g ← clip(g_LTP(p_LTP(g) + n/Pmax) + σ_c2c √n ξ, 0, 1)
/// down n:  g ← clip(g_LTD(p_LTD(g) − n/Pmax) + σ_c2c √n ξ, 0, 1)
/// w      = w_min + (w_max − w_min) · g
/// ```
/// `a = sign(NL) · A(|NL|)`: NeuroSim's `getParamA` table is reproduced by solving
/// `max_p (g(p) − p) = |NL| / 10.1015` for `a` (the table's own ratio, matching
/// `getParamA(2.40) = 0.499181` and `getParamA(4.88) = 0.200303`; digest §2.2 [C]).
/// Positive NL gives a concave curve, negative a convex one; Zhao's LTD label −4.88 makes
/// depression steep near Gmax and fine near Gmin. NL = 0 is linear. The c2c noise is
/// NeuroSim's absolute `N(0, σ·ΔG)·√|n|` per write (3.5 % of the range, i.e. ≈ 17 levels of a
/// 500-level device — the digest's caution, kept as published).
///
/// The state is the conductance; ``NeuroSimDeviceArray/pulsePositions`` gives the pulse count
/// on the LTP curve. Device-to-device variation (NeuroSim default: none) is a spread of the
/// NL labels.
public struct NeuroSimDevice: PulsedDeviceConfiguration {
    /// Potentiation nonlinearity label (NeuroSim `NL_LTP`; dimensionless, 0 = linear).
    public var nonlinearityLTP: Float
    /// Depression nonlinearity label (NeuroSim `NL_LTD`; dimensionless, negative = convex).
    public var nonlinearityLTD: Float
    /// Device-to-device standard deviation of both labels, in label units (NeuroSim
    /// `sigmaDtoD`-like; default 0).
    public var nonlinearityDtod: Float
    /// Pulses from fully OFF to fully ON (NeuroSim `maxNumLevelLTP/LTD`; Zhao: 500 levels).
    public var pulseCount: Int
    /// Cycle-to-cycle standard deviation per write, as a fraction of the conductance range
    /// (NeuroSim `sigmaCtoC / (Gmax − Gmin)`; Zhao: 0.035), scaled by √pulses.
    public var cycleStd: Float
    /// Minimum conductance in nS (for reporting; Zhao ≈ 3 nS).
    public var gMin: Float
    /// Maximum conductance in nS (for reporting; Zhao 38 nS).
    public var gMax: Float
    /// Weight at `Gmin`, in weight units (NeuroSim `minWeight`, −1).
    public var wMin: Float
    /// Weight at `Gmax`, in weight units (NeuroSim `maxWeight`, 1).
    public var wMax: Float

    public init(nonlinearityLTP: Float = 2.40, nonlinearityLTD: Float = -4.88, nonlinearityDtod: Float = 0,
                pulseCount: Int = 500, cycleStd: Float = 0.035, gMin: Float = 3.0769, gMax: Float = 38.462,
                wMin: Float = -1, wMax: Float = 1) {
        self.nonlinearityLTP = nonlinearityLTP
        self.nonlinearityLTD = nonlinearityLTD
        self.nonlinearityDtod = nonlinearityDtod
        self.pulseCount = pulseCount
        self.cycleStd = cycleStd
        self.gMin = gMin
        self.gMax = gMax
        self.wMin = wMin
        self.wMax = wMax
    }

    /// Zhao et al.'s Ag:Si device (Jo et al. 2010) in NeuroSim: NL_LTP 2.40, NL_LTD −4.88,
    /// 500 levels, 3.5 % c2c, 3.08-38.5 nS.
    public static let zhaoAgSi = NeuroSimDevice()
    /// Zhao et al.'s ideal device: linear, 500 levels, no noise.
    public static let zhaoIdeal500Levels = NeuroSimDevice(nonlinearityLTP: 0, nonlinearityLTD: 0, cycleStd: 0)

    /// One level, `(w_max − w_min)/Pmax`.
    public var nominalStep: Float { (wMax - wMin) / Float(pulseCount) }

    public func validate() throws {
        let name = "NeuroSimDevice"
        func fail(_ parameter: String, _ message: String) -> DeviceParameterError {
            DeviceParameterError(device: name, parameter: parameter, message)
        }
        guard pulseCount >= 1 else { throw fail("p_max", "needs at least 1 pulse from Gmin to Gmax, got \(pulseCount)") }
        for (label, value) in [("nl_ltp", nonlinearityLTP), ("nl_ltd", nonlinearityLTD)] where !(value.isFinite && Swift.abs(value) <= 10) {
            throw fail(label, "must be in [−10, 10] (NeuroSim's label range), got \(value)")
        }
        guard nonlinearityDtod.isFinite && nonlinearityDtod >= 0 else { throw fail("nl_dtod", "must be ≥ 0, got \(nonlinearityDtod)") }
        guard cycleStd.isFinite && cycleStd >= 0 else { throw fail("sigma_c2c", "must be ≥ 0 (fraction of range), got \(cycleStd)") }
        guard gMin.isFinite && gMin >= 0 && gMax.isFinite && gMin < gMax else {
            throw fail("g_min", "must satisfy 0 ≤ g_min < g_max, got [\(gMin), \(gMax)] nS")
        }
        guard wMin.isFinite && wMax.isFinite && wMin < wMax else {
            throw fail("w_min", "must be < w_max, got w_min = \(wMin) ≥ w_max = \(wMax)")
        }
    }

    public func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> NeuroSimDeviceArray {
        try validate()
        guard rows > 0, columns > 0 else {
            throw DeviceParameterError(device: "NeuroSimDevice", parameter: "shape", "rows and columns must be > 0, got \(rows)×\(columns)")
        }
        let n = rows * columns
        var up = [Float](repeating: 0, count: n), down = [Float](repeating: 0, count: n)
        let nominalUp = Self.curveParameter(nonlinearity: nonlinearityLTP)
        let nominalDown = Self.curveParameter(nonlinearity: nonlinearityLTD)
        for k in 0..<n {
            if nonlinearityDtod > 0 {
                let ltp = clamp(nonlinearityLTP + nonlinearityDtod * generator.nextNormal(), -10, 10)
                let ltd = clamp(nonlinearityLTD + nonlinearityDtod * generator.nextNormal(), -10, 10)
                up[k] = Self.curveParameter(nonlinearity: ltp)
                down[k] = Self.curveParameter(nonlinearity: ltd)
            } else {
                up[k] = nominalUp
                down[k] = nominalDown
            }
        }
        return NeuroSimDeviceArray(rows: rows, columns: columns, curveUp: up, curveDown: down,
                                   pulseCount: pulseCount, cycleStd: cycleStd, wMin: wMin, wMax: wMax, gMin: gMin, gMax: gMax)
    }

    // MARK: Curve

    /// NeuroSim's table ratio between the NL label and the curve's maximum deviation from
    /// linear, `getParamA(NL)`'s definition as recovered from its 2.40 and 4.88 entries.
    public static let labelPerDeviation: Double = 10.1015

    /// The normalized curve `g(p)` for curve parameter `a` (0 = linear).
    @inlinable
    public static func curve(_ p: Float, a: Float) -> Float {
        if a == 0 { return p }
        let da = Double(a)
        return Float((1 - Double.exp(-Double(p) / da)) / (1 - Double.exp(-1 / da)))
    }

    /// The inverse curve `p(g)`.
    @inlinable
    public static func inverseCurve(_ g: Float, a: Float) -> Float {
        if a == 0 { return g }
        let da = Double(a)
        return Float(-da * Double.log(1 - Double(g) * (1 - Double.exp(-1 / da))))
    }

    /// The maximum of `|g(p) − p|` over `[0, 1]`, in closed form (`g'(p*) = 1`).
    public static func maximumDeviation(a: Float) -> Float {
        if a == 0 { return 0 }
        let da = Double(Swift.abs(a))
        let norm = 1 - Double.exp(-1 / da)
        let p = Swift.min(Swift.max(-da * Double.log(da * norm), 0), 1)
        return Float((1 - Double.exp(-p / da)) / norm - p)
    }

    /// The curve parameter `a = A/Pmax` for a nonlinearity label (sign kept), by bisection on
    /// `maximumDeviation(a) = |NL| / labelPerDeviation`.
    public static func curveParameter(nonlinearity: Float) -> Float {
        let target = Double(Swift.abs(nonlinearity)) / labelPerDeviation
        if target < 1e-7 { return 0 }
        // maximumDeviation decreases in a: from → 1 at a → 0 to → 0 at a → ∞; bisect in log a.
        var lo = -12.0, hi = 12.0
        for _ in 0..<100 {
            let m = 0.5 * (lo + hi)
            if Double(maximumDeviation(a: Float(Double.exp(m)))) > target { lo = m } else { hi = m }
        }
        let a = Float(Double.exp(0.5 * (lo + hi)))
        return nonlinearity < 0 ? -a : a
    }
}

/// The devices of one crossbar of ``NeuroSimDevice``s; the state is the normalized
/// conductance `g ∈ [0, 1]` per device.
public struct NeuroSimDeviceArray: SymmetryPointDeviceArray, Equatable {
    public let rows: Int
    public let columns: Int
    @usableFromInline var conductance: [Float]
    @usableFromInline let curveUp: [Float]
    @usableFromInline let curveDown: [Float]
    @usableFromInline let pulseCount: Int
    @usableFromInline let cycleStd: Float
    @usableFromInline let wMin: Float
    @usableFromInline let wMax: Float
    let gMin: Float
    let gMax: Float

    init(rows: Int, columns: Int, curveUp: [Float], curveDown: [Float], pulseCount: Int, cycleStd: Float,
         wMin: Float, wMax: Float, gMin: Float, gMax: Float) {
        self.rows = rows
        self.columns = columns
        self.curveUp = curveUp
        self.curveDown = curveDown
        self.pulseCount = pulseCount
        self.cycleStd = cycleStd
        self.wMin = wMin
        self.wMax = wMax
        self.gMin = gMin
        self.gMax = gMax
        // weight 0 ↔ mid-range conductance
        conductance = [Float](repeating: clamp(-wMin / (wMax - wMin), 0, 1), count: rows * columns)
    }

    public var weights: [Float] { conductance.map { wMin + (wMax - wMin) * $0 } }

    /// Each device's conductance in nS.
    public var conductancesNanosiemens: [Float] { conductance.map { gMin + (gMax - gMin) * $0 } }

    /// Each device's position on its LTP curve, in pulses from Gmin (the "pulse-count state").
    public var pulsePositions: [Float] {
        conductance.indices.map { NeuroSimDevice.inverseCurve(conductance[$0], a: curveUp[$0]) * Float(pulseCount) }
    }

    @inlinable
    public mutating func applyPulses(at index: Int, count: Int, up: Bool, generator: inout SeededGenerator) {
        guard count > 0 else { return }
        let g = conductance[index]
        let dp = Float(count) / Float(pulseCount)
        var next: Float
        if up {
            let a = curveUp[index]
            next = NeuroSimDevice.curve(Swift.min(NeuroSimDevice.inverseCurve(g, a: a) + dp, 1), a: a)
        } else {
            let a = curveDown[index]
            next = NeuroSimDevice.curve(Swift.max(NeuroSimDevice.inverseCurve(g, a: a) - dp, 0), a: a)
        }
        if cycleStd > 0 {
            var normals = PulseNormals()
            next += cycleStd * Float(count).squareRoot() * normals.next(&generator)
        }
        conductance[index] = clamp(next, 0, 1)
    }

    @inlinable
    public func expectedStep(at index: Int, up: Bool) -> Float {
        let g = conductance[index]
        let dp = 1 / Float(pulseCount)
        let next: Float
        if up {
            let a = curveUp[index]
            next = NeuroSimDevice.curve(Swift.min(NeuroSimDevice.inverseCurve(g, a: a) + dp, 1), a: a)
        } else {
            let a = curveDown[index]
            next = NeuroSimDevice.curve(Swift.max(NeuroSimDevice.inverseCurve(g, a: a) - dp, 0), a: a)
        }
        return (clamp(next, 0, 1) - g) * (wMax - wMin)
    }

    public mutating func setWeights(_ targets: [Float]) {
        precondition(targets.count == conductance.count, "setWeights: \(targets.count) values for \(rows)×\(columns) devices")
        for k in conductance.indices { conductance[k] = clamp((targets[k] - wMin) / (wMax - wMin), 0, 1) }
    }

    public var sampledParameters: [String: [Float]] {
        let n = conductance.count
        return ["curve_a_ltp": curveUp, "curve_a_ltd": curveDown,
                "w_min": [Float](repeating: wMin, count: n), "w_max": [Float](repeating: wMax, count: n)]
    }

    /// Bisection on the one-pulse step magnitudes of the two curves.
    public var symmetryPoints: [Float] {
        let dp = 1 / Float(pulseCount)
        return conductance.indices.map { k in
            let au = curveUp[k], ad = curveDown[k]
            let g = bisectSymmetryPoint(lo: 0, hi: 1, up: { g in
                NeuroSimDevice.curve(Swift.min(NeuroSimDevice.inverseCurve(g, a: au) + dp, 1), a: au) - g
            }, down: { g in
                g - NeuroSimDevice.curve(Swift.max(NeuroSimDevice.inverseCurve(g, a: ad) - dp, 0), a: ad)
            })
            return wMin + (wMax - wMin) * g
        }
    }

    /// Resets to weight 0 (mid-range conductance).
    public mutating func reset(generator: inout SeededGenerator) {
        let g = clamp(-wMin / (wMax - wMin), 0, 1)
        for k in conductance.indices { conductance[k] = g }
    }
}

// MARK: - Decoding with defaults

extension NeuroSimDevice {
    /// Decodes the keys present and keeps the documented default for every missing one.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nonlinearityLTP = try c.decodeIfPresent(Float.self, forKey: .nonlinearityLTP) ?? nonlinearityLTP
        nonlinearityLTD = try c.decodeIfPresent(Float.self, forKey: .nonlinearityLTD) ?? nonlinearityLTD
        nonlinearityDtod = try c.decodeIfPresent(Float.self, forKey: .nonlinearityDtod) ?? nonlinearityDtod
        pulseCount = try c.decodeIfPresent(Int.self, forKey: .pulseCount) ?? pulseCount
        cycleStd = try c.decodeIfPresent(Float.self, forKey: .cycleStd) ?? cycleStd
        gMin = try c.decodeIfPresent(Float.self, forKey: .gMin) ?? gMin
        gMax = try c.decodeIfPresent(Float.self, forKey: .gMax) ?? gMax
        wMin = try c.decodeIfPresent(Float.self, forKey: .wMin) ?? wMin
        wMax = try c.decodeIfPresent(Float.self, forKey: .wMax) ?? wMax
    }
}

// MARK: - Registry

extension NeuroSimDevice {
    /// The names configuration files use for this model (see ``DeviceRegistry``).
    public static var registryEntries: [DeviceRegistryEntry] {
        [DeviceRegistryEntry(name: "zhao-ag-si",
                             summary: "Zhao et al. 2021 Ag:Si NeuroSim device (NL_LTP 2.40, NL_LTD -4.88, 500 levels, 3.5 % c2c)",
                             preset: NeuroSimDevice.zhaoAgSi)]
    }
}
