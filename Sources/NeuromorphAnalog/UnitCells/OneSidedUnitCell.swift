import NeuromorphCore

/// A plus-minus pair of devices of one model per cross-point, each updated in one direction
/// only, with a periodic refresh (aihwkit 1.1 `OneSidedUnitCell`, C++ `OneSidedRPUDevice` in
/// `rpu_onesided_device.cpp`):
///
/// ```
/// W = g⁺ − g⁻                                  (device1 = g⁺, device0 = g⁻, as aihwkit's indices)
/// g⁺ ← g⁺ + η Σ_b [−d_b x_bᵀ]₊                 (the increases of W: up pulses on g⁺ only)
/// g⁻ ← g⁻ + η Σ_b [ d_b x_bᵀ]₊                 (the decreases of W: up pulses on g⁻ only)
/// ```
///
/// Routing by sign with the unchanged pulsed-update kernel: `[d xᵀ]₊ = d⁺x⁺ᵀ + d⁻x⁻ᵀ` and
/// `[−d xᵀ]₊ = d⁺x⁻ᵀ + d⁻x⁺ᵀ` (`v⁺ = max(v, 0)`, `v⁻ = max(−v, 0)`), so each array gets one
/// batch of `2B` rows with non-negative inputs and non-positive errors, `D = −[d⁺; d⁻]`,
/// `X⁺ = [x⁻; x⁺]` for g⁺ and `X⁻ = [x⁺; x⁻]` for g⁻: every coincidence is an up pulse
/// and `Δg⁺ − Δg⁻ = −η d xᵀ`, the SGD step.
///
/// Refresh (aihwkit `refreshWeights`), when `refresh_every > 0` and the count of vector
/// updates `n` satisfies `n mod (refresh_every · B) = 0` (`units_in_mbatch`, `B` the
/// mini-batch) or `n mod refresh_every = 0`: every column `j` of both arrays is read with a
/// one-hot input through `refresh_forward` (`ĝ⁺`, `ĝ⁻`, with its read noise); a device pair
/// is refreshed where
///
/// ```
/// ĝ⁺ > ĝ⁻:  ĝ⁺/w_max > upper  and  ĝ⁻/w_max > lower
/// else:     ĝ⁺/w_max > lower  and  ĝ⁻/w_max > upper      (upper, lower: refresh_*_thres)
/// ```
///
/// Both devices of a refreshed pair are reset (`reset`, `reset_dtod`, `reset_std` of the
/// device) and the larger one is rewritten open-loop with `|ĝ⁺ − ĝ⁻|` by one pulsed update of
/// learning rate 1 with `refresh_update` settings, so `W` keeps its value up to the read
/// noise, the reset noise and the write's pulse granularity. `w_max` is the mean sampled
/// `w_max` of the g⁺ array (aihwkit uses the nominal `w_max`; equal without `w_max_dtod`).
///
/// Programming (aihwkit `onSetWeights`) writes `g⁺ = max(W, 0)`, `g⁻ = max(−W, 0)` and resets
/// the counters. Differences from aihwkit: (1) aihwkit draws one pulse train per input and
/// error element and routes each coincidence by its sign; here each array draws its own trains
/// for the split vectors (same expected step; the management scales are those of the split
/// vectors). (2) The refresh of all columns is one batch of one-hot writes instead of one
/// write per column (independent columns: the same expected result).
///
/// `copy_inverted` (aihwkit `OneSidedRPUDevice::populate`): after the device-to-device draw,
/// g⁺ (device 1) becomes g⁻'s devices seen through `w ↦ −w`, device by device
/// (``InvertibleDeviceArray``: `dw_min_up ↔ dw_min_down`, `b_max′ = −b_min`, `b_min′ = −b_max`,
/// the model's up/down parameters swapped), keeping its own random streams. g⁺ is still
/// pulsed up only, so an increase of `W` moves g⁺ as a *down* pulse moves g⁻ (mirrored).
/// On a device with bounds `[0, w_max]` that puts g⁺ in `[−w_max, 0]`, so `W ≤ 0`, as in
/// aihwkit. aihwkit's own copy takes g⁺'s own sampled step scales and bounds (swapped and
/// mirrored) and only the model parts from g⁻; see ``InvertibleDeviceArray``.
public struct OneSidedUnitCell<Devices: PulsedDeviceArray>: UnitCell {
    /// `[g⁻, g⁺]` (`device0`, `device1`).
    public private(set) var arrays: [CrossbarArray<Devices>]
    public let parameters: OneSidedUnitCellParameters
    /// The `w_max` the refresh criterion normalizes by (nil: no finite bound, no refresh).
    public let referenceMax: Float?
    /// Vector updates since the last programming (aihwkit `current_update_idx_`).
    public private(set) var updateCount: Int
    /// Devices refreshed since the last programming (aihwkit `refresh_counter_`).
    public private(set) var refreshCount: Int
    /// `g⁺ − g⁻`, kept in step with the arrays.
    public private(set) var weights: Tensor

