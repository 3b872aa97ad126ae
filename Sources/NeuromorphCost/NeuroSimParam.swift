import Foundation

// MARK: - Settings that mirror NeuroSim V1.3's Param.cpp

/// The chip-level settings of a NeuroSim V1.3 run, named as in its `Param.cpp` (Lu et al. 2021,
/// "NeuroSim settings"; DNN_NeuroSim_V1.3). Setting ``CIMEstimateSpec/neuroSim`` switches the
/// estimator from the Table 3 macro model to ``NeuroSimChipModel`` (floorplan, clock rule,
/// buffers, interconnect, accumulation, leakage), which mirrors what NeuroSim prints.
///
/// Keys are strict (a misspelled key is an error) and keep Param.cpp's names so a Param.cpp
/// setting can be copied across:
///
/// | key | Param.cpp | meaning |
/// |---|---|---|
/// | `memcelltype` | `memcelltype` 1/2 | `"SRAM"` (8T) or `"RRAM"` (1T1R eNVM) |
/// | `technode` | `technode` | node in nm: 90, 65, 45, 32 or 22 (PTM LP device data, `deviceroadmap = 2`) |
/// | `numRowSubArray`, `numColSubArray` | same | sub-array size (128 × 128) |
/// | `numColMuxed` | same | columns sharing one ADC (8) |
/// | `levelOutput` | same | ADC levels, 2^bits (32 → 5-bit) |
/// | `cellBit` | same | bits per eNVM cell (forced 1 for SRAM, as in NeuroSim) |
/// | `resistanceOn`, `resistanceOff` | same | Ron, Roff (Ω) of the eNVM |
/// | `heightInFeatureSizeSRAM`, `widthInFeatureSizeSRAM` | same | 8T cell, 10 F × 28 F = 280 F² |
/// | `heightInFeatureSize1T1R`, `widthInFeatureSize1T1R` | same | 1T1R cell, 4 F × 12 F = 48 F² |
/// | `novelMapping` | same | conv layers on K × K PEs ("novel weight mapping", Table 7) |
/// | `pipeline` | same | only `false` (layer by layer) is modelled |
/// | `validated` | same | apply the calibration factors (Lu et al. 2021 Discussion) |
/// | `synchronous` | same | clocked latency (clock = 1.4 × slowest sensing cycle, ≥ 1 ns) |
/// | `SARADC` | same | SAR instead of multi-level sense amplifier ADC |
/// | `numBitInput`, `synapseBit` | command-line args of `main` | 8, 8 |
///
/// Two settings are Neuromorph's own: `inputBitDensity` (fraction of 1 bits in the bit-serial
/// inputs, one value or one per layer; NeuroSim measures it from its input traces) and
/// `vectorConvention` (``NeuroSimVectorConvention``).
public struct NeuroSimParam: Codable, Sendable, Equatable {
    public enum MemCellType: String, Codable, Sendable, CaseIterable {
        case SRAM, RRAM
    }

    public var memcelltype: MemCellType
    public var technode: Int
    public var numRowSubArray: Int
    public var numColSubArray: Int
    public var numColMuxed: Int
    public var levelOutput: Int
    public var cellBit: Int
    public var resistanceOn: Double
    public var resistanceOff: Double
    public var heightInFeatureSizeSRAM: Double
    public var widthInFeatureSizeSRAM: Double
    public var heightInFeatureSize1T1R: Double
    public var widthInFeatureSize1T1R: Double
    public var novelMapping: Bool
    public var pipeline: Bool
    public var validated: Bool
    public var synchronous: Bool
    public var SARADC: Bool
    public var numBitInput: Int
    public var synapseBit: Int
    /// Fraction of 1 bits in the inputs: one value for every layer, or one per layer.
    public var inputBitDensity: [Double]
    public var vectorConvention: NeuroSimVectorConvention
    /// 2 × 2 pooling after each layer (column 7 of NeuroSim's network CSV); `nil` = none.
    /// Pooling divides the bits written back to the buffers by 4.
    public var poolingAfter: [Bool]?

