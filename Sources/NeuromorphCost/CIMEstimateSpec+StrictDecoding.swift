import NeuromorphCore

// Strict decoding of `neuromorph estimate SPEC` files (a ``CIMEstimateSpec`` and everything
// it holds): unknown keys, enum values outside their cases and non-finite numbers throw a
// `SpecError` naming the key path and the expected form, as experiment specs do. A misspelled
// `layers` or `zeroSkipThreshold` is an error, not a silently different estimate.
// Encoding stays synthesized (the same key names).

extension CIMEstimateSpec {
    private enum StrictKeys: String, CodingKey, CaseIterable {
        case name, macro, calibration, architecture, inputBits, weightBits, inputSparsity, modelZoo, layers, neuroSim
    }

    /// Decodes strictly: only the keys CIMEstimateSpec has, finite numbers, known enum values.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: StrictKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: StrictKeys.self)
        name = try c.decode(String.self, forKey: .name)
        macro = try c.decode(CIMMacro.self, forKey: .macro)
        calibration = try c.decode(NeuroSimCalibration.self, forKey: .calibration)
        architecture = try c.decode(CIMArchitecture.self, forKey: .architecture)
        inputBits = try c.decode(Int.self, forKey: .inputBits)
        weightBits = try c.decode(Int.self, forKey: .weightBits)
        inputSparsity = try c.decodeChecked(Double.self, forKey: .inputSparsity, "a finite number", \.isFinite)
        modelZoo = try c.decodeIfPresent(String.self, forKey: .modelZoo)
        layers = try c.decodeIfPresent([NetworkLayer].self, forKey: .layers)
        neuroSim = try c.decodeIfPresent(NeuroSimParam.self, forKey: .neuroSim)
    }
}

extension NeuroSimParam {
    private enum StrictKeys: String, CodingKey, CaseIterable {
        case memcelltype, technode, numRowSubArray, numColSubArray, numColMuxed, levelOutput, cellBit, resistanceOn,
             resistanceOff, heightInFeatureSizeSRAM, widthInFeatureSizeSRAM, heightInFeatureSize1T1R,
             widthInFeatureSize1T1R, novelMapping, pipeline, validated, synchronous, SARADC, numBitInput, synapseBit,
             inputBitDensity, vectorConvention, poolingAfter
    }

    /// Decodes strictly: only Param.cpp's keys (plus `inputBitDensity`, `vectorConvention`); a
    /// missing key takes NeuroSim V1.3's default (``init(memcelltype:technode:numRowSubArray:numColSubArray:numColMuxed:levelOutput:cellBit:resistanceOn:resistanceOff:heightInFeatureSizeSRAM:widthInFeatureSizeSRAM:heightInFeatureSize1T1R:widthInFeatureSize1T1R:novelMapping:pipeline:validated:synchronous:SARADC:numBitInput:synapseBit:inputBitDensity:vectorConvention:)``).
    /// `inputBitDensity` is a number or a list.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: StrictKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: StrictKeys.self)
        let d = NeuroSimParam()
        func num(_ k: StrictKeys, _ def: Double) throws -> Double {
            try c.decodeCheckedIfPresent(Double.self, forKey: k, "a finite number", \.isFinite) ?? def
        }
        memcelltype = try c.decodeChoiceIfPresent(MemCellType.self, forKey: .memcelltype) ?? d.memcelltype
        technode = try c.decodeIfPresent(Int.self, forKey: .technode) ?? d.technode
        numRowSubArray = try c.decodeIfPresent(Int.self, forKey: .numRowSubArray) ?? d.numRowSubArray
        numColSubArray = try c.decodeIfPresent(Int.self, forKey: .numColSubArray) ?? d.numColSubArray
        numColMuxed = try c.decodeIfPresent(Int.self, forKey: .numColMuxed) ?? d.numColMuxed
        levelOutput = try c.decodeIfPresent(Int.self, forKey: .levelOutput) ?? d.levelOutput
        cellBit = try c.decodeIfPresent(Int.self, forKey: .cellBit) ?? d.cellBit
        resistanceOn = try num(.resistanceOn, d.resistanceOn)
        resistanceOff = try num(.resistanceOff, d.resistanceOff)
        heightInFeatureSizeSRAM = try num(.heightInFeatureSizeSRAM, d.heightInFeatureSizeSRAM)
        widthInFeatureSizeSRAM = try num(.widthInFeatureSizeSRAM, d.widthInFeatureSizeSRAM)
        heightInFeatureSize1T1R = try num(.heightInFeatureSize1T1R, d.heightInFeatureSize1T1R)
        widthInFeatureSize1T1R = try num(.widthInFeatureSize1T1R, d.widthInFeatureSize1T1R)
        novelMapping = try c.decodeIfPresent(Bool.self, forKey: .novelMapping) ?? d.novelMapping
        pipeline = try c.decodeIfPresent(Bool.self, forKey: .pipeline) ?? d.pipeline
        validated = try c.decodeIfPresent(Bool.self, forKey: .validated) ?? d.validated
        synchronous = try c.decodeIfPresent(Bool.self, forKey: .synchronous) ?? d.synchronous
        SARADC = try c.decodeIfPresent(Bool.self, forKey: .SARADC) ?? d.SARADC
        numBitInput = try c.decodeIfPresent(Int.self, forKey: .numBitInput) ?? d.numBitInput
        synapseBit = try c.decodeIfPresent(Int.self, forKey: .synapseBit) ?? d.synapseBit
        if let one = try? c.decodeIfPresent(Double.self, forKey: .inputBitDensity) {
            inputBitDensity = [one]
        } else {
            inputBitDensity = try c.decodeIfPresent([Double].self, forKey: .inputBitDensity) ?? d.inputBitDensity
        }
        vectorConvention = try c.decodeChoiceIfPresent(NeuroSimVectorConvention.self, forKey: .vectorConvention)
            ?? d.vectorConvention
        poolingAfter = try c.decodeIfPresent([Bool].self, forKey: .poolingAfter)
    }
}