    static var minus: Int { 0 }
    static var plus: Int { 1 }

    /// A cell from the two built arrays `[g⁻, g⁺]` of equal size.
    public init(arrays: [CrossbarArray<Devices>], parameters: OneSidedUnitCellParameters, referenceMax: Float?) {
        precondition(arrays.count == 2, "OneSidedUnitCell: \(arrays.count) arrays, expected 2")
        precondition(arrays[0].rows == arrays[1].rows && arrays[0].columns == arrays[1].columns,
                     "OneSidedUnitCell: arrays of different sizes")
        self.arrays = arrays
        self.parameters = parameters
        self.referenceMax = referenceMax
        updateCount = 0
        refreshCount = 0
        weights = Self.reduce(arrays)
    }

    public var rows: Int { arrays[0].rows }
    public var columns: Int { arrays[0].columns }
    public static var summaryName: String { "OneSidedUnitCell(\(Devices.self))" }

    /// `g⁺ − g⁻` (aihwkit `reduceToWeights` with `reduce_weightening = [−1, 1]`).
    static func reduce(_ arrays: [CrossbarArray<Devices>]) -> Tensor {
        var w = arrays[plus].weights
        w.addScaled(arrays[minus].weights, by: -1)
        return w
    }

    mutating func reduceWeights() { weights = Self.reduce(arrays) }

    public mutating func forward(_ x: Tensor) -> Tensor {
        arrays[0].read(x, weights: weights, transpose: .transposed, io: arrays[0].forwardIO)
    }

    public mutating func backward(_ d: Tensor) -> Tensor {
        arrays[0].read(d, weights: weights, transpose: .none, io: arrays[0].backwardIO)
    }

    /// The one-sided pulsed update of both arrays, then the refresh when it is due.
    public mutating func update(x: Tensor, d: Tensor, rates: LearningRates) {
        pulseBoth(x: x, d: d, learningRate: rates.sgd)
        countVectorUpdates(x.rows)
    }

    /// The sign-split pulsed update of g⁺ and g⁻ (see the type's doc comment).
    mutating func pulseBoth(x: Tensor, d: Tensor, learningRate: Float) {
        let split = OneSidedSplit(x: x, d: d)
        arrays[Self.plus].update(x: split.increasing, d: split.errors, learningRate: learningRate)
        arrays[Self.minus].update(x: split.decreasing, d: split.errors, learningRate: learningRate)
    }

    /// Counts `n` vector updates (one mini-batch of `n` samples) and refreshes when due
    /// (aihwkit `finishUpdateCycle` with `m_batch_info = n`).
    mutating func countVectorUpdates(_ n: Int) {
        updateCount += n
        if parameters.refreshDue(updateCount: updateCount, batch: n) { refresh() }
        reduceWeights()
    }

    public mutating func finishBatch() {
        guard arrays.contains(where: \.hasSlowDynamics) else { return }
        for k in arrays.indices { arrays[k].postUpdate() }
        reduceWeights()
    }

    /// aihwkit `onSetWeights`: `g⁺ = max(W, 0)`, `g⁻ = max(−W, 0)` (clipped to the devices'
    /// bounds), counters reset.
    public mutating func program(_ target: Tensor) {
        updateCount = 0
        refreshCount = 0
        arrays[Self.plus].setWeights(target.map { Swift.max($0, 0) })
        arrays[Self.minus].setWeights(target.map { Swift.max(-$0, 0) })
        reduceWeights()
    }

    /// Reads both arrays column by column through `refresh_forward`, resets the pairs past
    /// the thresholds and rewrites their difference onto the larger device. Returns the
    /// number of refreshed pairs (aihwkit counts them the same way).
    @discardableResult
    public mutating func refresh() -> Int {
        guard let wMax = referenceMax else { return 0 }
        let io = parameters.refreshForward
        let readPlus = arrays[Self.plus].readColumns(0..<columns, io: io)     // [columns, rows]
        let readMinus = arrays[Self.minus].readColumns(0..<columns, io: io)
        let decision = OneSidedRefresh.decide(plus: readPlus.scalars, minus: readMinus.scalars, rows: rows, columns: columns,
                                              wMax: wMax, upper: parameters.refreshUpperThres,
                                              lower: parameters.refreshLowerThres)
        guard !decision.indices.isEmpty else { return 0 }
        for k in arrays.indices { arrays[k].resetDevices(at: decision.indices) }
        rewrite(Self.plus, decision.plusWrites)
        rewrite(Self.minus, decision.minusWrites)
        refreshCount += decision.indices.count
        reduceWeights()
        return decision.indices.count
    }

