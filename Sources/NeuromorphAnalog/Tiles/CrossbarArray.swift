import NeuromorphCore

/// One crossbar array: pulsed devices holding the weights `W` (`[out, in]`) and the
/// periphery around them (aihwkit's `PulsedTile` / `RPUPulsed`):
///
/// ```
/// forward      y = f_out(W f_in(x))          (forwardIO,  CrossbarArray.swift)
/// backward     z = f_out(Wᵀ f_in(d))         (backwardIO, CrossbarArray.swift)
/// update       W ← W − η Σ_b d_bᵀ x_b        (pulsed,     CrossbarArray+PulsedUpdate.swift)
/// slices       W e_j, eᵢᵀ W, pulses on one column/row   (CrossbarArray+Slices.swift)
/// post-update  decay, diffusion, reset        (CrossbarArray+PostUpdate.swift)
/// programming  program-and-verify writes      (CrossbarArray+Programming.swift)
/// ```
///
/// A unit cell (``UnitCell``) combines one or more crossbar arrays into an effective weight.
/// Every array draws from its own named streams (`read`, `columns`, `block.k`, `post`, split
/// from the generator it is built with), so results do not depend on the order arrays are
/// processed in or on the thread count.
public struct CrossbarArray<Devices: PulsedDeviceArray>: Sendable, Codable {
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
    /// The current weights as a `[out, in]` tensor, kept in step with the devices — or, after
    /// ``deferRefresh()``, assembled from them on each read (an array nobody reads between
    /// batches, such as Tiki-Taka's `A` with γ = 0, then skips the copy).
    public var weights: Tensor { refreshDeferred == true ? assembledWeights : storedWeights }
    private var storedWeights: Tensor
    /// Set by ``deferRefresh()``, cleared by ``refreshWeights()`` (not encoded: the encoded
    /// weights are always current).
    private var refreshDeferred: Bool? = nil
    /// Whether any device has decay (`lifetime`) or diffusion, sampled once: the
    /// post-update step does nothing (and costs nothing) otherwise.
    public let hasSlowDynamics: Bool
    /// Stream `read`: the periphery noise of forward, backward and slice reads.
    var readGenerator: SeededGenerator
    /// Stream `columns`: the column pulse trains of the stochastic update.
    var columnGenerator: SeededGenerator
    /// Streams `block.k`: the row trains and cycle-to-cycle noise of row block `k`.
    var blockGenerators: [SeededGenerator]
    /// Stream `post`: diffusion and reset noise of the post-update step.
    var postGenerator: SeededGenerator

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
        precondition(outputs > 0 && inputs > 0, "CrossbarArray: sizes must be positive")
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
        storedWeights = Tensor.zeros([outputs, inputs])
        hasSlowDynamics = sampled.contains { $0.hasSlowDynamics }
        readGenerator = generator.split(key: "read")
        columnGenerator = generator.split(key: "columns")
        blockGenerators = blockRows.indices.map { generator.split(key: StreamKey("block.\($0)")) }
        postGenerator = generator.split(key: "post")
        refreshWeights()
    }

    /// Pulses applied so far per device (row-major), for inspection and export.
    public var pulseCounts: [UInt32] { Array(blockPulseCounts.joined()) }

    /// The sum of ``pulseCounts``, without building the flat array (read around every
    /// transfer write).
    public var totalPulseCount: Int {
        blockPulseCounts.reduce(0) { total, block in block.reduce(total) { $0 + Int($1) } }
    }

    /// The sampled per-device parameters of the whole tile (row-major), by name.
    public var sampledParameters: [String: [Float]] {
        var merged: [String: [Float]] = [:]
        for block in blocks {
            for (name, values) in block.sampledParameters { merged[name, default: []] += values }
        }
        return merged
    }

    /// Copies the devices' weights into `weights`, in place (block by block into the tensor's
    /// own storage; a new buffer only where that storage is shared, as copy-on-write does).
    mutating func refreshWeights() {
        refreshDeferred = nil
        guard storedWeights.shape == [rows, columns] else {
            var scalars: [Float] = []
            scalars.reserveCapacity(rows * columns)
            for block in blocks { scalars += block.weights }
            storedWeights = Tensor(shape: [rows, columns], scalars: scalars)
            return
        }
        // Blocks in parallel (a write-noise model computes each device's apparent weight on
        // read, keeping the offsets for the next refresh; no random draws, so the same
        // numbers for any thread count).
        let ranges = blockRows, columns = self.columns
        storedWeights.scalars.withUnsafeMutableBufferPointer { destination in
            let base = destination.baseAddress!
            blocks.withUnsafeMutableBufferPointer { devices in
                ComputeThreads.forEachChunk(devices.count) { k in
                    let range = ranges[k]
                    devices[k].readWeights(into: UnsafeMutableBufferPointer(start: base + range.lowerBound * columns,
                                                                            count: range.count * columns))
                }
            }
        }
    }

    /// Lets the ``weights`` copy go stale until the next ``refreshWeights()``: reads of
    /// ``weights`` assemble the devices' weights meanwhile.
    mutating func deferRefresh() { refreshDeferred = true }

    /// The devices' weights, block by block (what ``refreshWeights()`` copies).
    private var assembledWeights: Tensor {
        var scalars: [Float] = []
        scalars.reserveCapacity(rows * columns)
        for block in blocks { scalars += block.weights }
        return Tensor(shape: [rows, columns], scalars: scalars)
    }

    enum CodingKeys: String, CodingKey {
        case blocks, blockRows, forwardIO, backwardIO, update, nominalStep, rows, columns, blockPulseCounts
        case storedWeights = "weights"
        case hasSlowDynamics, readGenerator, columnGenerator, blockGenerators, postGenerator
    }

    /// The synthesized form, with the current ``weights`` under `weights` (a deferred copy is
    /// not written stale), so checkpoints are what they were.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(blocks, forKey: .blocks)
        try container.encode(blockRows, forKey: .blockRows)
        try container.encode(forwardIO, forKey: .forwardIO)
        try container.encode(backwardIO, forKey: .backwardIO)
        try container.encode(update, forKey: .update)
        try container.encode(nominalStep, forKey: .nominalStep)
        try container.encode(rows, forKey: .rows)
        try container.encode(columns, forKey: .columns)
        try container.encode(blockPulseCounts, forKey: .blockPulseCounts)
        try container.encode(weights, forKey: .storedWeights)
        try container.encode(hasSlowDynamics, forKey: .hasSlowDynamics)
        try container.encode(readGenerator, forKey: .readGenerator)
        try container.encode(columnGenerator, forKey: .columnGenerator)
        try container.encode(blockGenerators, forKey: .blockGenerators)
        try container.encode(postGenerator, forKey: .postGenerator)
    }

    // MARK: - Products

    /// The forward product of a batch `[B, in]` → `[B, out]` through `forwardIO`.
    public mutating func forward(_ x: Tensor) -> Tensor {
        AnalogMatVec.apply(x, weights: weights, transpose: .transposed, io: forwardIO, generator: &readGenerator)
    }

    /// The backward (transpose) product of a batch `[B, out]` → `[B, in]` through `backwardIO`.
    public mutating func backward(_ d: Tensor) -> Tensor {
        AnalogMatVec.apply(d, weights: weights, transpose: .none, io: backwardIO, generator: &readGenerator)
    }

    /// The forward product with explicit periphery settings (aihwkit reads a transfer
    /// through the forward pass with its own `transfer_forward` IO parameters).
    public mutating func forward(_ x: Tensor, io: IOParameters) -> Tensor {
        AnalogMatVec.apply(x, weights: weights, transpose: .transposed, io: io, generator: &readGenerator)
    }

    /// The backward product with explicit periphery settings.
    public mutating func backward(_ d: Tensor, io: IOParameters) -> Tensor {
        AnalogMatVec.apply(d, weights: weights, transpose: .none, io: io, generator: &readGenerator)
    }

    /// A product of `weights` (the effective weight of a unit cell made of several arrays,
    /// read as one conductance difference) through this array's periphery and read stream.
    mutating func read(_ input: Tensor, weights effective: Tensor, transpose: Transpose, io: IOParameters) -> Tensor {
        AnalogMatVec.apply(input, weights: effective, transpose: transpose, io: io, generator: &readGenerator)
    }

    /// Sets the weights directly (clipped to each device's bounds), as at initialization.
    public mutating func setWeights(_ w: Tensor) {
        precondition(w.shape == [rows, columns], "CrossbarArray.setWeights: \(w.shape) for a \(rows)×\(columns) array")
        for (k, range) in blockRows.enumerated() {
            blocks[k].setWeights(Array(w.scalars[(range.lowerBound * columns)..<(range.upperBound * columns)]))
        }
        refreshWeights()
    }

    // MARK: - Update

    /// Applies `W ← W − η Σ_b d_bᵀ x_b` for a batch, one rank-1 pulsed update per sample as
    /// the hardware would (aihwkit's batch semantics), through the configured pulse type.
    /// The post-update step (decay, diffusion) is separate: see ``postUpdate()``.
    public mutating func update(x: Tensor, d: Tensor, learningRate: Float) {
        precondition(x.rows == d.rows && x.columns == columns && d.columns == rows,
                     "CrossbarArray.update: x \(x.shape), d \(d.shape) for a \(rows)×\(columns) array")
        guard learningRate > 0 else { return }
        updateDevices(x: x, d: d, learningRate: learningRate)
        refreshWeights()
    }

    /// ``update(x:d:learningRate:)`` without copying the device weights into ``weights``
    /// afterwards: `weights` is stale until ``refreshWeights()``. For unit cells that apply
    /// many small updates in a row (a transfer after every sample) and read the array only
    /// through ``readDeviceSlice(_:columns:io:)`` in between, then refresh once.
    mutating func updateDevices(x: Tensor, d: Tensor, learningRate: Float) {
        precondition(x.rows == d.rows && x.columns == columns && d.columns == rows,
                     "CrossbarArray.update: x \(x.shape), d \(d.shape) for a \(rows)×\(columns) array")
        guard learningRate > 0 else { return }
        switch update.pulseType {
        case .float:
            refreshWeights()   // a deferred update may have left the copy stale
            var w = weights
            Tensor.gemm(d, .transposed, x, .none, alpha: -learningRate, beta: 1, into: &w)
            setWeights(w)
        case .expected:
            expectedUpdate(x: x, d: d, learningRate: learningRate)
        case .stochastic where update.desiredBL > Self.packedTrainLimit:
            longTrainUpdate(x: x, d: d, learningRate: learningRate)
        case .stochastic:
            stochasticUpdate(x: x, d: d, learningRate: learningRate)
        }
    }
}