extension CIMMacro {
    private enum StrictKeys: String, CodingKey, CaseIterable {
        case technology, cell, computeRows, computeColumns, physicalRows, physicalColumns, rowsOnAtOnce, columnsPerADC, adc, adcRangePolicy, weightPrecisions, zeroSkipThreshold, analog, gateEnergies, digitalGateCounts
    }

    /// Decodes strictly: only the keys CIMMacro has, finite numbers, known enum values.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: StrictKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: StrictKeys.self)
        technology = try c.decode(TechnologyNode.self, forKey: .technology)
        cell = try c.decode(MemoryCell.self, forKey: .cell)
        computeRows = try c.decode(Int.self, forKey: .computeRows)
        computeColumns = try c.decode(Int.self, forKey: .computeColumns)
        physicalRows = try c.decode(Int.self, forKey: .physicalRows)
        physicalColumns = try c.decode(Int.self, forKey: .physicalColumns)
        rowsOnAtOnce = try c.decode(Int.self, forKey: .rowsOnAtOnce)
        columnsPerADC = try c.decode(Int.self, forKey: .columnsPerADC)
        adc = try c.decode(ADCModel.self, forKey: .adc)
        adcRangePolicy = try c.decodeChoice(ADCRangePolicy.self, forKey: .adcRangePolicy)
        weightPrecisions = try c.decode([Int].self, forKey: .weightPrecisions)
        zeroSkipThreshold = try c.decodeIfPresent(Int.self, forKey: .zeroSkipThreshold)
        analog = try c.decode(AnalogCircuitPreset.self, forKey: .analog)
        gateEnergies = try c.decode(GateEnergyPreset.self, forKey: .gateEnergies)
        digitalGateCounts = try c.decodeIfPresent(DigitalGateCounts.self, forKey: .digitalGateCounts)
    }
}

extension TechnologyNode {
    private enum StrictKeys: String, CodingKey, CaseIterable {
        case name, featureSizeNM, kind, gateLengthNM, nmosWidth, pmosWidth, finPitchNM, finHeightNM, finWidthNM, standardCellWidthNM, standardCellHeightNM, supplyVoltage, source
    }

