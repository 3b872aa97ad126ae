import Foundation

// MARK: - NeuroSim V1.3-style chip model

/// Per-unit constants of ``NeuroSimChipModel`` for one cell type at a reference node.
///
/// NeuroSim derives these from its PDK-level device tables and circuit models, none of which the
/// paper prints. The values here are **fitted to NeuroSim V1.3's own output** (VGG-8, 22 nm, input
/// bit density 0.5; `benchmarks/neurosim/fit.py` on the committed reference CSVs) and carried to
/// other nodes by per-node device data (``TechnologyDeviceData``: delays and the clock by the
/// intrinsic gate delay, leakage by the off-current) and Table 1 of Lu et al. 2021 (area ∝ A_INV,
/// energy ∝ F·V_DD²), and to other input densities by the active-row term of the ADC energy. Which
/// numbers are fitted and which are predictions is listed in docs/cost-neurosim.md.
public struct NeuroSimUnitConstants: Codable, Sendable, Equatable {
    /// Node the constants belong to.
    public var referenceNode: Int
    /// Sensing cycle before β (ns) at the reference node: WL/BL drive, array settle, MLSA decision.
    public var sensingNS: Double
    /// The part of ``sensingNS`` that does not scale with the transistors (ns): the multi-level
    /// sense amplifier's decision time, which NeuroSim V1.3 takes from its SPICE fit of the
    /// current-mode MLSA with a 1 ns floor (reached by these columns at 22 and 32 nm LP). The
    /// rest (decoder, switch matrix, mux, precharge, bit-line, encoder) is gate- and
    /// wire-driven and scales with ``TechnologyDeviceData/intrinsicGateDelayPS``.
    public var senseAmplifierNS: Double
    /// Accumulation, in clock cycles at the reference node: `accumulationBaseCycles` per input
    /// vector-bit of one copy (shift-add in the sub-arrays and PEs, clocked), and the adder trees
    /// in cycles per read per stage: inside a tile (`accumulationCyclesPerTileStage`: the K·K PEs of
    /// a novel tile or the row PEs of a conventional one, ⌈M / slices⌉ reads per vector) and
    /// across the layer's tile rows (`accumulationCyclesPerChipStage`: ⌈N·slices·V / (T/M)⌉ reads,
    /// ⌈log2 tileRows⌉ stages). The trees are ripple logic and follow τ_gate across nodes.
    public var accumulationBaseCycles: Double
    public var accumulationCyclesPerTileStage: Double
    public var accumulationCyclesPerChipStage: Double
    /// Decoder/mux/switch-matrix latency per sensing cycle (ns).
    public var peripheryNSPerCycle: Double
    /// ADC energy per conversion: base + perActiveRow × (rows in use × input density) (pJ).
    public var conversionBasePJ: Double
    public var conversionPerActiveRowPJ: Double
    /// Shift-add and adder-tree energy per sub-array per input vector-bit (pJ).
    public var accumulationPJPerSubArrayBit: Double
    /// Decoder, mux, switch-matrix, pooling and activation energy per sub-array per input
    /// vector-bit (pJ): base + perDensity × ρ (the word-line drivers switch with the input bits).
    public var peripheryPJPerSubArrayBit: Double
    public var peripheryPJPerSubArrayBitPerDensity: Double
    /// Buffer energy (pJ) per bit read out of (inputs) / written into (outputs) the buffers.
    public var bufferPJPerInputBit: Double
    public var bufferPJPerOutputBit: Double
    /// Tile-buffer cycles (input, output and PE buffers of the busiest tile) per input vector:
    /// a constant, per row the tile reads (novel: C·K new inputs of the sliding window;
    /// conventional: min(C·K·K, tile size)) and per output it writes (novel: N / tile columns /
    /// K², shared by the K·K PEs; conventional: N / tile columns). The global buffer's cycles
    /// are structural (``NeuroSimGlobalBuffer``), not fitted.
    public var bufferCyclesPerVector: Double
    public var bufferCyclesPerTileRow: Double
    public var bufferCyclesPerTileOutput: Double
    /// H-tree/bus energy (pJ) and latency (ns) per bit; the input bits also pay a per-tile
    /// share (broadcast to the layer's tiles, at most as many as the largest conv layer has).
    public var interconnectPJPerInputBit: Double
    public var interconnectPJPerOutputBit: Double
    public var interconnectPJPerInputBitTile: Double
    public var interconnectNSPerInputBit: Double
    public var interconnectNSPerOutputBit: Double
    /// Area (µm²): per sub-array besides its cells (ADC, mux, decoders, shift-add), per PE and
    /// per tile (buffers, adder trees, H-tree), and the global part (buffer, accumulation,
    /// activation, global H-tree) per tile of the chip.
    public var subArrayPeripheryUM2: Double
    public var subArrayADCUM2: Double
    public var perPEUM2: Double
    public var perTileUM2: Double
    public var globalPerTileUM2: Double
    /// Leakage power per tile (µW), as NeuroSim prints it for the chip.
    public var leakageUWPerTile: Double
    /// Leakage *energy* per tile per ns of latency (µW): NeuroSim's leakage energy also counts
    /// buffers and idle tiles while a layer runs, so it exceeds leakage power × latency.
    public var leakageEnergyUWPerTile: Double

