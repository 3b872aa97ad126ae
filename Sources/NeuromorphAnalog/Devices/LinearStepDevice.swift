import CPulseKernels
import NeuromorphCore

/// A linear-step device in Gokmen's soft-bounds form (Gokmen 2021, digest
/// `ttv2_gradient-decomposition_shd.md` §1.3): the step shrinks linearly with the weight,
/// with separate slopes for the two directions, up to hard bounds.
///
/// ```
/// up:    Δw⁺ = dw_up,ij   · (1 − slope⁺_ij · w)      w ← clip(w + Δw⁺ (1 + σ_c2c ξ))
/// down:  Δw⁻ = dw_down,ij · (1 + slope⁻_ij · w)      w ← clip(w − Δw⁻ (1 + σ_c2c ξ))
/// slope±_ij = μ_s (1 + σ_s ξ±_ij),   dw_ij = μ_dw (1 + σ_dw ξ_ij)     (sampled once)
/// ```
/// (additive noise: `Δw± + dw_ij σ_c2c ξ`). In Eq. 2's terms `F(w) = 1 + (s⁻ − s⁺) w/2` and
/// `G(w) = (s⁺ + s⁻) w/2`; the up step vanishes at `1/s⁺` and the down step at `−1/s⁻`, so
/// the nominal range is `±1/μ_s` and the number of states `n_states = 2/(μ_s μ_dw)`. The
/// symmetry point (closed form) is `w* = (dw_up − dw_down)/(dw_up s⁺ + dw_down s⁻)`, 0 for
/// equal steps.
///
/// Two parametrizations of the slopes:
/// - Gokmen's (`slopeUp`, `slopeDown`, `slopeDtod`): absolute slopes (1/weight units) with a
///   relative spread; slopes that sample non-positive follow the
///   ``PulsedDeviceParameters/negativeStepPolicy``.
/// - aihwkit's (``gammas``, `LinearStepDevice` with `mean_bound_reference`): `slope⁺_ij =
///   |γ_up + γ_up_dtod ξ| / w_max`, `slope⁻_ij = |γ_down + γ_down_dtod ξ| / |w_min|` with an
///   absolute spread (folded to ≥ 0 unless `allowIncreasingSlope`), so its defaults (γ = 0,
///   γ_dtod = 0.05) still give each device a small random slope — a spread around a zero
///   mean that the relative form cannot express. ``aihwkitDefault`` is that device.
@dynamicMemberLookup
public struct LinearStepDevice: PulsedDeviceConfiguration {
    /// The shared pulsed-device parameters (`dw_min`, hard bounds, variations).
    public var pulsed: PulsedDeviceParameters
    /// Mean slope of the up step, in 1/weight units (Gokmen `μ_s` for `slope⁺`; aihwkit
    /// `gamma_up / w_max`).
    public var slopeUp: Float
    /// Mean slope of the down step, in 1/weight units (Gokmen `μ_s` for `slope⁻`).
    public var slopeDown: Float
    /// Device-to-device standard deviation of both slopes, relative to the mean (Gokmen
    /// `σ_s`, dimensionless).
    public var slopeDtod: Float

    /// aihwkit's slope parametrization; when set it replaces `slopeUp`, `slopeDown` and
    /// `slopeDtod`.
    public var gammas: Gammas?

    /// aihwkit `LinearStepDevice` slope parameters (its names and 1.1 defaults).
    public struct Gammas: Sendable, Codable, Equatable {
        /// `gamma_up`, `gamma_down`: mean slope at the bound, relative to the step.
        public var up: Float = 0
        public var down: Float = 0
        /// `gamma_up_dtod`, `gamma_down_dtod`: absolute device-to-device spread.
        public var upDtod: Float = 0.05
        public var downDtod: Float = 0.05
        /// `allow_increasing`: keep negative samples (steps that grow towards the bound).
        public var allowIncreasingSlope = false
        public init() {}
    }

    public init(pulsed: PulsedDeviceParameters = PulsedDeviceParameters(),
                slopeUp: Float = 0, slopeDown: Float = 0, slopeDtod: Float = 0.2, gammas: Gammas? = nil) {
        self.pulsed = pulsed
        self.slopeUp = slopeUp
        self.slopeDown = slopeDown
        self.slopeDtod = slopeDtod
        self.gammas = gammas
    }

