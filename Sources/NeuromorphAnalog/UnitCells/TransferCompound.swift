import NeuromorphCore

/// Tiki-Taka v1 (Gokmen & Haensch 2020; Gokmen 2021 Alg. 1, digest
/// `ttv2_gradient-decomposition_shd.md` §1.4; note `analog-training.md` §1.1; aihwkit 1.1
/// `TransferCompound` with two devices):
///
/// ```
/// forward/backward on W = γA + C
/// per sample b:  A ← A − η_A d_bᵀ x_b         (pulsed, A's update settings); k += 1
/// if k % n == 0, n_reads_per_transfer times:
///    v   = A e_t                              (transfer_forward IO, bound management off)
///    v_i = |v_i| ≥ T ? v_i : 0                (Gokmen's f(v); T = 0: aihwkit)
///    C   ← C + η_C v e_tᵀ                     (pulsed, transfer_update settings)
///    t   = (t + 1) mod n_in
/// η_A = fast_lr > 0 ? fast_lr : η_sgd          (aihwkit 1.1: fast_lr is absolute)
/// η_C = scale_transfer_lr ? transfer_lr·η_sgd : transfer_lr
/// n   = see TransferSchedule (transfer_every, units_in_mbatch)
/// ```
///
/// Errata resolved: the `G` term of Alg. 1 lines 10 and 15 is `|d x|·G` (§5 item 1), which
/// lives in the device model; `t` cycles over the slices of `u`, i.e. the columns of `A` with
/// `transfer_columns` (§5 item 2). Not implemented: aihwkit's `with_reset_prob`,
/// `random_selection`, chains of more than two devices, and the paper's Hadamard reads.
public struct TransferCompound<Fast: PulsedDeviceArray, Slow: PulsedDeviceArray>: UnitCell {
    /// `A`, `C` and the counters.
    public internal(set) var arrays: TransferArrays<Fast, Slow>
    public let parameters: TransferCompoundParameters

    public init(arrays: TransferArrays<Fast, Slow>, parameters: TransferCompoundParameters) {
        self.arrays = arrays
        self.parameters = parameters
    }

    public var rows: Int { arrays.rows }
    public var columns: Int { arrays.columns }
    public var weights: Tensor { arrays.weights }
    public static var summaryName: String { "TransferCompound(\(Fast.self), \(Slow.self))" }

    public mutating func forward(_ x: Tensor) -> Tensor { arrays.forward(x) }
    public mutating func backward(_ d: Tensor) -> Tensor { arrays.backward(d) }

    public mutating func update(x: Tensor, d: Tensor, rates: LearningRates) {
        let rates = parameters.rates(sgd: rates.sgd)
        let period = TransferSchedule.period(transferEvery: parameters.transferEvery,
                                             unitsInMiniBatch: parameters.unitsInMiniBatch, batch: x.rows)
        // Between the chunks `A` and `C` are read only through transfer reads of the devices,
        // so their weight copies are refreshed once, at the end.
        for chunk in TransferSchedule.chunks(count: arrays.updateCount, batch: x.rows, period: period) {
            arrays.updateFast(x: x, d: d, samples: chunk.samples, learningRate: rates.effectiveFast, deferringRefresh: true)
            if chunk.transferAfter { transfer(learningRate: rates.effectiveTransfer, deferringRefresh: true) }
        }
        arrays.refresh()
    }

    /// One transfer event: `n_reads_per_transfer` consecutive slices of `A` read and added to `C`
    /// (with `deferringRefresh`, `C`'s weight copy is left for ``TransferArrays/refresh()``).
    mutating func transfer(learningRate: Float, deferringRefresh: Bool = false) {
        let reads = Swift.min(parameters.nReadsPerTransfer, arrays.sliceCount)
        let threshold = parameters.readThreshold
        for _ in 0..<reads {
            let t = arrays.sliceIndex
            var v = arrays.readFastSlice(t, io: parameters.transferForward)
            if threshold > 0 {
                for i in v.indices where Swift.abs(v[i]) < threshold { v[i] = 0 }
            }
            arrays.writeSlowSlice(t, values: v, learningRate: learningRate, deferringRefresh: deferringRefresh)
            arrays.advanceSlice()
        }
    }

    public mutating func finishBatch() { arrays.finishBatch() }
    public mutating func program(_ target: Tensor) { arrays.program(target) }
    public var internalState: [(name: String, tensor: Tensor)] { arrays.exportedTensors }
}