    /// Decodes strictly: only the keys TechnologyNode has, finite numbers, known enum values.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: StrictKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: StrictKeys.self)
        name = try c.decode(String.self, forKey: .name)
        featureSizeNM = try c.decodeChecked(Double.self, forKey: .featureSizeNM, "a finite number", \.isFinite)
        kind = try c.decodeChoice(TransistorKind.self, forKey: .kind)
        gateLengthNM = try c.decodeChecked(Double.self, forKey: .gateLengthNM, "a finite number", \.isFinite)
        nmosWidth = try c.decodeChecked(Double.self, forKey: .nmosWidth, "a finite number", \.isFinite)
        pmosWidth = try c.decodeChecked(Double.self, forKey: .pmosWidth, "a finite number", \.isFinite)
        finPitchNM = try c.decodeCheckedIfPresent(Double.self, forKey: .finPitchNM, "a finite number", \.isFinite)
        finHeightNM = try c.decodeCheckedIfPresent(Double.self, forKey: .finHeightNM, "a finite number", \.isFinite)
        finWidthNM = try c.decodeCheckedIfPresent(Double.self, forKey: .finWidthNM, "a finite number", \.isFinite)
        standardCellWidthNM = try c.decodeChecked(Double.self, forKey: .standardCellWidthNM, "a finite number", \.isFinite)
        standardCellHeightNM = try c.decodeChecked(Double.self, forKey: .standardCellHeightNM, "a finite number", \.isFinite)
        supplyVoltage = try c.decodeChecked(Double.self, forKey: .supplyVoltage, "a finite number", \.isFinite)
        source = try c.decode(String.self, forKey: .source)
    }
}

extension MemoryCell {
    private enum StrictKeys: String, CodingKey, CaseIterable {
        case name, kind, areaF2, bitsPerCell, onResistanceOhm, onOffRatio, source
    }

    /// Decodes strictly: only the keys MemoryCell has, finite numbers, known enum values.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: StrictKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: StrictKeys.self)
        name = try c.decode(String.self, forKey: .name)
        kind = try c.decodeChoice(Kind.self, forKey: .kind)
        areaF2 = try c.decodeChecked(Double.self, forKey: .areaF2, "a finite number", \.isFinite)
        bitsPerCell = try c.decode(Int.self, forKey: .bitsPerCell)
        onResistanceOhm = try c.decodeCheckedIfPresent(Double.self, forKey: .onResistanceOhm, "a finite number", \.isFinite)
        onOffRatio = try c.decodeCheckedIfPresent(Double.self, forKey: .onOffRatio, "a finite number", \.isFinite)
        source = try c.decode(String.self, forKey: .source)
    }
}

extension ADCModel {
    private enum StrictKeys: String, CodingKey, CaseIterable {
        case kind, bits
    }

    /// Decodes strictly: only the keys ADCModel has, finite numbers, known enum values.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: StrictKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: StrictKeys.self)
        kind = try c.decodeChoice(Kind.self, forKey: .kind)
        bits = try c.decode(Int.self, forKey: .bits)
    }
}

extension AnalogCircuitPreset {
    private enum StrictKeys: String, CodingKey, CaseIterable {
        case referenceNode, levelShifterWidthF, levelShifterHeightCells, levelShifterLatencyNS, levelShifterEnergyPJ, referenceRowActivations, muxAreaUM2, referenceMuxSwitches, muxLatencyNS, muxEnergyPJ, muxDecoderLatencyNS, adcAreaUM2, referenceSenseAmps, adcLatencyNS, adcEnergyPJ, referenceSenseDecisions, adcEncoderLatencyNS, arrayLatencyNS, arrayEnergyPJ, referenceCellReads, referenceOnResistanceOhm, referenceConversions
    }

