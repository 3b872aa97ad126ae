import NeuromorphCore

/// Chopped TTv2 (c-TTv2; Rasch et al. 2023, not in the digest; note `analog-training.md`
/// §1.3; aihwkit 1.1 `ChoppedTransferCompound`, `rpu_chopped_transfer_device.cpp`): TTv2 whose
/// gradient is written onto `A` with random sign changes (choppers) that the transfer undoes,
/// so that a bias or slow drift of `A` averages out.
///
/// ```
/// per sample b (slice index along the transfer direction: c_in over slices, c_out along them):
///    m_x ← (1−τ)m_x + τ max|x_b|, m_d likewise   (auto_scale; τ = (1−auto_momentum)/B; first value taken as is)
///    η_A = auto_scale ? fast_lr·desired_bl·dw_min_A/(m_x m_d) : (fast_lr > 0 ? fast_lr : η_sgd)
///    A ← A − η_A (c_out⊙d_b)ᵀ(c_in⊙x_b);  k += 1         (columns; rows swap the choppers)
/// if k % n == 0 (one slice t per transfer):
///    v  = A e_t                                    (transfer_forward IO, bound management off)
///    bg = buffer_granularity·dw_min_A·(auto_granularity > 0 ? auto_granularity/(n_in·transfer_every) : 1)
///    λ  = correct_gradient_magnitudes ? η_C/(η_A·bg·dw_min_C/dw_min_A) : η_C/bg
///    ω  = (no_buffer ? 0 : H[:,t]) + c_in[t]·c_out ⊙ v·λ       (H in threshold units)
///    |ω_i| ≥ 1: m_i = clamp(trunc ω_i, ±desired_bl); C[i,t] += step·dw_min_C·m_i (pulsed);
///               ω_i ← forget_buffer ? momentum·ω_i : ω_i − (1−momentum)·m_i
///    H[:,t] ← ω
///    c_in[t] flips with probability in_chop_prob (in_chop_random), or every
///            max(ceil(1/in_chop_prob), 2) sweeps (regular)
///    after the last slice: each c_out[i] flips with probability out_chop_prob; sweeps += 1
/// η_C = (scale_transfer_lr ? transfer_lr·η_sgd : transfer_lr) · (γ > 0 ? γ : 1)
/// ```
///
/// aihwkit errata resolved (note §2.3): `thres_scale` is not part of the threshold (the code
/// ignores it, the docstring claims it); `buffer_granularity` is scaled by `dw_min_A` (the
/// header says it is not). `no_buffer` still writes whole pulses `trunc(ω)` where `|ω| ≥ 1` (as
/// the code does), so it is Tiki-Taka v1 with quantized transfers, not exactly v1.
/// Differences from aihwkit: choppers start at +1 (aihwkit starts its input choppers
/// flipped; statistically the same); `transfer_every < 0` (aihwkit's automatic period from
/// the device's number of states) is rejected; aihwkit's `d_sparsity` statistic is not kept.
/// 1.1 semantics: `fast_lr` is absolute and a `γ > 0` contribution of `A` is not de-chopped.
public struct ChoppedTransferCompound<Fast: PulsedDeviceArray, Slow: PulsedDeviceArray>: UnitCell, ChoppedTransferCell {
    public internal(set) var arrays: TransferArrays<Fast, Slow>
    public let parameters: ChoppedTransferCompoundParameters
    /// `H` (`[rows, columns]`, threshold units).
    public internal(set) var buffer: [Float]
    /// `c_in`: one sign per slice (±1).
    public internal(set) var inChopper: [Float]
    /// `c_out`: one sign per element of a slice (±1).
    public internal(set) var outChopper: [Float]
    /// `m_x`, `m_d`: the running maxima of `|x|` and `|d|` (auto_scale); 0 before the first sample.
    public internal(set) var xMaxAverage: Float = 0
    public internal(set) var dMaxAverage: Float = 0
    /// `η_A` of the last sample (aihwkit `tmp_count_lr`), used by `correct_gradient_magnitudes`.
    public internal(set) var currentFastRate: Float = 0
    /// Completed sweeps over all slices (aihwkit `transfer_counter_`).
    public internal(set) var sweeps: Int = 0
    /// Stream `chopper` of the cell: the random chopper flips.
    var chopperGenerator: SeededGenerator

