import NeuromorphCore

// MARK: - Mirrored copies of sampled devices (copy_inverted)

/// Device arrays that can take another array's sampled devices seen through `w ↦ −w`: the
/// second device of a one-sided pair with `copy_inverted` (aihwkit 1.1
/// `OneSidedUnitCell.copy_inverted`, C++ `OneSidedRPUDevice::populate` calling
/// `copyInvertDeviceParameter` on device 1 with device 0).
///
/// For every device `ij` the copy is the source device mirrored:
///
/// ```
/// w′ = −w,   Δw′_up(w′) = Δw_down(−w′),   Δw′_down(w′) = Δw_up(−w′),   [b_min′, b_max′] = [−b_max, −b_min]
/// ```
///
/// so an up pulse on the copy moves its weight exactly as a down pulse moves the source's,
/// with the sign flipped (up to the sign of the cycle-to-cycle noise draw). Per model that is
/// `dw_min_up ↔ dw_min_down`, bounds mirrored, and the model's own up/down parameters swapped
/// (linear-step slopes and centre, pow-step exponents, exp-step `A`, `γ` and offset `b`,
/// piecewise tables reversed, NeuroSim LTP/LTD curves negated); see each conformance.
///
/// Difference from aihwkit 1.1: its base `PulsedRPUDevice::copyInvertDeviceParameter` swaps
/// device 1's *own* sampled `scale_up`/`scale_down` and mirrors device 1's *own* bounds (the
/// source is only type-checked), while the model parts it inverts (linear-step slopes,
/// pow-step `γ`, hidden-step scales) are taken from device 0; exp-step and piecewise-step
/// shapes are not inverted at all. Here everything comes from device 0, so the copy is one
/// consistent mirrored device; without device-to-device variation both agree on the step
/// scales and bounds.
public protocol InvertibleDeviceArray: PulsedDeviceArray {
    /// Replaces this array's sampled devices with `source`'s seen through `w ↦ −w` (see the
    /// protocol), keeping only this array's own random-number state (write-noise keys).
    /// `source` has this array's shape.
    mutating func copyInvertedParameters(from source: Self)
}

extension PulsedDeviceArray {
    /// `source` mirrored into a copy of `self` when the model is an ``InvertibleDeviceArray``;
    /// `nil` for a model without a defined mirror.
    func invertedCopy(of source: Self) -> Self? {
        guard let invertible = self as? any InvertibleDeviceArray else { return nil }
        return Self.invert(invertible, source: source)
    }

    private static func invert<Model: InvertibleDeviceArray>(_ own: Model, source: Self) -> Self? {
        guard let source = source as? Model else { return nil }
        var copy = own
        copy.copyInvertedParameters(from: source)
        return copy as? Self
    }
}

extension ConstantStepDeviceArray: InvertibleDeviceArray {
    /// Steps swapped, bounds, weights and reset values mirrored (``PulsedDeviceStorage/inverted()``).
    public mutating func copyInvertedParameters(from source: ConstantStepDeviceArray) {
        self = ConstantStepDeviceArray(storage: source.storage.inverted(), cycleStd: source.cycleStd, noise: source.noise)
    }
}

extension LinearStepDeviceArray: InvertibleDeviceArray {
    /// `dw_up′ (1 − s⁺′(w′ − c′))` with `dw_up′ = dw_down`, `s⁺′ = s⁻`, `c′ = −c` equals
    /// `dw_down (1 + s⁻(w − c))` at `w = −w′`, and the same for the other direction. Soft
    /// bounds (`s⁺ = 1/b_max`, `s⁻ = 1/|b_min|`) stay soft bounds of the mirrored bounds.
    public mutating func copyInvertedParameters(from source: LinearStepDeviceArray) {
        self = LinearStepDeviceArray(storage: source.storage.inverted(), slopeUp: source.slopeDown, slopeDown: source.slopeUp,
                                     center: negated(source.center), cycleStd: source.cycleStd, noise: source.noise,
                                     slopesFromBounds: source.slopesFromBounds)
    }
}

extension PowStepDeviceArray: InvertibleDeviceArray {
    /// The up distance `(b_max′ − w′)/range` at `w′ = −w` is the down distance `(w − b_min)/range`:
    /// steps and exponents `γ` swapped.
    public mutating func copyInvertedParameters(from source: PowStepDeviceArray) {
        self = PowStepDeviceArray(storage: source.storage.inverted(), gammaUp: source.gammaDown, gammaDown: source.gammaUp,
                                  cycleStd: source.cycleStd, noise: source.noise)
    }
}