    /// NeuroSim V1.3's shipped defaults (RRAM, 22 nm, 2-bit cells, Ron 6 kΩ, on/off 150, 5-bit
    /// MLSA ADC, 8 columns per ADC, 128 × 128 sub-arrays, novel mapping, layer by layer,
    /// validated, synchronous), with 8-bit weights and inputs and input bit density 0.5.
    public init(memcelltype: MemCellType = .RRAM, technode: Int = 22, numRowSubArray: Int = 128,
                numColSubArray: Int = 128, numColMuxed: Int = 8, levelOutput: Int = 32, cellBit: Int = 2,
                resistanceOn: Double = 6e3, resistanceOff: Double = 6e3 * 150,
                heightInFeatureSizeSRAM: Double = 10, widthInFeatureSizeSRAM: Double = 28,
                heightInFeatureSize1T1R: Double = 4, widthInFeatureSize1T1R: Double = 12,
                novelMapping: Bool = true, pipeline: Bool = false, validated: Bool = true, synchronous: Bool = true,
                SARADC: Bool = false, numBitInput: Int = 8, synapseBit: Int = 8, inputBitDensity: [Double] = [0.5],
                vectorConvention: NeuroSimVectorConvention = .neuroSim, poolingAfter: [Bool]? = nil) {
        self.memcelltype = memcelltype
        self.technode = technode
        self.numRowSubArray = numRowSubArray
        self.numColSubArray = numColSubArray
        self.numColMuxed = numColMuxed
        self.levelOutput = levelOutput
        self.cellBit = cellBit
        self.resistanceOn = resistanceOn
        self.resistanceOff = resistanceOff
        self.heightInFeatureSizeSRAM = heightInFeatureSizeSRAM
        self.widthInFeatureSizeSRAM = widthInFeatureSizeSRAM
        self.heightInFeatureSize1T1R = heightInFeatureSize1T1R
        self.widthInFeatureSize1T1R = widthInFeatureSize1T1R
        self.novelMapping = novelMapping
        self.pipeline = pipeline
        self.validated = validated
        self.synchronous = synchronous
        self.SARADC = SARADC
        self.numBitInput = numBitInput
        self.synapseBit = synapseBit
        self.inputBitDensity = inputBitDensity
        self.vectorConvention = vectorConvention
        self.poolingAfter = poolingAfter
    }

    /// Bits per cell in use: `cellBit` for RRAM, 1 for SRAM (NeuroSim forces it).
    public var effectiveCellBit: Int { memcelltype == .SRAM ? 1 : cellBit }
    /// ADC resolution: log2(levelOutput).
    public var adcBits: Int { Double(levelOutput).log2Rounded }
    /// Cell area in F²: 10 × 28 = 280 (8T SRAM) or 4 × 12 = 48 (1T1R).
    public var cellAreaF2: Double {
        memcelltype == .SRAM ? heightInFeatureSizeSRAM * widthInFeatureSizeSRAM
            : heightInFeatureSize1T1R * widthInFeatureSize1T1R
    }
    /// Input bit density of layer `index` (0-based).
    public func density(layer index: Int) -> Double {
        inputBitDensity.count == 1 ? inputBitDensity[0] : inputBitDensity[index]
    }

