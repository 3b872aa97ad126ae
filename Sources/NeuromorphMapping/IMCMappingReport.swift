import Foundation

/// One layer's line of an ``IMCMappingReport``.
public struct IMCLayerReport: Sendable, Codable, Hashable {
    public var name: String
    public var kind: IMCLayer.Kind
    public var kernel: Int
    public var inChannels: Int
    public var outChannels: Int
    public var stride: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var outputHeight: Int
    public var outputWidth: Int
    /// Kernel-matrix size without replication (Table 2 "#Rows", "#Columns").
    public var kernelRows: Int
    public var kernelColumns: Int
    /// Output pixels per MVM (`nr_parallel`) and the replication method (§2.2).
    public var replicas: Int
    public var method: String
    public var replicaGroups: Int
    public var rowSplits: Int
    public var columnSplits: Int
    public var cores: Int
    /// Indices into ``IMCMappingReport/cores`` and their grid positions.
    public var coreIndices: [Int]
    public var gridPositions: [GridPosition]
    /// Eq. 4 over the layer's cores: `n·D_K / (cores·D_A)`.
    public var utilization: Double
    /// Input-memory layout and footprint of the `H·F` stored pixels (§2.3, §3.1.2).
    public var sramLayout: SRAMLayout
    public var sramKB: Double
    /// Pipeline timing of the first image (Fig. 10).
    public var firstTimestep: Int
    public var lastTimestep: Int
    public var stallTimesteps: Int
    public var averageSlope: Double
}

/// Fig. 10 curve of one layer: pixels computed up to each timestep.
public struct IMCLayerCurve: Sendable, Codable, Hashable {
    public var layer: String
    public var pixelsComputed: [Int]
}

/// Everything `neuromorph map` prints: the core map, latency, throughput and pipeline curves.
public struct IMCMappingReport: Sendable, Codable, Hashable {
    public var model: String
    public var crossbar: CrossbarShape
    public var speedup: Bool
    public var gridRows: Int
    public var gridColumns: Int
    public var coreCount: Int
    public var layers: [IMCLayerReport]
    public var cores: [CoreAssignment]
    public var edges: [CoreEdge]
    /// Single-image latency in timesteps and seconds.
    public var latencyTimesteps: Int
    public var latencySeconds: Double
    public var timestepSeconds: Double
    /// Batch streamed back to back for the throughput figure.
    public var batchSize: Int
    public var batchTimesteps: Int
    public var throughputImagesPerSecond: Double
    /// Eq. 7: `n_bits · C_out^max / T_timestep`.
    public var linkBandwidthBitsPerSecond: Double
    /// Most activation bits one core sent in one timestep in the simulation.
    public var peakLinkBitsPerTimestep: Int
    public var curves: [IMCLayerCurve]

    // MARK: - Text output

    /// An aligned text table: one line per layer, then the totals.
    public func table() -> String {
        let header = ["layer", "kind", "k", "Cin", "Cout", "s", "HxW in", "rows", "cols", "rep", "method",
                      "grp", "rsplit", "csplit", "cores", "grid", "util%", "sram", "KB", "first", "last", "stall", "slope"]
        var rows: [[String]] = [header]
        for l in layers {
            let grid = l.gridPositions.map { "(\($0.row),\($0.column))" }.joined(separator: " ")
            rows.append([l.name, l.kind.rawValue, "\(l.kernel)", "\(l.inChannels)", "\(l.outChannels)", "\(l.stride)",
                         "\(l.inputHeight)x\(l.inputWidth)", "\(l.kernelRows)", "\(l.kernelColumns)", "\(l.replicas)",
                         l.method, "\(l.replicaGroups)", "\(l.rowSplits)", "\(l.columnSplits)", "\(l.cores)", grid,
                         Self.fixed(l.utilization * 100, 1), l.sramLayout.rawValue.uppercased(), Self.fixed(l.sramKB, 3),
                         "\(l.firstTimestep)", "\(l.lastTimestep)", "\(l.stallTimesteps)", Self.fixed(l.averageSlope, 3)])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max()! }
        var text = rows.map { r in
            r.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - r[c].count)
                return c == 0 || c == 1 || c == 10 || c == 15 || c == 17 ? r[c] + pad : pad + r[c]
            }.joined(separator: "  ")
        }.joined(separator: "\n")
        text += "\n\n"
        text += "model \(model), crossbar \(crossbar), \(speedup ? "speed-up" : "regular") dataflow\n"
        text += "cores \(coreCount) on a \(gridRows)x\(gridColumns) grid\n"
        text += "latency \(latencyTimesteps) timesteps = \(Self.fixed(latencySeconds * 1e6, 1)) us at \(Self.fixed(timestepSeconds * 1e9, 1)) ns\n"
        text += "throughput \(Self.fixed(throughputImagesPerSecond, 0)) images/s (batch \(batchSize), \(batchTimesteps) timesteps)\n"
        text += "link bandwidth (Eq. 7) \(Self.fixed(linkBandwidthBitsPerSecond / 1e9, 2)) Gbps; simulated peak \(peakLinkBitsPerTimestep) bits/timestep = \(Self.fixed(Double(peakLinkBitsPerTimestep) / timestepSeconds / 1e9, 2)) Gbps\n"
        return text
    }

    /// CSV of the Fig. 10 curves: `timestep`, then one column per layer (pixels computed).
    public func curvesCSV() -> String {
        var lines = ["timestep," + curves.map(\.layer).joined(separator: ",")]
        for t in 0..<latencyTimesteps {
            lines.append("\(t)," + curves.map { "\($0.pixelsComputed[t])" }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func fixed(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
}
