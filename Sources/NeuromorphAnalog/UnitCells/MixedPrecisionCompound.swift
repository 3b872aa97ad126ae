import NeuromorphCore

/// Mixed-precision training (Nandakumar et al. 2020; note `analog-training.md` §1.6; aihwkit
/// 1.1 `MixedPrecisionCompound`, `rpu_mixedprec_device.cpp`): the outer product is computed
/// in digital into a float matrix `χ`, and whole multiples of the granularity `ε` are
/// written row by row onto the analog array.
///
/// ```
/// per sample b:  χ ← χ − η_sgd Q_d(d_b)ᵀ Q_x(x_b)
///    Q_x(x) = clamp(R(x/w_x), ±⌊n_x_bins/2⌋)·w_x,  w_x = max|x|/⌊n_x_bins/2⌋   (n_x_bins 0: Q_x(x) = x)
///    R = stochastic rounding ⌊r + u⌋, u ~ U[0,1) (stoc_round_x), else round-to-nearest
/// every transfer_every mini-batches, rows r … r+n_rows_per_transfer−1 (−1: all; cycling):
///    m = trunc(χ_r/ε);  χ_r ← χ_r − m ε;  W_r ← W_r + transfer_lr·ε·m     (pulsed write)
/// ε = granularity > 0 ? granularity : dw_min
/// ```
///
/// The write uses the layer's pulsed-update settings with bit-length and update management
/// switched on (as aihwkit's `setUpPar` forces), so a row receives `transfer_lr·|m_j|` pulses
/// in expectation. Differences from aihwkit: transfers run after the last sample of every
/// `transfer_every`-th mini-batch (aihwkit checks the count before each sample, so its transfer
/// follows the first sample of the next batch); aihwkit's stochastic rounding adds
/// `u − 0.5` before rounding, the same as `⌊r + u⌋` up to ties; `random_row` is not
/// implemented.
///
/// The analog part is one crossbar (``MixedPrecisionCompoundConfiguration``) or, as aihwkit's
/// `MixedPrecisionCompound(device=PCMPresetUnitCell())`, a one-sided pair with refresh
/// (``MixedPrecisionOneSidedConfiguration``): each transfer is one write of the pair counted
/// as `n` vector updates (the rows scanned), after which the pair refreshes when due.
public struct MixedPrecisionCompound<Part: MixedPrecisionAnalogPart>: UnitCell {
    /// The analog part (`device0`): a ``CrossbarArray`` or a ``OneSidedUnitCell``.
    public internal(set) var array: Part
    public let parameters: MixedPrecisionCompoundParameters
    /// `χ` (`[rows, columns]`, weight units).
    public internal(set) var chi: [Float]
    /// Mini-batches seen so far.
    public internal(set) var batchCount: Int = 0
    /// The next row to transfer.
    public internal(set) var rowIndex: Int = 0
    public internal(set) var statistics = TransferStatistics()
    /// Stream `quantize`: stochastic rounding of `x` and `d`.
    var quantizeGenerator: SeededGenerator

    public init(array: Part, parameters: MixedPrecisionCompoundParameters, generator: SeededGenerator) {
        self.array = array
        self.parameters = parameters
        chi = [Float](repeating: 0, count: array.rows * array.columns)
        quantizeGenerator = generator
    }

    public var rows: Int { array.rows }
    public var columns: Int { array.columns }
    public var weights: Tensor { array.weights }
    public static var summaryName: String { "MixedPrecisionCompound(\(Part.partName))" }

    /// `ε`, in weight units.
    public var granularity: Float { parameters.granularity > 0 ? parameters.granularity : array.nominalStep }

    public mutating func forward(_ x: Tensor) -> Tensor { array.forward(x) }
    public mutating func backward(_ d: Tensor) -> Tensor { array.backward(d) }

    /// `v` quantized to `bins` symmetric levels scaled by its abs-max (aihwkit's dynamic
    /// quantization); `bins ≤ 0` returns `v`.
    static func quantize(_ v: UnsafeBufferPointer<Float>, bins: Int, stochastic: Bool,
                         generator: inout SeededGenerator) -> [Float] {
        guard bins > 0 else { return Array(v) }
        let half = Float(bins / 2)
        var amax: Float = 0
        for value in v { amax = Swift.max(amax, Swift.abs(value)) }
        var width = half > 0 ? amax / half : 1
        if width == 0 { width = 1 }
        return v.map { value in
            let r = value / width
            let level = stochastic ? (r + generator.nextUniform()).rounded(.down) : r.rounded()
            return Swift.min(Swift.max(level, -half), half) * width
        }
    }

