import NeuromorphCore

/// AGAD (aihwkit 1.1 `DynamicTransferCompound`, `rpu_dynamic_transfer_device.cpp`; note
/// `analog-training.md` §1.4; Rasch et al., not in the digest): chopped TTv2 whose transfer
/// compares each read of `A` with the mean of the reads of the previous chopper period, so
/// that `A`'s offset (its symmetry point, a drift, the state left by earlier gradients) is
/// subtracted instead of being transferred.
///
/// The fast update onto `A` is c-TTv2's (choppers, `auto_scale`; see
/// ``ChoppedTransferCompound``). A transfer of slice `t` (column `t` with `transfer_columns`):
///
/// ```
/// n_c  = max(ceil(1/in_chop_prob), 2)           (reads of a slice per chopper period)
/// s    = (sweeps mod n_c) + 1                    (the read's place in its period)
/// m    = min(tail_weightening/n_c, 1)
/// v    = A e_t                                   (transfer_forward IO, bound management off)
/// if slice t's chopper switched at its previous read:  μ_past[:,t] ← μ[:,t]
/// λ    = c-TTv2's read-to-buffer scale (buffer_granularity, auto_granularity, …)
///        / (experimental_correct_accumulation ? min(s, 1/dw_min_A) : 1)
/// ω    = H[:,t] + c_in[t]·c_out ⊙ (v − μ_past[:,t])·λ
/// |ω_i| ≥ 1: n_i = clamp(trunc ω_i, ±desired_bl)
///            ω_i ← forget_buffer ? momentum·ω_i : clamp(ω_i − (1−momentum)n_i, ±desired_bl·buffer_cap)
///                                                   (the cap only when buffer_cap > 0)
/// μ[:,t] ← (1−m)·μ[:,t] + m·v                   (the raw, chopped read)
/// write C[:,t] += step·dw_min_C·n only when sweeps > n_c (no writes in the first n_c sweeps)
/// c_in[t] flips when s = n_c (every n_c sweeps) and, with in_chop_random, also with
///         probability in_chop_prob; a flip marks the slice as switched
/// after the last slice: c_out flips with probability out_chop_prob; sweeps += 1
/// ```
///
/// Errata resolved (note §2.3): aihwkit's docstring (and `docs/source/analog_update.rst`)
/// describes a significance gate on a running std estimate ("no update … if the difference
/// is not significantly different from zero"); its C++ (`readAndUpdate`) keeps no std and has
/// no gate, so none is implemented: every read enters the buffer. With `in_chop_random` the
/// C++ flips both at the end of every regular period and at random, as done here. C++
/// defaults differ from Python's (`tail_weightening` 1 vs 5, `buffer_cap` 10 vs 0): Python's
/// are used. aihwkit's `experimental_fast_lr_feedback` (post-1.1) is not implemented.
public struct DynamicTransferCompound<Fast: PulsedDeviceArray, Slow: PulsedDeviceArray>: UnitCell, ChoppedTransferCell {
    public internal(set) var arrays: TransferArrays<Fast, Slow>
    public let parameters: DynamicTransferCompoundParameters
    /// `H` (`[rows, columns]`, threshold units; aihwkit `buffered_FP_weight`).
    public internal(set) var buffer: [Float]
    /// `μ`: the running mean of the raw reads (aihwkit `running_mean_weight`).
    public internal(set) var runningMean: [Float]
    /// `μ_past`: `μ` at the last chopper switch (aihwkit `past_mean_weight`).
    public internal(set) var pastMean: [Float]
    /// `c_in` and `c_out` (±1).
    public internal(set) var inChopper: [Float]
    public internal(set) var outChopper: [Float]
    /// Whether slice `t`'s input chopper switched at its last read (aihwkit `in_chopper_switched_`).
    public internal(set) var switched: [Bool]
    /// `m_x`, `m_d` (auto_scale) and the fast rate of the last sample.
    public internal(set) var xMaxAverage: Float = 0
    public internal(set) var dMaxAverage: Float = 0
    public internal(set) var currentFastRate: Float = 0
    /// Completed sweeps over all slices (aihwkit `transfer_counter_`).
    public internal(set) var sweeps: Int = 0
    /// Stream `chopper`: random chopper flips.
    var chopperGenerator: SeededGenerator