    public init(referenceNode: Int, sensingNS: Double, senseAmplifierNS: Double, accumulationBaseCycles: Double,
                accumulationCyclesPerTileStage: Double, accumulationCyclesPerChipStage: Double,
                peripheryNSPerCycle: Double, conversionBasePJ: Double, conversionPerActiveRowPJ: Double,
                accumulationPJPerSubArrayBit: Double, peripheryPJPerSubArrayBit: Double,
                peripheryPJPerSubArrayBitPerDensity: Double, bufferPJPerInputBit: Double,
                bufferPJPerOutputBit: Double, bufferCyclesPerVector: Double, bufferCyclesPerTileRow: Double,
                bufferCyclesPerTileOutput: Double,
                interconnectPJPerInputBit: Double, interconnectPJPerOutputBit: Double,
                interconnectPJPerInputBitTile: Double, interconnectNSPerInputBit: Double,
                interconnectNSPerOutputBit: Double, subArrayPeripheryUM2: Double, subArrayADCUM2: Double,
                perPEUM2: Double, perTileUM2: Double, globalPerTileUM2: Double, leakageUWPerTile: Double,
                leakageEnergyUWPerTile: Double) {
        self.referenceNode = referenceNode
        self.sensingNS = sensingNS
        self.senseAmplifierNS = senseAmplifierNS
        self.accumulationBaseCycles = accumulationBaseCycles
        self.accumulationCyclesPerTileStage = accumulationCyclesPerTileStage
        self.accumulationCyclesPerChipStage = accumulationCyclesPerChipStage
        self.peripheryNSPerCycle = peripheryNSPerCycle
        self.conversionBasePJ = conversionBasePJ
        self.conversionPerActiveRowPJ = conversionPerActiveRowPJ
        self.accumulationPJPerSubArrayBit = accumulationPJPerSubArrayBit
        self.peripheryPJPerSubArrayBit = peripheryPJPerSubArrayBit
        self.peripheryPJPerSubArrayBitPerDensity = peripheryPJPerSubArrayBitPerDensity
        self.bufferPJPerInputBit = bufferPJPerInputBit
        self.bufferPJPerOutputBit = bufferPJPerOutputBit
        self.bufferCyclesPerVector = bufferCyclesPerVector
        self.bufferCyclesPerTileRow = bufferCyclesPerTileRow
        self.bufferCyclesPerTileOutput = bufferCyclesPerTileOutput
        self.interconnectPJPerInputBit = interconnectPJPerInputBit
        self.interconnectPJPerOutputBit = interconnectPJPerOutputBit
        self.interconnectPJPerInputBitTile = interconnectPJPerInputBitTile
        self.interconnectNSPerInputBit = interconnectNSPerInputBit
        self.interconnectNSPerOutputBit = interconnectNSPerOutputBit
        self.subArrayPeripheryUM2 = subArrayPeripheryUM2
        self.subArrayADCUM2 = subArrayADCUM2
        self.perPEUM2 = perPEUM2
        self.perTileUM2 = perTileUM2
        self.globalPerTileUM2 = globalPerTileUM2
        self.leakageUWPerTile = leakageUWPerTile
        self.leakageEnergyUWPerTile = leakageEnergyUWPerTile
    }
}