    public mutating func update(x: Tensor, d: Tensor, rates: LearningRates) {
        let lr = rates.sgd
        let batch = x.rows
        let p = parameters
        // The sizes once (each read goes through the analog part's protocol witness).
        let rows = self.rows, columns = self.columns
        if lr != 0 {
            var generator = quantizeGenerator
            var accumulator = chi
            chi = []
            x.scalars.withUnsafeBufferPointer { xs in
                d.scalars.withUnsafeBufferPointer { ds in
                    accumulator.withUnsafeMutableBufferPointer { chi in
                        for b in 0..<batch {
                            let qx = Self.quantize(UnsafeBufferPointer(rebasing: xs[(b * columns)..<((b + 1) * columns)]),
                                                   bins: p.nXBins, stochastic: p.stocRoundX, generator: &generator)
                            let qd = Self.quantize(UnsafeBufferPointer(rebasing: ds[(b * rows)..<((b + 1) * rows)]),
                                                   bins: p.nDBins, stochastic: p.stocRoundD, generator: &generator)
                            // χ_i· += (−η·qd_i)·qx, row by row through pointers: the same
                            // multiplies and adds in the same order as indexed code, but the
                            // loop vectorizes (an overflow-checked `base + j` index does not).
                            qx.withUnsafeBufferPointer { qxs in
                                let q = qxs.baseAddress!
                                for i in 0..<rows where qd[i] != 0 {
                                    let scale = -lr * qd[i]
                                    let row = chi.baseAddress! + i * columns
                                    for j in 0..<columns { row[j] += scale * q[j] }
                                }
                            }
                        }
                    }
                }
            }
            chi = accumulator
            quantizeGenerator = generator
        }
        batchCount += 1
        if p.transferEvery > 0 && batchCount % p.transferEvery == 0 { transfer() }
    }

    /// Writes whole multiples of `ε` of the next rows of `χ` onto the array.
    mutating func transfer() {
        guard parameters.nRowsPerTransfer != 0, parameters.transferLR > 0 else { return }
        let rows = self.rows, columns = self.columns      // once, not per element (protocol witness)
        let n = parameters.nRowsPerTransfer < 0 ? rows : Swift.min(parameters.nRowsPerTransfer, rows)
        let epsilon = granularity
        var counts: [Float] = []
        var oneHots: [Float] = []
        var written = 0
        for k in 0..<n {
            let r = (rowIndex + k) % rows
            var row = [Float](repeating: 0, count: columns)
            var any = false
            for j in 0..<columns {
                let m = (chi[r * columns + j] / epsilon).rounded(.towardZero)
                if m != 0 {
                    chi[r * columns + j] -= m * epsilon
                    row[j] = m
                    any = true
                    statistics.thresholdCrossings += 1
                }
            }
            guard any else { continue }
            counts += row
            var e = [Float](repeating: 0, count: rows)
            e[r] = -1
            oneHots += e
            written += 1
        }
        statistics.reads += n
        rowIndex = (rowIndex + n) % rows
        // W_r ← W_r − lr·(−e_r)ᵀ m = W_r + transfer_lr·ε·m, one rank-1 write per row (none
        // when no row crossed; the part still counts the n vector updates).
        statistics.slowPulses += array.managedWrite(x: Tensor(shape: [written, columns], scalars: counts),
                                                    d: Tensor(shape: [written, rows], scalars: oneHots),
                                                    learningRate: parameters.transferLR * epsilon, vectorUpdates: n)
    }

    public mutating func finishBatch() { array.finishBatch() }

    /// Writes the weights and clears `χ` and the counters (aihwkit `onSetWeights`).
    public mutating func program(_ target: Tensor) {
        array.program(target)
        for i in chi.indices { chi[i] = 0 }
        batchCount = 0
        rowIndex = 0
    }

    public var internalState: [(name: String, tensor: Tensor)] {
        array.exportedTensors(prefix: "device0") + [
            ("chi", Tensor(shape: [rows, columns], scalars: chi)),
            ("counters.batch_count", Tensor([Float(batchCount)])),
            ("counters.row_index", Tensor([Float(rowIndex)])),
        ] + statistics.exportedTensors
    }
}

/// The parameters of ``MixedPrecisionCompound`` (aihwkit 1.1 `MixedPrecisionCompound` names
/// and defaults).
public struct MixedPrecisionCompoundParameters: Sendable, Codable, Equatable {
    /// [`transfer_every`, 1]: transfer period in mini-batches; 0 never transfers.
    public var transferEvery: Int = 1
    /// [`n_rows_per_transfer`, −1]: rows written per transfer; −1 all, 0 none.
    public var nRowsPerTransfer: Int = -1
    /// `ε` [`granularity`, 0]: the write quantum in weight units; 0 uses the device's `dw_min`.
    public var granularity: Float = 0
    /// [`transfer_lr`, 1]: the write is `transfer_lr·ε·m`.
    public var transferLR: Float = 1
    /// [`n_x_bins`, 0]: quantization levels of `x` (0: float).
    public var nXBins: Int = 0
    /// [`n_d_bins`, 0]: quantization levels of `d` (0: float).
    public var nDBins: Int = 0
    /// [`stoc_round_x`, true], [`stoc_round_d`, true]: stochastic rounding of the quantizers.
    public var stocRoundX: Bool = true
    public var stocRoundD: Bool = true