    public init(arrays: TransferArrays<Fast, Slow>, parameters: DynamicTransferCompoundParameters, generator: SeededGenerator) {
        self.arrays = arrays
        self.parameters = parameters
        let n = arrays.rows * arrays.columns
        buffer = [Float](repeating: 0, count: n)
        runningMean = [Float](repeating: 0, count: n)
        pastMean = [Float](repeating: 0, count: n)
        inChopper = [Float](repeating: 1, count: arrays.sliceCount)
        outChopper = [Float](repeating: 1, count: arrays.sliceLength)
        switched = [Bool](repeating: false, count: arrays.sliceCount)
        chopperGenerator = generator
    }

    public var rows: Int { arrays.rows }
    public var columns: Int { arrays.columns }
    public var weights: Tensor { arrays.weights }
    public static var summaryName: String { "DynamicTransferCompound(\(Fast.self), \(Slow.self))" }

    public mutating func forward(_ x: Tensor) -> Tensor { arrays.forward(x) }
    public mutating func backward(_ d: Tensor) -> Tensor { arrays.backward(d) }

    var chopped: ChoppedTransferCompoundParameters { parameters.chopped }
    var columnChopper: [Float] { arrays.transferColumns ? inChopper : outChopper }
    var rowChopper: [Float] { arrays.transferColumns ? outChopper : inChopper }

    /// `n_c`: reads of one slice per chopper period.
    public var readsPerPeriod: Int {
        let p = chopped.inChopProbability
        return p > 0 ? Swift.max(Int((1 / p).rounded(.up)), 2) : 2
    }

    public mutating func update(x: Tensor, d: Tensor, rates: LearningRates) {
        let base = chopped.transfer
        let rates = base.rates(sgd: rates.sgd)
        let period = TransferSchedule.period(transferEvery: base.transferEvery, unitsInMiniBatch: base.unitsInMiniBatch, batch: x.rows)
        let transferRate = rates.effectiveTransfer * (base.gamma > 0 ? base.gamma : 1)
        // The chopped fast update of c-TTv2 (``TransferArrays/updateFastChopped``).
        var scale = ChoppedAutoScale(xMaxAverage: xMaxAverage, dMaxAverage: dMaxAverage)
        let sampleRates = scale.sampleRates(x: x, d: d, arrays: arrays, parameters: chopped, fastRate: rates.effectiveFast)
        (xMaxAverage, dMaxAverage) = (scale.xMaxAverage, scale.dMaxAverage)
        applyChoppedBatch(x: x, d: d, chunks: TransferSchedule.chunks(count: arrays.updateCount, batch: x.rows, period: period),
                          sampleRates: sampleRates, transferRate: transferRate)
        arrays.refresh()
    }

    var transferReadIO: IOParameters { chopped.transfer.transferForward }

    /// (This cell's transfers always leave `C`'s weight copy for the refresh.)
    mutating func transferDeferringRefresh(learningRate: Float) { transferSlice(learningRate: learningRate) }

    /// What a transfer of slice `t` sees of the choppers and counters: `c_in[t]`, `c_out`, the
    /// sweep count and whether `c_in[t]` flipped since the slice's previous read.
    struct TransferView {
        var slice: Int
        var inSign: Float
        var outSigns: [Float]
        var sweeps: Int
        var wasSwitched: Bool
    }

    /// The batch in one fast update with the transfers' column reads inside it, as
    /// ``ChoppedTransferCompound`` does (the choppers and counters advanced through the batch's
    /// transfers first: they draw only from the chopper stream and do not depend on `A`).
    mutating func updateReadingInsideBatch(x: Tensor, d: Tensor, chunks: [(samples: Range<Int>, transferAfter: Bool)],
                                           sampleRates: [Float], transferRate: Float) {
        var reads = [Int32](repeating: -1, count: x.rows)
        var chunkSigns: [(columns: [Float], rows: [Float])] = []
        var views: [TransferView] = []
        for chunk in chunks {
            chunkSigns.append((columnChopper, rowChopper))
            guard chunk.transferAfter else { continue }
            reads[chunk.samples.upperBound - 1] = Int32(arrays.sliceIndex)
            views.append(beginTransfer())
        }
        let fastColumns = arrays.updateFastChoppedReading(x: x, d: d, chunks: chunks, chunkSigns: chunkSigns,
                                                          sampleRates: sampleRates, reads: reads)
        var transfers = views.makeIterator()
        var readings: [TransferReading] = []
        for chunk in chunks {
            currentFastRate = sampleRates[chunk.samples.upperBound - 1]
            guard chunk.transferAfter, let view = transfers.next() else { continue }
            readings.append(reading(view, learningRate: transferRate,
                                    fastColumn: readColumn(fastColumns, after: chunk.samples.upperBound - 1, rows: rows)))
        }
        arrays.writeSlowSlices(accumulate(readings))
    }