/// NeuroSim-style breakdown of one layer (what NeuroSim V1.3 prints per layer).
public struct NeuroSimLayerBreakdown: Codable, Sendable, Equatable {
    public var placement: NeuroSimLayerPlacement
    public var vectors: Int
    public var inputBitDensity: Double
    public var adcLatencyNS: Double
    public var accumulationLatencyNS: Double
    /// Decoders, mux, switch matrix, buffers and interconnect.
    public var otherLatencyNS: Double
    public var bufferLatencyNS: Double
    public var interconnectLatencyNS: Double
    public var adcEnergyPJ: Double
    public var accumulationEnergyPJ: Double
    /// Periphery + buffer + interconnect.
    public var otherEnergyPJ: Double
    public var bufferEnergyPJ: Double
    public var interconnectEnergyPJ: Double
    public var leakagePowerUW: Double
}

/// NeuroSim-style chip breakdown (the summary NeuroSim V1.3 prints).
public struct NeuroSimChipBreakdown: Codable, Sendable, Equatable {
    public var peSize: Int
    public var tileSize: Int
    public var tiles: Int
    public var areaArrayUM2: Double
    public var areaADCUM2: Double
    public var areaAccumulationUM2: Double
    public var areaOtherUM2: Double
    public var areaInterconnectUM2: Double
    public var adcLatencyNS: Double
    public var accumulationLatencyNS: Double
    public var otherLatencyNS: Double
    public var adcEnergyPJ: Double
    public var accumulationEnergyPJ: Double
    public var otherEnergyPJ: Double
    public var bufferEnergyPJ: Double
    public var interconnectEnergyPJ: Double
    public var layers: [NeuroSimLayerBreakdown]
}

/// A chip model with NeuroSim V1.3's structure (Lu et al. 2021, "NeuroSim settings"; Table 7):
/// layer-by-layer processing on a floorplan of sub-arrays → PEs → tiles with weight copies
/// (``NeuroSimFloorplan``), a synchronous clock set by the sensing cycle, and per-layer ADC,
/// accumulation, periphery, buffer and interconnect costs.
/// ```
/// T_clk   = max(1 ns, β · T_sense)                           β = 1.4 when validated (Lu et al. 2021)
/// T_sense = t_SA + (T_sense,ref − t_SA) · s_gate             ``NeuroSimNodeScaling`` (device data)
/// cycles  = (V / copies) · B · numColMuxed                   V input vectors, B input bits
/// T_ADC   = cycles · T_clk
/// T_acc   = (V / copies) · B · c0 · T_clk                    shift-add (clocked)
///         + (V·⌈M/slices⌉·⌈log2 PEs⌉ · c_t + ⌈N·slices·V/(T/M)⌉·⌈log2 tileRows⌉ · c_c) · T_clk,ref · s_gate   adder trees
/// T_layer = T_ADC + T_acc + (cycles · t_periph + T_IC) · s_clk + T_buffer
/// T_buf   = (global cycles (``NeuroSimGlobalBuffer``) + V · (t_v + t_r · rows_tile + t_o · outputs_tile)) · T_clk
/// E_ADC   = V · B · P · cols · (e0 + e1 · rows_used · ρ)     P = partial-sum sub-arrays of one copy
/// E_acc   = V · B · S · e_acc;  E_periph = V · B · S · (p0 + p1·ρ)   S = sub-arrays of one copy
/// T_IC    = u_in · bits_in + u_out · bits_out
/// E_buf   = b_in · bits_in + b_out · bits_out;   E_IC = i_in · bits_in + i_out · bits_out + i_t · bits_in · min(tiles, tiles of the largest conv layer)
/// bits_in = V · C·K·K · B;   bits_out = V · N · B (÷ 4 after 2 × 2 pooling)
/// A_chip  = Σ tiles · (subarrays · (A_cells + A_ADC + A_periph) + PEs · A_PE + A_tile + A_global)
/// TOPS/W  = ops / (E_dyn + E_leak) / η (validated: η = 1.22 post-layout);  ops = 2·Σ H·W·C·K²·N
/// ```
/// Scaling from the constants' reference node (``NeuroSimNodeScaling``): area × A_INV(node)/A_INV(ref)
/// (cells use F² directly), energy × F·V_DD² ratio (Table 1), sensing, accumulation and clocked
/// latencies by the PTM intrinsic gate delay and the clock, leakage × (V_DD·I_off·F) ratio.
public enum NeuroSimChipModel {
    /// The constants for `cell` (fitted at 22 nm; see ``NeuroSimUnitConstants``).
    public static func constants(for cell: NeuroSimParam.MemCellType) -> NeuroSimUnitConstants {
        switch cell {
        case .RRAM: return .rram22
        case .SRAM: return .sram22
        }
    }