    public init() {}

    public func validate() throws {
        let name = "MixedPrecisionCompound"
        guard transferEvery >= 0 else { throw DeviceParameterError(device: name, parameter: "transfer_every", "must be ≥ 0 mini-batches, got \(transferEvery)") }
        guard nRowsPerTransfer >= -1 else {
            throw DeviceParameterError(device: name, parameter: "n_rows_per_transfer", "must be −1 (all), 0 (none) or a row count, got \(nRowsPerTransfer)")
        }
        guard granularity.isFinite, granularity >= 0 else {
            throw DeviceParameterError(device: name, parameter: "granularity", "must be ≥ 0 (0: dw_min), got \(granularity)")
        }
        guard transferLR.isFinite, transferLR >= 0 else {
            throw DeviceParameterError(device: name, parameter: "transfer_lr", "must be ≥ 0, got \(transferLR)")
        }
        for (key, bins) in [("n_x_bins", nXBins), ("n_d_bins", nDBins)] where bins < 0 || bins == 1 {
            throw DeviceParameterError(device: name, parameter: key, "must be 0 (float) or ≥ 2 levels, got \(bins)")
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case transferEvery = "transfer_every", nRowsPerTransfer = "n_rows_per_transfer", granularity
        case transferLR = "transfer_lr", nXBins = "n_x_bins", nDBins = "n_d_bins", stocRoundX = "stoc_round_x"
        case stocRoundD = "stoc_round_d"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        transferEvery = try c.decodeIfPresent(Int.self, forKey: .transferEvery) ?? transferEvery
        nRowsPerTransfer = try c.decodeIfPresent(Int.self, forKey: .nRowsPerTransfer) ?? nRowsPerTransfer
        granularity = try c.decodeIfPresent(Float.self, forKey: .granularity) ?? granularity
        transferLR = try c.decodeIfPresent(Float.self, forKey: .transferLR) ?? transferLR
        nXBins = try c.decodeIfPresent(Int.self, forKey: .nXBins) ?? nXBins
        nDBins = try c.decodeIfPresent(Int.self, forKey: .nDBins) ?? nDBins
        stocRoundX = try c.decodeIfPresent(Bool.self, forKey: .stocRoundX) ?? stocRoundX
        stocRoundD = try c.decodeIfPresent(Bool.self, forKey: .stocRoundD) ?? stocRoundD
    }
}

/// Builds ``MixedPrecisionCompound`` cells (the array from `generator` itself, as a single
/// device; quantization noise from stream `quantize`).
public struct MixedPrecisionCompoundConfiguration<Device: PulsedDeviceConfiguration>: UnitCellConfiguration {
    public var device: Device
    public var parameters: MixedPrecisionCompoundParameters

    public init(device: Device, parameters: MixedPrecisionCompoundParameters = MixedPrecisionCompoundParameters()) {
        self.device = device
        self.parameters = parameters
    }

    public func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                         update: PulsedUpdateParameters,
                         generator: inout SeededGenerator) throws -> MixedPrecisionCompound<CrossbarArray<Device.DeviceArray>> {
        try parameters.validate()
        let quantize = generator.split(key: "quantize")
        let array = try CrossbarArray(outputs: outputs, inputs: inputs, device: device, forwardIO: forwardIO,
                                      backwardIO: backwardIO, update: update, generator: &generator)
        return MixedPrecisionCompound(array: array, parameters: parameters, generator: quantize)
    }
}

/// Builds ``MixedPrecisionCompound`` cells whose analog part is a ``OneSidedUnitCell`` of one
/// device model (aihwkit `MixedPrecisionCompound(device=OneSidedUnitCell(...))`, e.g.
/// `MixedPrecisionPCMPreset`): the pair as ``OneSidedUnitCellConfiguration`` builds it from
/// `generator`, quantization noise from stream `quantize`.
public struct MixedPrecisionOneSidedConfiguration<Device: PulsedDeviceConfiguration>: UnitCellConfiguration {
    public var device: Device
    public var parameters: MixedPrecisionCompoundParameters
    public var oneSided: OneSidedUnitCellParameters

    public init(device: Device, parameters: MixedPrecisionCompoundParameters = MixedPrecisionCompoundParameters(),
                oneSided: OneSidedUnitCellParameters = OneSidedUnitCellParameters()) {
        self.device = device
        self.parameters = parameters
        self.oneSided = oneSided
    }

    public func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                         update: PulsedUpdateParameters,
                         generator: inout SeededGenerator) throws -> MixedPrecisionCompound<OneSidedUnitCell<Device.DeviceArray>> {
        try parameters.validate()
        let quantize = generator.split(key: "quantize")
        let pair = try OneSidedUnitCellConfiguration(device: device, parameters: oneSided)
            .makeCell(outputs: outputs, inputs: inputs, forwardIO: forwardIO, backwardIO: backwardIO, update: update,
                      generator: &generator)
        return MixedPrecisionCompound(array: pair, parameters: parameters, generator: quantize)
    }
}