    /// One pulsed update of learning rate 1 with `refresh_update` settings: one one-hot input
    /// row per column to write, `d = −value` (so the device moves up by `value`).
    private mutating func rewrite(_ k: Int, _ writes: [Int: [Float]]) {
        guard !writes.isEmpty else { return }
        let order = writes.keys.sorted()
        var x = Tensor.zeros([order.count, columns])
        var d = Tensor.zeros([order.count, rows])
        for (r, j) in order.enumerated() {
            x.scalars[r * columns + j] = 1
            for (i, v) in writes[j, default: []].enumerated() { d.scalars[r * rows + i] = -v }
        }
        let training = arrays[k].update
        arrays[k].update = parameters.refreshUpdate
        arrays[k].update(x: x, d: d, learningRate: 1)
        arrays[k].update = training
    }

    public var internalState: [(name: String, tensor: Tensor)] {
        arrays.enumerated().flatMap { k, array in array.exportedTensors(prefix: "device\(k)") } + [
            ("counters.current_update_idx", Tensor([Float(updateCount)])),
            ("counters.refresh_counter", Tensor([Float(refreshCount)])),
        ]
    }
}

// MARK: - The analog part of mixed precision

extension OneSidedUnitCell: MixedPrecisionAnalogPart {
    public var nominalStep: Float { arrays[Self.plus].nominalStep }

    /// The one-sided write of both devices with management on, then the refresh when the
    /// count of vector updates makes it due (aihwkit's `finishUpdateCycle` runs after every
    /// transferred row, with `m_batch_info` = the rows of the transfer).
    public mutating func managedWrite(x: Tensor, d: Tensor, learningRate: Float, vectorUpdates: Int) -> Int {
        var pulses = 0
        if x.rows > 0 {
            let saved = arrays.map(\.update)
            let before = arrays.reduce(0) { $0 + $1.totalPulseCount }
            for k in arrays.indices {
                arrays[k].update.updateManagement = true
                arrays[k].update.bitLengthManagement = true
            }
            pulseBoth(x: x, d: d, learningRate: learningRate)
            for k in arrays.indices { arrays[k].update = saved[k] }
            pulses = arrays.reduce(0) { $0 + $1.totalPulseCount } - before
        }
        countVectorUpdates(vectorUpdates)
        return pulses
    }

    public func exportedTensors(prefix: String) -> [(name: String, tensor: Tensor)] {
        internalState.map { ("\(prefix).\($0.name)", $0.tensor) }
    }

    public static var partName: String { summaryName }
}

// MARK: - Pure steps

/// The sign split of a mini-batch for ``OneSidedUnitCell`` (see its doc comment): errors
/// `D = −[d⁺; d⁻]`, inputs `[x⁻; x⁺]` for g⁺ and `[x⁺; x⁻]` for g⁻, all `2B` rows.
struct OneSidedSplit {
    var errors: Tensor
    var increasing: Tensor
    var decreasing: Tensor

    init(x: Tensor, d: Tensor) {
        let b = x.rows
        let xPlus = x.map { Swift.max($0, 0) }, xMinus = x.map { Swift.max(-$0, 0) }
        errors = Tensor(shape: [2 * b, d.columns],
                        scalars: d.scalars.map { -Swift.max($0, 0) } + d.scalars.map { -Swift.max(-$0, 0) })
        increasing = Tensor(shape: [2 * b, x.columns], scalars: xMinus.scalars + xPlus.scalars)
        decreasing = Tensor(shape: [2 * b, x.columns], scalars: xPlus.scalars + xMinus.scalars)
    }
}

/// The refresh decision of ``OneSidedUnitCell`` (aihwkit `refreshCriterion`) from the reads.
enum OneSidedRefresh {
    struct Decision {
        /// Row-major indices `i · columns + j` of the refreshed pairs.
        var indices: [Int] = []
        /// Per column, the values to write onto g⁺ (`ĝ⁺ − ĝ⁻` where g⁺ is larger, else 0).
        var plusWrites: [Int: [Float]] = [:]
        /// Per column, the values to write onto g⁻.
        var minusWrites: [Int: [Float]] = [:]
    }

