import NeuromorphCore

/// Mini-batch gradient descent with one device write per batch (Zhao et al. 2021, digest
/// `ttv2_gradient-decomposition_shd.md` §2.3 "MBGD" and "Stochastic rounding"; note
/// `analog-training.md` §1.7): the batch gradient is accumulated digitally, averaged, turned
/// into a pulse count per weight with round-to-nearest or stochastic rounding, and written
/// once; the residual is dropped.
///
/// ```
/// G ← G + Σ_b d_bᵀ x_b                         (every update call; digital, [rows, columns])
/// once B samples have been seen (c calls):
///     ΔW_ij = −η · G_ij / c                    (the calls' mean gradient, Zhao's −α G/B)
///     n_ij  = R(ΔW_ij / level)                 (R: PulseRounding; level = one pulse, dw_min)
///     device_ij.write(n_ij)                    (NeuroSim: P + n on the curve, c2c N(0,σ)√|n|, clip)
///     G ← 0                                    (residual dropped, unlike mixed precision)
/// ```
///
/// The update calls' `d` follow ``UnitCell``'s convention (the gradient of the trainer's mean
/// loss over its mini-batch), so with a trainer batch of 1 the write is exactly Zhao's
/// `−α Σ_b x_bᵀ d_b / B`, and with a trainer batch of `B` it is one rounded write of that
/// batch's gradient. When the trainer's batch does not divide `B`, the write happens at the
/// first call that reaches `B` samples and averages over the calls seen.
///
/// Zhao's level is `2/Pmax` (weights in [−1, 1], Pmax = 500 pulses), which is
/// ``NeuroSimDevice/nominalStep`` of `NeuroSimDevice.zhaoAgSi`; ``level`` defaults to the
/// array's `dw_min`. aihwkit has no such cell (its `MixedPrecisionCompound` keeps the
/// residual, note §1.6).
public struct MiniBatchAccumulation<Devices: PulsedDeviceArray>: UnitCell {
    /// The weights (`device0`).
    public private(set) var array: CrossbarArray<Devices>
    /// Samples per device write, `B` (Zhao: 1 … 8192).
    public let batchSize: Int
    /// How the pulse counts are rounded.
    public let rounding: PulseRounding
    /// The weight change one pulse is counted as, in weight units (> 0).
    public let level: Float
    /// Largest pulse count of one write per device (0: unlimited).
    public let maxPulses: Int
    /// The digital accumulator `G = Σ d_bᵀ x_b` since the last write, `[rows, columns]`.
    public private(set) var gradient: Tensor
    /// Samples accumulated since the last write.
    public private(set) var samples: Int = 0
    /// Update calls accumulated since the last write.
    public private(set) var calls: Int = 0
    /// Write counters.
    public private(set) var statistics = PulseWriteStatistics()
    /// Stream `rounding`: the stochastic-rounding draws.
    var roundingGenerator: SeededGenerator

    public init(array: CrossbarArray<Devices>, batchSize: Int, rounding: PulseRounding, level: Float? = nil,
                maxPulses: Int = 0, roundingGenerator: SeededGenerator) {
        precondition(batchSize >= 1 && maxPulses >= 0, "MiniBatchAccumulation: batchSize ≥ 1, maxPulses ≥ 0")
        self.array = array
        self.batchSize = batchSize
        self.rounding = rounding
        self.level = level ?? array.nominalStep
        precondition(self.level > 0 && self.level.isFinite, "MiniBatchAccumulation: level must be > 0")
        self.maxPulses = maxPulses
        self.roundingGenerator = roundingGenerator
        gradient = Tensor.zeros([array.rows, array.columns])
    }

    public var rows: Int { array.rows }
    public var columns: Int { array.columns }
    public var weights: Tensor { array.weights }
    public static var summaryName: String { "MiniBatchAccumulation(\(Devices.self))" }

    public mutating func forward(_ x: Tensor) -> Tensor { array.forward(x) }

    public mutating func backward(_ d: Tensor) -> Tensor { array.backward(d) }

