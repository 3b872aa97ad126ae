// MARK: - Sub-array (macro) configuration

/// One compute-in-memory sub-array ("macro" in Lu et al. 2021) and its peripherals
/// (Fig. 1B; Table 2): memory array, level shifters, WL/BL/SL decoders and switch matrix, column
/// mux and decoder, ADCs, shift-add, accumulator and zero-skip controller.
public struct CIMMacro: Codable, Sendable, Equatable {
    /// What to do when the ADC cannot represent the largest partial sum.
    public enum ADCRangePolicy: String, Codable, Sendable, CaseIterable {
        /// Throw ``CIMEstimateError/adcTooSmall(rowsOn:cellBits:adcBits:requiredBits:)``.
        case lossless
        /// Accept saturation (the Table 7 benchmark: 128 rows on with a 4/5-bit ADC).
        case quantizing
    }

    public var technology: TechnologyNode
    public var cell: MemoryCell
    /// Rows and columns that compute (128 × 128 in the validation).
    public var computeRows: Int
    public var computeColumns: Int
    /// Rows and columns of the physical array (256 × 256: data and reference columns interleaved).
    public var physicalRows: Int
    public var physicalColumns: Int
    /// Rows asserted at once (7 in Table 2; 128 in Table 7).
    public var rowsOnAtOnce: Int
    /// Columns sharing one ADC through the mux (8).
    public var columnsPerADC: Int
    public var adc: ADCModel
    public var adcRangePolicy: ADCRangePolicy
    /// Weight precisions the digital blocks support (1/2/4/8 in the validation, Table 2).
    public var weightPrecisions: [Int]
    /// Zero-skip threshold: rows are asserted once this many 1's are counted (7); `nil` = off.
    public var zeroSkipThreshold: Int?
    public var analog: AnalogCircuitPreset
    public var gateEnergies: GateEnergyPreset
    /// Explicit digital gate counts; `nil` derives them from ``weightPrecisions`` (Table 4 rules).
    public var digitalGateCounts: DigitalGateCounts?

    public init(technology: TechnologyNode, cell: MemoryCell, computeRows: Int, computeColumns: Int,
                physicalRows: Int? = nil, physicalColumns: Int? = nil, rowsOnAtOnce: Int, columnsPerADC: Int,
                adc: ADCModel, adcRangePolicy: ADCRangePolicy = .lossless, weightPrecisions: [Int],
                zeroSkipThreshold: Int? = nil, analog: AnalogCircuitPreset = .luEtAl2021Table3,
                gateEnergies: GateEnergyPreset = .luEtAl2021Table5, digitalGateCounts: DigitalGateCounts? = nil) {
        self.technology = technology
        self.cell = cell
        self.computeRows = computeRows
        self.computeColumns = computeColumns
        self.physicalRows = physicalRows ?? computeRows
        self.physicalColumns = physicalColumns ?? computeColumns
        self.rowsOnAtOnce = rowsOnAtOnce
        self.columnsPerADC = columnsPerADC
        self.adc = adc
        self.adcRangePolicy = adcRangePolicy
        self.weightPrecisions = weightPrecisions
        self.zeroSkipThreshold = zeroSkipThreshold
        self.analog = analog
        self.gateEnergies = gateEnergies
        self.digitalGateCounts = digitalGateCounts
    }

    /// The validated 40 nm RRAM macro (Secure-RRAM, Li et al. 2021) with the settings of
    /// Lu et al. 2021, Table 2: 256 × 256 physical / 128 × 128 compute, 7 rows on, 3-bit flash
    /// VSA ADC shared by 8 columns, 1/2/4/8-bit weights, 0.9 V, zero-skip threshold 7, and the
    /// Table 5 gate counts.
    public static let luEtAl2021Validation = CIMMacro(
        technology: .tsmc40, cell: .rram40nmValidation, computeRows: 128, computeColumns: 128,
        physicalRows: 256, physicalColumns: 256, rowsOnAtOnce: 7, columnsPerADC: 8,
        adc: ADCModel(kind: .flashVSA, bits: 3), adcRangePolicy: .lossless, weightPrecisions: [1, 2, 4, 8],
        zeroSkipThreshold: 7, digitalGateCounts: .secureRRAM40nm)

    // MARK: Derived geometry

