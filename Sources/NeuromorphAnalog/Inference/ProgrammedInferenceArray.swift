import NeuromorphCore

/// A weight matrix programmed onto differential device pairs of an inference device model:
/// the per-device state of every `G⁺` and `G⁻` (programmed conductances and, for PCM, the
/// sampled drift exponents) plus the per-row weight scales (Spoon et al. §2.1; digest
/// §2.2–2.3).
///
/// ```
/// program:   w ──DifferentialPairMapping──▶ (G⁺_T, G⁻_T) ──model.program──▶ devices
/// read at t: W_r,j(t) = s_r · (G⁺_rj(t) − G⁻_rj(t)) / g_max
/// ```
///
/// `t` is seconds after the **end of programming** (the paper's 1 s … 1 month); the PCM
/// model adds its `t_c = 20 s` internally. All buffers are row-major `[rows, columns]`
/// (`[outputs, inputs]`).
public struct ProgrammedInferenceArray<Model: InferenceNoiseModel>: Sendable, Codable, Equatable {
    /// The device model the array was programmed with.
    public let model: Model
    /// Output rows.
    public let rows: Int
    /// Input columns.
    public let columns: Int
    /// The weight scale `s_r` of every output row (the weight a conductance difference of
    /// `g_max` stands for).
    public let scales: [Float]
    /// The `G⁺` devices, row-major. Mutable for what-if studies (e.g. a forced common ν).
    public var positive: Model.Devices
    /// The `G⁻` devices, row-major.
    public var negative: Model.Devices

    /// Assembles an array from already programmed devices (use
    /// ``InferenceNoiseModel/program(weights:rows:columns:scaling:generator:)`` to program one).
    public init(model: Model, rows: Int, columns: Int, scales: [Float], positive: Model.Devices, negative: Model.Devices) {
        precondition(rows >= 0 && columns >= 0 && positive.count == rows * columns && negative.count == rows * columns
                        && scales.count == rows, "ProgrammedInferenceArray: state does not fit \(rows) × \(columns)")
        self.model = model
        self.rows = rows
        self.columns = columns
        self.scales = scales
        self.positive = positive
        self.negative = negative
    }

    /// The weight ↔ conductance map used (`g_max` of the model).
    public var mapping: DifferentialPairMapping { DifferentialPairMapping(gMax: model.gMax) }

    /// Programmed `G⁺` conductances, µS.
    public var programmedPlus: [Float] { positive.programmed }
    /// Programmed `G⁻` conductances, µS.
    public var programmedMinus: [Float] { negative.programmed }

    /// The clipped target weights (what an ideal device would hold).
    public func targetWeights() -> [Float] {
        mapping.weights(plus: positive.targets, minus: negative.targets, rows: rows, columns: columns, scales: scales)
    }

    /// The weights right after programming (programming noise, no drift, no read noise).
    public func programmedWeights() -> [Float] {
        mapping.weights(plus: positive.programmed, minus: negative.programmed, rows: rows, columns: columns, scales: scales)
    }
}

/// A weight matrix on PCM differential pairs (Spoon et al. 2021).
public typealias ProgrammedPCMArray = ProgrammedInferenceArray<PCMNoiseModel>

// MARK: - Programming

extension InferenceNoiseModel {
    /// Maps `weights` (row-major `[rows, columns]`, rows = outputs) to differential pairs and
    /// programs them: `G⁺` devices first, then `G⁻`, every draw from `generator`.
    ///
    /// Weights are clipped to `[−s_r, s_r]` of their row's scale (digest §2.2: targets clip
    /// to [−1, 1] of `g_max`); zero weights target both devices at 0 µS.
    public func program(weights: [Float], rows: Int, columns: Int, scaling: InferenceWeightScaling = .perRowMaximum,
                        generator: inout SeededGenerator) -> ProgrammedInferenceArray<Self> {
        let mapping = DifferentialPairMapping(gMax: gMax)
        let scales = mapping.scales(of: weights, rows: rows, columns: columns, scaling: scaling)
        let targets = mapping.targetConductances(of: weights, rows: rows, columns: columns, scales: scales)
        let positive = program(targets: targets.plus, generator: &generator)
        let negative = program(targets: targets.minus, generator: &generator)
        return ProgrammedInferenceArray(model: self, rows: rows, columns: columns, scales: scales,
                                        positive: positive, negative: negative)
    }
}

// MARK: - Reading

extension ProgrammedInferenceArray {
    /// Devices per block of a read: `G⁺` and `G⁻` of one block live in stack buffers.
    @usableFromInline static var readBlock: Int { 1024 }

    /// The weights (original units) at `time` seconds after programming, with drift and a
    /// fresh draw of read noise on every device, written to `output` (`rows · columns`).
    ///
    /// Allocation-free: each block of a row reads its `G⁺` then its `G⁻` devices into stack
    /// buffers and combines `s_r · (G⁺ − G⁻) / g_max`. The draws depend only on the seed, the
    /// shape and the time.
    public func effectiveWeights(at time: Double, generator: inout SeededGenerator,
                                 into output: UnsafeMutableBufferPointer<Float>) {
        precondition(output.count == rows * columns,
                     "effectiveWeights: output holds \(output.count), array is \(rows) × \(columns)")
        guard let out = output.baseAddress, rows * columns > 0 else { return }
        let block = Self.readBlock
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * block) { scratch in
            let plus = scratch.baseAddress!, minus = plus + block
            for r in 0..<rows {
                let f = scales[r] / model.gMax
                var start = 0
                while start < columns {
                    let m = Swift.min(block, columns - start)
                    let base = r * columns + start
                    model.read(positive, range: base..<(base + m), at: time, generator: &generator,
                               into: UnsafeMutableBufferPointer(start: plus, count: m))
                    model.read(negative, range: base..<(base + m), at: time, generator: &generator,
                               into: UnsafeMutableBufferPointer(start: minus, count: m))
                    let o = out + base
                    for i in 0..<m { o[i] = (plus[i] - minus[i]) * f }
                    start += m
                }
            }
        }
    }

    /// The weights (original units) at `time` seconds after programming (allocating form).
    public func effectiveWeights(at time: Double, generator: inout SeededGenerator) -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
            effectiveWeights(at: time, generator: &generator, into: buffer)
            initialized = rows * columns
        }
    }

    /// The effective weights at `time` as a `[rows, columns]` tensor, in place in `weights`
    /// (reuses its storage when the shape already fits).
    public func effectiveWeights(at time: Double, generator: inout SeededGenerator, into weights: inout Tensor) {
        if weights.shape != [rows, columns] { weights = Tensor.zeros([rows, columns]) }
        weights.scalars.withUnsafeMutableBufferPointer { effectiveWeights(at: time, generator: &generator, into: $0) }
    }
}
