import NeuromorphCore

/// Tiki-Taka v2 (Gokmen 2021 Alg. 2, digest `ttv2_gradient-decomposition_shd.md` §1.4; note
/// `analog-training.md` §1.2; aihwkit 1.1 `BufferedTransferCompound`,
/// `rpu_buffered_transfer_device.cpp`): the reads of `A` go to a digital buffer `H` first, and
/// `C` receives single pulses only where `H` crosses a threshold.
///
/// ```
/// forward/backward on W = γA + C             (γ = 0 in the paper)
/// per sample b:  A ← A − η_A d_bᵀ x_b;  k += 1
/// if k % n == 0, n_reads_per_transfer times (slice t):
///    v  = A e_t                              (transfer_forward IO, bound management off)
///    ω  = H[:,t] + η_C·v                     (H in weight units)
///    θ  = thres_scale · dw_min_C
///    m  = clamp(trunc(ω/θ), ±desired_bl)     (desired_bl of transfer_update, default 1)
///    C[:,t] ← C[:,t] + step·dw_min_C·m       (pulsed write with transfer_update)
///    H[:,t] ← m ≠ 0 ? reset(ω, m) : ω
///    reset = forget_buffer ? momentum·ω : ω − (1 − momentum)·m·θ          (aihwkit)
///          | hysteretic r: sign(ω)·r·θ                                       (Gokmen, r = 0.6)
/// η_C = (scale_transfer_lr ? transfer_lr·η_sgd : transfer_lr) · (γ > 0 ? γ : 1)
/// ```
///
/// The paper's TTv2 (`|h| > 1` in units of η_c, `h ← 0`) is `thres_scale` 1, `desired_bl` 1,
/// `forget_buffer` with `momentum` 0 and η_c = η_C/(thres_scale·dw_min_C); its hysteretic
/// variant is `hysteretic_reset: 0.6`, after which a same-sign pulse needs 0.4 more and an
/// opposite-sign pulse 1.6 (test G3). aihwkit's `momentum` 0.6 only approximates that reset
/// (it keeps 0.6·ω, not 0.6·θ). Gokmen fires on `|h| > 1`, aihwkit (and this cell) on
/// `|trunc(ω/θ)| ≥ 1`; the two differ only at exactly `|h| = 1`.
public struct BufferedTransferCompound<Fast: PulsedDeviceArray, Slow: PulsedDeviceArray>: UnitCell {
    public internal(set) var arrays: TransferArrays<Fast, Slow>
    public let parameters: BufferedTransferCompoundParameters
    /// `H` (`[rows, columns]`, weight units): the digital transfer buffer.
    public internal(set) var buffer: [Float]

    public init(arrays: TransferArrays<Fast, Slow>, parameters: BufferedTransferCompoundParameters) {
        self.arrays = arrays
        self.parameters = parameters
        buffer = [Float](repeating: 0, count: arrays.rows * arrays.columns)
    }

    public var rows: Int { arrays.rows }
    public var columns: Int { arrays.columns }
    public var weights: Tensor { arrays.weights }
    public static var summaryName: String { "BufferedTransferCompound(\(Fast.self), \(Slow.self))" }

    public mutating func forward(_ x: Tensor) -> Tensor { arrays.forward(x) }
    public mutating func backward(_ d: Tensor) -> Tensor { arrays.backward(d) }

