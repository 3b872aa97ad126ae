import NeuromorphCore

/// One crossbar: an array of pulsed devices holding the weights `W` (`[out, in]`), the
/// periphery of its forward (`y = W x`) and backward (`z = Wᵀ d`) products, and its pulsed
/// update. Each tile draws from its own seeded streams, so results do not depend on the
/// order tiles are processed in.
public struct AnalogTile<Devices: PulsedDeviceArray>: Sendable, Codable {
    public internal(set) var devices: Devices
    public var forwardIO: IOParameters
    public var backwardIO: IOParameters
    public var update: PulsedUpdateParameters
    /// The devices' nominal step `dw_min`, the weight granularity of the update.
    public let nominalStep: Float
    /// Pulses applied so far, per device (row-major), for inspection and export.
    public internal(set) var pulseCounts: [UInt32]
    var readGenerator: SeededGenerator
    var updateGenerator: SeededGenerator

    public var rows: Int { devices.rows }
    public var columns: Int { devices.columns }

    /// The current weights as a `[out, in]` tensor.
    public var weights: Tensor { Tensor(shape: [devices.rows, devices.columns], scalars: devices.weights) }

    public init<Configuration: PulsedDeviceConfiguration>(
        outputs: Int, inputs: Int, device: Configuration, forwardIO: IOParameters = .forwardDefault,
        backwardIO: IOParameters = .backwardDefault, update: PulsedUpdateParameters = PulsedUpdateParameters(),
        generator: inout SeededGenerator
    ) throws where Configuration.DeviceArray == Devices {
        try forwardIO.validate("forwardIO")
        try backwardIO.validate("backwardIO")
        try update.validate()
        guard device.nominalStep > 0 else {
            throw DeviceParameterError(device: "\(Configuration.self)", parameter: "dw_min", "must be > 0, got \(device.nominalStep)")
        }
        devices = try device.makeArray(rows: outputs, columns: inputs, generator: &generator)
        self.forwardIO = forwardIO
        self.backwardIO = backwardIO
        self.update = update
        nominalStep = device.nominalStep
        pulseCounts = [UInt32](repeating: 0, count: outputs * inputs)
        readGenerator = generator.split(stream: 1)
        updateGenerator = generator.split(stream: 2)
    }

    // MARK: - Products

    /// The forward product of a batch `[B, in]` → `[B, out]`.
    public mutating func forward(_ x: Tensor) -> Tensor {
        AnalogMatVec.apply(x, weights: weights, transpose: .transposed, io: forwardIO, generator: &readGenerator)
    }

    /// The backward (transpose) product of a batch `[B, out]` → `[B, in]`.
    public mutating func backward(_ d: Tensor) -> Tensor {
        AnalogMatVec.apply(d, weights: weights, transpose: .none, io: backwardIO, generator: &readGenerator)
    }

    /// Sets the weights directly (clipped to each device's bounds), as at initialization.
    public mutating func setWeights(_ w: Tensor) {
        precondition(w.shape == [rows, columns], "AnalogTile.setWeights: \(w.shape) for a \(rows)×\(columns) tile")
        devices.setWeights(w.scalars)
    }

    // MARK: - Update

    /// Applies `W ← W − η Σ_b d_bᵀ x_b` for a batch, one rank-1 pulsed update per sample as
    /// the hardware would (aihwkit's batch semantics), through the configured pulse type.
    public mutating func update(x: Tensor, d: Tensor, learningRate: Float) {
        precondition(x.rows == d.rows && x.columns == columns && d.columns == rows,
                     "AnalogTile.update: x \(x.shape), d \(d.shape) for a \(rows)×\(columns) tile")
        guard learningRate > 0 else { return }
        switch update.pulseType {
        case .float:
            var w = weights
            Tensor.gemm(d, .transposed, x, .none, alpha: -learningRate, beta: 1, into: &w)
            devices.setWeights(w.scalars)
        case .expected:
            expectedUpdate(x: x, d: d, learningRate: learningRate)
        case .stochastic:
            stochasticUpdate(x: x, d: d, learningRate: learningRate)
        }
    }
}
