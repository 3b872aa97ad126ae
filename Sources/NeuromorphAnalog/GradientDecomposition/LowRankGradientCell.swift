import NeuromorphCore

/// How a decomposed batch gradient reaches the devices (Zhao et al. 2021 §2.3 "Transfer
/// methods"; note `analog-training.md` §1.9).
public enum LowRankTransfer: String, Sendable, Codable, CaseIterable {
    /// Recompose `Ĝ = Σ_j s_j u_j v_jᵀ` digitally, then one elementwise rounded write
    /// (`2kmn` operations; one write event per batch).
    case rankSum = "rank_sum"
    /// Each rank-one term written separately, elementwise with its own rounding, nonlinearity
    /// and noise (`k` write events per batch for SBPCA, `2k` for NMF).
    case rankSeq = "rank_seq"
    /// Each rank-one term written as an outer-product update through the array's stochastic
    /// pulse trains (``CrossbarArray/update(x:d:learningRate:)`` with `x = v_j`, `d = s_j u_j`):
    /// the physical row/column write of a rank-one update.
    case rankSeqPulsed = "rank_seq_pulsed"
}

/// Low-rank gradient decomposition with one transfer to the devices per batch (Zhao et al.
/// 2021, digest `ttv2_gradient-decomposition_shd.md` §2.3; note `analog-training.md`
/// §1.8-1.9): the batch's gradient is streamed into a ``GradientDecomposition`` (SBPCA or
/// NMF), and once `B` samples have been seen its rank-one terms are written:
///
/// ```
/// decomposition.accumulate(x_b, d_b)                     (every update call)
/// once B samples have been seen (S samples, c calls):
///     {s_j, u_j, v_j} = decomposition.finishBatch()      (Σ s_j u_j v_jᵀ ≈ (1/S) Σ d_bᵀ x_b)
///     ΔW = −η (S/c) Σ_j s_j u_j v_jᵀ                      (the calls' mean gradient, as MBGD)
///     rank_sum:        write R(ΔW/level) once
///     rank_seq:        for each j: write R(−η (S/c) s_j u_j v_jᵀ / level)
///     rank_seq_pulsed: for each j: pulsed update W ← W − η (S/c) s_j u_j v_jᵀ
/// ```
///
/// With exact arithmetic the three transfers give the same `ΔW` ("identical within rounding
/// error", Zhao); they differ through the device's quantisation, nonlinearity and noise,
/// which rank-seq meets `k` (or `2k`) times per batch. The scale `S/c` follows
/// ``MiniBatchAccumulation``'s convention for the update calls' `d`.
public struct LowRankGradientCell<Devices: PulsedDeviceArray, Decomposition: GradientDecomposition>: UnitCell {
    /// The weights (`device0`).
    public private(set) var array: CrossbarArray<Devices>
    /// The streaming decomposition of the current batch.
    public private(set) var decomposition: Decomposition
    public let transfer: LowRankTransfer
    /// Samples per transfer `B`.
    public let batchSize: Int
    /// Pulse-count rounding of the elementwise writes.
    public let rounding: PulseRounding
    /// The weight change one pulse is counted as (> 0).
    public let level: Float
    /// Largest pulse count of one elementwise write per device (0: unlimited).
    public let maxPulses: Int
    /// Update calls since the last transfer.
    public private(set) var calls: Int = 0
    /// Write counters (elementwise writes; the pulsed variant's pulses are in ``CrossbarArray/pulseCounts``).
    public private(set) var statistics = PulseWriteStatistics()
    /// Rank-one outer-product writes made by ``LowRankTransfer/rankSeqPulsed``.
    public private(set) var pulsedWrites: Int = 0
    /// Stream `rounding`.
    var roundingGenerator: SeededGenerator

    public init(array: CrossbarArray<Devices>, decomposition: Decomposition, transfer: LowRankTransfer, batchSize: Int,
                rounding: PulseRounding, level: Float? = nil, maxPulses: Int = 0, roundingGenerator: SeededGenerator) {
        precondition(batchSize >= 1 && maxPulses >= 0, "LowRankGradientCell: batchSize ≥ 1, maxPulses ≥ 0")
        precondition(decomposition.inputs == array.columns && decomposition.outputs == array.rows,
                     "LowRankGradientCell: decomposition of \(decomposition.outputs)×\(decomposition.inputs) for a \(array.rows)×\(array.columns) array")
        self.array = array
        self.decomposition = decomposition
        self.transfer = transfer
        self.batchSize = batchSize
        self.rounding = rounding
        self.level = level ?? array.nominalStep
        precondition(self.level > 0 && self.level.isFinite, "LowRankGradientCell: level must be > 0")
        self.maxPulses = maxPulses
        self.roundingGenerator = roundingGenerator
    }

