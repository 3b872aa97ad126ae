/// A contiguous half-open range `[lower, upper)` of channels or crossbar columns.
public struct IndexRange: Sendable, Codable, Hashable {
    public var lower: Int
    public var upper: Int
    public init(lower: Int, upper: Int) {
        self.lower = lower
        self.upper = upper
    }
    public var count: Int { upper - lower }
    public var range: Range<Int> { lower..<upper }

    /// `total` items cut into `parts` contiguous, balanced ranges.
    static func balanced(_ total: Int, parts: Int) -> [IndexRange] {
        (0..<parts).map { IndexRange(lower: $0 * total / parts, upper: ($0 + 1) * total / parts) }
    }
}

/// The replicas of one layer that share one set of input rows (one or more cores).
///
/// Within a group the collective kernel matrix has `C_in·|union|` rows and `n_g·C_out`
/// columns (column index = local replica · C_out + output channel). When it is larger than
/// the crossbar it is split (Dazzi et al. 2021 §2.4.4):
/// * **row split, Eq. 5** — over input-channel ranges; each core computes a partial sum,
///   the last core of the chain adds them and applies BN/ReLU/residual (purple edges);
/// * **column split, Eq. 6** — over column ranges; results are concatenated (⊕).
/// Splitting the replicas themselves into groups is a column split whose all-zero rows are
/// dropped: each group needs only the union of its own windows.
public struct ReplicaGroup: Sendable, Codable, Hashable {
    /// Indices into the layer's ``KernelReplication/offsets``.
    public var replicas: [Int]
    /// Input pixels read by this group, relative to the block's input anchor, stream order.
    public var inputUnion: [InputOffset]
    /// Input-channel range of each row part (Eq. 5).
    public var rowParts: [IndexRange]
    /// Column range of each column part within the group's columns (Eq. 6).
    public var columnParts: [IndexRange]

    /// Number of cores of this group.
    public var cores: Int { rowParts.count * columnParts.count }
}

/// How one layer is laid out on crossbars: replication pattern, groups and splits.
public struct LayerMapping: Sendable, Codable, Hashable {
    public var layer: IMCLayer
    /// The replica block computed per timestep (`nr_parallel` = `replication.replicas`).
    public var replication: KernelReplication
    public var groups: [ReplicaGroup]

    /// Cores used by the layer.
    public var cores: Int { groups.reduce(0) { $0 + $1.cores } }
    /// Largest number of row parts (partial-sum chain length) of any group.
    public var rowSplits: Int { groups.map(\.rowParts.count).max() ?? 1 }
    /// Largest number of column parts of any group.
    public var columnSplits: Int { groups.map(\.columnParts.count).max() ?? 1 }
    /// Rows of the whole collective kernel matrix (all replicas on one imaginary crossbar).
    public var collectiveRows: Int {
        replication.rows(kernel: layer.kernel, stride: layer.stride, inChannels: layer.inChannels)
    }
    /// Columns of the whole collective kernel matrix.
    public var collectiveColumns: Int { replication.columns(outChannels: layer.outChannels) }

    /// Human-readable name of the replication method (§2.2).
    public var method: String {
        let r = replication
        if r.replicas == 1 { return "none" }
        if r.blockWidth == 1 || r.blockHeight == 1 { return "method1" }
        return "method2(dW=\(r.blockWidth))"
    }

    // MARK: - Splitting (Eqs. 5–6)

    /// Maps `layer` with the replica block `replication` onto crossbars of shape `crossbar`,
    /// choosing the replica grouping with the fewest cores (ties: fewer partial-sum parts,
    /// then fewer groups). Throws when even one input channel of one replica does not fit.
    public static func split(_ layer: IMCLayer, replication: KernelReplication,
                             crossbar: CrossbarShape) throws(IMCMappingError) -> LayerMapping {
        guard replication.isRectangular else {
            throw .unmappableLayer(layer: layer.name, reason: "replica pattern must fill a rectangle to tile the output map")
        }
        let f = layer.kernel
        guard f * f <= crossbar.rows else {
            throw .crossbarTooSmall(layer: layer.name, neededRows: f * f, availableRows: crossbar.rows)
        }
        let n = replication.replicas
        var best: (key: [Int], groups: [ReplicaGroup])?
        for g in 1...n {
            let chunks = IndexRange.balanced(n, parts: g)
            var groups: [ReplicaGroup] = []
            var feasible = true
            for chunk in chunks {
                let sub = try KernelReplication(offsets: chunk.range.map { replication.offsets[$0] })
                let union = sub.inputUnion(kernel: f, stride: layer.stride)
                let channelsPerCore = crossbar.rows / union.count
                guard channelsPerCore > 0 else { feasible = false; break }
                let p = (layer.inChannels + channelsPerCore - 1) / channelsPerCore
                let cols = sub.columns(outChannels: layer.outChannels)
                let q = (cols + crossbar.columns - 1) / crossbar.columns
                // Union offsets stay relative to the whole block's input anchor.
                groups.append(ReplicaGroup(replicas: Array(chunk.range), inputUnion: union,
                                           rowParts: IndexRange.balanced(layer.inChannels, parts: p),
                                           columnParts: IndexRange.balanced(cols, parts: q)))
            }
            guard feasible else { continue }
            let cores = groups.reduce(0) { $0 + $1.cores }
            let key = [cores, groups.map(\.rowParts.count).max() ?? 1, g]
            if best == nil || key.lexicographicallyPrecedes(best!.key) { best = (key, groups) }
        }
        guard let chosen = best else {
            throw .crossbarTooSmall(layer: layer.name, neededRows: f * f, availableRows: crossbar.rows)
        }
        return LayerMapping(layer: layer, replication: replication, groups: chosen.groups)
    }
}