    public init(arrays: TransferArrays<Fast, Slow>, parameters: ChoppedTransferCompoundParameters, generator: SeededGenerator) {
        self.arrays = arrays
        self.parameters = parameters
        buffer = [Float](repeating: 0, count: arrays.rows * arrays.columns)
        inChopper = [Float](repeating: 1, count: arrays.sliceCount)
        outChopper = [Float](repeating: 1, count: arrays.sliceLength)
        chopperGenerator = generator
    }

    public var rows: Int { arrays.rows }
    public var columns: Int { arrays.columns }
    public var weights: Tensor { arrays.weights }
    public static var summaryName: String { "ChoppedTransferCompound(\(Fast.self), \(Slow.self))" }

    public mutating func forward(_ x: Tensor) -> Tensor { arrays.forward(x) }
    public mutating func backward(_ d: Tensor) -> Tensor { arrays.backward(d) }

    /// The choppers of the x (column) side and the d (row) side.
    var columnChopper: [Float] { arrays.transferColumns ? inChopper : outChopper }
    var rowChopper: [Float] { arrays.transferColumns ? outChopper : inChopper }

    public mutating func update(x: Tensor, d: Tensor, rates: LearningRates) {
        let base = parameters.transfer
        let rates = base.rates(sgd: rates.sgd)
        let period = TransferSchedule.period(transferEvery: base.transferEvery, unitsInMiniBatch: base.unitsInMiniBatch,
                                             batch: x.rows)
        let transferRate = rates.effectiveTransfer * (base.gamma > 0 ? base.gamma : 1)
        var scale = ChoppedAutoScale(xMaxAverage: xMaxAverage, dMaxAverage: dMaxAverage)
        let sampleRates = scale.sampleRates(x: x, d: d, arrays: arrays, parameters: parameters, fastRate: rates.effectiveFast)
        (xMaxAverage, dMaxAverage) = (scale.xMaxAverage, scale.dMaxAverage)
        applyChoppedBatch(x: x, d: d, chunks: TransferSchedule.chunks(count: arrays.updateCount, batch: x.rows, period: period),
                          sampleRates: sampleRates, transferRate: transferRate)
        arrays.refresh()
    }

    var transferReadIO: IOParameters { parameters.transfer.transferForward }

    mutating func transferDeferringRefresh(learningRate: Float) {
        transferSlice(learningRate: learningRate, deferringRefresh: true)
    }

    /// The batch in one fast update with the transfers' column reads inside it (same result
    /// in distribution as chunk by chunk; aihwkit's order): a transfer only reads `A`, and the
    /// choppers' flips draw only from their own stream, so (1) the choppers are advanced
    /// through the batch's transfers first, recording the signs each sample's update and each
    /// transfer sees; (2) one fast update applies every sample with its signs and reads each
    /// transfer's column after the sample it follows
    /// (``TransferArrays/updateFastReadingColumns(x:d:learningRate:reads:)``); (3) the
    /// transfers run in order on those reads.
    mutating func updateReadingInsideBatch(x: Tensor, d: Tensor, chunks: [(samples: Range<Int>, transferAfter: Bool)],
                                           sampleRates: [Float], transferRate: Float) {
        var reads = [Int32](repeating: -1, count: x.rows)
        var chunkSigns: [(columns: [Float], rows: [Float])] = []
        var transfers: [(slice: Int, inSign: Float, outSigns: [Float])] = []
        for chunk in chunks {
            chunkSigns.append((columnChopper, rowChopper))
            guard chunk.transferAfter else { continue }
            let t = arrays.sliceIndex
            reads[chunk.samples.upperBound - 1] = Int32(t)
            transfers.append((t, inChopper[t], outChopper))
            advanceChoppers(afterSlice: t)
        }
        let fastColumns = arrays.updateFastChoppedReading(x: x, d: d, chunks: chunks, chunkSigns: chunkSigns,
                                                          sampleRates: sampleRates, reads: reads)
        var next = 0
        var increments: [BufferIncrement] = []
        for chunk in chunks {
            let last = chunk.samples.upperBound - 1
            currentFastRate = sampleRates[last]
            guard chunk.transferAfter else { continue }
            let transfer = transfers[next]
            next += 1
            increments.append(bufferIncrement(slice: transfer.slice, learningRate: transferRate,
                                              fastColumn: readColumn(fastColumns, after: last, rows: rows),
                                              inSign: transfer.inSign, outSigns: transfer.outSigns))
        }
        arrays.writeSlowSlices(accumulate(increments))
    }

