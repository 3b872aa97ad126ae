// MARK: - Estimate specification

/// Everything one estimate needs, as data (Codable; the `neuromorph estimate SPEC` input).
///
/// A spec without a network (``modelZoo`` and ``layers`` both `nil`) estimates the macro only
/// (Tables 3 and 5). With a network, every layer is mapped onto sub-arrays and processed layer by
/// layer (Table 7).
public struct CIMEstimateSpec: Codable, Sendable, Equatable {
    public var name: String
    public var macro: CIMMacro
    public var calibration: NeuroSimCalibration
    public var architecture: CIMArchitecture
    /// Activation precision, applied bit-serially (8 in Table 7).
    public var inputBits: Int
    /// Weight precision (8 in Table 7); must be one of `macro.weightPrecisions`.
    public var weightBits: Int
    /// Fraction of zero input bits skipped by the zero-skip controller (0 in the validation).
    public var inputSparsity: Double
    /// A model-zoo network (``CIMModelZoo`` raw value), or `nil`.
    public var modelZoo: String?
    /// User-given layers; used when ``modelZoo`` is `nil`.
    public var layers: [NetworkLayer]?
    /// NeuroSim V1.3 chip settings (Param.cpp names). `nil` (the default) keeps the Table 3
    /// macro model; a value switches the estimate to ``NeuroSimChipModel`` (the `macro`,
    /// `architecture` and `inputSparsity` fields are then not used; `inputBits`/`weightBits` are
    /// taken from `neuroSim.numBitInput`/`synapseBit`).
    public var neuroSim: NeuroSimParam?

    public init(name: String, macro: CIMMacro, calibration: NeuroSimCalibration = .luEtAl2021,
                architecture: CIMArchitecture = CIMArchitecture(), inputBits: Int = 8, weightBits: Int = 8,
                inputSparsity: Double = 0, modelZoo: String? = nil, layers: [NetworkLayer]? = nil,
                neuroSim: NeuroSimParam? = nil) {
        self.name = name
        self.macro = macro
        self.calibration = calibration
        self.architecture = architecture
        self.inputBits = inputBits
        self.weightBits = weightBits
        self.inputSparsity = inputSparsity
        self.modelZoo = modelZoo
        self.layers = layers
        self.neuroSim = neuroSim
    }

    /// The network layers: the model-zoo entry, the user layers, or none.
    public func resolvedLayers() throws -> [NetworkLayer] {
        if let modelZoo { return try CIMModelZoo.named(modelZoo).layers }
        return layers ?? []
    }

    public func validate() throws {
        try macro.validate(field: "macro")
        try calibration.validate(field: "calibration")
        try architecture.validate(field: "architecture")
        try CIMEstimateError.require(inputBits, in: 1...16, "inputBits")
        guard macro.weightPrecisions.contains(weightBits) else {
            throw CIMEstimateError.invalidParameter(field: "weightBits", value: "\(weightBits)",
                                                    expected: "one of macro.weightPrecisions \(macro.weightPrecisions)")
        }
        try CIMEstimateError.requireFraction(inputSparsity, "inputSparsity")
        if inputSparsity > 0 && macro.zeroSkipThreshold == nil {
            throw CIMEstimateError.invalidParameter(field: "inputSparsity", value: "\(inputSparsity)",
                                                    expected: "0 unless macro.zeroSkipThreshold is set")
        }
        for (i, layer) in try resolvedLayers().enumerated() { try layer.validate(field: "layers[\(i)]") }
        if let neuroSim { try neuroSim.validate(field: "neuroSim", layers: try resolvedLayers().count) }
    }
}

// MARK: - Presets

extension CIMEstimateSpec {
    /// The 40 nm RRAM validation macro alone (Lu et al. 2021, Tables 2-6).
    public static let luEtAl2021ValidationMacro = CIMEstimateSpec(
        name: "neurosim-validation-40nm-rram", macro: .luEtAl2021Validation, weightBits: 8)

    /// A Table 7 benchmark sub-array: 128 × 128, all 128 rows on, 8 columns per ADC, flash
    /// (MLSA) ADC of `adcBits`, 8-bit weights only, saturating ADC (Table 7 settings).
    public static func table7Macro(node: TechnologyNode, cell: MemoryCell, adcBits: Int) -> CIMMacro {
        CIMMacro(technology: node, cell: cell, computeRows: 128, computeColumns: 128, rowsOnAtOnce: 128,
                 columnsPerADC: 8, adc: ADCModel(kind: .flashCSA, bits: adcBits), adcRangePolicy: .quantizing,
                 weightPrecisions: [8])
    }

