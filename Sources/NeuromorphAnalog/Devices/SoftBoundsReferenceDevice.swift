import NeuromorphCore

/// A soft-bounds device read differentially against a fixed reference (aihwkit 1.1
/// `SoftBoundsReferenceDevice`, `rpu_softbounds_reference_device.cpp`): the device moves as
/// ``SoftBoundsDevice`` in its own (conductance) coordinate `g`, and the weight is
///
/// ```
/// w_ij = g_ij − r_ij
/// r_ij = reference_mean + reference_std · ξ                  (drawn once per device)
///      + (subtract_symmetry_point ? g*_ij : 0)
/// g*_ij = (dw_up − dw_down)/(dw_up/b_max + dw_down/|b_min|)  (the device's symmetry point)
/// ```
///
/// so with `subtract_symmetry_point` every device's symmetry point sits at weight
/// `−reference_std · ξ` (≈ 0): the calibration aihwkit's `ReRamSBPresetDevice` assumes and its
/// TT-family presets switch on. A reset puts `g` at `reset + g*` (aihwkit adds `g*` to the
/// reset bias). aihwkit's `slope_up_dtod`/`slope_down_dtod` (default 0) are not modelled.
///
/// Differences from aihwkit: weights set directly are clipped to the device bounds in `g`
/// (aihwkit clips the differential weight `w` to the bounds); decay and diffusion act on `g`
/// toward the device's reset value.
public struct SoftBoundsReferenceDevice: PulsedDeviceConfiguration {
    /// The soft-bounds device's pulsed parameters (bounds and steps in `g`).
    public var pulsed: PulsedDeviceParameters
    /// `reference_mean`: added to every reference, weight units (aihwkit default 0).
    public var referenceMean: Float
    /// `reference_std`: device-to-device spread of the reference, weight units (default 0).
    public var referenceStd: Float
    /// `subtract_symmetry_point`: add each device's symmetry point to its reference (default `false`).
    public var subtractSymmetryPoint: Bool

    /// aihwkit's `SoftBoundsReferenceDevice` `PulsedDevice` defaults: as ``SoftBoundsDevice``
    /// but with additive cycle-to-cycle noise (`mult_noise = False`).
    public static var aihwkitPulsedDefaults: PulsedDeviceParameters {
        var p = PulsedDeviceParameters()
        p.noise = .additive
        return p
    }

    public init(pulsed: PulsedDeviceParameters = SoftBoundsReferenceDevice.aihwkitPulsedDefaults, referenceMean: Float = 0, referenceStd: Float = 0,
                subtractSymmetryPoint: Bool = false) {
        self.pulsed = pulsed
        self.referenceMean = referenceMean
        self.referenceStd = referenceStd
        self.subtractSymmetryPoint = subtractSymmetryPoint
    }

    public var nominalStep: Float { pulsed.dwMin }

    public func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> ReferenceSubtractedDeviceArray<LinearStepDeviceArray> {
        guard referenceMean.isFinite else {
            throw DeviceParameterError(device: "SoftBoundsReferenceDevice", parameter: "reference_mean", "must be finite, got \(referenceMean)")
        }
        guard referenceStd.isFinite, referenceStd >= 0 else {
            throw DeviceParameterError(device: "SoftBoundsReferenceDevice", parameter: "reference_std", "must be ≥ 0, got \(referenceStd)")
        }
        let devices = try SoftBoundsDevice(pulsed: pulsed).makeArray(rows: rows, columns: columns, generator: &generator)
        var reference = [Float](repeating: referenceMean, count: rows * columns)
        if referenceStd > 0 {
            for k in reference.indices { reference[k] += referenceStd * generator.nextNormal() }
        }
        var shift = [Float](repeating: 0, count: rows * columns)
        if subtractSymmetryPoint {
            shift = devices.symmetryPoints
            for k in reference.indices { reference[k] += shift[k] }
        }
        return ReferenceSubtractedDeviceArray(base: devices, reference: reference, resetShift: shift)
    }
}

// MARK: - Registry

extension SoftBoundsReferenceDevice {
    /// The model keys a `pulsed:` block may set (aihwkit names; booleans as 0/1).
    public static let modelKeyDefaults: [String: Double] = [
        "reference_mean": 0, "reference_std": 0, "subtract_symmetry_point": 0,
    ]

    /// The device with `pulsed` parameters and model keys from ``modelKeyDefaults``.
    public init(pulsed: PulsedDeviceParameters, model: [String: Double]) {
        self.init(pulsed: pulsed, referenceMean: Float(model["reference_mean"] ?? 0),
                  referenceStd: Float(model["reference_std"] ?? 0),
                  subtractSymmetryPoint: (model["subtract_symmetry_point"] ?? 0) != 0)
    }