    /// ``ChoppedTransferCompoundParameters/bufferScale(transferRate:currentFastRate:arrays:)``.
    func bufferScale(transferRate: Float) -> Float {
        chopped.bufferScale(transferRate: transferRate, currentFastRate: currentFastRate, arrays: arrays)
    }


    mutating func transferSlice(learningRate: Float) {
        let view = beginTransfer()
        if let write = transferRead(view, learningRate: learningRate, fastColumn: nil) {
            arrays.writeSlowSlice(write, deferringRefresh: true)
        }
    }

    /// The chopper half of a transfer of slice `sliceIndex`: records what the transfer sees,
    /// clears the slice's switched flag, flips `c_in[t]` at the end of its period (or with
    /// `in_chop_prob` when random), then
    /// ``ChoppedTransferCompoundParameters/finishSliceRead(_:arrays:outChopper:sweeps:generator:)``.
    mutating func beginTransfer() -> TransferView {
        let t = arrays.sliceIndex
        let view = TransferView(slice: t, inSign: inChopper[t], outSigns: outChopper, sweeps: sweeps, wasSwitched: switched[t])
        switched[t] = false
        let sample = (sweeps % readsPerPeriod) + 1
        var flip = sample == readsPerPeriod
        if chopped.inChopRandom && chopperGenerator.nextUniform() < chopped.inChopProbability { flip = true }
        if flip {
            inChopper[t] = -inChopper[t]
            switched[t] = true
            arrays.statistics.chopperFlips += 1
        }
        chopped.finishSliceRead(t, arrays: &arrays, outChopper: &outChopper, sweeps: &sweeps, generator: &chopperGenerator)
        return view
    }

    /// The read half of a transfer: the buffer and means updated, and the write to `C` it calls
    /// for returned (nil: none). `fastColumn`: the fast devices' weights of the slice at the
    /// read, read inside the batch; `nil`: read the devices now.
    mutating func transferRead(_ view: TransferView, learningRate: Float,
                               fastColumn: [Float]?) -> TransferSliceWrite? {
        accumulate([reading(view, learningRate: learningRate, fastColumn: fastColumn)]).first
    }

    /// One transfer's read: slice `view.slice` through the transfer periphery (from
    /// `fastColumn`, the fast devices' weights at the read, or from the devices now), with the
    /// buffer scale at the current fast rate and what the transfer sees of the choppers.
    struct TransferReading {
        var view: TransferView
        var values: [Float]
        var scale: Float
    }

    mutating func reading(_ view: TransferView, learningRate: Float, fastColumn: [Float]?) -> TransferReading {
        let io = chopped.transfer.transferForward
        let v = fastColumn.map { arrays.readFastColumn(deviceWeights: $0, io: io) } ?? arrays.readFastSlice(view.slice, io: io)
        let sample = (view.sweeps % readsPerPeriod) + 1
        var scale = bufferScale(transferRate: learningRate)
        if parameters.experimentalCorrectAccumulation {
            scale /= Swift.min(Float(sample), 1 / arrays.fast.nominalStep)
        }
        return TransferReading(view: view, values: v, scale: scale)
    }

