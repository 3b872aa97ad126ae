import Foundation

// MARK: - Processing element, tile and chip

/// How sub-arrays group into processing elements (PE) and tiles, and the tile-level H-tree
/// (Lu et al. 2021, "NeuroSim settings": sub-arrays → PE → tile with H-tree routing → chip).
///
/// Each layer occupies whole tiles (weights stay on chip, layer-by-layer processing, Table 7),
/// so memory utilization = used cells / cells of the allocated tiles. The paper does not print
/// NeuroSim's automatic floorplan; the 2 × 2 sub-arrays per PE and 2 × 2 PEs per tile defaults
/// are an assumption. The H-tree spans the chip: a bit sent from the chip centre to a tile
/// travels ≈ √(chip area) (Σ of halving segments), at ``interconnectEnergyPJPerBitMM``.
public struct CIMArchitecture: Codable, Sendable, Equatable {
    /// Sub-arrays per PE along rows and columns of the weight matrix.
    public var subArraysPerPE: Int
    /// PEs per tile along each side.
    public var pesPerTile: Int
    /// Low-swing H-tree energy per bit per mm (pJ). Not printed in the paper; 0.1 pJ/bit/mm is an
    /// assumed low-swing value.
    public var interconnectEnergyPJPerBitMM: Double
    /// Area added to the sub-arrays of a tile for buffers, H-tree and accumulation (fraction).
    /// Not printed in the paper; default 0 (sub-array area only).
    public var tileAreaOverhead: Double
    /// Upper bound on tiles for one layer; a layer needing more cannot be mapped. `nil` = no bound.
    public var maxTilesPerLayer: Int?

    public init(subArraysPerPE: Int = 2, pesPerTile: Int = 2, interconnectEnergyPJPerBitMM: Double = 0.1,
                tileAreaOverhead: Double = 0, maxTilesPerLayer: Int? = nil) {
        self.subArraysPerPE = subArraysPerPE
        self.pesPerTile = pesPerTile
        self.interconnectEnergyPJPerBitMM = interconnectEnergyPJPerBitMM
        self.tileAreaOverhead = tileAreaOverhead
        self.maxTilesPerLayer = maxTilesPerLayer
    }

    /// Sub-arrays along one side of a tile.
    public var subArraysPerTileSide: Int { subArraysPerPE * pesPerTile }
    public var subArraysPerTile: Int { subArraysPerTileSide * subArraysPerTileSide }

    public func validate(field: String = "architecture") throws {
        try CIMEstimateError.require(subArraysPerPE, in: 1...64, "\(field).subArraysPerPE")
        try CIMEstimateError.require(pesPerTile, in: 1...64, "\(field).pesPerTile")
        try CIMEstimateError.requireNonNegative(interconnectEnergyPJPerBitMM, "\(field).interconnectEnergyPJPerBitMM")
        try CIMEstimateError.requireNonNegative(tileAreaOverhead, "\(field).tileAreaOverhead")
        if let m = maxTilesPerLayer { try CIMEstimateError.require(m, in: 1...Int.max, "\(field).maxTilesPerLayer") }
    }
}

// MARK: - Mapping one layer

/// A layer's weight matrix mapped onto sub-arrays: `K·K·D` rows by `N · ⌈w / c⌉` cell columns.
public struct LayerMapping: Codable, Sendable, Equatable {
    public var weightRows: Int
    public var cellColumns: Int
    public var subArrayRows: Int
    public var subArrayColumns: Int
    public var tiles: Int
    public var subArrays: Int { subArrayRows * subArrayColumns }

    public init(layer: NetworkLayer, macro: CIMMacro, architecture: CIMArchitecture, weightBits: Int) throws {
        let slices = (weightBits + macro.cell.bitsPerCell - 1) / macro.cell.bitsPerCell
        weightRows = layer.weightRows
        cellColumns = layer.outputChannels * slices
        subArrayRows = (weightRows + macro.computeRows - 1) / macro.computeRows
        subArrayColumns = (cellColumns + macro.computeColumns - 1) / macro.computeColumns
        let side = architecture.subArraysPerTileSide
        tiles = ((subArrayRows + side - 1) / side) * ((subArrayColumns + side - 1) / side)
        if let limit = architecture.maxTilesPerLayer, tiles > limit {
            throw CIMEstimateError.unmappableLayer(
                layer: layer.name, reason: "needs \(tiles) tiles (\(subArrayRows) x \(subArrayColumns) sub-arrays), "
                    + "more than architecture.maxTilesPerLayer = \(limit)")
        }
    }

    /// Cells holding weights.
    public var usedCells: Int { weightRows * cellColumns }
}