    /// Decodes strictly: only the keys AnalogCircuitPreset has, finite numbers, known enum values.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: StrictKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: StrictKeys.self)
        referenceNode = try c.decode(TechnologyNode.self, forKey: .referenceNode)
        levelShifterWidthF = try c.decodeChecked(Double.self, forKey: .levelShifterWidthF, "a finite number", \.isFinite)
        levelShifterHeightCells = try c.decodeChecked(Double.self, forKey: .levelShifterHeightCells, "a finite number", \.isFinite)
        levelShifterLatencyNS = try c.decodeChecked(Double.self, forKey: .levelShifterLatencyNS, "a finite number", \.isFinite)
        levelShifterEnergyPJ = try c.decodeChecked(Double.self, forKey: .levelShifterEnergyPJ, "a finite number", \.isFinite)
        referenceRowActivations = try c.decodeChecked(Double.self, forKey: .referenceRowActivations, "a finite number", \.isFinite)
        muxAreaUM2 = try c.decodeChecked(Double.self, forKey: .muxAreaUM2, "a finite number", \.isFinite)
        referenceMuxSwitches = try c.decodeChecked(Double.self, forKey: .referenceMuxSwitches, "a finite number", \.isFinite)
        muxLatencyNS = try c.decodeChecked(Double.self, forKey: .muxLatencyNS, "a finite number", \.isFinite)
        muxEnergyPJ = try c.decodeChecked(Double.self, forKey: .muxEnergyPJ, "a finite number", \.isFinite)
        muxDecoderLatencyNS = try c.decodeChecked(Double.self, forKey: .muxDecoderLatencyNS, "a finite number", \.isFinite)
        adcAreaUM2 = try c.decodeChecked(Double.self, forKey: .adcAreaUM2, "a finite number", \.isFinite)
        referenceSenseAmps = try c.decodeChecked(Double.self, forKey: .referenceSenseAmps, "a finite number", \.isFinite)
        adcLatencyNS = try c.decodeChecked(Double.self, forKey: .adcLatencyNS, "a finite number", \.isFinite)
        adcEnergyPJ = try c.decodeChecked(Double.self, forKey: .adcEnergyPJ, "a finite number", \.isFinite)
        referenceSenseDecisions = try c.decodeChecked(Double.self, forKey: .referenceSenseDecisions, "a finite number", \.isFinite)
        adcEncoderLatencyNS = try c.decodeChecked(Double.self, forKey: .adcEncoderLatencyNS, "a finite number", \.isFinite)
        arrayLatencyNS = try c.decodeChecked(Double.self, forKey: .arrayLatencyNS, "a finite number", \.isFinite)
        arrayEnergyPJ = try c.decodeChecked(Double.self, forKey: .arrayEnergyPJ, "a finite number", \.isFinite)
        referenceCellReads = try c.decodeChecked(Double.self, forKey: .referenceCellReads, "a finite number", \.isFinite)
        referenceOnResistanceOhm = try c.decodeChecked(Double.self, forKey: .referenceOnResistanceOhm, "a finite number", \.isFinite)
        referenceConversions = try c.decodeChecked(Double.self, forKey: .referenceConversions, "a finite number", \.isFinite)
    }
}

extension GateEnergyPreset {
    private enum StrictKeys: String, CodingKey, CaseIterable {
        case referenceFeatureSizeNM, referenceSupplyVoltage, inverterFJ, dffFJ, shiftAddAdderBitFJ, accumulatorAdderBitFJ, leakagePerInverterPW
    }

    /// Decodes strictly: only the keys GateEnergyPreset has, finite numbers, known enum values.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: StrictKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: StrictKeys.self)
        referenceFeatureSizeNM = try c.decodeChecked(Double.self, forKey: .referenceFeatureSizeNM, "a finite number", \.isFinite)
        referenceSupplyVoltage = try c.decodeChecked(Double.self, forKey: .referenceSupplyVoltage, "a finite number", \.isFinite)
        inverterFJ = try c.decodeChecked(Double.self, forKey: .inverterFJ, "a finite number", \.isFinite)
        dffFJ = try c.decodeChecked(Double.self, forKey: .dffFJ, "a finite number", \.isFinite)
        shiftAddAdderBitFJ = try c.decodeChecked(Double.self, forKey: .shiftAddAdderBitFJ, "a finite number", \.isFinite)
        accumulatorAdderBitFJ = try c.decodeChecked(Double.self, forKey: .accumulatorAdderBitFJ, "a finite number", \.isFinite)
        leakagePerInverterPW = try c.decodeChecked(Double.self, forKey: .leakagePerInverterPW, "a finite number", \.isFinite)
    }
}

extension DigitalGateCounts {
    private enum StrictKeys: String, CodingKey, CaseIterable {
        case shiftAddDFF, shiftAddAdderBits, shiftAddInverters, accumulatorDFF, accumulatorAdderBits, accumulatorInverters, controlDFF, controlInverters
    }