    /// The buffer half of transfers, in order, element by element: the past mean taken over
    /// where `c_in` switched, `ω = H + (v − past)·λ·c_in·c_out`, whole pulses where `|ω| ≥ 1`,
    /// the reset, the running mean. Returns the writes to `C` they call for, element by element
    /// in the order of ``TransferArrays/forEachBufferElement(slices:_:)``.
    mutating func accumulate(_ readings: [TransferReading]) -> [TransferSliceWrite] {
        let length = arrays.sliceLength, count = readings.count
        let periodReads = readsPerPeriod
        let meanRate = Swift.min(parameters.tailWeightening / Float(periodReads), 1)
        let maxSteps = Float(chopped.transfer.transferUpdate.desiredBL)
        let cap = maxSteps * parameters.bufferCap
        let keep = chopped.momentum, subtract = 1 - Swift.min(Swift.max(chopped.momentum, 0), 1)
        let forgetBuffer = chopped.forgetBuffer
        // per transfer j: switched flag, scale, c_in; per element: v and c_out at [j·length + i]
        let switched = readings.map { $0.view.wasSwitched }
        let scales = readings.map { $0.scale }, signs = readings.map { $0.view.inSign }
        var values: [Float] = [], outSigns: [Float] = []
        values.reserveCapacity(count * length)
        outSigns.reserveCapacity(count * length)
        for r in readings {
            values.append(contentsOf: r.values)
            outSigns.append(contentsOf: r.view.outSigns)
        }
        var steps = [Float](repeating: 0, count: count * length)
        var crossings = [Int](repeating: 0, count: count)
        buffer.withUnsafeMutableBufferPointer { h in
            pastMean.withUnsafeMutableBufferPointer { past in
                runningMean.withUnsafeMutableBufferPointer { running in
                    steps.withUnsafeMutableBufferPointer { steps in
                        crossings.withUnsafeMutableBufferPointer { crossings in
                            arrays.forEachBufferElement(slices: readings.map { $0.view.slice }) { j, i, index in
                                let k = j * length + i
                                if switched[j] { past[index] = running[index] }
                                var omega = h[index] + (values[k] - past[index]) * scales[j] * signs[j] * outSigns[k]
                                if Swift.abs(omega) >= 1 {
                                    let n = Swift.max(Swift.min(omega.rounded(.towardZero), maxSteps), -maxSteps)
                                    if forgetBuffer {
                                        omega *= keep
                                    } else {
                                        omega -= subtract * n
                                        if cap > 0 { omega = Swift.max(Swift.min(omega, cap), -cap) }
                                    }
                                    steps[k] = n
                                    crossings[j] += 1
                                }
                                h[index] = omega
                                running[index] = running[index] * (1 - meanRate) + values[k] * meanRate
                            }
                        }
                    }
                }
            }
        }
        arrays.statistics.thresholdCrossings += crossings.reduce(0, +)
        let rate = chopped.step * arrays.slow.nominalStep
        return (0..<count).compactMap { j in
            crossings[j] > 0 && readings[j].view.sweeps > periodReads
                ? TransferSliceWrite(slice: readings[j].view.slice, values: Array(steps[(j * length)..<((j + 1) * length)]), learningRate: rate)
                : nil
        }
    }

    public mutating func finishBatch() { arrays.finishBatch() }

    /// `A ← 0`, `C ← target`, buffer and means cleared (choppers, switch flags and running
    /// maxima kept, as c-TTv2).
    public mutating func program(_ target: Tensor) {
        arrays.program(target)
        for i in buffer.indices { buffer[i] = 0; runningMean[i] = 0; pastMean[i] = 0 }
        sweeps = 0
    }

    /// `device0.*`, `device1.*`, `buffer`, `running_mean`, `past_mean` (`[rows, columns]`),
    /// the choppers, switch flags, counters and statistics.
    public var internalState: [(name: String, tensor: Tensor)] {
        let shape = [rows, columns]
        return arrays.exportedTensors + [
            ("buffer", Tensor(shape: shape, scalars: buffer)),
            ("running_mean", Tensor(shape: shape, scalars: runningMean)),
            ("past_mean", Tensor(shape: shape, scalars: pastMean)),
            ("in_chopper", Tensor(inChopper)),
            ("out_chopper", Tensor(outChopper)),
            ("in_chopper_switched", Tensor(switched.map { $0 ? 1 : 0 })),
            ("auto_scale.x_max", Tensor([xMaxAverage])),
            ("auto_scale.d_max", Tensor([dMaxAverage])),
            ("counters.sweeps", Tensor([Float(sweeps)])),
        ]
    }
}

/// The parameters of ``DynamicTransferCompound`` (aihwkit 1.1 `DynamicTransferCompound`
/// names and Python defaults): c-TTv2's (``ChoppedTransferCompoundParameters``) with AGAD's
/// defaults `in_chop_prob` 0.1 and `in_chop_random` false, and
///
/// | key | meaning | default |
/// |---|---|---|
/// | `tail_weightening` | weight of the newest read in the running mean, ×n_c: `m = min(tail/n_c, 1)` | 5 |
/// | `buffer_cap` | cap on `|H|` in units of the transfer's `desired_bl`, only without `forget_buffer` (0: none) | 0 |
/// | `experimental_correct_accumulation` | divide the buffer increment by the read's place in its period | false |
public struct DynamicTransferCompoundParameters: Sendable, Codable, Equatable {
    public var chopped: ChoppedTransferCompoundParameters
    public var tailWeightening: Float = 5
    public var bufferCap: Float = 0
    public var experimentalCorrectAccumulation: Bool = false

