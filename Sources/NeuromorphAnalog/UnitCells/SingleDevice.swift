import NeuromorphCore

/// One device per cross-point (aihwkit `SingleRPUConfig`): `W = G`, the crossbar array's
/// weights, trained by the pulsed SGD update `W ← W − η_sgd Σ_b d_bᵀ x_b` (see
/// ``CrossbarArray/update(x:d:learningRate:)``), followed once per batch by the array's
/// post-update step (decay, diffusion).
public struct SingleDevice<Devices: PulsedDeviceArray>: UnitCell {
    /// The cell's only array (`device0`).
    public var array: CrossbarArray<Devices>

    public init(array: CrossbarArray<Devices>) { self.array = array }

    public var rows: Int { array.rows }
    public var columns: Int { array.columns }
    public var weights: Tensor { array.weights }
    public static var summaryName: String { "SingleDevice(\(Devices.self))" }

    @inlinable
    public mutating func forward(_ x: Tensor) -> Tensor { array.forward(x) }

    @inlinable
    public mutating func backward(_ d: Tensor) -> Tensor { array.backward(d) }

    /// The pulsed SGD update with `rates.sgd`.
    @inlinable
    public mutating func update(x: Tensor, d: Tensor, rates: LearningRates) {
        array.update(x: x, d: d, learningRate: rates.sgd)
    }

    public mutating func finishBatch() { array.postUpdate() }

    public mutating func program(_ target: Tensor) { array.setWeights(target) }

    public var internalState: [(name: String, tensor: Tensor)] { array.exportedTensors(prefix: "device0") }
}

/// Builds ``SingleDevice`` cells of one device model.
public struct SingleDeviceConfiguration<Device: PulsedDeviceConfiguration>: UnitCellConfiguration {
    public var device: Device

    public init(device: Device) { self.device = device }

    /// The array is built from `generator` itself (its streams `read`, `columns`,
    /// `block.k`, `post` split from it).
    public func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                         update: PulsedUpdateParameters,
                         generator: inout SeededGenerator) throws -> SingleDevice<Device.DeviceArray> {
        SingleDevice(array: try CrossbarArray(outputs: outputs, inputs: inputs, device: device, forwardIO: forwardIO,
                                              backwardIO: backwardIO, update: update, generator: &generator))
    }
}
