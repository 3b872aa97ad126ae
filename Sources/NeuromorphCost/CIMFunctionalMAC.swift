// MARK: - Functional compute-in-memory MAC

/// A bit-exact functional model of the macro's dataflow (Lu et al. 2021, "CIM macro
/// configurations"): bit-serial inputs, bit-sliced weights, `rowsOn` rows sensed at once, a
/// saturating `b`-bit ADC, shift-add over weight slices and accumulation over row groups and
/// input bits.
/// ```
/// y_n = Σ_t 2^t Σ_s 2^{c·s} Σ_g ADC( Σ_{i ∈ g} x_i[t] · w_{i,n}[s] ),   ADC(p) = min(p, 2^b − 1)
/// ```
/// `x_i[t]` is bit `t` of input `i`, `w_{i,n}[s]` the `c`-bit slice `s` of weight `(i, n)`, and
/// `g` runs over row groups: consecutive blocks of `rowsOn` rows, or, with zero-skip, blocks of
/// `threshold` rows whose input bit is 1 (the controller "counts the number of 1's … asserted in
/// parallel once the counter reaches the threshold"). The result equals the integer MAC whenever
/// every partial sum fits the ADC, e.g. 7 rows × 1-bit cells with a 3-bit ADC; otherwise it
/// saturates.
public struct CIMFunctionalMAC: Sendable, Equatable {
    public var inputBits: Int
    public var weightBits: Int
    public var cellBits: Int
    public var rowsOnAtOnce: Int
    public var adcBits: Int
    /// Zero-skip threshold; `nil` senses consecutive row blocks (zeros included).
    public var zeroSkipThreshold: Int?

    public init(inputBits: Int, weightBits: Int, cellBits: Int, rowsOnAtOnce: Int, adcBits: Int,
                zeroSkipThreshold: Int? = nil) {
        self.inputBits = inputBits
        self.weightBits = weightBits
        self.cellBits = cellBits
        self.rowsOnAtOnce = rowsOnAtOnce
        self.adcBits = adcBits
        self.zeroSkipThreshold = zeroSkipThreshold
    }

    /// The functional MAC of `macro` for `inputBits`-bit inputs and `weightBits`-bit weights.
    public init(macro: CIMMacro, inputBits: Int, weightBits: Int) {
        self.init(inputBits: inputBits, weightBits: weightBits, cellBits: macro.cell.bitsPerCell,
                  rowsOnAtOnce: macro.rowsOnAtOnce, adcBits: macro.adc.bits, zeroSkipThreshold: macro.zeroSkipThreshold)
    }

    /// Outputs and counters of one matrix-vector product.
    public struct Result: Sendable, Equatable {
        public var outputs: [Int]
        /// Sensing cycles (row groups × input bits; the same for every weight slice/column).
        public var sensingCycles: Int
        /// Conversions that saturated the ADC.
        public var saturatedConversions: Int
    }

    /// Unsigned MAC `y = xᵀ W` of `inputs` (length R, values < 2^inputBits) and `weights`
    /// (R rows × N columns, values < 2^weightBits).
    public func multiply(inputs: [Int], weights: [[Int]]) throws -> Result {
        try validate(inputs: inputs, weights: weights)
        let columns = weights.first?.count ?? 0
        let slices = (weightBits + cellBits - 1) / cellBits
        let sliceMask = (1 << cellBits) - 1
        let adcMax = (1 << adcBits) - 1
        var outputs = [Int](repeating: 0, count: columns)
        var cycles = 0
        var saturated = 0
        for t in 0..<inputBits {
            let active = inputs.indices.filter { (inputs[$0] >> t) & 1 == 1 }
            let groups: [[Int]]
            if let threshold = zeroSkipThreshold {
                groups = stride(from: 0, to: active.count, by: threshold).map {
                    Array(active[$0..<min($0 + threshold, active.count)])
                }
            } else {
                groups = stride(from: 0, to: inputs.count, by: rowsOnAtOnce).map { start in
                    (start..<min(start + rowsOnAtOnce, inputs.count)).filter { (inputs[$0] >> t) & 1 == 1 }
                }
            }
            cycles += groups.count
            for n in 0..<columns {
                var columnSum = 0
                for s in 0..<slices {
                    var sliceSum = 0
                    for group in groups {
                        var partial = 0
                        for i in group { partial += (weights[i][n] >> (cellBits * s)) & sliceMask }
                        if partial > adcMax { saturated += 1 }
                        sliceSum += min(partial, adcMax)
                    }
                    columnSum += sliceSum << (cellBits * s)
                }
                outputs[n] += columnSum << t
            }
        }
        return Result(outputs: outputs, sensingCycles: cycles, saturatedConversions: saturated)
    }

    /// The exact integer MAC, for reference.
    public static func referenceMAC(inputs: [Int], weights: [[Int]]) -> [Int] {
        let columns = weights.first?.count ?? 0
        return (0..<columns).map { n in inputs.indices.reduce(0) { $0 + inputs[$1] * weights[$1][n] } }
    }

    func validate(inputs: [Int], weights: [[Int]]) throws {
        try CIMEstimateError.require(inputBits, in: 1...16, "mac.inputBits")
        try CIMEstimateError.require(weightBits, in: 1...16, "mac.weightBits")
        try CIMEstimateError.require(cellBits, in: 1...8, "mac.cellBits")
        try CIMEstimateError.require(rowsOnAtOnce, in: 1...Int.max, "mac.rowsOnAtOnce")
        try CIMEstimateError.require(adcBits, in: 1...16, "mac.adcBits")
        if let t = zeroSkipThreshold { try CIMEstimateError.require(t, in: 1...Int.max, "mac.zeroSkipThreshold") }
        guard weights.count == inputs.count else {
            throw CIMEstimateError.invalidParameter(field: "mac.weights", value: "\(weights.count) rows",
                                                    expected: "\(inputs.count) rows (one per input)")
        }
        let columns = weights.first?.count ?? 0
        for (i, row) in weights.enumerated() {
            guard row.count == columns else {
                throw CIMEstimateError.invalidParameter(field: "mac.weights[\(i)]", value: "\(row.count) columns",
                                                        expected: "\(columns) columns like row 0")
            }
            for w in row where w < 0 || w >= 1 << weightBits {
                throw CIMEstimateError.invalidParameter(field: "mac.weights[\(i)]", value: "\(w)",
                                                        expected: "unsigned values in 0..<\(1 << weightBits)")
            }
        }
        for (i, x) in inputs.enumerated() where x < 0 || x >= 1 << inputBits {
            throw CIMEstimateError.invalidParameter(field: "mac.inputs[\(i)]", value: "\(x)",
                                                    expected: "unsigned values in 0..<\(1 << inputBits)")
        }
    }
}
