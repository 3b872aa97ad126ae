import NeuromorphCore

/// Two devices per cross-point, a trained one and a fixed reference (aihwkit 1.1
/// `ReferenceUnitCell`, a `VectorUnitCell` with `update_policy = SINGLE_FIXED`,
/// `first_update_idx = 0` and `gamma_vec = [1, −1]`):
///
/// ```
/// W = G⁺ − G_ref
/// G_ref ← r                       once, when the cell is built (aihwkit: 0 by default)
/// G⁺    ← pulsed SGD update of W  (only device 0 is ever updated; dW = dG⁺)
/// ```
///
/// As in aihwkit, programming a target `W` writes `G⁺ = W + G_ref` (aihwkit writes the
/// weights onto the current update index, device 0, and leaves the reference alone); the
/// forward and backward passes read the difference through one periphery (device 0's
/// IO settings and read stream), as aihwkit reads the reduced weight of a vector cell. The
/// post-update step (decay, diffusion) runs on both arrays, as aihwkit's
/// `VectorRPUDevice::decayWeights` does on all its devices.
///
/// With `G_ref = 0` inside every device's range this cell trains exactly like
/// ``SingleDevice`` with the same device (up to its random streams); a reference at a
/// nonzero conductance shifts where `G⁺` operates in its range (e.g. a device's symmetry
/// point, Kim et al. 2019).
public struct ReferencePair<Devices: PulsedDeviceArray, ReferenceDevices: PulsedDeviceArray>: UnitCell {
    /// `G⁺` (`device0`): the updated array.
    public private(set) var plus: CrossbarArray<Devices>
    /// `G_ref` (`device1`): programmed once, never updated.
    public private(set) var reference: CrossbarArray<ReferenceDevices>
    /// `G⁺ − G_ref`, kept in step with the arrays.
    public private(set) var weights: Tensor

    /// A pair from built arrays of equal size; the reference keeps its current weights.
    public init(plus: CrossbarArray<Devices>, reference: CrossbarArray<ReferenceDevices>) {
        precondition(plus.rows == reference.rows && plus.columns == reference.columns,
                     "ReferencePair: arrays of \(plus.rows)×\(plus.columns) and \(reference.rows)×\(reference.columns)")
        self.plus = plus
        self.reference = reference
        weights = plus.weights - reference.weights
    }

    public var rows: Int { plus.rows }
    public var columns: Int { plus.columns }
    public static var summaryName: String { "ReferencePair(\(Devices.self) − \(ReferenceDevices.self))" }

    mutating func refresh() { weights = plus.weights - reference.weights }

    public mutating func forward(_ x: Tensor) -> Tensor {
        plus.read(x, weights: weights, transpose: .transposed, io: plus.forwardIO)
    }

    public mutating func backward(_ d: Tensor) -> Tensor {
        plus.read(d, weights: weights, transpose: .none, io: plus.backwardIO)
    }

    /// The pulsed SGD update with `rates.sgd`, on `G⁺` only.
    public mutating func update(x: Tensor, d: Tensor, rates: LearningRates) {
        plus.update(x: x, d: d, learningRate: rates.sgd)
        refresh()
    }

    public mutating func finishBatch() {
        guard plus.hasSlowDynamics || reference.hasSlowDynamics else { return }
        plus.postUpdate()
        reference.postUpdate()
        refresh()
    }

    /// Writes `G⁺ = target + G_ref` (clipped to the bounds of `G⁺`).
    public mutating func program(_ target: Tensor) {
        plus.setWeights(target + reference.weights)
        refresh()
    }

    public var internalState: [(name: String, tensor: Tensor)] {
        plus.exportedTensors(prefix: "device0") + reference.exportedTensors(prefix: "device1")
    }
}

/// Builds ``ReferencePair`` cells: `G⁺` from `device`, the reference from `reference`
/// (the same model by default), the reference programmed to `referenceWeight`.
public struct ReferencePairConfiguration<Device: PulsedDeviceConfiguration, Reference: PulsedDeviceConfiguration>:
    UnitCellConfiguration {
    public var device: Device
    public var reference: Reference
    /// The weight every reference device is programmed to once (aihwkit: 0), clipped to its
    /// bounds.
    public var referenceWeight: Float

    public init(device: Device, reference: Reference, referenceWeight: Float = 0) {
        self.device = device
        self.reference = reference
        self.referenceWeight = referenceWeight
    }

    /// `G⁺` draws from stream `device.0` and the reference from `device.1` of `generator`.
    public func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                         update: PulsedUpdateParameters,
                         generator: inout SeededGenerator) throws -> ReferencePair<Device.DeviceArray, Reference.DeviceArray> {
        guard referenceWeight.isFinite else {
            throw DeviceParameterError(device: "ReferencePair", parameter: "reference_weight", "must be finite, got \(referenceWeight)")
        }
        var plusGenerator = generator.split(key: "device.0")
        var referenceGenerator = generator.split(key: "device.1")
        let plus = try CrossbarArray(outputs: outputs, inputs: inputs, device: device, forwardIO: forwardIO,
                                     backwardIO: backwardIO, update: update, generator: &plusGenerator)
        var reference = try CrossbarArray(outputs: outputs, inputs: inputs, device: self.reference, forwardIO: forwardIO,
                                          backwardIO: backwardIO, update: update, generator: &referenceGenerator)
        reference.setWeights(Tensor(shape: [outputs, inputs],
                                    scalars: [Float](repeating: referenceWeight, count: outputs * inputs)))
        return ReferencePair(plus: plus, reference: reference)
    }
}

extension ReferencePairConfiguration where Reference == Device {
    /// Both arrays of the same device model (aihwkit: "if less [devices are given], the same
    /// device will be used twice").
    public init(device: Device, referenceWeight: Float = 0) {
        self.init(device: device, reference: device, referenceWeight: referenceWeight)
    }
}