    /// Decodes strictly: only the keys DigitalGateCounts has, finite numbers, known enum values.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: StrictKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: StrictKeys.self)
        shiftAddDFF = try c.decode(Int.self, forKey: .shiftAddDFF)
        shiftAddAdderBits = try c.decode(Int.self, forKey: .shiftAddAdderBits)
        shiftAddInverters = try c.decode(Int.self, forKey: .shiftAddInverters)
        accumulatorDFF = try c.decode(Int.self, forKey: .accumulatorDFF)
        accumulatorAdderBits = try c.decode(Int.self, forKey: .accumulatorAdderBits)
        accumulatorInverters = try c.decode(Int.self, forKey: .accumulatorInverters)
        controlDFF = try c.decode(Int.self, forKey: .controlDFF)
        controlInverters = try c.decode(Int.self, forKey: .controlInverters)
    }
}

extension NeuroSimCalibration {
    private enum StrictKeys: String, CodingKey, CaseIterable {
        case alpha, beta, gamma, delta, epsilon, zeta, eta, ioGateWidthMultiplier, ioGateHeightMultiplier, controlInverterHeightMultiplier
    }

    /// Decodes strictly: only the keys NeuroSimCalibration has, finite numbers, known enum values.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: StrictKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: StrictKeys.self)
        alpha = try c.decodeChecked(Double.self, forKey: .alpha, "a finite number", \.isFinite)
        beta = try c.decodeChecked(Double.self, forKey: .beta, "a finite number", \.isFinite)
        gamma = try c.decodeChecked(Double.self, forKey: .gamma, "a finite number", \.isFinite)
        delta = try c.decodeChecked(Double.self, forKey: .delta, "a finite number", \.isFinite)
        epsilon = try c.decodeChecked(Double.self, forKey: .epsilon, "a finite number", \.isFinite)
        zeta = try c.decodeChecked(Double.self, forKey: .zeta, "a finite number", \.isFinite)
        eta = try c.decodeChecked(Double.self, forKey: .eta, "a finite number", \.isFinite)
        ioGateWidthMultiplier = try c.decodeChecked(Double.self, forKey: .ioGateWidthMultiplier, "a finite number", \.isFinite)
        ioGateHeightMultiplier = try c.decodeChecked(Double.self, forKey: .ioGateHeightMultiplier, "a finite number", \.isFinite)
        controlInverterHeightMultiplier = try c.decodeChecked(Double.self, forKey: .controlInverterHeightMultiplier, "a finite number", \.isFinite)
    }
}

extension CIMArchitecture {
    private enum StrictKeys: String, CodingKey, CaseIterable {
        case subArraysPerPE, pesPerTile, interconnectEnergyPJPerBitMM, tileAreaOverhead, maxTilesPerLayer
    }

    /// Decodes strictly: only the keys CIMArchitecture has, finite numbers, known enum values.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: StrictKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: StrictKeys.self)
        subArraysPerPE = try c.decode(Int.self, forKey: .subArraysPerPE)
        pesPerTile = try c.decode(Int.self, forKey: .pesPerTile)
        interconnectEnergyPJPerBitMM = try c.decodeChecked(Double.self, forKey: .interconnectEnergyPJPerBitMM, "a finite number", \.isFinite)
        tileAreaOverhead = try c.decodeChecked(Double.self, forKey: .tileAreaOverhead, "a finite number", \.isFinite)
        maxTilesPerLayer = try c.decodeIfPresent(Int.self, forKey: .maxTilesPerLayer)
    }
}

extension NetworkLayer {
    private enum StrictKeys: String, CodingKey, CaseIterable {
        case name, inputHeight, inputWidth, inputChannels, kernelSize, outputChannels, stride, padding
    }

    /// Decodes strictly: only the keys NetworkLayer has, finite numbers, known enum values.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: StrictKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: StrictKeys.self)
        name = try c.decode(String.self, forKey: .name)
        inputHeight = try c.decode(Int.self, forKey: .inputHeight)
        inputWidth = try c.decode(Int.self, forKey: .inputWidth)
        inputChannels = try c.decode(Int.self, forKey: .inputChannels)
        kernelSize = try c.decode(Int.self, forKey: .kernelSize)
        outputChannels = try c.decode(Int.self, forKey: .outputChannels)
        stride = try c.decode(Int.self, forKey: .stride)
        padding = try c.decodeIfPresent(Int.self, forKey: .padding)
    }
}