/// The parameters of Tiki-Taka v1, with aihwkit 1.1's `TransferCompound` names and defaults
/// (Python defaults; spec keys in brackets).
public struct TransferCompoundParameters: Sendable, Codable, Equatable {
    /// `γ` [`gamma`, 0]: weight of `A` in `W = γA + C`, dimensionless, ≥ 0.
    public var gamma: Float = 0
    /// [`transfer_every`, 1]: transfer period, in mini-batches with ``unitsInMiniBatch`` or
    /// in rank-1 updates (samples); 0 never transfers.
    public var transferEvery: Float = 1
    /// [`units_in_mbatch`, true]: whether ``transferEvery`` counts mini-batches.
    public var unitsInMiniBatch: Bool = true
    /// [`n_reads_per_transfer`, 1]: consecutive slices read and written per transfer event.
    public var nReadsPerTransfer: Int = 1
    /// [`transfer_columns`, true]: read columns with forward passes (else rows, backward).
    public var transferColumns: Bool = true
    /// [`fast_lr`, 1.0]: `A`'s learning rate, absolute (aihwkit 1.1; post-1.1 `scale_fast_lr`
    /// is not applied); 0 uses the optimizer's rate.
    public var fastLR: Float = 1
    /// [`transfer_lr`, 1.0]: the transfer's learning rate (weight change per unit read).
    public var transferLR: Float = 1
    /// [`scale_transfer_lr`, true]: multiply ``transferLR`` by the optimizer's rate.
    public var scaleTransferLR: Bool = true
    /// [`transfer_forward`, aihwkit `IOParameters()`]: the periphery of the transfer reads;
    /// bound management is always off (as aihwkit forces).
    public var transferForward: IOParameters = .transferDefault
    /// [`transfer_update`, aihwkit `UpdateParameters()`: `desired_bl` 31 with bit-length and
    /// update management]: the pulsed update that writes `C`.
    public var transferUpdate = PulsedUpdateParameters()
    /// `T` [`read_threshold`, 0, not in aihwkit]: read values with `|v| < T` are not
    /// transferred (Gokmen Alg. 1 `f(v)`, "set to the mat-vec noise"), weight units.
    public var readThreshold: Float = 0

    public init() {}

    /// The rates of one update from the optimizer's rate `sgd`.
    public func rates(sgd: Float) -> LearningRates {
        LearningRates(sgd: sgd, fast: fastLR, transfer: transferLR, scaleTransfer: scaleTransferLR)
    }

    public func validate() throws {
        let name = "TransferCompound"
        guard gamma.isFinite, gamma >= 0 else { throw DeviceParameterError(device: name, parameter: "gamma", "must be ≥ 0, got \(gamma)") }
        guard transferEvery.isFinite, transferEvery >= 0 else {
            throw DeviceParameterError(device: name, parameter: "transfer_every", "must be ≥ 0 (0: no transfer), got \(transferEvery)")
        }
        guard nReadsPerTransfer >= 1 else {
            throw DeviceParameterError(device: name, parameter: "n_reads_per_transfer", "must be ≥ 1, got \(nReadsPerTransfer)")
        }
        guard fastLR.isFinite, fastLR >= 0 else { throw DeviceParameterError(device: name, parameter: "fast_lr", "must be ≥ 0, got \(fastLR)") }
        guard transferLR.isFinite, transferLR >= 0 else {
            throw DeviceParameterError(device: name, parameter: "transfer_lr", "must be ≥ 0, got \(transferLR)")
        }
        guard readThreshold.isFinite, readThreshold >= 0 else {
            throw DeviceParameterError(device: name, parameter: "read_threshold", "must be ≥ 0 (weight units), got \(readThreshold)")
        }
        guard gamma > 0 || transferEvery > 0 else {
            throw DeviceParameterError(device: name, parameter: "transfer_every",
                                       "0 (no transfer) with gamma 0 leaves the weights fixed; set gamma > 0 or transfer_every > 0")
        }
        try transferForward.validate("transfer_forward")
        try transferUpdate.validate()
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case gamma, transferEvery = "transfer_every", unitsInMiniBatch = "units_in_mbatch"
        case nReadsPerTransfer = "n_reads_per_transfer", transferColumns = "transfer_columns", fastLR = "fast_lr"
        case transferLR = "transfer_lr", scaleTransferLR = "scale_transfer_lr", transferForward = "transfer_forward"
        case transferUpdate = "transfer_update", readThreshold = "read_threshold"
    }

    public func encode(to encoder: any Encoder) throws { try encode(to: encoder, excluding: []) }