    /// aihwkit 1.1's default `LinearStepDevice`: the default `PulsedDevice` parameters and
    /// γ = 0 with γ_dtod = 0.05 in both directions.
    public static let aihwkitDefault = LinearStepDevice(gammas: Gammas())

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<PulsedDeviceParameters, T>) -> T {
        get { pulsed[keyPath: keyPath] }
        set { pulsed[keyPath: keyPath] = newValue }
    }

    /// Gokmen's device model with `μ_dw`, `μ_s = 1.66`, `σ_s = 0.2`, `σ_dw = 0.3`,
    /// multiplicative c2c noise `σ_c2c = 0.3` (digest §1.3), one `dw_min` per device for both
    /// directions (`up_down = 0`, no spread), hard bounds at ±1 (the paper does not say
    /// whether it clips; ±1 lies outside the nominal ±0.6024).
    public static func gokmen(muDw: Float, cycleStd: Float = 0.3, noise: CycleNoiseModel = .multiplicative) -> LinearStepDevice {
        var p = PulsedDeviceParameters()
        p.dwMin = muDw
        p.dwMinDtod = 0.3
        p.dwMinStd = cycleStd
        p.noise = noise
        p.upDown = 0; p.upDownDtod = 0
        p.wMin = -1; p.wMax = 1; p.wMinDtod = 0; p.wMaxDtod = 0
        p.reset = 0; p.resetStd = 0
        return LinearStepDevice(pulsed: p, slopeUp: 1.66, slopeDown: 1.66, slopeDtod: 0.2)
    }

    /// Gokmen 2021's 1,200-state device: `μ_dw = 1e-3` (`n_states` = 1,204.8).
    public static let gokmen1200States = gokmen(muDw: 1e-3)
    /// Gokmen 2021's 15-state device: `μ_dw = 0.08` (`n_states` = 15.06).
    public static let gokmen15States = gokmen(muDw: 0.08)

    public var nominalStep: Float { pulsed.dwMin }

    /// `(nominal weight range) / (nominal step at the symmetry point)`, with the range
    /// `1/slope⁺ + 1/slope⁻` (Gokmen's `2/(μ_s μ_dw)`), or the hard range without slopes.
    public var nominalStateCount: Float {
        let range = (slopeUp > 0 && slopeDown > 0) ? 1 / slopeUp + 1 / slopeDown : pulsed.wMax - pulsed.wMin
        return range / pulsed.dwMin
    }

    /// The nominal soft bounds `(−1/slope⁻, 1/slope⁺)` (infinite where a slope is 0).
    public var nominalSoftBounds: (lower: Float, upper: Float) {
        (slopeDown > 0 ? -1 / slopeDown : -.infinity, slopeUp > 0 ? 1 / slopeUp : .infinity)
    }

    public func validate() throws {
        try pulsed.validate(device: "LinearStepDevice")
        for (name, value) in [("slope_up", slopeUp), ("slope_down", slopeDown), ("slope_dtod", slopeDtod)]
        where !(value.isFinite && value >= 0) {
            throw DeviceParameterError(device: "LinearStepDevice", parameter: name, "must be finite and ≥ 0, got \(value)")
        }
        if let gammas {
            for (name, value) in [("gamma_up", gammas.up), ("gamma_down", gammas.down)] where !value.isFinite {
                throw DeviceParameterError(device: "LinearStepDevice", parameter: name, "must be finite, got \(value)")
            }
            for (name, value) in [("gamma_up_dtod", gammas.upDtod), ("gamma_down_dtod", gammas.downDtod)]
            where !(value.isFinite && value >= 0) {
                throw DeviceParameterError(device: "LinearStepDevice", parameter: name, "must be finite and ≥ 0, got \(value)")
            }
        }
    }

    public func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> LinearStepDeviceArray {
        try validate()
        let storage = try PulsedDeviceStorage(rows: rows, columns: columns, parameters: pulsed,
                                              device: "LinearStepDevice", generator: &generator)
        let n = rows * columns
        var up = [Float](repeating: 0, count: n), down = [Float](repeating: 0, count: n)
        if let gammas {
            // aihwkit: −|γ + γ_dtod ξ| · scale / w_ref with the mean bounds as references.
            let fold: (Float) -> Float = gammas.allowIncreasingSlope ? { $0 } : { Swift.abs($0) }
            let (upReference, downReference) = (Swift.abs(pulsed.wMax), Swift.abs(pulsed.wMin))
            for k in 0..<n {
                let gammaUp = fold(gammas.up + gammas.upDtod * generator.nextNormal())
                let gammaDown = fold(gammas.down + gammas.downDtod * generator.nextNormal())
                up[k] = upReference > 0 ? gammaUp / upReference : 0
                down[k] = downReference > 0 ? gammaDown / downReference : 0
            }
        } else {
            for k in 0..<n {
                up[k] = slopeUp > 0 ? pulsed.negativeStepPolicy.samplePositive(nominal: slopeUp, relativeStd: slopeDtod, generator: &generator) : 0
                down[k] = slopeDown > 0 ? pulsed.negativeStepPolicy.samplePositive(nominal: slopeDown, relativeStd: slopeDtod, generator: &generator) : 0
            }
        }
        return LinearStepDeviceArray(storage: storage, slopeUp: up, slopeDown: down,
                                     center: [Float](repeating: 0, count: n),
                                     cycleStd: pulsed.dwMinStd, noise: pulsed.noise)
    }
}