extension ExpStepDeviceArray: InvertibleDeviceArray {
    /// With `z(w) = 2aw/range + b`: `z′(w′) = −z(w)` for `b′ = −b` (same `a`), so
    /// `1 − A⁺′ exp(γ⁺′ z′) = 1 − A⁻ exp(−γ⁻ z)` for `A⁺′ = A⁻`, `γ⁺′ = γ⁻`, and vice versa.
    public mutating func copyInvertedParameters(from source: ExpStepDeviceArray) {
        let s = source.shape
        let shape = ExpStepShape(aUp: s.aDown, aDown: s.aUp, gammaUp: s.gammaDown, gammaDown: s.gammaUp,
                                 slope: s.slope, offset: 0 - s.offset)
        self = ExpStepDeviceArray(storage: source.storage.inverted(), shape: shape, cycleStd: source.cycleStd, noise: source.noise)
    }
}

extension ExpStepComplexNoiseDeviceArray: InvertibleDeviceArray {
    /// The exp-step shape mirrored; the complex noise depends on `|Δw|` and `|w|` only.
    public mutating func copyInvertedParameters(from source: ExpStepComplexNoiseDeviceArray) {
        var base = source.base
        base.copyInvertedParameters(from: source.base)
        self = ExpStepComplexNoiseDeviceArray(base: base, noise: source.noise)
    }
}

extension PiecewiseStepDeviceArray: InvertibleDeviceArray {
    /// The tables are sampled at `t = (w − b_min)/(b_max − b_min)`; mirrored, `t′ = 1 − t`, so
    /// the up table becomes the down table reversed and vice versa (equal up to rounding of `t′`).
    public mutating func copyInvertedParameters(from source: PiecewiseStepDeviceArray) {
        self = PiecewiseStepDeviceArray(storage: source.storage.inverted(), tableUp: source.tableDown.reversed(),
                                        tableDown: source.tableUp.reversed(), cycleStd: source.cycleStd, noise: source.noise)
    }
}

extension IdealPulsedDeviceArray: InvertibleDeviceArray {
    /// Equal steps; bounds and weights mirrored.
    public mutating func copyInvertedParameters(from source: IdealPulsedDeviceArray) {
        var copy = IdealPulsedDeviceArray(rows: source.rows, columns: source.columns, step: source.step,
                                          lower: 0 - source.upper, upper: 0 - source.lower)
        copy.values = negated(source.values)
        self = copy
    }
}

extension NeuroSimDeviceArray: InvertibleDeviceArray {
    /// With `g(p; a) = (1 − e^(−p/a))/(1 − e^(−1/a))`, `1 − g(1 − p; a) = g(p; −a)`: the mirrored
    /// device has conductance `1 − g`, LTP curve `−a_LTD`, LTD curve `−a_LTP` and weight range
    /// `[−w_max, −w_min]`, so `w′ = −w` and a potentiation step of it is a depression step of
    /// the source.
    public mutating func copyInvertedParameters(from source: NeuroSimDeviceArray) {
        var copy = NeuroSimDeviceArray(rows: source.rows, columns: source.columns, curveUp: negated(source.curveDown),
                                       curveDown: negated(source.curveUp), pulseCount: source.pulseCount,
                                       cycleStd: source.cycleStd, wMin: 0 - source.wMax, wMax: 0 - source.wMin,
                                       gMin: source.gMin, gMax: source.gMax)
        copy.conductance = source.conductance.map { 1 - $0 }
        self = copy
    }
}

extension ReferenceSubtractedDeviceArray: InvertibleDeviceArray where Base: InvertibleDeviceArray {
    /// `w = g − r`: the devices mirrored in `g`, the references and reset shifts negated, so
    /// `w′ = −g + r = −w` (aihwkit negates `w_reference_`).
    public mutating func copyInvertedParameters(from source: ReferenceSubtractedDeviceArray<Base>) {
        var base = source.base
        base.copyInvertedParameters(from: source.base)
        var copy = ReferenceSubtractedDeviceArray(base: base, reference: negated(source.reference),
                                                  resetShift: negated(source.resetShift))
        copy.base = base      // the initializer puts g at the reference; keep the mirrored state
        self = copy
    }
}

extension WriteNoiseDeviceArray: InvertibleDeviceArray where Base: InvertibleDeviceArray {
    /// The hidden devices mirrored; this array keeps its own write-noise keys and write
    /// counts, so the read-visible noise stays independent of the source's.
    public mutating func copyInvertedParameters(from source: WriteNoiseDeviceArray<Base>) {
        base.copyInvertedParameters(from: source.base)
    }
}