    public mutating func update(x: Tensor, d: Tensor, rates: LearningRates) {
        let base = parameters.transfer
        let rates = base.rates(sgd: rates.sgd)
        let period = TransferSchedule.period(transferEvery: base.transferEvery, unitsInMiniBatch: base.unitsInMiniBatch,
                                             batch: x.rows)
        let transferRate = rates.effectiveTransfer * (base.gamma > 0 ? base.gamma : 1)
        let chunks = TransferSchedule.chunks(count: arrays.updateCount, batch: x.rows, period: period)
        if chunks.count > 1 && base.nReadsPerTransfer == 1 && rates.effectiveFast > 0
            && arrays.readsTransfersInsideBatches(io: base.transferForward) {
            // A transfer only reads `A` (no choppers here): the whole batch in one fast update
            // with each transfer's column read after the sample it follows, then the transfers
            // in order on those reads (as ChoppedTransferCompound).
            var reads = [Int32](repeating: -1, count: x.rows)
            var slice = arrays.sliceIndex
            for chunk in chunks where chunk.transferAfter {
                reads[chunk.samples.upperBound - 1] = Int32(slice)
                slice = (slice + 1) % arrays.sliceCount
            }
            let fastColumns = arrays.updateFastReadingColumns(x: x, d: d, learningRate: rates.effectiveFast, reads: reads)
            var writes: [TransferSliceWrite] = []
            for chunk in chunks where chunk.transferAfter {
                if let write = readSlice(learningRate: transferRate,
                                         fastColumn: readColumn(fastColumns, after: chunk.samples.upperBound - 1, rows: rows)) {
                    writes.append(write)
                }
            }
            arrays.writeSlowSlices(writes)
        } else {
            for chunk in chunks {
                arrays.updateFast(x: x, d: d, samples: chunk.samples, learningRate: rates.effectiveFast, deferringRefresh: true)
                if chunk.transferAfter {
                    for _ in 0..<Swift.min(base.nReadsPerTransfer, arrays.sliceCount) {
                        transferSlice(learningRate: transferRate, deferringRefresh: true)
                    }
                }
            }
        }
        arrays.refresh()
    }

    /// One read of slice `t` into `H` and the threshold write to `C` (with `deferringRefresh`,
    /// `C`'s weight copy is left for ``TransferArrays/refresh()``).
    mutating func transferSlice(learningRate: Float, deferringRefresh: Bool = false) {
        if let write = readSlice(learningRate: learningRate, fastColumn: nil) {
            arrays.writeSlowSlice(write, deferringRefresh: deferringRefresh)
        }
    }

    /// The read half of a transfer of slice `t`: `H` updated, the next slice selected, and the
    /// threshold write to `C` it calls for returned (nil: none). `fastColumn`: the fast devices'
    /// weights of the slice as they stood at the read (read inside the batch); `nil` reads the
    /// devices now.
    mutating func readSlice(learningRate: Float, fastColumn: [Float]?) -> TransferSliceWrite? {
        let t = arrays.sliceIndex
        let io = parameters.transfer.transferForward
        let v = fastColumn.map { arrays.readFastColumn(deviceWeights: $0, io: io) } ?? arrays.readFastSlice(t, io: io)
        let granularity = arrays.slow.nominalStep
        let threshold = parameters.thresScale * granularity
        let maxSteps = Float(parameters.transfer.transferUpdate.desiredBL)
        let keep = parameters.momentum, subtract = 1 - Swift.min(Swift.max(parameters.momentum, 0), 1)
        var steps = [Float](repeating: 0, count: v.count)
        var crossings = 0
        for i in v.indices {
            let index = arrays.bufferIndex(slice: t, element: i)
            let omega = buffer[index] + v[i] * learningRate
            let n = Swift.max(Swift.min((omega / threshold).rounded(.towardZero), maxSteps), -maxSteps)
            if n != 0 {
                crossings += 1
                if let reset = parameters.hystereticReset {
                    buffer[index] = (omega > 0 ? reset : -reset) * threshold
                } else if parameters.forgetBuffer {
                    buffer[index] = omega * keep
                } else {
                    buffer[index] = omega - subtract * n * threshold
                }
            } else {
                buffer[index] = omega
            }
            steps[i] = n
        }
        arrays.statistics.thresholdCrossings += crossings
        arrays.advanceSlice()
        guard crossings > 0 else { return nil }
        return .init(slice: t, values: steps, learningRate: parameters.step * granularity)
    }

    public mutating func finishBatch() { arrays.finishBatch() }

    /// aihwkit `onSetWeights`: `A ← 0`, `C ← target`, counters reset; the buffer is cleared
    /// too (aihwkit leaves it; a cleared buffer is what a fresh start means).
    public mutating func program(_ target: Tensor) {
        arrays.program(target)
        for i in buffer.indices { buffer[i] = 0 }
    }