    /// ``ChoppedTransferCompoundParameters/bufferScale(transferRate:currentFastRate:arrays:)``.
    func bufferScale(transferRate: Float) -> Float {
        parameters.bufferScale(transferRate: transferRate, currentFastRate: currentFastRate, arrays: arrays)
    }


    /// One transfer: the read of slice `sliceIndex` into the buffer, the threshold write to `C`
    /// (with `deferringRefresh`, `C`'s weight copy is left for ``TransferArrays/refresh()``),
    /// then the choppers' flips and the next slice.
    mutating func transferSlice(learningRate: Float, deferringRefresh: Bool = false) {
        let t = arrays.sliceIndex
        if let write = transferRead(slice: t, learningRate: learningRate, fastColumn: nil, inSign: inChopper[t],
                                    outSigns: outChopper) {
            arrays.writeSlowSlice(write, deferringRefresh: deferringRefresh)
        }
        advanceChoppers(afterSlice: t)
    }

    /// The read half of a transfer of slice `t`, with the choppers `inSign` (`c_in[t]`) and
    /// `outSigns` (`c_out`) the transfer sees: the buffer updated, and the write to `C` it
    /// calls for returned (nil: none). `fastColumn`: the fast devices' weights of the slice as
    /// they stood at the read (read inside the batch); `nil` reads the devices now.
    mutating func transferRead(slice t: Int, learningRate: Float, fastColumn: [Float]?,
                               inSign sign: Float, outSigns: [Float]) -> TransferSliceWrite? {
        let increment = bufferIncrement(slice: t, learningRate: learningRate, fastColumn: fastColumn, inSign: sign,
                                        outSigns: outSigns)
        return accumulate([increment]).first
    }

    /// What one transfer adds to the buffer's slice `t`: `c_in[t]·c_out ⊙ v·λ`, with `v` the
    /// slice read through the transfer periphery (from `fastColumn`, the fast devices' weights
    /// at the read, or from the devices now) and `λ` the buffer scale at the current fast rate.
    struct BufferIncrement {
        var slice: Int
        var values: [Float]
    }

    mutating func bufferIncrement(slice t: Int, learningRate: Float, fastColumn: [Float]?, inSign sign: Float,
                                  outSigns: [Float]) -> BufferIncrement {
        let io = parameters.transfer.transferForward
        var v = fastColumn.map { arrays.readFastColumn(deviceWeights: $0, io: io) } ?? arrays.readFastSlice(t, io: io)
        let scale = bufferScale(transferRate: learningRate)
        for i in v.indices { v[i] = v[i] * scale * sign * outSigns[i] }
        return BufferIncrement(slice: t, values: v)
    }

