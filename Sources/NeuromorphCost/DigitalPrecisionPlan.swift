// MARK: - Shift-add and accumulator sizing (Table 4)

/// Register and adder counts of the shift-add and accumulator for one weight precision,
/// derived from the macro geometry (Lu et al. 2021, Table 4).
///
/// A `w`-bit weight is bit-sliced over `s = ⌈w / c⌉` adjacent `c`-bit cells, so there are
/// `columns / s` outputs (registers). With a `b`-bit ADC (largest code `2^b − 1`) and
/// `g = ⌈rows / rowsOn⌉` sensing cycles per input bit:
/// ```
/// shift-add width   = bits( (2^b − 1) · Σ_{i<s} 2^{c·i} )      (5, 7, 11 for w = 2, 4, 8)
/// shift-add adders  = n_ADC adders × b bits                     (16 × 3), only when s > 1
/// accumulator width = shift-add width + ⌈log2 g⌉                (8, 10, 12, 16)
/// accumulator adders= n_ADC adders × (accumulator width − 1)    (16 × 7, 9, 11, 15)
/// ```
/// `bits(x)` is the width that holds `x`. The widths and counts are an engineering reading that
/// reproduces every cell of Table 4; the paper states only the table.
public struct DigitalPrecisionPlan: Codable, Sendable, Equatable {
    /// `count` registers (or adders) of `bits` bits each.
    public struct Bank: Codable, Sendable, Equatable {
        public var count: Int
        public var bits: Int
        public var totalBits: Int { count * bits }
    }

    public var weightPrecision: Int
    /// `nil` when a weight fits one cell (no shift-add needed, e.g. 1-bit weights).
    public var shiftAddRegisters: Bank?
    public var shiftAddAdders: Bank?
    public var accumulatorRegisters: Bank
    public var accumulatorAdders: Bank

    /// Number of bits needed to hold the unsigned value `x`.
    static func bitsToHold(_ x: Int) -> Int {
        var bits = 0
        while (1 << bits) <= x { bits += 1 }
        return max(bits, 1)
    }

    /// `⌈log2 n⌉` for n ≥ 1.
    static func ceilLog2(_ n: Int) -> Int {
        var bits = 0
        while (1 << bits) < n { bits += 1 }
        return bits
    }

    public init(weightPrecision w: Int, cellBits c: Int, adcBits b: Int, computeRows: Int, computeColumns: Int,
                rowsOnAtOnce: Int, columnsPerADC: Int) {
        let slices = (w + c - 1) / c
        let adcs = computeColumns / columnsPerADC
        let maxCode = (1 << b) - 1
        var weightScale = 0
        for i in 0..<slices { weightScale += 1 << (c * i) }
        let shiftAddWidth = Self.bitsToHold(maxCode * weightScale)
        let groups = (computeRows + rowsOnAtOnce - 1) / rowsOnAtOnce
        let accumulatorWidth = shiftAddWidth + Self.ceilLog2(groups)
        let outputs = computeColumns / slices
        self.weightPrecision = w
        self.shiftAddRegisters = slices > 1 ? Bank(count: outputs, bits: shiftAddWidth) : nil
        self.shiftAddAdders = slices > 1 ? Bank(count: adcs, bits: b) : nil
        self.accumulatorRegisters = Bank(count: outputs, bits: accumulatorWidth)
        self.accumulatorAdders = Bank(count: adcs, bits: accumulatorWidth - 1)
    }
}

// MARK: - Gate counts of the digital modules

/// Gate counts of the shift-add, accumulator and control blocks of one macro (Tables 4 and 5).
public struct DigitalGateCounts: Codable, Sendable, Equatable {
    public var shiftAddDFF: Int
    public var shiftAddAdderBits: Int
    public var shiftAddInverters: Int
    public var accumulatorDFF: Int
    public var accumulatorAdderBits: Int
    public var accumulatorInverters: Int
    public var controlDFF: Int
    public var controlInverters: Int