    /// `plus`, `minus`: the reads `[columns, rows]` (row `j` holds column `j`).
    static func decide(plus: [Float], minus: [Float], rows: Int, columns: Int, wMax: Float,
                       upper: Float, lower: Float) -> Decision {
        var decision = Decision()
        for j in 0..<columns {
            for i in 0..<rows {
                let wp = plus[j * rows + i], wm = minus[j * rows + i]
                let due = wp > wm ? (wp / wMax > upper && wm / wMax > lower) : (wp / wMax > lower && wm / wMax > upper)
                guard due else { continue }
                decision.indices.append(i * columns + j)
                if wp > wm {
                    decision.plusWrites[j, default: [Float](repeating: 0, count: rows)][i] = wp - wm
                } else {
                    decision.minusWrites[j, default: [Float](repeating: 0, count: rows)][i] = wm - wp
                }
            }
        }
        decision.indices.sort()
        return decision
    }
}

// MARK: - Parameters

/// The parameters of ``OneSidedUnitCell`` (aihwkit 1.1 `OneSidedUnitCell` names and defaults).
public struct OneSidedUnitCellParameters: Sendable, Codable, Equatable {
    /// [`refresh_every`, 0]: refresh period in vector updates (in mini-batches with
    /// `units_in_mbatch`); 0 = never.
    public var refreshEvery: Int = 0
    /// [`units_in_mbatch`, true]: count `refresh_every` in mini-batches.
    public var unitsInMbatch: Bool = true
    /// [`refresh_upper_thres`, 0.75]: the larger device's `g/w_max` above which a pair is refreshed.
    public var refreshUpperThres: Float = 0.75
    /// [`refresh_lower_thres`, 0.25]: the smaller device's `g/w_max` that must also be exceeded.
    public var refreshLowerThres: Float = 0.25
    /// [`refresh_forward`, aihwkit `IOParameters()`]: the periphery of the refresh reads (here
    /// the forward defaults with bound management off, as the transfer reads).
    public var refreshForward: IOParameters = .transferDefault
    /// [`refresh_update`, aihwkit `UpdateParameters()`]: the pulsed update of the rewrite.
    public var refreshUpdate = PulsedUpdateParameters()
    /// [`copy_inverted`, false]: g⁺ (device 1) is g⁻'s sampled devices mirrored, `w ↦ −w`
    /// (up and down steps swapped, bounds mirrored; see ``InvertibleDeviceArray``). A device
    /// model without a defined mirror is refused when the cell is built.
    public var copyInverted: Bool = false

    public init() {}

    /// Whether a refresh is due after `updateCount` vector updates, the last batch of `batch`.
    func refreshDue(updateCount: Int, batch: Int) -> Bool {
        guard refreshEvery > 0 else { return false }
        let period = unitsInMbatch ? refreshEvery * Swift.max(batch, 1) : refreshEvery
        return updateCount % period == 0
    }

    public func validate() throws {
        let name = "OneSidedUnitCell"
        guard refreshEvery >= 0 else {
            throw DeviceParameterError(device: name, parameter: "refresh_every", "must be ≥ 0 (0 = no refresh), got \(refreshEvery)")
        }
        guard refreshUpperThres.isFinite, refreshUpperThres >= 0 else {
            throw DeviceParameterError(device: name, parameter: "refresh_upper_thres",
                                       "must be a finite fraction of w_max ≥ 0, got \(refreshUpperThres)")
        }
        guard refreshLowerThres.isFinite, refreshLowerThres >= 0, refreshLowerThres <= refreshUpperThres else {
            throw DeviceParameterError(device: name, parameter: "refresh_lower_thres",
                                       "must be finite, ≥ 0 and ≤ refresh_upper_thres (\(refreshUpperThres)), got \(refreshLowerThres)")
        }
        do { try refreshForward.validate("refresh_forward") } catch let error as DeviceParameterError {
            throw DeviceParameterError(device: name, parameter: "refresh_forward", "\(error.parameter) \(error.message)")
        }
        do { try refreshUpdate.validate() } catch let error as DeviceParameterError {
            throw DeviceParameterError(device: name, parameter: "refresh_update.\(error.parameter)", error.message)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case refreshEvery = "refresh_every", unitsInMbatch = "units_in_mbatch"
        case refreshUpperThres = "refresh_upper_thres", refreshLowerThres = "refresh_lower_thres"
        case refreshForward = "refresh_forward", refreshUpdate = "refresh_update", copyInverted = "copy_inverted"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// Decodes the keys given; the others keep their defaults.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        refreshEvery = try c.decodeIfPresent(Int.self, forKey: .refreshEvery) ?? refreshEvery
        unitsInMbatch = try c.decodeIfPresent(Bool.self, forKey: .unitsInMbatch) ?? unitsInMbatch
        refreshUpperThres = try c.decodeIfPresent(Float.self, forKey: .refreshUpperThres) ?? refreshUpperThres
        refreshLowerThres = try c.decodeIfPresent(Float.self, forKey: .refreshLowerThres) ?? refreshLowerThres
        refreshForward = try c.decodeIfPresent(IOParameters.self, forKey: .refreshForward) ?? refreshForward
        refreshUpdate = try c.decodeIfPresent(PulsedUpdateParameters.self, forKey: .refreshUpdate) ?? refreshUpdate
        copyInverted = try c.decodeIfPresent(Bool.self, forKey: .copyInverted) ?? copyInverted
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(refreshEvery, forKey: .refreshEvery)
        try c.encode(unitsInMbatch, forKey: .unitsInMbatch)
        try c.encode(refreshUpperThres, forKey: .refreshUpperThres)
        try c.encode(refreshLowerThres, forKey: .refreshLowerThres)
        try c.encode(refreshForward, forKey: .refreshForward)
        try c.encode(refreshUpdate, forKey: .refreshUpdate)
        try c.encode(copyInverted, forKey: .copyInverted)
    }
}

/// Builds ``OneSidedUnitCell`` cells of one device model: g⁻ draws from stream `device.0`,
/// g⁺ from `device.1` (aihwkit's indices). With `copy_inverted`, g⁺'s sampled devices are then
/// replaced by g⁻'s mirrored (its streams for pulses, reads and resets stay its own), and the
/// refresh normalizes by g⁻'s mean sampled `w_max` (aihwkit: the nominal `w_max`).
public struct OneSidedUnitCellConfiguration<Device: PulsedDeviceConfiguration>: UnitCellConfiguration {
    public var device: Device
    public var parameters: OneSidedUnitCellParameters