    /// The six Table 7 designs: (preset suffix, node nm, cell, ADC bits).
    static func table7Designs() throws -> [(String, TechnologyNode, MemoryCell, Int)] {
        let n7 = try TechnologyNode.table1(7), n22 = try TechnologyNode.table1(22)
        return [
            ("sram-7nm", n7, .sram8T(at: n7), 4), ("sram-22nm", n22, .sram8T(at: n22), 4),
            ("rram12-22nm", n22, .rramHe2020, 5), ("rram13-22nm", n22, .rramWu2018, 5),
            ("pcm14-22nm", n22, .pcmKim2019, 5), ("fefet15-22nm", n22, .fefetNi2018, 5),
        ]
    }

    /// Names accepted by ``preset(named:)``: the validation macro, the 12 Table 7 designs
    /// (`vgg8-<design>`, `resnet18-<design>`) and the four NeuroSim V1.3 side-by-side
    /// configurations (`neurosim-vgg8-rram22`, `-sram22`, `-rram32`, `-sram32`; issue 16).
    public static var presetNames: [String] {
        let designs = ["sram-7nm", "sram-22nm", "rram12-22nm", "rram13-22nm", "pcm14-22nm", "fefet15-22nm"]
        return [luEtAl2021ValidationMacro.name] + designs.map { "vgg8-\($0)" } + designs.map { "resnet18-\($0)" }
            + neuroSimConfigurations.map { "neurosim-vgg8-\($0)" }
    }

    /// The configurations run side by side with NeuroSim V1.3 (benchmarks/neurosim/run.sh).
    public static let neuroSimConfigurations = ["rram22", "sram22", "rram32", "sram32"]

    /// VGG-8 (CIFAR-10) with NeuroSim V1.3 settings: `config` = `rram22`, `sram22`, `rram32` or
    /// `sram32`; Param.cpp defaults otherwise (RRAM: 2-bit cells, Ron 6 kΩ, on/off 150, 5-bit ADC;
    /// pipeline off, validated, synchronous), 2 × 2 pooling after layers 2, 4, 6, and input bit
    /// density `density` (0.5 = random bits; 0.17 with the sign bit 0 is typical of ReLU outputs).
    public static func neuroSimVGG8(_ config: String, density: Double = 0.5) throws -> CIMEstimateSpec {
        guard neuroSimConfigurations.contains(config) else {
            throw CIMEstimateError.unknownName(field: "neuroSim configuration", value: config, known: neuroSimConfigurations)
        }
        let sram = config.hasPrefix("sram")
        let nm = config.hasSuffix("32") ? 32 : 22
        let node = try TechnologyNode.table1(nm)
        let param = NeuroSimParam(memcelltype: sram ? .SRAM : .RRAM, technode: nm, inputBitDensity: [density],
                                  poolingAfter: [false, true, false, true, false, true, false, false])
        let cell = sram
            ? MemoryCell(name: "8T-SRAM (NeuroSim V1.3)", kind: .sram8T, areaF2: param.cellAreaF2, bitsPerCell: 1,
                         onResistanceOhm: nil, onOffRatio: nil, source: "NeuroSim V1.3 Param.cpp 10 F x 28 F")
            : MemoryCell(name: "1T1R RRAM (NeuroSim V1.3)", kind: .rram, areaF2: param.cellAreaF2, bitsPerCell: 2,
                         onResistanceOhm: 6e3, onOffRatio: 150, source: "NeuroSim V1.3 Param.cpp defaults")
        return CIMEstimateSpec(name: "neurosim-vgg8-\(config)", macro: table7Macro(node: node, cell: cell, adcBits: 5),
                               modelZoo: CIMModelZoo.vgg8CIFAR10.rawValue, neuroSim: param)
    }

    /// A preset by name (see ``presetNames``).
    public static func preset(named name: String) throws -> CIMEstimateSpec {
        if name == luEtAl2021ValidationMacro.name { return luEtAl2021ValidationMacro }
        if name.hasPrefix("neurosim-vgg8-"), neuroSimConfigurations.contains(String(name.dropFirst(14))) {
            return try neuroSimVGG8(String(name.dropFirst(14)))
        }
        for (suffix, node, cell, bits) in try table7Designs() {
            for model in CIMModelZoo.allCases {
                let prefix = model == .vgg8CIFAR10 ? "vgg8" : "resnet18"
                if name == "\(prefix)-\(suffix)" {
                    return CIMEstimateSpec(name: name, macro: table7Macro(node: node, cell: cell, adcBits: bits),
                                           modelZoo: model.rawValue)
                }
            }
        }
        throw CIMEstimateError.unknownName(field: "preset", value: name, known: presetNames)
    }
}