    /// The buffer half of transfers, in order: `ω = H[slice] + increment` element by element,
    /// whole pulses `m = clamp(trunc ω, ±desired_bl)` where `|ω| ≥ 1`, then the reset. Returns
    /// the writes to `C` they call for, element by element in the order of
    /// ``TransferArrays/forEachBufferElement(slices:_:)``.
    mutating func accumulate(_ increments: [BufferIncrement]) -> [TransferSliceWrite] {
        let length = arrays.sliceLength, count = increments.count
        let maxSteps = Float(parameters.transfer.transferUpdate.desiredBL)
        let keep = parameters.momentum, subtract = 1 - Swift.min(Swift.max(parameters.momentum, 0), 1)
        let noBuffer = parameters.noBuffer, forgetBuffer = parameters.forgetBuffer
        var steps = [Float](repeating: 0, count: count * length)
        var crossings = [Int](repeating: 0, count: count)
        // increment j's element i at [j·length + i]
        var added: [Float] = []
        added.reserveCapacity(count * length)
        for increment in increments { added.append(contentsOf: increment.values) }
        buffer.withUnsafeMutableBufferPointer { h in
            steps.withUnsafeMutableBufferPointer { steps in
                crossings.withUnsafeMutableBufferPointer { crossings in
                    added.withUnsafeBufferPointer { added in
                        arrays.forEachBufferElement(slices: increments.map { $0.slice }) { j, i, index in
                            var omega = noBuffer ? 0 : h[index]
                            omega += added[j * length + i]
                            if Swift.abs(omega) >= 1 {
                                let n = Swift.max(Swift.min(omega.rounded(.towardZero), maxSteps), -maxSteps)
                                omega = forgetBuffer ? omega * keep : omega - subtract * n
                                steps[j * length + i] = n
                                crossings[j] += 1
                            }
                            h[index] = omega
                        }
                    }
                }
            }
        }
        arrays.statistics.thresholdCrossings += crossings.reduce(0, +)
        let rate = parameters.step * arrays.slow.nominalStep
        return (0..<count).compactMap { j in
            crossings[j] > 0 ? TransferSliceWrite(slice: increments[j].slice,
                                                  values: Array(steps[(j * length)..<((j + 1) * length)]), learningRate: rate) : nil
        }
    }

    /// The chopper half of a transfer of slice `t`: `c_in[t]` flips (with `in_chop_prob`,
    /// randomly or periodically), then ``ChoppedTransferCompoundParameters/finishSliceRead(_:arrays:outChopper:sweeps:generator:)``.
    /// Draws only from the chopper stream: it does not depend on `A`.
    mutating func advanceChoppers(afterSlice t: Int) {
        let p = parameters.inChopProbability
        if p > 0 {
            let flip: Bool
            if parameters.inChopRandom {
                flip = chopperGenerator.nextUniform() < p
            } else {
                let period = Swift.max(Int((1 / p).rounded(.up)), 2)
                flip = (sweeps % period) + 1 == period
            }
            if flip { inChopper[t] = -inChopper[t]; arrays.statistics.chopperFlips += 1 }
        }
        parameters.finishSliceRead(t, arrays: &arrays, outChopper: &outChopper, sweeps: &sweeps, generator: &chopperGenerator)
    }

    public mutating func finishBatch() { arrays.finishBatch() }

    /// `A ← 0`, `C ← target`, counters and buffer cleared (choppers and running maxima kept,
    /// as in aihwkit).
    public mutating func program(_ target: Tensor) {
        arrays.program(target)
        for i in buffer.indices { buffer[i] = 0 }
    }

    public var internalState: [(name: String, tensor: Tensor)] {
        arrays.exportedTensors + [
            ("buffer", Tensor(shape: [rows, columns], scalars: buffer)),
            ("in_chopper", Tensor(inChopper)),
            ("out_chopper", Tensor(outChopper)),
            ("m_x", Tensor([xMaxAverage])),
            ("m_d", Tensor([dMaxAverage])),
            ("count_lr", Tensor([currentFastRate])),
            ("counters.transfer_counter", Tensor([Float(sweeps)])),
        ]
    }
}