    public var internalState: [(name: String, tensor: Tensor)] {
        arrays.exportedTensors + [("buffer", Tensor(shape: [rows, columns], scalars: buffer))]
    }
}

/// The parameters of TTv2: aihwkit 1.1 `BufferedTransferCompound` (Python defaults) plus
/// Gokmen's hysteretic reset.
public struct BufferedTransferCompoundParameters: Sendable, Codable, Equatable {
    /// The Tiki-Taka parameters (`gamma`, `transfer_every`, …); `transfer_update` defaults to
    /// aihwkit's buffered default: `desired_bl` 1, no bit-length or update management.
    public var transfer: TransferCompoundParameters
    /// [`thres_scale`, 1]: the threshold `θ = thres_scale · dw_min_C`, dimensionless.
    public var thresScale: Float = 1
    /// [`step`, 1]: pulses per threshold crossing are `step · m` (weight change
    /// `step · dw_min_C · m`), dimensionless.
    public var step: Float = 1
    /// [`momentum`, 0.1]: the fraction of `H` kept after a transfer (aihwkit Python default
    /// 0.1; its C++ default is 0).
    public var momentum: Float = 0.1
    /// [`forget_buffer`, true]: after a write, `H ← momentum·ω` (else `H ← ω − (1−momentum)mθ`).
    public var forgetBuffer: Bool = true
    /// `r` [`hysteretic_reset`, none, not in aihwkit]: after a write `H ← sign(ω)·r·θ`
    /// (Gokmen's "modified TTv2" with `r = 0.6`; `r = 0` is the paper's plain reset). Replaces
    /// `forget_buffer` and `momentum` (which must stay at `true` and 0); in units of the
    /// threshold, `0 ≤ r < 1`.
    public var hystereticReset: Float?

    public init(transfer: TransferCompoundParameters) {
        self.transfer = transfer
    }

    /// aihwkit's defaults (transfer settings ``defaultTransfer``).
    public init() { self.init(transfer: Self.defaultTransfer) }

    /// aihwkit's `BufferedTransferCompound` transfer settings: `UpdateParameters(desired_bl=1,
    /// update_bl_management=False, update_management=False)`.
    public static var defaultTransfer: TransferCompoundParameters {
        var p = TransferCompoundParameters()
        p.transferUpdate = .singlePulse
        return p
    }

    /// The paper's TTv2 (Gokmen 2021 Alg. 2): plain reset to 0 (`forget_buffer`, momentum 0),
    /// or the hysteretic reset `r`.
    public static func gokmen(hystereticReset r: Float? = nil) -> BufferedTransferCompoundParameters {
        var p = BufferedTransferCompoundParameters()
        p.momentum = 0
        p.hystereticReset = r
        return p
    }