/// The devices of one crossbar of linear-step devices: ``LinearStepDevice``,
/// ``SoftBoundsDevice`` (`slope± = 1/|b±|`) and ``AsymmetricSoftBoundsDevice`` (a per-device
/// centre). One hot loop serves all three:
/// ```
/// up:    Δw⁺ = dw_up,ij   · (1 − slope⁺_ij (w − c_ij))
/// down:  Δw⁻ = dw_down,ij · (1 + slope⁻_ij (w − c_ij))
/// ```
public struct LinearStepDeviceArray: SymmetryPointDeviceArray, DecayingDeviceArray, Equatable {
    @usableFromInline var storage: PulsedDeviceStorage
    @usableFromInline let slopeUp: [Float]
    @usableFromInline let slopeDown: [Float]
    /// The weight both slopes are measured from (0 except for the asymmetric device).
    @usableFromInline let center: [Float]
    @usableFromInline let cycleStd: Float
    @usableFromInline let noise: CycleNoiseModel
    /// Soft bounds: `slope⁺ = 1/b_max`, `slope⁻ = 1/|b_min|` and `c = 0`, so the row-batched
    /// update derives the slopes from the bounds it reads anyway (3 fewer memory streams in
    /// the pulse loop, identical arithmetic).
    @usableFromInline var slopesFromBounds: Bool = false

    init(storage: PulsedDeviceStorage, slopeUp: [Float], slopeDown: [Float], center: [Float],
         cycleStd: Float, noise: CycleNoiseModel, slopesFromBounds: Bool = false) {
        self.slopesFromBounds = slopesFromBounds
        self.storage = storage
        self.slopeUp = slopeUp
        self.slopeDown = slopeDown
        self.center = center
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
        let lo = storage.minBound[index], hi = storage.maxBound[index], c = center[index]
        var w = storage.weights[index]
        if up {
            let s = storage.stepUp[index], slope = slopeUp[index]
            for _ in 0..<count {
                let nominal = s * (1 - slope * (w - c))
                w = clamp(w + noisyStep(nominal, deviceStep: s, std: cycleStd, noise: noise, normals: &normals, generator: &generator), lo, hi)
            }
        } else {
            let s = storage.stepDown[index], slope = slopeDown[index]
            for _ in 0..<count {
                let nominal = s * (1 + slope * (w - c))
                w = clamp(w - noisyStep(nominal, deviceStep: s, std: cycleStd, noise: noise, normals: &normals, generator: &generator), lo, hi)
            }
        }
        storage.weights[index] = w
    }

    /// Soft bounds with additive noise have a batched kernel (`neuromorph_soft_bounds_train_batch`).
    public var acceptsTrainBatches: Bool { slopesFromBounds && noise == .additive && cycleStd > 0 }

