// MARK: - Fitted constants (NeuroSim V1.3 output, 22 nm)

extension NeuroSimUnitConstants {
    /// RRAM (1T1R 48 F², 2-bit cells, Ron 6 kΩ, on/off 150, 5-bit MLSA ADC, 8 columns per ADC) at
    /// 22 nm. Fitted by `benchmarks/neurosim/fit.py reference/rram22_d050.csv --slices 4` to
    /// NeuroSim V1.3's VGG-8 output at input bit density 0.5 (Lu et al. 2021; DNN_NeuroSim_V1.3):
    /// clock 2.03892 ns = 1.4 × 1.45637 ns; 4,048 sub-arrays on 47 tiles. The periphery's density
    /// slope (p1 = 2.0837 pJ, p0 = 6.29074 − p1 · 0.5) comes from the pair of rram22 runs at
    /// densities 0.5 and 0.17·7/8 (their periphery totals 5.611 and 4.958 µJ).
    public static let rram22 = NeuroSimUnitConstants(
        referenceNode: 22, sensingNS: 1.45637, senseAmplifierNS: 1.0,
        accumulationBaseCycles: 10.5461, accumulationCyclesPerTileStage: 1.87589, accumulationCyclesPerChipStage: 1.41868,
        peripheryNSPerCycle: 0.12753, conversionBasePJ: 0.0585802, conversionPerActiveRowPJ: 0.00657565,
        accumulationPJPerSubArrayBit: 5.45064, peripheryPJPerSubArrayBit: 5.2489, peripheryPJPerSubArrayBitPerDensity: 2.0837,
        bufferPJPerInputBit: 0.0244996, bufferPJPerOutputBit: 0.0399825,
        bufferCyclesPerVector: 3.28597, bufferCyclesPerTileRow: 0.257195, bufferCyclesPerTileOutput: 1.03807,
        interconnectPJPerInputBit: 0.251715, interconnectPJPerOutputBit: 0.582953, interconnectPJPerInputBitTile: 0.186014,
        interconnectNSPerInputBit: 0.00715288, interconnectNSPerOutputBit: 0.0276438,
        subArrayPeripheryUM2: 6318.76, subArrayADCUM2: 6060.38, perPEUM2: 0, perTileUM2: 150679, globalPerTileUM2: 0,
        leakageUWPerTile: 18.0816, leakageEnergyUWPerTile: 23.2374)

    /// 8T SRAM (280 F², 1 bit per cell, 5-bit MLSA, 8 columns per ADC) at 22 nm. Fitted by
    /// `benchmarks/neurosim/fit.py reference/sram22_d017.csv --slices 8 --density 0.14875` (the SRAM
    /// run at density 0.5 was not finished when the fit was made): clock 4.9271 ns = 1.4 × 3.51936 ns;
    /// 7,968 sub-arrays on 92 tiles. No density slope for the periphery (one SRAM density fitted).
    public static let sram22 = NeuroSimUnitConstants(
        referenceNode: 22, sensingNS: 3.51936, senseAmplifierNS: 1.0,
        accumulationBaseCycles: 9.1335, accumulationCyclesPerTileStage: 1.96338, accumulationCyclesPerChipStage: 1.36461,
        peripheryNSPerCycle: 0.27608, conversionBasePJ: 0.113461, conversionPerActiveRowPJ: 0.000751216,
        accumulationPJPerSubArrayBit: 6.09106, peripheryPJPerSubArrayBit: 5.59888, peripheryPJPerSubArrayBitPerDensity: 0,
        bufferPJPerInputBit: 0.0384988, bufferPJPerOutputBit: 0.0532646,
        bufferCyclesPerVector: 3.24626, bufferCyclesPerTileRow: 0.254749, bufferCyclesPerTileOutput: 1.01929,
        interconnectPJPerInputBit: 0.44987, interconnectPJPerOutputBit: 1.02431, interconnectPJPerInputBitTile: 0.147417,
        interconnectNSPerInputBit: 0.0268645, interconnectNSPerOutputBit: 0.0947416,
        subArrayPeripheryUM2: 2903.29, subArrayADCUM2: 7066.47, perPEUM2: 0, perTileUM2: 162100, globalPerTileUM2: 0,
        leakageUWPerTile: 28.3942, leakageEnergyUWPerTile: 35.6967)
}
