import NeuromorphCore

/// Global drift compensation (Spoon et al. §2.2.1, digest §2.5; Ambrogio et al. 2019;
/// aihwkit `GlobalDriftCompensation`): one scalar per tile/layer that undoes the mean
/// conductance decay, multiplied into the digital output scale after the ADC.
///
/// ```
/// ref₀   = Σ_b Σ_o | read(X_cal)[b, o] |      right after programming (t = 0)
/// ref(t) = Σ_b Σ_o | read(X_cal)[b, o] |      at inference time t (same non-ideal MAC)
/// α(t)   = ref₀ / ref(t)                       y_compensated = α(t) · y
/// ```
///
/// `X_cal` is the set of one-hot input vectors (the identity, as in the paper and
/// aihwkit), all ones, or a given calibration batch. The paper says "by the ratio of the
/// delayed and initial reference values"; since drift lowers the signal and the factor
/// must "boost" it, α = initial / delayed (> 1 under drift), as aihwkit computes it
/// (digest §2.5 [INFERRED]). Sums of |·| (paper) and aihwkit's means differ by a constant
/// that cancels in α.
///
/// The `read` closure is the layer's own analog forward (`[batch, inputs] → [batch,
/// outputs]`), so DAC/ADC quantization and MAC noise take part in both references exactly
/// as the paper prescribes. If the delayed reference is 0 (no signal left), α = 1.
public struct GlobalDriftCompensation: Sendable, Codable, Equatable {
    /// The calibration inputs of the reference readout.
    public enum Readout: Sendable, Codable, Equatable {
        /// The `inputs` one-hot vectors (the identity matrix): paper and aihwkit.
        case oneHot
        /// A single all-ones vector.
        case allOnes
        /// A given batch, row-major `[count / inputs, inputs]`.
        case calibration([Float])
    }

    /// The layer's input width.
    public let inputs: Int
    /// The calibration inputs.
    public let readout: Readout
    /// `ref₀`: the reference read right after programming.
    public let initialReference: Float

    /// Reads the initial reference `ref₀` through `read` (call right after programming, at t = 0).
    public init(inputs: Int, readout: Readout = .oneHot, read: (Tensor) throws -> Tensor) rethrows {
        precondition(inputs > 0, "GlobalDriftCompensation: inputs must be positive, got \(inputs)")
        if case .calibration(let batch) = readout {
            precondition(!batch.isEmpty && batch.count % inputs == 0,
                         "GlobalDriftCompensation: calibration batch of \(batch.count) values is not a multiple of \(inputs) inputs")
        }
        self.inputs = inputs
        self.readout = readout
        self.initialReference = try Self.reference(of: Self.inputTensor(readout, inputs: inputs), read: read)
    }

    /// A compensation with a known initial reference (e.g. restored from a checkpoint).
    public init(inputs: Int, readout: Readout = .oneHot, initialReference: Float) {
        self.inputs = inputs
        self.readout = readout
        self.initialReference = initialReference
    }

    /// The calibration batch as a `[batch, inputs]` tensor.
    public var calibrationInputs: Tensor { Self.inputTensor(readout, inputs: inputs) }

    /// `ref(t)`: the reference of the array as `read` sees it now.
    public func currentReference(read: (Tensor) throws -> Tensor) rethrows -> Float {
        try Self.reference(of: calibrationInputs, read: read)
    }

    /// The compensation factor `α = ref₀ / ref(t)` for the array as `read` sees it now.
    public func factor(read: (Tensor) throws -> Tensor) rethrows -> Float {
        factor(currentReference: try currentReference(read: read))
    }

    /// `α = ref₀ / ref(t)` for a delayed reference read elsewhere (1 when `ref(t)` is 0).
    public func factor(currentReference: Float) -> Float {
        currentReference > 0 ? initialReference / currentReference : 1
    }

    static func inputTensor(_ readout: Readout, inputs: Int) -> Tensor {
        switch readout {
        case .oneHot:
            var eye = Tensor.zeros([inputs, inputs])
            for i in 0..<inputs { eye.scalars[i * inputs + i] = 1 }
            return eye
        case .allOnes:
            return Tensor.ones([1, inputs])
        case .calibration(let batch):
            return Tensor(shape: [batch.count / inputs, inputs], scalars: batch)
        }
    }

    static func reference(of inputs: Tensor, read: (Tensor) throws -> Tensor) rethrows -> Float {
        let output = try read(inputs)
        var sum = 0.0
        for v in output.scalars { sum += Double(Swift.abs(v)) }
        return Float(sum)
    }
}