    /// ADCs per sub-array: computeColumns / columnsPerADC (16).
    public var adcCount: Int { computeColumns / columnsPerADC }
    /// Sensing cycles per input bit for a dense input: ⌈rows / rowsOn⌉ (19).
    public var rowGroups: Int { (computeRows + rowsOnAtOnce - 1) / rowsOnAtOnce }
    /// Sensing cycles to read every column once per row group: rowGroups × columnsPerADC (152).
    public var sensingCyclesPerInputBit: Int { rowGroups * columnsPerADC }
    /// Conversions in one macro operation: adcCount × sensingCyclesPerInputBit (2,432).
    public var conversionsPerOperation: Int { adcCount * sensingCyclesPerInputBit }
    /// Binary operations in one pass of the whole array: 2 × rows × columns (32,768; Table 6).
    public var operationsPerArrayPass: Int { 2 * computeRows * computeColumns }

    /// Largest partial sum one conversion must resolve: rowsOn × (2^cellBits − 1).
    public var maximumPartialSum: Int { rowsOnAtOnce * ((1 << cell.bitsPerCell) - 1) }
    /// ADC bits needed for lossless sensing of ``maximumPartialSum``.
    public var requiredADCBits: Int { DigitalPrecisionPlan.bitsToHold(maximumPartialSum) }

    /// Table 4 plans for each supported weight precision.
    public var precisionPlans: [DigitalPrecisionPlan] {
        weightPrecisions.map {
            DigitalPrecisionPlan(weightPrecision: $0, cellBits: cell.bitsPerCell, adcBits: adc.bits,
                                 computeRows: computeRows, computeColumns: computeColumns,
                                 rowsOnAtOnce: rowsOnAtOnce, columnsPerADC: columnsPerADC)
        }
    }

    /// The digital gate counts in use: explicit, or derived from the precision plans.
    public var resolvedGateCounts: DigitalGateCounts {
        digitalGateCounts ?? .derived(from: precisionPlans, computeRows: computeRows, computeColumns: computeColumns)
    }

    // MARK: Validation

    /// Checks every field; throws a ``CIMEstimateError`` naming the first bad one.
    public func validate(field: String = "macro") throws {
        try technology.validate(field: "\(field).technology")
        try cell.validate(field: "\(field).cell")
        try CIMEstimateError.require(computeRows, in: 1...65_536, "\(field).computeRows")
        try CIMEstimateError.require(computeColumns, in: 1...65_536, "\(field).computeColumns")
        try CIMEstimateError.require(physicalRows, in: computeRows...max(computeRows, 131_072), "\(field).physicalRows")
        try CIMEstimateError.require(physicalColumns, in: computeColumns...max(computeColumns, 131_072),
                                     "\(field).physicalColumns")
        try CIMEstimateError.require(rowsOnAtOnce, in: 1...computeRows, "\(field).rowsOnAtOnce")
        try CIMEstimateError.require(columnsPerADC, in: 1...computeColumns, "\(field).columnsPerADC")
        guard computeColumns % columnsPerADC == 0 else {
            throw CIMEstimateError.invalidParameter(
                field: "\(field).columnsPerADC", value: "\(columnsPerADC)",
                expected: "a divisor of computeColumns (\(computeColumns))")
        }
        try CIMEstimateError.require(adc.bits, in: 1...12, "\(field).adc.bits")
        guard !weightPrecisions.isEmpty else {
            throw CIMEstimateError.invalidParameter(field: "\(field).weightPrecisions", value: "[]",
                                                    expected: "a non-empty list of precisions in 1...16")
        }
        for (i, w) in weightPrecisions.enumerated() {
            try CIMEstimateError.require(w, in: 1...16, "\(field).weightPrecisions[\(i)]")
            let slices = (w + cell.bitsPerCell - 1) / cell.bitsPerCell
            guard slices <= computeColumns else {
                throw CIMEstimateError.invalidParameter(
                    field: "\(field).weightPrecisions[\(i)]", value: "\(w)",
                    expected: "at most \(computeColumns * cell.bitsPerCell) bits (one weight per sub-array row)")
            }
        }
        if let t = zeroSkipThreshold { try CIMEstimateError.require(t, in: 1...computeRows, "\(field).zeroSkipThreshold") }
        if adcRangePolicy == .lossless && requiredADCBits > adc.bits {
            throw CIMEstimateError.adcTooSmall(rowsOn: rowsOnAtOnce, cellBits: cell.bitsPerCell, adcBits: adc.bits,
                                               requiredBits: requiredADCBits)
        }
        try analog.validate(field: "\(field).analog")
        try gateEnergies.validate(field: "\(field).gateEnergies")
        try digitalGateCounts?.validate(field: "\(field).digitalGateCounts")
    }
}