    public init(device: Device, parameters: OneSidedUnitCellParameters = OneSidedUnitCellParameters()) {
        self.device = device
        self.parameters = parameters
    }

    public func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                         update: PulsedUpdateParameters,
                         generator: inout SeededGenerator) throws -> OneSidedUnitCell<Device.DeviceArray> {
        try parameters.validate()
        var arrays: [CrossbarArray<Device.DeviceArray>] = []
        for k in 0..<2 {
            var deviceGenerator = generator.split(key: StreamKey("device.\(k)"))
            arrays.append(try CrossbarArray(outputs: outputs, inputs: inputs, device: device, forwardIO: forwardIO,
                                            backwardIO: backwardIO, update: update, generator: &deviceGenerator))
        }
        typealias Cell = OneSidedUnitCell<Device.DeviceArray>
        if parameters.copyInverted {
            guard arrays[Cell.plus].copyInvertedDevices(from: arrays[Cell.minus]) else {
                throw DeviceParameterError(device: "OneSidedUnitCell(\(Device.self))", parameter: "copy_inverted",
                                           "true needs a device model with a mirrored copy (up and down steps and bounds); "
                                           + "\(Device.DeviceArray.self) has none; use false")
            }
        }
        // The unmirrored array's bounds: g⁺'s own without copy_inverted, g⁻'s with it.
        let bounds = arrays[parameters.copyInverted ? Cell.minus : Cell.plus].sampledParameters["w_max"] ?? []
        let mean = bounds.isEmpty ? Float.infinity : bounds.reduce(0, +) / Float(bounds.count)
        let referenceMax: Float? = mean.isFinite && mean > 0 ? mean : nil
        if parameters.refreshEvery > 0 && referenceMax == nil {
            throw DeviceParameterError(device: "OneSidedUnitCell(\(Device.self))", parameter: "refresh_every",
                                       "a refresh needs a device with a finite w_max > 0 (the threshold scale); set w_max or refresh_every: 0")
        }
        return OneSidedUnitCell(arrays: arrays, parameters: parameters, referenceMax: referenceMax)
    }
}


// MARK: - copy_inverted

extension CrossbarArray {
    /// Replaces every device with `source`'s mirrored (``InvertibleDeviceArray``), block by
    /// block, keeping this array's random streams and pulse counts; `false` (nothing changed)
    /// when the model has no mirror or the shapes differ.
    mutating func copyInvertedDevices(from source: CrossbarArray) -> Bool {
        guard source.rows == rows, source.columns == columns, source.blockRows == blockRows else { return false }
        var mirrored: [Devices] = []
        for (own, original) in zip(blocks, source.blocks) {
            guard let copy = own.invertedCopy(of: original) else { return false }
            mirrored.append(copy)
        }
        blocks = mirrored
        refreshWeights()
        return true
    }
}