    /// Accumulates `Σ_b d_bᵀ x_b`; writes once `B` samples have been seen, with `rates.sgd`.
    public mutating func update(x: Tensor, d: Tensor, rates: LearningRates) {
        precondition(x.rows == d.rows && x.columns == columns && d.columns == rows,
                     "MiniBatchAccumulation.update: x \(x.shape), d \(d.shape) for a \(rows)×\(columns) cell")
        Tensor.gemm(d, .transposed, x, .none, alpha: 1, beta: 1, into: &gradient)
        samples += x.rows
        calls += 1
        if samples >= batchSize { writeAccumulated(learningRate: rates.sgd) }
    }

    /// Writes the accumulated mean gradient now (`ΔW = −η G / calls`, rounded) and clears the
    /// accumulator; does nothing when no call has been accumulated. Use it to flush a
    /// partial batch at the end of an epoch.
    public mutating func writeAccumulated(learningRate: Float) {
        guard calls > 0 else { return }
        let deltaW = gradient * (-learningRate / Float(calls))
        array.writeElementwise(deltaW, level: level, rounding: rounding, maxPulses: maxPulses,
                               generator: &roundingGenerator, statistics: &statistics)
        gradient = Tensor.zeros([rows, columns])
        samples = 0
        calls = 0
    }

    public mutating func finishBatch() { array.postUpdate() }

    public mutating func program(_ target: Tensor) { array.setWeights(target) }

    /// `device0.*` and the digital accumulator `accumulator.gradient`.
    public var internalState: [(name: String, tensor: Tensor)] {
        array.exportedTensors(prefix: "device0") + [("accumulator.gradient", gradient)]
    }
}

/// Builds ``MiniBatchAccumulation`` cells (note §1.7): parameters with their meaning, unit and
/// default are listed in `docs/gradient-decomposition.md`.
public struct MiniBatchAccumulationConfiguration<Device: PulsedDeviceConfiguration>: UnitCellConfiguration {
    /// The device model of the array.
    public var device: Device
    /// Samples per write `B` (≥ 1; default 128, Zhao's B128 setting).
    public var batchSize: Int
    /// Pulse-count rounding (default stochastic).
    public var rounding: PulseRounding
    /// Weight change of one pulse, weight units; 0 (default) uses the device's `dw_min`
    /// (Zhao's 2/Pmax for the NeuroSim devices).
    public var level: Float
    /// Largest pulse count per device and write; 0 (default) is unlimited (NeuroSim clips at
    /// the conductance bounds).
    public var maxPulses: Int

    public init(device: Device, batchSize: Int = 128, rounding: PulseRounding = .stochastic, level: Float = 0,
                maxPulses: Int = 0) {
        self.device = device
        self.batchSize = batchSize
        self.rounding = rounding
        self.level = level
        self.maxPulses = maxPulses
    }

    func validate(name: String = "MiniBatchAccumulation") throws {
        guard batchSize >= 1 else {
            throw DeviceParameterError(device: name, parameter: "batch_size", "must be an integer ≥ 1, got \(batchSize)")
        }
        guard level.isFinite && level >= 0 else {
            throw DeviceParameterError(device: name, parameter: "level", "must be ≥ 0 (0 = the device's dw_min), got \(level)")
        }
        guard maxPulses >= 0 else {
            throw DeviceParameterError(device: name, parameter: "max_pulses", "must be ≥ 0 (0 = unlimited), got \(maxPulses)")
        }
    }

    /// The array draws from stream `device.0` of `generator`, the rounding from `rounding`.
    public func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                         update: PulsedUpdateParameters,
                         generator: inout SeededGenerator) throws -> MiniBatchAccumulation<Device.DeviceArray> {
        try validate()
        var arrayGenerator = generator.split(key: "device.0")
        let array = try CrossbarArray(outputs: outputs, inputs: inputs, device: device, forwardIO: forwardIO,
                                      backwardIO: backwardIO, update: update, generator: &arrayGenerator)
        return MiniBatchAccumulation(array: array, batchSize: batchSize, rounding: rounding,
                                     level: level > 0 ? level : nil, maxPulses: maxPulses,
                                     roundingGenerator: generator.split(key: "rounding"))
    }
}
