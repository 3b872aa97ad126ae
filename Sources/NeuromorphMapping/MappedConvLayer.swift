/// A conv layer programmed onto its cores: the functional (numeric) path of a
/// ``LayerMapping`` — replicated (§2.2), row-split (Eq. 5) and column-split (Eq. 6) crossbars.
///
/// Core `(group g, row part p, column part q)` holds rows `(c, u)` for channels `c` of part p
/// and union pixels `u` of group g (row = (c − c₀)·|U| + u), and columns `k` of part q
/// (replica `k / C_out`, output channel `k mod C_out`). Weight of row `(c, u)` in the column of
/// replica r at output offset `o` is `K[u.row − s·o.row][u.col − s·o.col][c][m]` when that lies
/// inside the F×F kernel, else 0 (a pixel outside that replica's window).
public struct MappedConvLayer: Sendable {
    public let mapping: LayerMapping
    /// `cores[g][p][q]`.
    public let cores: [[[CrossbarCore]]]

    /// Programs the cores of `mapping` with `kernel`.
    public init(mapping: LayerMapping, kernel: ConvKernel) throws(IMCMappingError) {
        let layer = mapping.layer
        guard kernel.kernel == layer.kernel, kernel.inChannels == layer.inChannels,
              kernel.outChannels == layer.outChannels else {
            throw .shapeMismatch(layer: layer.name, field: "kernel weights (F·F·C_in·C_out)",
                                 expected: layer.kernel * layer.kernel * layer.inChannels * layer.outChannels,
                                 got: kernel.weights.count)
        }
        let s = layer.stride, f = layer.kernel, cout = layer.outChannels
        self.mapping = mapping
        self.cores = mapping.groups.map { group in
            group.rowParts.map { chans in
                group.columnParts.map { cols in
                    let rows = chans.count * group.inputUnion.count
                    var w = [Int8](repeating: 0, count: rows * cols.count)
                    for (ci, c) in chans.range.enumerated() {
                        for (u, px) in group.inputUnion.enumerated() {
                            let row = ci * group.inputUnion.count + u
                            for (kj, k) in cols.range.enumerated() {
                                let o = mapping.replication.offsets[group.replicas[k / cout]]
                                let a = px.row - s * o.row, b = px.column - s * o.column
                                guard a >= 0, a < f, b >= 0, b < f else { continue }
                                w[row * cols.count + kj] = kernel[a, b, c, k % cout]
                            }
                        }
                    }
                    return CrossbarCore(rows: rows, columns: cols.count, weights: w)
                }
            }
        }
    }

    /// Int32 pre-activations `[x][y][m]` of the whole output map, one MVM per core per
    /// replica block; partial sums of row parts are added, column parts concatenated.
    public func preActivations(_ input: Int8FeatureMap) -> [Int32] {
        let layer = mapping.layer
        precondition(input.height == layer.inputHeight && input.width == layer.inputWidth
                     && input.channels == layer.inChannels, "input feature map does not match layer '\(layer.name)'")
        let ho = layer.outputHeight, wo = layer.outputWidth, cout = layer.outChannels
        let s = layer.stride, p = layer.padding
        let rep = mapping.replication
        var out = [Int32](repeating: 0, count: ho * wo * cout)
        for by in stride(from: 0, to: wo, by: rep.blockWidth) {
            for bx in stride(from: 0, to: ho, by: rep.blockHeight) {
                let x0 = bx * s - p, y0 = by * s - p
                for (gi, group) in mapping.groups.enumerated() {
                    let groupColumns = group.replicas.count * cout
                    var acc = [Int32](repeating: 0, count: groupColumns)
                    for (pi, chans) in group.rowParts.enumerated() {
                        var x = [Int8]()
                        x.reserveCapacity(chans.count * group.inputUnion.count)
                        for c in chans.range {
                            for px in group.inputUnion { x.append(input[x0 + px.row, y0 + px.column, c]) }
                        }
                        for (qi, cols) in group.columnParts.enumerated() {
                            let y = cores[gi][pi][qi].mvm(x)
                            for (kj, k) in cols.range.enumerated() { acc[k] &+= y[kj] }   // Eq. 5 sum, Eq. 6 ⊕
                        }
                    }
                    for (rl, r) in group.replicas.enumerated() {
                        let o = rep.offsets[r]
                        let i = bx + o.row, j = by + o.column
                        guard i < ho, j < wo else { continue }   // replica beyond the map edge
                        for m in 0..<cout { out[(i * wo + j) * cout + m] = acc[rl * cout + m] }
                    }
                }
            }
        }
        return out
    }
}

/// The light Digital Processor of an IMC core (§2.1, §3.1): integer batch normalisation,
/// residual addition and ReLU, then saturation to int8:
/// ```
/// a = clamp₈( ReLU( ((pre · multiplier_m + bias_m) >> shift) + residual ) )   (>> rounds toward −∞)
/// ```
public struct DigitalProcessor: Sendable, Hashable {
    public var multiplier: [Int32]
    public var bias: [Int32]
    public var shift: Int32
    /// False for resampling layers (projection shortcut: BN only) [true].
    public var relu: Bool

    public init(multiplier: [Int32], bias: [Int32], shift: Int32, relu: Bool = true) {
        precondition(multiplier.count == bias.count, "one multiplier and one bias per channel")
        precondition(shift >= 0 && shift < 31, "shift must be in 0..<31")
        self.multiplier = multiplier
        self.bias = bias
        self.shift = shift
        self.relu = relu
    }

    /// Identity BN with the given requantisation shift.
    public static func identity(channels: Int, shift: Int32 = 0) -> DigitalProcessor {
        DigitalProcessor(multiplier: Array(repeating: 1, count: channels), bias: Array(repeating: 0, count: channels), shift: shift)
    }

    /// Applies BN, optional residual and ReLU to pre-activations laid out `[pixel][channel]`.
    public func activate(_ pre: [Int32], residual: [Int8]? = nil) -> [Int8] {
        let cout = multiplier.count
        return pre.indices.map { idx in
            let m = idx % cout
            let bn = (Int64(pre[idx]) * Int64(multiplier[m]) + Int64(bias[m])) >> Int64(shift)
            let sum = bn + Int64(residual?[idx] ?? 0)
            return Int8(clamping: relu ? max(0, sum) : sum)
        }
    }
}