    /// A mini-batch of updates through the batched C kernel: each group of eight devices keeps
    /// its state and counters in registers across the samples and composes the samples'
    /// pulses in closed form (mean path and accumulated noise variance, the noise drawn every
    /// 8 samples, at a column read and at the end) while the path stays 9 sd inside the
    /// bounds; a device that comes closer is realized and composes that sample alone, or gets
    /// its pulses one at a time, each clipped. Devices that start within 20 sd of one pulse's
    /// noise of a bound get all their pulses one at a time.
    public mutating func applyTrainBatch(_ batch: PulseTrainBatch, generator: inout SeededGenerator) {
        guard acceptsTrainBatches else {
            applyTrainBatchRowByRow(batch, generator: &generator)
            return
        }
        let std = cycleStd, tables = Ziggurat.tablePointers
        let lower = storage.minBound, upper = storage.maxBound, stepUp = storage.stepUp, stepDown = storage.stepDown
        let kernelBatch = neuromorph_train_batch(
            samples: batch.samples, rows: batch.rows, columns: batch.columns, padded_columns: batch.paddedColumns,
            column_trains: batch.columnTrains, row_trains: batch.rowTrains, row_negative: batch.rowNegative,
            read_columns: batch.readColumns, read_weights: batch.readWeights, read_writes: batch.readWrites)
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: neuromorph_train_batch_scratch(kernelBatch)) { scratch in
            lower.withUnsafeBufferPointer { lo in
                upper.withUnsafeBufferPointer { hi in
                    stepUp.withUnsafeBufferPointer { su in
                        stepDown.withUnsafeBufferPointer { sd in
                            storage.weights.withUnsafeMutableBufferPointer { weights in
                                withUnsafeMutablePointer(to: &generator.state) { state in
                                    state.withMemoryRebound(to: UInt64.self, capacity: 4) { rng in
                                        neuromorph_soft_bounds_train_batch(
                                            neuromorph_soft_bounds_rows(
                                                block: neuromorph_soft_bounds_block(
                                                    weights: weights.baseAddress!, lower: lo.baseAddress!, upper: hi.baseAddress!,
                                                    step_up: su.baseAddress!, step_down: sd.baseAddress!, cycle_std: std),
                                                pulse_counts: batch.pulseCounts, write_counts: batch.writeCounts),
                                            kernelBatch, batch.laneSeed, rng,
                                            neuromorph_ziggurat_tables(k: tables.k, w: tables.w, f: tables.f),
                                            scratch.baseAddress!)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The row-batched form of `applyPulses`: one buffer access per row instead of per pulse.
    @inlinable
    public mutating func applyRowPulses(base: Int, columns: UnsafePointer<Int32>, counts: UnsafePointer<UInt8>,
                                        up: UnsafePointer<Bool>, n: Int, generator: inout SeededGenerator) {
        if slopesFromBounds {
            applySoftBoundsRowPulses(base: base, columns: columns, counts: counts, up: up, n: n, generator: &generator)
        } else {
            applyLinearStepRowPulses(base: base, columns: columns, counts: counts, up: up, n: n, generator: &generator)
        }
    }

    /// Soft bounds: slopes `1/b_max`, `1/|b_min|` from the bounds, centre 0.
    @inlinable
    mutating func applySoftBoundsRowPulses(base: Int, columns: UnsafePointer<Int32>, counts: UnsafePointer<UInt8>,
                                           up: UnsafePointer<Bool>, n: Int, generator: inout SeededGenerator) {
        let lower = storage.minBound, upper = storage.maxBound, stepUp = storage.stepUp, stepDown = storage.stepDown
        let std = cycleStd, model = noise
        let aggregate = model == .additive && std > 0
        var normals = PulseNormals()
        lower.withUnsafeBufferPointer { lo in
            upper.withUnsafeBufferPointer { hi in
                stepUp.withUnsafeBufferPointer { su in
                    stepDown.withUnsafeBufferPointer { sd in
                        storage.weights.withUnsafeMutableBufferPointer { weights in
                            // Additive noise: the C kernel applies single pulses and
                            // closed-form trains eight at a time and hands back the rest.
                            // (Stack buffer for the handed-back hits; the kernel advances the
                            // generator's four state words in place.)
                            withUnsafeTemporaryAllocation(of: Int32.self, capacity: Swift.max(n, 1)) { deferredBuffer in
                            let deferred = deferredBuffer.baseAddress!
                            var deferredCount = n
                            if aggregate {
                                let tables = Ziggurat.tablePointers
                                deferredCount = withUnsafeMutablePointer(to: &generator.state) { state in
                                    state.withMemoryRebound(to: UInt64.self, capacity: 4) { rng in
                                        neuromorph_soft_bounds_row_pulses(
                                            neuromorph_soft_bounds_block(weights: weights.baseAddress!, lower: lo.baseAddress!,
                                                                         upper: hi.baseAddress!, step_up: su.baseAddress!,
                                                                         step_down: sd.baseAddress!, cycle_std: std),
                                            base, columns, counts, up, n, rng,
                                            neuromorph_ziggurat_tables(k: tables.k, w: tables.w, f: tables.f), deferred)
                                    }
                                }
                            } else {
                                for k in 0..<n { deferred[k] = Int32(truncatingIfNeeded: k) }
                            }
                            for slot in 0..<deferredCount {
                                let k = Int(deferred[slot])
                                let index = base + Int(columns[k])
                                var w = weights[index]
                                let a = lo[index], b = hi[index]
                                let n = Int(counts[k]), isUp = up[k]
                                if n == 1 {
                                    // One pulse (most coincidences), by selects rather than a
                                    // branch on the random direction; the same arithmetic as the
                                    // pulse loop below, bit for bit: with k± = ±slope±, the down
                                    // step s⁻(1 + slope⁻ w) is s⁻(1 − k⁻ w), and w − step is
                                    // w + (−step).
                                    let s = isUp ? su[index] : sd[index]
                                    let bound = isUp ? b : a
                                    let signedSlope: Float = (isUp ? b > 0 : a < 0) ? 1 / bound : 0
                                    let nominal = s * (1 - signedSlope * w)
                                    let step = noisyStep(nominal, deviceStep: s, std: std, noise: model,
                                                         normals: &normals, generator: &generator)
                                    weights[index] = clamp(w + (isUp ? step : -step), a, b)
                                    continue
                                }
                                if aggregate && n > 1 {
                                    // Direction by selects, not branches (the signs are random).
                                    let s = isUp ? su[index] : sd[index]
                                    let slope: Float = isUp ? (b > 0 ? 1 / b : 0) : (a < 0 ? -1 / a : 0)
                                    if let end = aggregatedLinearSteps(from: w, count: n, r: 1 - s * slope, q: isUp ? s : -s,
                                                                       noiseScale: s * std, lower: a, upper: b,
                                                                       normals: &normals, generator: &generator) {
                                        weights[index] = end
                                        continue
                                    }
                                }
                                if isUp {
                                    let s = su[index], slope: Float = b > 0 ? 1 / b : 0
                                    for _ in 0..<n {
                                        let nominal = s * (1 - slope * (w - 0))
                                        w = clamp(w + noisyStep(nominal, deviceStep: s, std: std, noise: model,
                                                                normals: &normals, generator: &generator), a, b)
                                    }
                                } else {
                                    let s = sd[index], slope: Float = a < 0 ? -1 / a : 0
                                    for _ in 0..<n {
                                        let nominal = s * (1 + slope * (w - 0))
                                        w = clamp(w - noisyStep(nominal, deviceStep: s, std: std, noise: model,
                                                                normals: &normals, generator: &generator), a, b)
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
    }

    /// General linear step: per-device slopes and centres.
    @inlinable
    mutating func applyLinearStepRowPulses(base: Int, columns: UnsafePointer<Int32>, counts: UnsafePointer<UInt8>,
                                        up: UnsafePointer<Bool>, n: Int, generator: inout SeededGenerator) {
        let lower = storage.minBound, upper = storage.maxBound, stepUp = storage.stepUp, stepDown = storage.stepDown
        let centers = center, slopesUp = slopeUp, slopesDown = slopeDown
        let std = cycleStd, model = noise
        let aggregate = model == .additive && std > 0
        var normals = PulseNormals()
        lower.withUnsafeBufferPointer { lo in
            upper.withUnsafeBufferPointer { hi in
                stepUp.withUnsafeBufferPointer { su in
                    stepDown.withUnsafeBufferPointer { sd in
                        centers.withUnsafeBufferPointer { cs in
                            slopesUp.withUnsafeBufferPointer { ku in
                                slopesDown.withUnsafeBufferPointer { kd in
                                    storage.weights.withUnsafeMutableBufferPointer { weights in
                                        for k in 0..<n {
                                            let index = base + Int(columns[k])
                                            var w = weights[index]
                                            let a = lo[index], b = hi[index], c = cs[index]
                                            let n = Int(counts[k]), isUp = up[k]
                                            if aggregate && n > 1 {
                                                let s = isUp ? su[index] : sd[index], slope = isUp ? ku[index] : kd[index]
                                                let q = isUp ? s * (1 + slope * c) : -s * (1 - slope * c)
                                                if let end = aggregatedLinearSteps(
                                                    from: w, count: n, r: 1 - s * slope, q: q, noiseScale: s * std,
                                                    lower: a, upper: b, normals: &normals, generator: &generator) {
                                                    weights[index] = end
                                                    continue
                                                }
                                            }
                                            if isUp {
                                                let s = su[index], slope = ku[index]
                                                for _ in 0..<n {
                                                    let nominal = s * (1 - slope * (w - c))
                                                    w = clamp(w + noisyStep(nominal, deviceStep: s, std: std, noise: model,
                                                                            normals: &normals, generator: &generator), a, b)
                                                }
                                            } else {
                                                let s = sd[index], slope = kd[index]
                                                for _ in 0..<n {
                                                    let nominal = s * (1 + slope * (w - c))
                                                    w = clamp(w - noisyStep(nominal, deviceStep: s, std: std, noise: model,
                                                                            normals: &normals, generator: &generator), a, b)
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
            }
        }
    }

    @inlinable
    public func expectedStep(at index: Int, up: Bool) -> Float {
        let w = storage.weights[index], c = center[index]
        let lo = storage.minBound[index], hi = storage.maxBound[index]
        if up {
            return clamp(w + storage.stepUp[index] * (1 - slopeUp[index] * (w - c)), lo, hi) - w
        }
        return clamp(w - storage.stepDown[index] * (1 + slopeDown[index] * (w - c)), lo, hi) - w
    }

    public mutating func setWeights(_ targets: [Float]) { storage.setWeights(targets) }

    public var sampledParameters: [String: [Float]] {
        var p = storage.commonParameters
        p["slope_up"] = slopeUp
        p["slope_down"] = slopeDown
        p["symmetry_center"] = center
        return p
    }

    /// Closed form: `w* = c + (dw_up − dw_down)/(dw_up s⁺ + dw_down s⁻)`, clipped to the
    /// bounds; without slopes the constant-step rule (see ``ConstantStepDevice``).
    public var symmetryPoints: [Float] {
        (0..<storage.weights.count).map { k in
            let up = storage.stepUp[k], down = storage.stepDown[k]
            let denominator = up * slopeUp[k] + down * slopeDown[k]
            if denominator > 0 {
                return clamp(center[k] + (up - down) / denominator, storage.minBound[k], storage.maxBound[k])
            }
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

extension LinearStepDevice {
    /// Decodes the keys present and keeps the documented default for every missing one.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        pulsed = try c.decodeIfPresent(PulsedDeviceParameters.self, forKey: .pulsed) ?? pulsed
        slopeUp = try c.decodeIfPresent(Float.self, forKey: .slopeUp) ?? slopeUp
        slopeDown = try c.decodeIfPresent(Float.self, forKey: .slopeDown) ?? slopeDown
        slopeDtod = try c.decodeIfPresent(Float.self, forKey: .slopeDtod) ?? slopeDtod
    }
}

// MARK: - Registry

extension LinearStepDevice {
    /// The names configuration files use for this model (see ``DeviceRegistry``).
    public static var registryEntries: [DeviceRegistryEntry] {
        [
            DeviceRegistryEntry(name: "linear_step", summary: "aihwkit LinearStepDevice with its 1.1 defaults (gamma 0, gamma_dtod 0.05)",
                                preset: LinearStepDevice.aihwkitDefault,
                                read: { $0.pulsed }, write: { device, p in var d = device; d.pulsed = p; return d }),
            DeviceRegistryEntry(name: "gokmen-1200-states", summary: "Gokmen 2021 soft-bounds device with 1,200 states (mu_dw = 1e-3, mu_s = 1.66)", preset: LinearStepDevice.gokmen1200States,
                                read: { $0.pulsed }, write: { device, p in var d = device; d.pulsed = p; return d }),
            DeviceRegistryEntry(name: "gokmen-15-states", summary: "Gokmen 2021 soft-bounds device with 15 states (mu_dw = 0.08)", preset: LinearStepDevice.gokmen15States,
                                read: { $0.pulsed }, write: { device, p in var d = device; d.pulsed = p; return d }),
        ]
    }
}