/// The parameters of chopped TTv2: aihwkit 1.1 `ChoppedTransferCompound` (Python defaults).
/// Exactly one slice is read per transfer (`n_reads_per_transfer` 1, as aihwkit requires).
public struct ChoppedTransferCompoundParameters: Sendable, Codable, Equatable {
    /// The Tiki-Taka parameters; defaults here: `units_in_mbatch` false, `transfer_update`
    /// `desired_bl` 1 without management (aihwkit's chopped defaults).
    public var transfer: TransferCompoundParameters
    /// [`in_chop_prob`, 0.1]: probability (or frequency, when regular) of an input-chopper
    /// flip after each read of its slice.
    public var inChopProbability: Float = 0.1
    /// [`in_chop_random`, true]: random flips (else regular, every `max(ceil(1/p), 2)` sweeps).
    public var inChopRandom: Bool = true
    /// [`out_chop_prob`, 0]: per-element flip probability of the output choppers after each
    /// full sweep.
    public var outChopProbability: Float = 0
    /// [`buffer_granularity`, 1]: the threshold in units of `dw_min_A`.
    public var bufferGranularity: Float = 1
    /// [`auto_granularity`, 0]: if > 0, scales the threshold by `auto_granularity/(n_in·transfer_every)`.
    public var autoGranularity: Float = 0
    /// [`auto_scale`, false]: sets `η_A` from running maxima of `|x|` and `|d|`.
    public var autoScale: Bool = false
    /// [`auto_momentum`, 0.99]: momentum of those running maxima.
    public var autoMomentum: Float = 0.99
    /// [`correct_gradient_magnitudes`, false]: divides the transfer rate by `η_A` and scales the
    /// threshold by `dw_min_C/dw_min_A`.
    public var correctGradientMagnitudes: Bool = false
    /// [`no_buffer`, false]: the buffer is not carried over between reads.
    public var noBuffer: Bool = false
    /// [`step`, 1]: pulses per unit of `H` written.
    public var step: Float = 1
    /// [`momentum`, 0]: fraction of `H` kept after a write.
    public var momentum: Float = 0
    /// [`forget_buffer`, true]: `H ← momentum·ω` after a write (else `ω − (1−momentum)m`).
    public var forgetBuffer: Bool = true

    /// aihwkit's defaults (transfer settings ``defaultTransfer``).
    public init() { self.init(transfer: Self.defaultTransfer) }

    public init(transfer: TransferCompoundParameters) {
        self.transfer = transfer
    }

    public static var defaultTransfer: TransferCompoundParameters {
        var p = TransferCompoundParameters()
        p.unitsInMiniBatch = false
        p.transferUpdate = .singlePulse
        return p
    }