    public var rows: Int { array.rows }
    public var columns: Int { array.columns }
    public var weights: Tensor { array.weights }
    public static var summaryName: String { "LowRankGradientCell(\(Decomposition.summaryName), \(Devices.self))" }

    public mutating func forward(_ x: Tensor) -> Tensor { array.forward(x) }

    public mutating func backward(_ d: Tensor) -> Tensor { array.backward(d) }

    /// Streams the samples into the decomposition; transfers once `B` samples have been seen.
    public mutating func update(x: Tensor, d: Tensor, rates: LearningRates) {
        decomposition.accumulate(x: x, d: d)
        calls += 1
        if decomposition.samples >= batchSize { transferAccumulated(learningRate: rates.sgd) }
    }

    /// Ends the batch now: decomposes and writes what has been accumulated (nothing when no
    /// call has been).
    public mutating func transferAccumulated(learningRate: Float) {
        guard calls > 0 else { return }
        let scale = -learningRate * Float(decomposition.samples) / Float(calls)
        let terms = decomposition.finishBatch()
        calls = 0
        switch transfer {
        case .rankSum:
            let deltaW = terms.recomposed(rows: rows, columns: columns) * scale
            array.writeElementwise(deltaW, level: level, rounding: rounding, maxPulses: maxPulses,
                                   generator: &roundingGenerator, statistics: &statistics)
        case .rankSeq:
            for term in terms {
                let deltaW = [term].recomposed(rows: rows, columns: columns) * scale
                array.writeElementwise(deltaW, level: level, rounding: rounding, maxPulses: maxPulses,
                                       generator: &roundingGenerator, statistics: &statistics)
            }
        case .rankSeqPulsed:
            guard learningRate > 0 else { return }
            for term in terms {
                let factor = term.scale * (scale / -learningRate)     // s_j · S/c
                let x = Tensor(shape: [1, columns], scalars: term.input)
                let d = Tensor(shape: [1, rows], scalars: term.output.map { $0 * factor })
                array.update(x: x, d: d, learningRate: learningRate)
                pulsedWrites += 1
            }
        }
    }

    public mutating func finishBatch() { array.postUpdate() }

    public mutating func program(_ target: Tensor) { array.setWeights(target) }

    /// `device0.*` and the decomposition's state (`sbpca.*` or `nmf.*`).
    public var internalState: [(name: String, tensor: Tensor)] {
        array.exportedTensors(prefix: "device0") + decomposition.internalState
    }
}

/// Builds ``LowRankGradientCell`` cells: parameters with their meaning, unit and default are
/// listed in `docs/gradient-decomposition.md`.
public struct LowRankGradientConfiguration<Device: PulsedDeviceConfiguration, Method: GradientDecompositionConfiguration>:
    UnitCellConfiguration {
    public var device: Device
    /// SBPCA (``StreamingBatchPCAConfiguration``) or NMF (``NonnegativeGradientFactorizationConfiguration``).
    public var method: Method
    /// Default rank-sum.
    public var transfer: LowRankTransfer
    /// Samples per transfer `B` (≥ 1). Default 128.
    public var batchSize: Int
    /// Default stochastic.
    public var rounding: PulseRounding
    /// Weight change of one pulse; 0 (default) is the device's `dw_min`.
    public var level: Float
    /// Largest pulse count per device and elementwise write; 0 (default) unlimited.
    public var maxPulses: Int

    public init(device: Device, method: Method, transfer: LowRankTransfer = .rankSum, batchSize: Int = 128,
                rounding: PulseRounding = .stochastic, level: Float = 0, maxPulses: Int = 0) {
        self.device = device
        self.method = method
        self.transfer = transfer
        self.batchSize = batchSize
        self.rounding = rounding
        self.level = level
        self.maxPulses = maxPulses
    }

    /// The array draws from stream `device.0`, the decomposition from `decomposition`, the
    /// rounding from `rounding`.
    public func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                         update: PulsedUpdateParameters,
                         generator: inout SeededGenerator) throws -> LowRankGradientCell<Device.DeviceArray, Method.Decomposition> {
        try MiniBatchAccumulationConfiguration(device: device, batchSize: batchSize, rounding: rounding, level: level,
                                               maxPulses: maxPulses).validate(name: "LowRankGradientCell")
        var arrayGenerator = generator.split(key: "device.0")
        let array = try CrossbarArray(outputs: outputs, inputs: inputs, device: device, forwardIO: forwardIO,
                                      backwardIO: backwardIO, update: update, generator: &arrayGenerator)
        let decomposition = try method.makeDecomposition(inputs: inputs, outputs: outputs,
                                                         generator: generator.split(key: "decomposition"))
        return LowRankGradientCell(array: array, decomposition: decomposition, transfer: transfer, batchSize: batchSize,
                                   rounding: rounding, level: level > 0 ? level : nil, maxPulses: maxPulses,
                                   roundingGenerator: generator.split(key: "rounding"))
    }
}