    public init() {
        chopped = ChoppedTransferCompoundParameters()
        chopped.inChopRandom = false
    }

    public func validate() throws {
        let name = "DynamicTransferCompound"
        do { try chopped.validate() } catch let error as DeviceParameterError {
            throw DeviceParameterError(device: name, parameter: error.parameter, error.message)
        }
        guard chopped.inChopProbability > 0 else {
            throw DeviceParameterError(device: name, parameter: "in_chop_prob",
                                       "must be > 0: AGAD compares chopper periods (aihwkit's restriction), got \(chopped.inChopProbability)")
        }
        guard chopped.autoMomentum > 0 else {
            throw DeviceParameterError(device: name, parameter: "auto_momentum", "must be in (0, 1) (aihwkit's restriction), got \(chopped.autoMomentum)")
        }
        guard chopped.transfer.transferEvery > 0 else {
            throw DeviceParameterError(device: name, parameter: "transfer_every", "must be > 0, got \(chopped.transfer.transferEvery)")
        }
        guard tailWeightening.isFinite, tailWeightening > 0 else {
            throw DeviceParameterError(device: name, parameter: "tail_weightening", "must be > 0, got \(tailWeightening)")
        }
        guard bufferCap.isFinite, bufferCap >= 0 else {
            throw DeviceParameterError(device: name, parameter: "buffer_cap", "must be ≥ 0 (0: no cap), got \(bufferCap)")
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tailWeightening = "tail_weightening", bufferCap = "buffer_cap"
        case experimentalCorrectAccumulation = "experimental_correct_accumulation"
    }

    /// The spec keys: c-TTv2's and these.
    public static var keys: [String] { ChoppedTransferCompoundParameters.keys + CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        self.init()
        let defaults = chopped
        chopped = try ChoppedTransferCompoundParameters(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try decoder.container(keyedBy: AnyKey.self)
        if !raw.contains(AnyKey(stringValue: "in_chop_random")) { chopped.inChopRandom = defaults.inChopRandom }
        tailWeightening = try c.decodeIfPresent(Float.self, forKey: .tailWeightening) ?? tailWeightening
        bufferCap = try c.decodeIfPresent(Float.self, forKey: .bufferCap) ?? bufferCap
        experimentalCorrectAccumulation = try c.decodeIfPresent(Bool.self, forKey: .experimentalCorrectAccumulation)
            ?? experimentalCorrectAccumulation
    }

    public func encode(to encoder: any Encoder) throws {
        try chopped.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tailWeightening, forKey: .tailWeightening)
        try c.encode(bufferCap, forKey: .bufferCap)
        try c.encode(experimentalCorrectAccumulation, forKey: .experimentalCorrectAccumulation)
    }
}

/// Builds ``DynamicTransferCompound`` cells (`A` from `fast`, `C` from `slow`, chopper flips
/// from stream `chopper`).
public struct DynamicTransferCompoundConfiguration<FastDevice: PulsedDeviceConfiguration, SlowDevice: PulsedDeviceConfiguration>:
    TwoDeviceCellConfiguration {
    public var fast: FastDevice
    public var slow: SlowDevice
    public var parameters: DynamicTransferCompoundParameters

    public init(fast: FastDevice, slow: SlowDevice, parameters: DynamicTransferCompoundParameters = DynamicTransferCompoundParameters()) {
        self.fast = fast
        self.slow = slow
        self.parameters = parameters
    }

    public func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                         update: PulsedUpdateParameters,
                         generator: inout SeededGenerator) throws -> DynamicTransferCompound<FastDevice.DeviceArray, SlowDevice.DeviceArray> {
        let arrays = try makeTransferArrays(outputs: outputs, inputs: inputs, forwardIO: forwardIO, backwardIO: backwardIO,
                                            update: update, generator: &generator)
        return DynamicTransferCompound(arrays: arrays, parameters: parameters, generator: generator.split(key: "chopper"))
    }
}