    public static func estimate(_ spec: CIMEstimateSpec, param p: NeuroSimParam) throws -> CIMEstimateReport {
        let layers = try spec.resolvedLayers()
        guard !layers.isEmpty else {
            throw CIMEstimateError.invalidParameter(field: "layers", value: "none",
                                                    expected: "a network (modelZoo or layers) for a neuroSim estimate")
        }
        try p.validate(layers: layers.count)
        let k = constants(for: p.memcelltype)
        let scaling = try NeuroSimNodeScaling(node: p.technode, referenceNode: k.referenceNode)
        let node = scaling.technology
        let areaScale = scaling.area
        let energyScale = scaling.energy
        let leakageScale = scaling.leakage
        let beta = p.validated ? 1.4 : 1.0
        let clock = scaling.clockNS(k, beta: beta)
        // Clocked latencies (buffers, bus, periphery, shift-add) follow the clock; the adder trees follow τ_gate.
        let referenceClock = NeuroSimNodeScaling.referenceClockNS(k)
        let clockScale = clock / referenceClock
        let accumulationCycleNS = referenceClock * scaling.gateDelay
        let plan = NeuroSimFloorplan(layers: layers, param: p)
        let pooling = p.poolingAfter ?? []
        let B = Double(p.numBitInput)
        let slices = (p.synapseBit + p.effectiveCellBit - 1) / p.effectiveCellBit
        // An input broadcast reaches at most as many tiles as the largest novel-mapped layer has.
        let broadcastTiles = plan.layers.filter(\.novel).map(\.tiles).max() ?? 1
        let globalBuffer = NeuroSimGlobalBuffer(layers: layers, plan: plan, param: p)
        let adderTreeWidth = Double(plan.tileSize / p.numColMuxed)

        var out: [CIMLayerEstimate] = []
        var breakdown: [NeuroSimLayerBreakdown] = []
        for (i, (layer, place)) in zip(layers, plan.layers).enumerated() {
            let V = Double(vectors(layer, p.vectorConvention))
            let rho = p.density(layer: i)
            let perCopy = V / Double(place.copies)
            let cycles = perCopy * B * Double(p.numColMuxed)
            let tADC = cycles * clock
            // Adder trees: the K·K PEs of a novel tile (or the row PEs of a conventional tile), and the
            // layer's tile rows at chip level (⌈N·slices·V / (T/M)⌉ reads through T/M trees).
            let tileRowsUsed = place.novel ? layer.inputChannels * layer.kernelSize : min(layer.weightRows, plan.tileSize)
            let tileStages = place.novel ? stages(layer.kernelSize * layer.kernelSize)
                : stages((tileRowsUsed + plan.peSize - 1) / plan.peSize)
            let tileTreeReads = V * Double((p.numColMuxed + slices - 1) / slices)
            let chipTreeReads = (Double(layer.outputChannels * slices) * V / adderTreeWidth).rounded(.up)
            let tAcc = perCopy * B * k.accumulationBaseCycles * clock
                + (tileTreeReads * Double(tileStages) * k.accumulationCyclesPerTileStage
                   + chipTreeReads * Double(stages(place.tileRows)) * k.accumulationCyclesPerChipStage) * accumulationCycleNS
            let rowsUsed = Double(min(place.novel ? layer.inputChannels : layer.weightRows, p.numRowSubArray))
            let cols = Double(layer.outputChannels * slices)
            let positions = Double(place.novel ? layer.kernelSize * layer.kernelSize : 1)
            let conversions = V * B * positions * Double(place.subArrayRows) * cols
            let eADC = conversions * (k.conversionBasePJ + k.conversionPerActiveRowPJ * rowsUsed * rho) * energyScale
            let subArrayBits = V * B * Double(place.activeSubArrays / place.copies)
            let eAcc = subArrayBits * k.accumulationPJPerSubArrayBit * energyScale
            let ePer = subArrayBits * (k.peripheryPJPerSubArrayBit + k.peripheryPJPerSubArrayBitPerDensity * rho) * energyScale
            let bitsIn = V * Double(layer.weightRows) * B
            let bitsOut = V * Double(layer.outputChannels) * B / ((i < pooling.count && pooling[i]) ? 4 : 1)
            let eBuf = (k.bufferPJPerInputBit * bitsIn + k.bufferPJPerOutputBit * bitsOut) * energyScale
            let pooled = i < pooling.count && pooling[i]
            let tileOutputs = Double(layer.outputChannels) / Double(max(place.tileColumns, 1))
                / Double(place.novel ? layer.kernelSize * layer.kernelSize : 1)
            let tileBufferCycles = V * (k.bufferCyclesPerVector + k.bufferCyclesPerTileRow * Double(tileRowsUsed)
                + k.bufferCyclesPerTileOutput * tileOutputs)
            let tBuf = (globalBuffer.cycles(layer, place, vectors: V, bits: B, pooled: pooled) + tileBufferCycles) * clock
            let eIC = (k.interconnectPJPerInputBit * bitsIn + k.interconnectPJPerOutputBit * bitsOut
                + k.interconnectPJPerInputBitTile * bitsIn * Double(min(place.tiles, broadcastTiles))) * energyScale
            let tIC = (k.interconnectNSPerInputBit * bitsIn + k.interconnectNSPerOutputBit * bitsOut) * clockScale
            let tOther = cycles * k.peripheryNSPerCycle * clockScale + tBuf + tIC
            let b = NeuroSimLayerBreakdown(
                placement: place, vectors: Int(V), inputBitDensity: rho, adcLatencyNS: tADC, accumulationLatencyNS: tAcc,
                otherLatencyNS: tOther, bufferLatencyNS: tBuf, interconnectLatencyNS: tIC, adcEnergyPJ: eADC,
                accumulationEnergyPJ: eAcc, otherEnergyPJ: ePer + eBuf + eIC, bufferEnergyPJ: eBuf, interconnectEnergyPJ: eIC,
                leakagePowerUW: Double(place.tiles) * k.leakageUWPerTile * leakageScale)
            breakdown.append(b)
            let mapping = try LayerMapping(layer: layer, macro: spec.macro, architecture: spec.architecture,
                                           weightBits: spec.weightBits)
            out.append(CIMLayerEstimate(
                name: layer.name, macs: layer.macs, mapping: mapping, memoryUtilization: place.utilization,
                cycles: Int(cycles.rounded()), latencyNS: tADC + tAcc + tOther,
                macroEnergyPJ: eADC + eAcc + ePer, interconnectEnergyPJ: eBuf + eIC))
        }

        // Area.
        let cellUM2 = p.cellAreaF2 * node.featureSizeUM * node.featureSizeUM
        let subArrayCells = Double(p.numRowSubArray * p.numColSubArray) * cellUM2
        var subArrays = 0.0, pes = 0.0
        for (layer, place) in zip(layers, plan.layers) {
            let perSide = Double(plan.peSize / p.numRowSubArray)
            let pePerTile = place.novel ? Double(layer.kernelSize * layer.kernelSize) : 4
            pes += Double(place.tiles) * pePerTile
            subArrays += Double(place.tiles) * pePerTile * perSide * perSide
        }
        let tiles = Double(plan.totalTiles)
        let aArray = subArrays * subArrayCells
        let aADC = subArrays * k.subArrayADCUM2 * areaScale
        let aOther = (subArrays * k.subArrayPeripheryUM2 + pes * k.perPEUM2) * areaScale
        let aTile = tiles * (k.perTileUM2 + k.globalPerTileUM2) * areaScale
        let areaUM2 = aArray + aADC + aOther + aTile
        let areaMM2 = areaUM2 / 1e6

        let ops = NeuroSimNetworkCSV.operations(layers)
        let latencyNS = out.reduce(0) { $0 + $1.latencyNS }
        let dynamicPJ = out.reduce(0) { $0 + $1.dynamicEnergyPJ }
        let leakageUW = tiles * k.leakageUWPerTile * leakageScale
        let leakagePJ = tiles * k.leakageEnergyUWPerTile * leakageScale * 1e-6 * latencyNS * 1e-9 * 1e12
        let eta = p.validated ? spec.calibration.eta : 1
        let pre = ops / ((dynamicPJ + leakagePJ) * 1e-12) / 1e12
        let totals = CIMNetworkTotals(
            operations: ops, areaMM2: areaMM2, memoryUtilization: plan.utilization, clockPeriodNS: clock,
            latencyMS: latencyNS * 1e-6, dynamicEnergyUJ: dynamicPJ * 1e-6, leakagePowerMW: leakageUW * 1e-3,
            leakageEnergyUJ: leakagePJ * 1e-6, topsPerMM2: ops / (latencyNS * 1e-9) / 1e12 / areaMM2,
            preLayoutTOPSPerWatt: pre, postLayoutTOPSPerWatt: pre / eta)
        let chip = NeuroSimChipBreakdown(
            peSize: plan.peSize, tileSize: plan.tileSize, tiles: plan.totalTiles, areaArrayUM2: aArray, areaADCUM2: aADC,
            areaAccumulationUM2: 0, areaOtherUM2: aOther, areaInterconnectUM2: aTile,
            adcLatencyNS: breakdown.reduce(0) { $0 + $1.adcLatencyNS },
            accumulationLatencyNS: breakdown.reduce(0) { $0 + $1.accumulationLatencyNS },
            otherLatencyNS: breakdown.reduce(0) { $0 + $1.otherLatencyNS },
            adcEnergyPJ: breakdown.reduce(0) { $0 + $1.adcEnergyPJ },
            accumulationEnergyPJ: breakdown.reduce(0) { $0 + $1.accumulationEnergyPJ },
            otherEnergyPJ: breakdown.reduce(0) { $0 + $1.otherEnergyPJ },
            bufferEnergyPJ: breakdown.reduce(0) { $0 + $1.bufferEnergyPJ },
            interconnectEnergyPJ: breakdown.reduce(0) { $0 + $1.interconnectEnergyPJ }, layers: breakdown)
        let macroCost = try spec.macro.cost(calibration: spec.calibration)
        var report = CIMEstimateReport(specName: spec.name, macro: macroCost, layers: out, totals: totals)
        report.neuroSim = chip
        return report
    }

    /// Stages of a binary adder tree over `inputs` operands: ⌈log2 inputs⌉ (0 for one).
    static func stages(_ inputs: Int) -> Int {
        inputs > 1 ? Int(ceil(log2(Double(inputs)))) : 0
    }

    /// Input vectors of a layer under `convention`.
    public static func vectors(_ l: NetworkLayer, _ convention: NeuroSimVectorConvention) -> Int {
        switch convention {
        case .neuroSim:
            return ((l.inputHeight - l.kernelSize + 1) / l.stride) * ((l.inputWidth - l.kernelSize + 1) / l.stride)
        case .samePadding:
            return l.outputPixels
        }
    }
}