    public func validate() throws {
        let name = "BufferedTransferCompound"
        try transfer.validate()
        guard thresScale.isFinite, thresScale > 0 else {
            throw DeviceParameterError(device: name, parameter: "thres_scale", "must be > 0, got \(thresScale)")
        }
        guard step.isFinite, step > 0 else { throw DeviceParameterError(device: name, parameter: "step", "must be > 0, got \(step)") }
        guard momentum.isFinite, (0...1).contains(momentum) else {
            throw DeviceParameterError(device: name, parameter: "momentum", "must be in [0, 1], got \(momentum)")
        }
        if let r = hystereticReset {
            guard momentum == 0 && forgetBuffer else {
                throw DeviceParameterError(device: name, parameter: "hysteretic_reset",
                                           "replaces aihwkit's reset rule: use momentum 0 and forget_buffer true with it")
            }
            guard r.isFinite, r >= 0, r < 1 else {
                throw DeviceParameterError(device: name, parameter: "hysteretic_reset",
                                           "must be in [0, 1) threshold units (Gokmen: 0.6), got \(r)")
            }
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case thresScale = "thres_scale", step, momentum, forgetBuffer = "forget_buffer", hystereticReset = "hysteretic_reset"
    }

    /// The spec keys: Tiki-Taka's (without `read_threshold`) and these.
    public static var keys: [String] {
        TransferCompoundParameters.keys.filter { $0 != "read_threshold" } + CodingKeys.allCases.map(\.rawValue)
    }

    /// Decodes one flat mapping (aihwkit's inheritance: the Tiki-Taka keys next to these);
    /// missing keys keep their defaults.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        transfer = try TransferCompoundParameters(from: decoder, defaults: Self.defaultTransfer)
        thresScale = try c.decodeIfPresent(Float.self, forKey: .thresScale) ?? thresScale
        step = try c.decodeIfPresent(Float.self, forKey: .step) ?? step
        momentum = try c.decodeIfPresent(Float.self, forKey: .momentum) ?? momentum
        forgetBuffer = try c.decodeIfPresent(Bool.self, forKey: .forgetBuffer) ?? forgetBuffer
        hystereticReset = try c.decodeIfPresent(Float.self, forKey: .hystereticReset)
        if hystereticReset != nil && !c.contains(.momentum) && !c.contains(.forgetBuffer) {
            momentum = 0            // the canonical companions of the hysteretic reset (not used by it)
            forgetBuffer = true
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try transfer.encode(to: encoder, excluding: ["read_threshold"])
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(thresScale, forKey: .thresScale)
        try c.encode(step, forKey: .step)
        if let hystereticReset {
            try c.encode(hystereticReset, forKey: .hystereticReset)     // replaces momentum and forget_buffer
        } else {
            try c.encode(momentum, forKey: .momentum)
            try c.encode(forgetBuffer, forKey: .forgetBuffer)
        }
    }
}

extension PulsedUpdateParameters {
    /// aihwkit's transfer update of the buffered compounds: one pulse slot, no bit-length or
    /// update management (`desired_bl=1, update_bl_management=False, update_management=False`).
    public static var singlePulse: PulsedUpdateParameters {
        var p = PulsedUpdateParameters()
        p.desiredBL = 1
        p.bitLengthManagement = false
        p.updateManagement = false
        return p
    }
}

extension TransferCompoundParameters {
    /// Decodes the keys present over `defaults`.
    init(from decoder: any Decoder, defaults: TransferCompoundParameters) throws {
        let decoded = try TransferCompoundParameters(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self = defaults
        for key in CodingKeys.allCases where c.contains(key) {
            switch key {
            case .gamma: gamma = decoded.gamma
            case .transferEvery: transferEvery = decoded.transferEvery
            case .unitsInMiniBatch: unitsInMiniBatch = decoded.unitsInMiniBatch
            case .nReadsPerTransfer: nReadsPerTransfer = decoded.nReadsPerTransfer
            case .transferColumns: transferColumns = decoded.transferColumns
            case .fastLR: fastLR = decoded.fastLR
            case .transferLR: transferLR = decoded.transferLR
            case .scaleTransferLR: scaleTransferLR = decoded.scaleTransferLR
            case .transferForward: transferForward = decoded.transferForward
            case .transferUpdate: transferUpdate = decoded.transferUpdate
            case .readThreshold: readThreshold = decoded.readThreshold
            }
        }
    }
}

/// Builds ``BufferedTransferCompound`` cells (`A` from `fast`, `C` from `slow`).
public struct BufferedTransferCompoundConfiguration<FastDevice: PulsedDeviceConfiguration, SlowDevice: PulsedDeviceConfiguration>:
    TwoDeviceCellConfiguration {
    public var fast: FastDevice
    public var slow: SlowDevice
    public var parameters: BufferedTransferCompoundParameters

    public init(fast: FastDevice, slow: SlowDevice,
                parameters: BufferedTransferCompoundParameters = BufferedTransferCompoundParameters()) {
        self.fast = fast
        self.slow = slow
        self.parameters = parameters
    }

    public func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                         update: PulsedUpdateParameters,
                         generator: inout SeededGenerator) throws -> BufferedTransferCompound<FastDevice.DeviceArray, SlowDevice.DeviceArray> {
        BufferedTransferCompound(arrays: try makeTransferArrays(outputs: outputs, inputs: inputs, forwardIO: forwardIO,
                                                                backwardIO: backwardIO, update: update, generator: &generator),
                                 parameters: parameters)
    }
}
