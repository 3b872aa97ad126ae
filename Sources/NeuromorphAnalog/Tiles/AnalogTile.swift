import NeuromorphCore

/// One crossbar: an array of pulsed devices holding the weights `W` (`[out, in]`), the
/// periphery of its forward (`y = W x`) and backward (`z = Wᵀ d`) products, and its pulsed
/// update. Each tile draws from its own seeded streams, so results do not depend on the
/// order tiles are processed in.
public struct AnalogTile<Devices: PulsedDeviceArray>: Sendable, Codable {
    /// The devices in blocks of consecutive rows. Each block has its own random stream for
    /// the update, so blocks update in parallel and the result does not depend on the
    /// thread count.
    public internal(set) var blocks: [Devices]
    /// The row range of each block.
    public let blockRows: [Range<Int>]
    public var forwardIO: IOParameters
    public var backwardIO: IOParameters
    public var update: PulsedUpdateParameters
    /// The devices' nominal step `dw_min`, the weight granularity of the update.
    public let nominalStep: Float
    public let rows: Int
    public let columns: Int
    /// Pulses applied so far per device, one row-major array per block.
    var blockPulseCounts: [[UInt32]]
    /// The current weights as a `[out, in]` tensor (kept in step with the devices).
    public private(set) var weights: Tensor
    var readGenerator: SeededGenerator
    var columnGenerator: SeededGenerator
    var blockGenerators: [SeededGenerator]

    /// Rows per update block.
    public static var rowsPerBlock: Int { 64 }

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
        precondition(outputs > 0 && inputs > 0, "AnalogTile: sizes must be positive")
        rows = outputs
        columns = inputs
        blockRows = stride(from: 0, to: outputs, by: Self.rowsPerBlock).map { $0..<Swift.min($0 + Self.rowsPerBlock, outputs) }
        var sampled: [Devices] = []
        for range in blockRows { sampled.append(try device.makeArray(rows: range.count, columns: inputs, generator: &generator)) }
        blocks = sampled
        self.forwardIO = forwardIO
        self.backwardIO = backwardIO
        self.update = update
        nominalStep = device.nominalStep
        blockPulseCounts = blockRows.map { [UInt32](repeating: 0, count: $0.count * inputs) }
        weights = Tensor.zeros([outputs, inputs])
        readGenerator = generator.split(stream: 1)
        columnGenerator = generator.split(stream: 2)
        blockGenerators = blockRows.indices.map { generator.split(stream: 100 + UInt64($0)) }
        refreshWeights()
    }

    /// Pulses applied so far per device (row-major), for inspection and export.
    public var pulseCounts: [UInt32] { Array(blockPulseCounts.joined()) }

    /// The sampled per-device parameters of the whole tile (row-major), by name.
    public var sampledParameters: [String: [Float]] {
        var merged: [String: [Float]] = [:]
        for block in blocks {
            for (name, values) in block.sampledParameters { merged[name, default: []] += values }
        }
        return merged
    }

    /// Copies the devices' weights into `weights`.
    mutating func refreshWeights() {
        var scalars: [Float] = []
        scalars.reserveCapacity(rows * columns)
        for block in blocks { scalars += block.weights }
        weights = Tensor(shape: [rows, columns], scalars: scalars)
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
        for (k, range) in blockRows.enumerated() {
            blocks[k].setWeights(Array(w.scalars[(range.lowerBound * columns)..<(range.upperBound * columns)]))
        }
        refreshWeights()
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
            setWeights(w)
        case .expected:
            expectedUpdate(x: x, d: d, learningRate: learningRate)
        case .stochastic:
            stochasticUpdate(x: x, d: d, learningRate: learningRate)
        }
        refreshWeights()
    }
}