    /// Encodes every key but `excluded` (the compounds that do not use some of them).
    func encode(to encoder: any Encoder, excluding excluded: Set<String>) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        for key in CodingKeys.allCases where !excluded.contains(key.rawValue) {
            switch key {
            case .gamma: try c.encode(gamma, forKey: key)
            case .transferEvery: try c.encode(transferEvery, forKey: key)
            case .unitsInMiniBatch: try c.encode(unitsInMiniBatch, forKey: key)
            case .nReadsPerTransfer: try c.encode(nReadsPerTransfer, forKey: key)
            case .transferColumns: try c.encode(transferColumns, forKey: key)
            case .fastLR: try c.encode(fastLR, forKey: key)
            case .transferLR: try c.encode(transferLR, forKey: key)
            case .scaleTransferLR: try c.encode(scaleTransferLR, forKey: key)
            case .transferForward: try c.encode(transferForward, forKey: key)
            case .transferUpdate: try c.encode(transferUpdate, forKey: key)
            case .readThreshold: try c.encode(readThreshold, forKey: key)
            }
        }
    }

    /// The spec keys (aihwkit names).
    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// Decodes the keys present and keeps the default of every missing one (unknown keys are
    /// rejected by the spec layer, which also allows its `kind` key).
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        gamma = try c.decodeIfPresent(Float.self, forKey: .gamma) ?? gamma
        transferEvery = try c.decodeIfPresent(Float.self, forKey: .transferEvery) ?? transferEvery
        unitsInMiniBatch = try c.decodeIfPresent(Bool.self, forKey: .unitsInMiniBatch) ?? unitsInMiniBatch
        nReadsPerTransfer = try c.decodeIfPresent(Int.self, forKey: .nReadsPerTransfer) ?? nReadsPerTransfer
        transferColumns = try c.decodeIfPresent(Bool.self, forKey: .transferColumns) ?? transferColumns
        fastLR = try c.decodeIfPresent(Float.self, forKey: .fastLR) ?? fastLR
        transferLR = try c.decodeIfPresent(Float.self, forKey: .transferLR) ?? transferLR
        scaleTransferLR = try c.decodeIfPresent(Bool.self, forKey: .scaleTransferLR) ?? scaleTransferLR
        transferForward = try c.decodeIfPresent(IOParameters.self, forKey: .transferForward) ?? transferForward
        transferUpdate = try c.decodeIfPresent(PulsedUpdateParameters.self, forKey: .transferUpdate) ?? transferUpdate
        readThreshold = try c.decodeIfPresent(Float.self, forKey: .readThreshold) ?? readThreshold
    }
}

/// Builds ``TransferCompound`` cells: `A` from `fast`, `C` from `slow` (aihwkit
/// `unit_cell_devices = [fast, slow]`).
public struct TransferCompoundConfiguration<FastDevice: PulsedDeviceConfiguration, SlowDevice: PulsedDeviceConfiguration>:
    TwoDeviceCellConfiguration {
    public var fast: FastDevice
    public var slow: SlowDevice
    public var parameters: TransferCompoundParameters

    public init(fast: FastDevice, slow: SlowDevice, parameters: TransferCompoundParameters = TransferCompoundParameters()) {
        self.fast = fast
        self.slow = slow
        self.parameters = parameters
    }

    /// `A` draws from stream `device.0`, `C` from `device.1` of `generator`; `C` is built
    /// with ``TransferCompoundParameters/transferUpdate`` as its update settings.
    public func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                         update: PulsedUpdateParameters,
                         generator: inout SeededGenerator) throws -> TransferCompound<FastDevice.DeviceArray, SlowDevice.DeviceArray> {
        TransferCompound(arrays: try makeTransferArrays(outputs: outputs, inputs: inputs, forwardIO: forwardIO, backwardIO: backwardIO,
                                                        update: update, generator: &generator),
                         parameters: parameters)
    }
}

/// `A` from stream `device.0` with the layer's update, `C` from `device.1` with the
/// transfer update.
func makeTransferArrays<F: PulsedDeviceConfiguration, S: PulsedDeviceConfiguration>(
    fast: F, slow: S, outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
    update: PulsedUpdateParameters, transferUpdate: PulsedUpdateParameters, gamma: Float, transferColumns: Bool,
    generator: inout SeededGenerator
) throws -> TransferArrays<F.DeviceArray, S.DeviceArray> {
    var fastGenerator = generator.split(key: "device.0")
    var slowGenerator = generator.split(key: "device.1")
    let a = try CrossbarArray(outputs: outputs, inputs: inputs, device: fast, forwardIO: forwardIO, backwardIO: backwardIO,
                              update: update, generator: &fastGenerator)
    let c = try CrossbarArray(outputs: outputs, inputs: inputs, device: slow, forwardIO: forwardIO, backwardIO: backwardIO,
                              update: transferUpdate, generator: &slowGenerator)
    return TransferArrays(fast: a, slow: c, gamma: gamma, transferColumns: transferColumns)
}
