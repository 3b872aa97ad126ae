/// Position of a core on the 2-D core array (Fig. 9).
public struct GridPosition: Sendable, Codable, Hashable {
    public var row: Int
    public var column: Int
    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }
}

/// One physical IMC core and the part of a layer it holds.
public struct CoreAssignment: Sendable, Codable, Hashable {
    /// Core number, in placement order.
    public var index: Int
    public var layer: String
    public var replicaGroup: Int
    public var rowPart: Int
    public var columnPart: Int
    /// Input channels held by this core (row split, Eq. 5).
    public var inputChannels: IndexRange
    /// Columns of the group's collective kernel matrix held by this core (column split, Eq. 6).
    public var columns: IndexRange
    /// Crossbar rows and columns in use.
    public var rowsUsed: Int
    public var columnsUsed: Int
    /// True for the core that finishes the layer (adds partial sums, BN, ReLU, residual).
    public var accumulates: Bool
    public var position: GridPosition
}

/// A communication channel between two cores (arrow colours of Fig. 9).
public struct CoreEdge: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        /// Green: main feed-forward path.
        case feedForward
        /// Blue: residual connection.
        case residual
        /// Red: communication to a resampling layer.
        case toResample
        /// Orange: residual connection from a resampling layer.
        case residualFromResample
        /// Purple: partial sums of a row-split layer.
        case partialSum
    }
    public var from: Int
    public var to: Int
    public var kind: Kind
}

/// A whole network mapped onto IMC cores: per-layer mappings, the core list placed on a grid,
/// and the core graph.
public struct IMCNetworkMapping: Sendable, Codable, Hashable {
    public var network: IMCNetwork
    public var hardware: IMCHardware
    public var layers: [LayerMapping]
    public var cores: [CoreAssignment]
    public var edges: [CoreEdge]
    public var gridRows: Int
    public var gridColumns: Int

    /// Maps every layer of `network` (one layer per core at most, §3.1.1), splitting layers
    /// that do not fit, and places the cores on a grid of `hardware.gridColumns` columns in
    /// serpentine order so consecutive cores are neighbours.
    ///
    /// - Parameter speedup: when true, layers without an explicit `parallelism` compute
    ///   ``speedupParallelism(for:in:)`` pixels per timestep (§3.1.4); otherwise 1.
    public init(network: IMCNetwork, hardware: IMCHardware = IMCHardware(), speedup: Bool = false,
                gridRows: Int? = nil) throws(IMCMappingError) {
        try network.validate()
        try hardware.validate()
        var layerMaps: [LayerMapping] = []
        for layer in network.layers {
            let n = layer.parallelism ?? (speedup ? Self.speedupParallelism(for: layer, in: network) : 1)
            let replication = try Self.replication(parallelism: n, layer: layer)
            let map = try LayerMapping.split(layer, replication: replication, crossbar: hardware.crossbar)
            try Self.checkInputMemory(layer, hardware: hardware)
            layerMaps.append(map)
        }
        // Cores in layer order.
        var cores: [CoreAssignment] = []
        var outputCores: [String: [Int]] = [:]
        var allCores: [String: [Int]] = [:]
        var edges: [CoreEdge] = []
        for map in layerMaps {
            let name = map.layer.name
            for (gi, group) in map.groups.enumerated() {
                for (ci, cols) in group.columnParts.enumerated() {
                    var chain: [Int] = []
                    for (ri, chans) in group.rowParts.enumerated() {
                        let idx = cores.count
                        let last = ri == group.rowParts.count - 1
                        cores.append(CoreAssignment(
                            index: idx, layer: name, replicaGroup: gi, rowPart: ri, columnPart: ci,
                            inputChannels: chans, columns: cols,
                            rowsUsed: chans.count * group.inputUnion.count, columnsUsed: cols.count,
                            accumulates: last, position: GridPosition(row: 0, column: 0)))
                        chain.append(idx)
                        allCores[name, default: []].append(idx)
                        if last { outputCores[name, default: []].append(idx) }
                    }
                    for c in chain.dropLast() {
                        edges.append(CoreEdge(from: c, to: chain.last!, kind: .partialSum))
                    }
                }
            }
        }
        for map in layerMaps {
            let layer = map.layer
            if let producers = outputCores[layer.source] {
                let kind: CoreEdge.Kind = layer.kind == .resample ? .toResample : .feedForward
                for p in producers { for c in allCores[layer.name]! { edges.append(CoreEdge(from: p, to: c, kind: kind)) } }
            }
            if let res = layer.residual, let producers = outputCores[res] {
                let fromResample = network.layer(named: res)?.kind == .resample
                let kind: CoreEdge.Kind = fromResample ? .residualFromResample : .residual
                for p in producers { for c in outputCores[layer.name]! { edges.append(CoreEdge(from: p, to: c, kind: kind)) } }
            }
        }
        // Placement.
        let columns = hardware.gridColumns
        let rows = gridRows ?? max(1, (cores.count + columns - 1) / columns)
        guard rows > 0 else {
            throw .invalidField(owner: "grid", field: "rows", value: rows, expected: "a positive integer")
        }
        guard rows * columns >= cores.count else {
            throw .gridTooSmall(cores: cores.count, gridRows: rows, gridColumns: columns)
        }
        for i in cores.indices {
            let r = i / columns
            let c = r % 2 == 0 ? i % columns : columns - 1 - i % columns
            cores[i].position = GridPosition(row: r, column: c)
        }
        self.network = network
        self.hardware = hardware
        self.layers = layerMaps
        self.cores = cores
        self.edges = edges
        self.gridRows = rows
        self.gridColumns = columns
    }