    public init(shiftAddDFF: Int, shiftAddAdderBits: Int, shiftAddInverters: Int, accumulatorDFF: Int,
                accumulatorAdderBits: Int, accumulatorInverters: Int, controlDFF: Int, controlInverters: Int) {
        self.shiftAddDFF = shiftAddDFF
        self.shiftAddAdderBits = shiftAddAdderBits
        self.shiftAddInverters = shiftAddInverters
        self.accumulatorDFF = accumulatorDFF
        self.accumulatorAdderBits = accumulatorAdderBits
        self.accumulatorInverters = accumulatorInverters
        self.controlDFF = controlDFF
        self.controlInverters = controlInverters
    }

    /// Gate counts of the Secure-RRAM macro as used in Table 5.
    ///
    /// - shift-add: 176 DFF, 144 adder bits (Table 4), 2,133 normalized INV (Table 5);
    /// - accumulator: **1,216** DFF — the real-chip count of Table 4; Table 4's NeuroSim column
    ///   says 128 × 8 = 1,024, but Table 5's 4,968 µm² and 17.3 pJ are 1,216 DFFs (erratum);
    ///   672 adder bits (Table 4), 10,869 INV (Table 5);
    /// - control: 1,895 DFF (inferred: 7,334 µm² real / 3.870 µm² per real DFF, and
    ///   26.96 pJ / 14.227 fJ; Table 5 leaves the NeuroSim area blank), 10,485 INV (Table 5).
    public static let secureRRAM40nm = DigitalGateCounts(
        shiftAddDFF: 176, shiftAddAdderBits: 144, shiftAddInverters: 2_133,
        accumulatorDFF: 1_216, accumulatorAdderBits: 672, accumulatorInverters: 10_869,
        controlDFF: 1_895, controlInverters: 10_485)

    /// Counts derived from the precision plans (Table 4 rules): DFFs hold the largest
    /// configuration (shift-add: largest precision; accumulator: largest register file), adders
    /// are provided for every precision. Normalized inverters follow the Secure-RRAM ratios
    /// (2,133 / 176 per shift-add DFF, 10,869 / 1,216 per accumulator DFF) and the control block
    /// scales with `computeRows + computeColumns` from the 128 + 128 macro (assumed).
    public static func derived(from plans: [DigitalPrecisionPlan], computeRows: Int, computeColumns: Int)
        -> DigitalGateCounts {
        let widest = plans.max { $0.weightPrecision < $1.weightPrecision }
        let saDFF = widest?.shiftAddRegisters?.totalBits ?? 0
        let saAdders = plans.reduce(0) { $0 + ($1.shiftAddAdders?.totalBits ?? 0) }
        let accDFF = plans.map(\.accumulatorRegisters.totalBits).max() ?? 0
        let accAdders = plans.reduce(0) { $0 + $1.accumulatorAdders.totalBits }
        let ref = secureRRAM40nm
        let controlScale = Double(computeRows + computeColumns) / 256
        func scaled(_ n: Int, _ ratio: Double) -> Int { Int((Double(n) * ratio).rounded()) }
        return DigitalGateCounts(
            shiftAddDFF: saDFF, shiftAddAdderBits: saAdders,
            shiftAddInverters: scaled(saDFF, Double(ref.shiftAddInverters) / Double(ref.shiftAddDFF)),
            accumulatorDFF: accDFF, accumulatorAdderBits: accAdders,
            accumulatorInverters: scaled(accDFF, Double(ref.accumulatorInverters) / Double(ref.accumulatorDFF)),
            controlDFF: scaled(ref.controlDFF, controlScale), controlInverters: scaled(ref.controlInverters, controlScale))
    }

    func validate(field: String) throws {
        for (v, n) in [(shiftAddDFF, "shiftAddDFF"), (shiftAddAdderBits, "shiftAddAdderBits"),
                       (shiftAddInverters, "shiftAddInverters"), (accumulatorDFF, "accumulatorDFF"),
                       (accumulatorAdderBits, "accumulatorAdderBits"), (accumulatorInverters, "accumulatorInverters"),
                       (controlDFF, "controlDFF"), (controlInverters, "controlInverters")] where v < 0 {
            throw CIMEstimateError.invalidParameter(field: "\(field).\(n)", value: "\(v)", expected: "a count >= 0")
        }
    }
}
