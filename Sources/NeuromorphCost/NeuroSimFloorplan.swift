// MARK: - NeuroSim-style floorplan: PE/tile sizing and weight duplication

/// How one layer sits on tiles in a NeuroSim V1.3-style chip (Lu et al. 2021, "NeuroSim
/// settings": sub-arrays → PE → tile; Table 7 "novel weight mapping and dataflow").
///
/// Two mappings:
/// - *novel* (conv layers whose C·K·K rows exceed one sub-array, `novelMapping` on): a tile is
///   K × K PEs, PE (i, j) holds kernel position (i, j), i.e. a C × N·slices matrix; the layer needs
///   ⌈pr / s⌉ × ⌈pc / s⌉ such tiles, with pr × pc the sub-arrays of one kernel position and s the
///   sub-arrays per PE side;
/// - *conventional* (FC layers and small-C·K·K convs): the C·K·K × N·slices matrix on tiles of
///   2 × 2 PEs, i.e. 2s × 2s sub-arrays.
/// The rest of the allocated sub-array grid is filled with copies of the weights (NeuroSim's
/// "speed-up" of a layer, which then reads that many input vectors at once):
/// ```
/// copies = ⌊S·t_r / p_r⌋ × ⌊S·t_c / p_c⌋       (S = sub-arrays per PE or tile side, t = tiles)
/// utilization = weight cells × copies / cells of the allocated tiles
/// ```
/// PE size: the smallest power-of-two multiple of the sub-array that holds the C rows of the
/// largest novel-mapped layer (512 for VGG-8's 512-channel layers), the tile twice that. This
/// rule and the copy rule reproduce the tile counts, speed-ups and utilizations NeuroSim V1.3
/// prints for VGG-8 (benchmarks/neurosim/reference; checked in `NeuroSimReferenceTests`). They
/// are a description of its output, not its source; NeuroSim's own search maximises utilization
/// over candidate sizes.
public struct NeuroSimLayerPlacement: Codable, Sendable, Equatable {
    public var novel: Bool
    /// Sub-arrays of one copy: rows × columns of 128 × 128 blocks.
    public var subArrayRows: Int
    public var subArrayColumns: Int
    public var tiles: Int
    /// Tiles along the weight rows (their partial sums meet in the chip-level adder tree) and
    /// along the columns: ``tiles`` = tileRows × tileColumns.
    public var tileRows: Int
    public var tileColumns: Int
    /// Weight copies (NeuroSim's per-layer speed-up).
    public var copies: Int
    /// Weight cells × copies / cells of the tiles.
    public var utilization: Double
    /// Sub-arrays holding weights: copies × (K·K for novel) × rows × columns.
    public var activeSubArrays: Int
}

/// The whole-chip floorplan (``NeuroSimLayerPlacement`` per layer).
public struct NeuroSimFloorplan: Codable, Sendable, Equatable {
    /// PE side in cells, tile side (conventional) in cells.
    public var peSize: Int
    public var tileSize: Int
    public var layers: [NeuroSimLayerPlacement]

    public var totalTiles: Int { layers.reduce(0) { $0 + $1.tiles } }
    /// Σ utilization × tiles / Σ tiles (NeuroSim's "Memory Utilization of Whole Chip").
    public var utilization: Double {
        layers.reduce(0) { $0 + $1.utilization * Double($1.tiles) } / Double(max(totalTiles, 1))
    }

    public init(layers net: [NetworkLayer], param p: NeuroSimParam) {
        let slices = (p.synapseBit + p.effectiveCellBit - 1) / p.effectiveCellBit
        let sub = p.numRowSubArray
        func isNovel(_ l: NetworkLayer) -> Bool { p.novelMapping && l.kernelSize > 1 && l.weightRows > sub }
        let maxC = net.filter(isNovel).map(\.inputChannels).max() ?? sub
        var pe = sub
        while pe < maxC { pe *= 2 }
        peSize = pe
        tileSize = 2 * pe
        layers = net.map { l in
            let cols = l.outputChannels * slices
            let pc = (cols + p.numColSubArray - 1) / p.numColSubArray
            let novel = isNovel(l)
            let rows = novel ? l.inputChannels : l.weightRows
            let pr = (rows + sub - 1) / sub
            let side = (novel ? pe : 2 * pe) / sub
            let tr = (pr + side - 1) / side, tc = (pc + side - 1) / side
            let copies = max(1, side * tr / pr) * max(1, side * tc / pc)
            let tileCells = novel ? Double(l.kernelSize * l.kernelSize) * Double(pe * pe) : Double(4 * pe * pe)
            let used = Double(l.weightRows) * Double(cols) * Double(copies)
            let positions = novel ? l.kernelSize * l.kernelSize : 1
            return NeuroSimLayerPlacement(novel: novel, subArrayRows: novel ? pr : pr, subArrayColumns: pc, tiles: tr * tc,
                                          tileRows: tr, tileColumns: tc,
                                          copies: copies, utilization: used / (Double(tr * tc) * tileCells),
                                          activeSubArrays: copies * positions * pr * pc)
        }
    }
}
