import Foundation

// MARK: - Report values

/// The estimate of one network layer, processed layer by layer.
public struct CIMLayerEstimate: Codable, Sendable, Equatable {
    public var name: String
    public var macs: Int
    public var mapping: LayerMapping
    /// Used cells / cells of the layer's tiles.
    public var memoryUtilization: Double
    /// Clock cycles: OFM pixels × input bits × row groups × columns per ADC.
    public var cycles: Int
    public var latencyNS: Double
    /// Sub-array (macro) dynamic energy, pre-layout (pJ).
    public var macroEnergyPJ: Double
    /// H-tree energy, pre-layout (pJ).
    public var interconnectEnergyPJ: Double
    public var dynamicEnergyPJ: Double { macroEnergyPJ + interconnectEnergyPJ }
}

/// Network totals (the rows of Table 7).
public struct CIMNetworkTotals: Codable, Sendable, Equatable {
    /// Operations: 2 × MACs, normalized to the weight/activation precision (Table 7).
    public var operations: Double
    public var areaMM2: Double
    public var memoryUtilization: Double
    public var clockPeriodNS: Double
    public var latencyMS: Double
    /// Pre-layout dynamic energy (µJ).
    public var dynamicEnergyUJ: Double
    public var leakagePowerMW: Double
    /// Leakage energy = P_leak × latency (µJ).
    public var leakageEnergyUJ: Double
    /// ops / latency / area.
    public var topsPerMM2: Double
    /// ops / (E_dyn + E_leak), pre-layout.
    public var preLayoutTOPSPerWatt: Double
    /// Pre-layout ÷ η (Table 7 relation).
    public var postLayoutTOPSPerWatt: Double
}

/// The result of ``CIMEstimator/estimate(_:)``: the macro's modules, the layers and totals.
public struct CIMEstimateReport: Codable, Sendable, Equatable {
    public var specName: String
    public var macro: CIMMacroCost
    public var layers: [CIMLayerEstimate]
    /// `nil` when the spec has no network.
    public var totals: CIMNetworkTotals?
    /// NeuroSim-style breakdown; set only by a spec with ``CIMEstimateSpec/neuroSim``.
    public var neuroSim: NeuroSimChipBreakdown? = nil
}

// MARK: - Estimator

/// Estimates area, latency, energy and efficiency of a ``CIMEstimateSpec`` (NeuroSim
/// methodology, Lu et al. 2021).
/// ```
/// T_layer = pixels × inputBits × g × columnsPerADC × T_clk       (latency in clock cycles)
/// E_layer = pixels × inputBits × subArrays × (g / g_dense) × E_macro-op + E_H-tree
/// A_chip  = Σ_layers tiles × subArraysPerTile × A_macro × (1 + overhead)
/// TOPS/W  = 2·MACs / (E_dyn + P_leak · T),   post-layout = pre ÷ η,   TOPS/mm² = 2·MACs / T / A
/// ```
/// g = ⌈rows/rowsOn⌉ row groups, or ⌈rows·(1 − sparsity)/threshold⌉ with zero-skip.
public enum CIMEstimator {
    public static func estimate(_ spec: CIMEstimateSpec) throws -> CIMEstimateReport {
        try spec.validate()
        if let param = spec.neuroSim { return try NeuroSimChipModel.estimate(spec, param: param) }
        let macro = spec.macro
        let macroCost = try macro.cost(calibration: spec.calibration)
        let layers = try spec.resolvedLayers()
        guard !layers.isEmpty else {
            return CIMEstimateReport(specName: spec.name, macro: macroCost, layers: [], totals: nil)
        }
        let groups: Int
        if let threshold = macro.zeroSkipThreshold {
            let ones = (Double(macro.computeRows) * (1 - spec.inputSparsity)).rounded(.up)
            groups = max(1, Int((ones / Double(threshold)).rounded(.up)))
        } else {
            groups = macro.rowGroups
        }
        let groupFraction = Double(groups) / Double(macro.rowGroups)
        let mappings = try layers.map {
            try LayerMapping(layer: $0, macro: macro, architecture: spec.architecture, weightBits: spec.weightBits)
        }
        let tileCells = spec.architecture.subArraysPerTile * macro.computeRows * macro.computeColumns
        let tileAreaUM2 = Double(spec.architecture.subArraysPerTile) * macroCost.totalAreaUM2
            * (1 + spec.architecture.tileAreaOverhead)
        let tiles = mappings.reduce(0) { $0 + $1.tiles }
        let areaMM2 = Double(tiles) * tileAreaUM2 / 1e6
        let hTreeMM = areaMM2.squareRoot()

        var estimates: [CIMLayerEstimate] = []
        for (layer, mapping) in zip(layers, mappings) {
            let cycles = layer.outputPixels * spec.inputBits * groups * macro.columnsPerADC
            let macroOps = Double(layer.outputPixels * spec.inputBits * mapping.subArrays) * groupFraction
            let bits = Double(layer.outputPixels) * Double(layer.weightRows * spec.inputBits + layer.outputChannels * spec.inputBits)
            estimates.append(CIMLayerEstimate(
                name: layer.name, macs: layer.macs, mapping: mapping,
                memoryUtilization: Double(mapping.usedCells) / Double(mapping.tiles * tileCells),
                cycles: cycles, latencyNS: Double(cycles) * macroCost.clockPeriodNS,
                macroEnergyPJ: macroOps * macroCost.totalEnergyPJ,
                interconnectEnergyPJ: bits * hTreeMM * spec.architecture.interconnectEnergyPJPerBitMM))
        }
        let ops = 2 * Double(estimates.reduce(0) { $0 + $1.macs })
        let latencyNS = estimates.reduce(0) { $0 + $1.latencyNS }
        let dynamicPJ = estimates.reduce(0) { $0 + $1.dynamicEnergyPJ }
        let subArrays = Double(tiles * spec.architecture.subArraysPerTile)
        let leakageMW = subArrays * macroCost.leakageMW
        let leakagePJ = leakageMW * 1e-3 * latencyNS * 1e-9 * 1e12
        let usedCells = mappings.reduce(0) { $0 + $1.usedCells }
        let pre = ops / ((dynamicPJ + leakagePJ) * 1e-12) / 1e12
        let totals = CIMNetworkTotals(
            operations: ops, areaMM2: areaMM2, memoryUtilization: Double(usedCells) / Double(tiles * tileCells),
            clockPeriodNS: macroCost.clockPeriodNS, latencyMS: latencyNS * 1e-6, dynamicEnergyUJ: dynamicPJ * 1e-6,
            leakagePowerMW: leakageMW, leakageEnergyUJ: leakagePJ * 1e-6,
            topsPerMM2: ops / (latencyNS * 1e-9) / 1e12 / areaMM2,
            preLayoutTOPSPerWatt: pre, postLayoutTOPSPerWatt: spec.calibration.postLayoutEfficiency(fromPreLayout: pre))
        return CIMEstimateReport(specName: spec.name, macro: macroCost, layers: estimates, totals: totals)
    }
}

extension CIMEstimateSpec {
    /// ``CIMEstimator/estimate(_:)`` of this spec.
    public func estimate() throws -> CIMEstimateReport { try CIMEstimator.estimate(self) }
}