    /// Checks every field; throws a ``CIMEstimateError`` naming the first bad one.
    public func validate(field: String = "neuroSim", layers: Int) throws {
        // Delays, clock and leakage scale with per-node device data (PTM bulk cards), which exist
        // for 90…22 nm; 130 nm (NeuroSim reuses the 90 nm LP card) and the FinFET nodes are refused.
        guard TechnologyDeviceData.nodes.contains(technode) else {
            throw CIMEstimateError.invalidParameter(field: "\(field).technode", value: "\(technode)",
                                                    expected: "one of \(TechnologyDeviceData.nodes) (nodes with PTM device data)")
        }
        for (v, n) in [(numRowSubArray, "numRowSubArray"), (numColSubArray, "numColSubArray")] {
            guard v >= 8, v <= 4096, v & (v - 1) == 0 else {
                throw CIMEstimateError.invalidParameter(field: "\(field).\(n)", value: "\(v)", expected: "a power of 2 in 8...4096")
            }
        }
        try CIMEstimateError.require(numColMuxed, in: 1...numColSubArray, "\(field).numColMuxed")
        guard numColSubArray % numColMuxed == 0 else {
            throw CIMEstimateError.invalidParameter(field: "\(field).numColMuxed", value: "\(numColMuxed)",
                                                    expected: "a divisor of numColSubArray (\(numColSubArray))")
        }
        guard levelOutput >= 2, levelOutput <= 4096, levelOutput & (levelOutput - 1) == 0 else {
            throw CIMEstimateError.invalidParameter(field: "\(field).levelOutput", value: "\(levelOutput)",
                                                    expected: "a power of 2 in 2...4096 (2^ADC bits)")
        }
        try CIMEstimateError.require(cellBit, in: 1...8, "\(field).cellBit")
        try CIMEstimateError.requirePositive(resistanceOn, "\(field).resistanceOn")
        guard resistanceOff.isFinite, resistanceOff > resistanceOn else {
            throw CIMEstimateError.invalidParameter(field: "\(field).resistanceOff", value: "\(resistanceOff)",
                                                    expected: "a finite number > resistanceOn (\(resistanceOn))")
        }
        for (v, n) in [(heightInFeatureSizeSRAM, "heightInFeatureSizeSRAM"), (widthInFeatureSizeSRAM, "widthInFeatureSizeSRAM"),
                       (heightInFeatureSize1T1R, "heightInFeatureSize1T1R"), (widthInFeatureSize1T1R, "widthInFeatureSize1T1R")] {
            try CIMEstimateError.requirePositive(v, "\(field).\(n)")
        }
        // The per-unit constants of NeuroSimChipModel are fitted at these values; other values would
        // silently keep the fitted numbers, so they are refused rather than mis-modelled.
        let fittedAt: [(Bool, String, String, String)] = [
            (levelOutput == 32, "levelOutput", "\(levelOutput)", "32 (the 5-bit ADC the constants were fitted at)"),
            (numRowSubArray == 128 && numColSubArray == 128, "numRowSubArray", "\(numRowSubArray)x\(numColSubArray)",
             "128 x 128 (the fitted sub-array)"),
            (numColMuxed == 8, "numColMuxed", "\(numColMuxed)", "8 (the fitted column mux)"),
            (memcelltype == .SRAM || cellBit == 2, "cellBit", "\(cellBit)", "2 for RRAM (the fitted cell)"),
            (memcelltype == .SRAM || (resistanceOn == 6e3 && abs(resistanceOff / resistanceOn - 150) < 1e-9),
             "resistanceOn", "\(resistanceOn) / \(resistanceOff)", "6e3 and resistanceOff = 150 x 6e3 (the fitted RRAM)"),
        ]
        for (ok, key, value, expected) in fittedAt where !ok {
            throw CIMEstimateError.invalidParameter(field: "\(field).\(key)", value: value, expected: expected)
        }
        if pipeline {
            throw CIMEstimateError.invalidParameter(field: "\(field).pipeline", value: "true",
                                                    expected: "false (only layer-by-layer processing is modelled)")
        }
        if !synchronous {
            throw CIMEstimateError.invalidParameter(field: "\(field).synchronous", value: "false",
                                                    expected: "true (only the clocked latency is modelled)")
        }
        if SARADC {
            throw CIMEstimateError.invalidParameter(field: "\(field).SARADC", value: "true",
                                                    expected: "false (only the MLSA ADC has reference data)")
        }
        try CIMEstimateError.require(numBitInput, in: 1...16, "\(field).numBitInput")
        try CIMEstimateError.require(synapseBit, in: 1...16, "\(field).synapseBit")
        guard synapseBit >= effectiveCellBit else {
            throw CIMEstimateError.invalidParameter(field: "\(field).cellBit", value: "\(cellBit)",
                                                    expected: "at most synapseBit (\(synapseBit))")
        }
        guard inputBitDensity.count == 1 || inputBitDensity.count == layers else {
            throw CIMEstimateError.invalidParameter(field: "\(field).inputBitDensity", value: "\(inputBitDensity.count) values",
                                                    expected: "1 value or one per layer (\(layers))")
        }
        for (i, d) in inputBitDensity.enumerated() { try CIMEstimateError.requireFraction(d, "\(field).inputBitDensity[\(i)]") }
        if let poolingAfter, poolingAfter.count != layers {
            throw CIMEstimateError.invalidParameter(field: "\(field).poolingAfter", value: "\(poolingAfter.count) values",
                                                    expected: "one flag per layer (\(layers))")
        }
    }
}

/// How many input vectors a convolution layer reads.
public enum NeuroSimVectorConvention: String, Codable, Sendable, CaseIterable {
    /// NeuroSim V1.3's C++ core: ((H − K + 1)/s) × ((W − K + 1)/s) vectors (no padding), e.g. 900
    /// for a 3 × 3 kernel on 32 × 32. Its operation count still uses H·W (2·Σ H·W·C·K²·N).
    case neuroSim
    /// "Same" padding: ⌈H/s⌉ × ⌈W/s⌉ vectors, consistent with the operation count.
    case samePadding
}

extension Double {
    /// log2 rounded to the nearest integer (for powers of two).
    var log2Rounded: Int { Int((Foundation.log2(self)).rounded()) }
}