    /// Number of IMC cores used.
    public var coreCount: Int { cores.count }

    /// The mapping of the layer called `name`.
    public func mapping(of name: String) -> LayerMapping? { layers.first { $0.layer.name == name } }

    // MARK: - Policy

    /// Bandwidth-preserving parallelism of the speed-up dataflow (§3.1.4, Eq. 7): a layer
    /// with `C_out` channels may send `C_out^max / C_out` pixels per timestep over a link
    /// sized for one `C_out^max` pixel. Rounded to the nearest power of two, since channel
    /// counts double per group (16/28/56 → 4/2/1, as in the paper). Fully-connected: 1.
    public static func speedupParallelism(for layer: IMCLayer, in network: IMCNetwork) -> Int {
        guard layer.kind != .fullyConnected else { return 1 }
        let convMax = network.layers.filter { $0.kind != .fullyConnected }.map(\.outChannels).max() ?? layer.outChannels
        let ratio = Double(convMax) / Double(layer.outChannels)
        guard ratio > 1 else { return 1 }
        var p = 1
        while Double(p * 2) <= ratio * 2.0.squareRoot() { p *= 2 }   // nearest power of two in log2
        // Never more replicas than the output map has pixels.
        return min(p, layer.outputHeight * layer.outputWidth)
    }

    /// The replica block for `n` pixels per timestep: Method 1 along the stream direction
    /// (consecutive outputs of a column, as Algorithm 1 reads `pointer_in − i`), wrapping into
    /// more columns when `n` exceeds the output height.
    static func replication(parallelism n: Int, layer: IMCLayer) throws(IMCMappingError) -> KernelReplication {
        let height = min(n, layer.outputHeight)
        let width = (n + height - 1) / height
        guard width <= layer.outputWidth else {
            throw .invalidField(owner: "layer '\(layer.name)'", field: "parallelism", value: n,
                                expected: "at most the number of output pixels (\(layer.outputHeight * layer.outputWidth))")
        }
        return try .block(height: height, width: width)
    }

    /// The layer's stored input volume (H·F pixels, §2.4.2) must fit the Input Memory.
    static func checkInputMemory(_ layer: IMCLayer, hardware: IMCHardware) throws(IMCMappingError) {
        let layout = SRAMLayout.preferred(pixelBits: layer.pixelBits(activationBits: hardware.activationBits),
                                          wordBits: hardware.sramWordBits)
        let stored = layer.kind == .fullyConnected ? 1 : layer.inputHeight * layer.kernel
        let report = SRAMLayoutReport(layout: layout, pixels: stored, kernel: layer.kind == .fullyConnected ? 1 : layer.kernel,
                                      pixelBits: layer.pixelBits(activationBits: hardware.activationBits),
                                      wordBits: hardware.sramWordBits)
        let capacity = hardware.sramWordBits * hardware.sramWords
        guard report.footprintBits <= capacity else {
            throw .unmappableLayer(layer: layer.name,
                reason: "its \(stored) buffered input pixels need \(report.footprintBits) bits of Input Memory (\(layout.rawValue)) but the SRAM holds \(capacity) bits (sramWordBits x sramWords)")
        }
    }
}