    /// `soft_bounds_reference`: aihwkit's `SoftBoundsReferenceDevice()` defaults.
    public static var registryEntries: [DeviceRegistryEntry] {
        [DeviceRegistryEntry(name: "soft_bounds_reference", summary: "aihwkit SoftBoundsReferenceDevice (w = g − reference) with its 1.1 defaults",
                             pulsed: aihwkitPulsedDefaults, modelDefaults: modelKeyDefaults) { p, model in
            SoftBoundsReferenceDevice(pulsed: p, model: model)
        }]
    }
}

/// Devices read as `w = g − r` against a fixed per-device reference `r`
/// (``SoftBoundsReferenceDevice``).
public struct ReferenceSubtractedDeviceArray<Base: SymmetryPointDeviceArray>: SymmetryPointDeviceArray {
    /// The devices in their own coordinate `g`.
    public internal(set) var base: Base
    /// `r_ij`, weight units.
    public let reference: [Float]
    /// Added to `g` after a reset (the symmetry point when subtracted, else 0).
    public let resetShift: [Float]
    init(base: Base, reference: [Float], resetShift: [Float]) {
        self.base = base
        self.reference = reference
        self.resetShift = resetShift
        // Start at weight 0 (g = r), as aihwkit's zero-initialised weights.
        self.base.setWeights(reference)
    }

    public var rows: Int { base.rows }
    public var columns: Int { base.columns }

    /// `g − r`, computed on read (a pulse writes only `g`).
    public var weights: [Float] {
        let g = base.weights
        return [Float](unsafeUninitializedCapacity: g.count) { out, count in
            reference.withUnsafeBufferPointer { r in
                for k in 0..<g.count { out[k] = g[k] - r[k] }
            }
            count = g.count
        }
    }

    public func weight(at index: Int) -> Float { base.weight(at: index) - reference[index] }

    public mutating func readWeights(into destination: UnsafeMutableBufferPointer<Float>) {
        base.readWeights(into: destination)
        reference.withUnsafeBufferPointer { r in
            for k in r.indices { destination[k] -= r[k] }
        }
    }

    public mutating func applyPulses(at index: Int, count: Int, up: Bool, generator: inout SeededGenerator) {
        base.applyPulses(at: index, count: count, up: up, generator: &generator)
    }

    public mutating func applyRowPulses(base offset: Int, columns: UnsafePointer<Int32>, counts: UnsafePointer<UInt8>,
                                        up: UnsafePointer<Bool>, n: Int, generator: inout SeededGenerator) {
        base.applyRowPulses(base: offset, columns: columns, counts: counts, up: up, n: n, generator: &generator)
    }

    /// Pulses write only `g`: a batch goes to the base unchanged.
    public var acceptsTrainBatches: Bool { base.acceptsTrainBatches }

    public mutating func applyTrainBatch(_ batch: PulseTrainBatch, generator: inout SeededGenerator) {
        base.applyTrainBatch(batch, generator: &generator)
        // Reads see g − r.
        guard let reads = batch.readColumns, let out = batch.readWeights else { return }
        for b in 0..<batch.samples where reads[b] >= 0 {
            let column = Int(reads[b])
            for i in 0..<batch.rows { out[b * batch.rows + i] -= reference[i * batch.columns + column] }
        }
    }

    public func expectedStep(at index: Int, up: Bool) -> Float { base.expectedStep(at: index, up: up) }

    public mutating func setWeights(_ targets: [Float]) {
        base.setWeights(zip(targets, reference).map { $0 + $1 })
    }

    /// The base's parameters and `reference` (aihwkit's hidden-parameter name).
    public var sampledParameters: [String: [Float]] {
        var result = base.sampledParameters
        result["reference"] = reference
        return result
    }

    public var hasSlowDynamics: Bool { base.hasSlowDynamics }

    public mutating func decayWeights(alpha: Float) {
        base.decayWeights(alpha: alpha)
    }

    public mutating func diffuseWeights(generator: inout SeededGenerator) {
        base.diffuseWeights(generator: &generator)
    }

    public mutating func resetDevices(at indices: [Int], generator: inout SeededGenerator) {
        base.resetDevices(at: indices, generator: &generator)
        shiftAfterReset(indices)
    }

    /// Symmetry points in weight units (`g* − r`).
    public var symmetryPoints: [Float] { zip(base.symmetryPoints, reference).map { $0 - $1 } }

    public mutating func reset(generator: inout SeededGenerator) {
        base.reset(generator: &generator)
        shiftAfterReset(Array(0..<(rows * columns)))
    }

    mutating func shiftAfterReset(_ indices: [Int]) {
        if resetShift.contains(where: { $0 != 0 }) {
            var g = base.weights
            for k in indices { g[k] += resetShift[k] }
            base.setWeights(g)
        }
    }
}

extension ReferenceSubtractedDeviceArray: Equatable where Base: Equatable {}