    public func validate() throws {
        let name = "ChoppedTransferCompound"
        try transfer.validate()
        guard transfer.nReadsPerTransfer == 1 else {
            throw DeviceParameterError(device: name, parameter: "n_reads_per_transfer", "must be 1 (aihwkit's restriction), got \(transfer.nReadsPerTransfer)")
        }
        for (key, value) in [("in_chop_prob", inChopProbability), ("out_chop_prob", outChopProbability)] {
            guard value.isFinite, (0...1).contains(value) else {
                throw DeviceParameterError(device: name, parameter: key, "must be a probability in [0, 1], got \(value)")
            }
        }
        guard autoMomentum.isFinite, (0..<1).contains(autoMomentum) else {
            throw DeviceParameterError(device: name, parameter: "auto_momentum", "must be in [0, 1), got \(autoMomentum)")
        }
        guard bufferGranularity.isFinite, bufferGranularity >= 0 else {
            throw DeviceParameterError(device: name, parameter: "buffer_granularity", "must be ≥ 0 (0: 1), got \(bufferGranularity)")
        }
        guard autoGranularity.isFinite, autoGranularity >= 0 else {
            throw DeviceParameterError(device: name, parameter: "auto_granularity", "must be ≥ 0 (0: off), got \(autoGranularity)")
        }
        guard step.isFinite, step > 0 else { throw DeviceParameterError(device: name, parameter: "step", "must be > 0, got \(step)") }
        guard momentum.isFinite, (0...1).contains(momentum) else {
            throw DeviceParameterError(device: name, parameter: "momentum", "must be in [0, 1], got \(momentum)")
        }
        if correctGradientMagnitudes && autoGranularity > 0 {
            // aihwkit: "auto_granularity has no effect in this case" — in its code it does
            // still scale the threshold; the combination is ambiguous, so it is refused.
            throw DeviceParameterError(device: name, parameter: "auto_granularity",
                                       "cannot be combined with correct_gradient_magnitudes (aihwkit documents it as ignored, its code applies it)")
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case inChopProbability = "in_chop_prob", inChopRandom = "in_chop_random", outChopProbability = "out_chop_prob"
        case bufferGranularity = "buffer_granularity", autoGranularity = "auto_granularity", autoScale = "auto_scale"
        case autoMomentum = "auto_momentum", correctGradientMagnitudes = "correct_gradient_magnitudes"
        case noBuffer = "no_buffer", step, momentum, forgetBuffer = "forget_buffer"
    }

    /// The spec keys: Tiki-Taka's (without `n_reads_per_transfer`, `read_threshold`) and these.
    public static var keys: [String] {
        TransferCompoundParameters.keys.filter { $0 != "n_reads_per_transfer" && $0 != "read_threshold" } + CodingKeys.allCases.map(\.rawValue)
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        transfer = try TransferCompoundParameters(from: decoder, defaults: Self.defaultTransfer)
        inChopProbability = try c.decodeIfPresent(Float.self, forKey: .inChopProbability) ?? inChopProbability
        inChopRandom = try c.decodeIfPresent(Bool.self, forKey: .inChopRandom) ?? inChopRandom
        outChopProbability = try c.decodeIfPresent(Float.self, forKey: .outChopProbability) ?? outChopProbability
        bufferGranularity = try c.decodeIfPresent(Float.self, forKey: .bufferGranularity) ?? bufferGranularity
        autoGranularity = try c.decodeIfPresent(Float.self, forKey: .autoGranularity) ?? autoGranularity
        autoScale = try c.decodeIfPresent(Bool.self, forKey: .autoScale) ?? autoScale
        autoMomentum = try c.decodeIfPresent(Float.self, forKey: .autoMomentum) ?? autoMomentum
        correctGradientMagnitudes = try c.decodeIfPresent(Bool.self, forKey: .correctGradientMagnitudes) ?? correctGradientMagnitudes
        noBuffer = try c.decodeIfPresent(Bool.self, forKey: .noBuffer) ?? noBuffer
        step = try c.decodeIfPresent(Float.self, forKey: .step) ?? step
        momentum = try c.decodeIfPresent(Float.self, forKey: .momentum) ?? momentum
        forgetBuffer = try c.decodeIfPresent(Bool.self, forKey: .forgetBuffer) ?? forgetBuffer
    }

    public func encode(to encoder: any Encoder) throws {
        try transfer.encode(to: encoder, excluding: ["read_threshold", "n_reads_per_transfer"])
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inChopProbability, forKey: .inChopProbability)
        try c.encode(inChopRandom, forKey: .inChopRandom)
        try c.encode(outChopProbability, forKey: .outChopProbability)
        try c.encode(bufferGranularity, forKey: .bufferGranularity)
        try c.encode(autoGranularity, forKey: .autoGranularity)
        try c.encode(autoScale, forKey: .autoScale)
        try c.encode(autoMomentum, forKey: .autoMomentum)
        try c.encode(correctGradientMagnitudes, forKey: .correctGradientMagnitudes)
        try c.encode(noBuffer, forKey: .noBuffer)
        try c.encode(step, forKey: .step)
        try c.encode(momentum, forKey: .momentum)
        try c.encode(forgetBuffer, forKey: .forgetBuffer)
    }
}

/// Builds ``ChoppedTransferCompound`` cells (`A` from `fast`, `C` from `slow`, chopper flips
/// from stream `chopper`).
public struct ChoppedTransferCompoundConfiguration<FastDevice: PulsedDeviceConfiguration, SlowDevice: PulsedDeviceConfiguration>:
    TwoDeviceCellConfiguration {
    public var fast: FastDevice
    public var slow: SlowDevice
    public var parameters: ChoppedTransferCompoundParameters

    public init(fast: FastDevice, slow: SlowDevice,
                parameters: ChoppedTransferCompoundParameters = ChoppedTransferCompoundParameters()) {
        self.fast = fast
        self.slow = slow
        self.parameters = parameters
    }

    public func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                         update: PulsedUpdateParameters,
                         generator: inout SeededGenerator) throws -> ChoppedTransferCompound<FastDevice.DeviceArray, SlowDevice.DeviceArray> {
        let arrays = try makeTransferArrays(outputs: outputs, inputs: inputs, forwardIO: forwardIO, backwardIO: backwardIO,
                                            update: update, generator: &generator)
        return ChoppedTransferCompound(arrays: arrays, parameters: parameters, generator: generator.split(key: "chopper"))
    }
}
