import NeuromorphCore

/// The shape of one MONETA convolutional layer in Eyeriss notation (digest bayesian-hardware
/// §3.2): input `I_R × I_C × I_D`, `O_D` filters of `F × F × I_D`, stride S, zero padding.
///
/// ```
/// O_R = (I_R + 2·padding − F)/S + 1,   O_C likewise;   one IFM = one F × F × I_D patch
/// ```
public struct MonetaConvGeometry: Sendable, Codable, Hashable {
    public let inputRows: Int
    public let inputColumns: Int
    public let inputDepth: Int
    public let filters: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int

    /// Throws ``SpikingParameterError`` naming the first non-positive size or a kernel larger
    /// than the padded input.
    public init(inputRows: Int, inputColumns: Int, inputDepth: Int, filters: Int, kernel: Int = 3, stride: Int = 2,
                padding: Int = 1) throws {
        for (field, v) in [("inputRows", inputRows), ("inputColumns", inputColumns), ("inputDepth", inputDepth),
                           ("filters", filters), ("kernel", kernel), ("stride", stride)] where v <= 0 {
            throw SpikingParameterError(type: "MonetaConvGeometry", field: field, value: "\(v)", expected: "an integer ≥ 1")
        }
        guard padding >= 0, kernel <= inputRows + 2 * padding, kernel <= inputColumns + 2 * padding else {
            throw SpikingParameterError(type: "MonetaConvGeometry", field: "padding", value: "\(padding)",
                                        expected: "≥ 0, with the kernel (\(kernel)) inside the padded input")
        }
        self.inputRows = inputRows; self.inputColumns = inputColumns; self.inputDepth = inputDepth
        self.filters = filters; self.kernel = kernel; self.stride = stride; self.padding = padding
    }

    public var outputRows: Int { (inputRows + 2 * padding - kernel) / stride + 1 }
    public var outputColumns: Int { (inputColumns + 2 * padding - kernel) / stride + 1 }
    /// IFMs (output positions) per time step.
    public var positions: Int { outputRows * outputColumns }
    /// Synapses per filter, `F·F·I_D`.
    public var patchSize: Int { kernel * kernel * inputDepth }
    /// Input neurons per time step.
    public var inputSize: Int { inputRows * inputColumns * inputDepth }

    /// For every position, the input index (r·I_C + c)·I_D + d of each patch element in
    /// (ky, kx, d) order, or −1 for padding.
    public func patchOffsets() -> [Int32] {
        var out = [Int32](repeating: -1, count: positions * patchSize)
        for oy in 0..<outputRows {
            for ox in 0..<outputColumns {
                let base = (oy * outputColumns + ox) * patchSize
                for ky in 0..<kernel {
                    for kx in 0..<kernel {
                        let r = oy * stride + ky - padding, c = ox * stride + kx - padding
                        guard r >= 0, r < inputRows, c >= 0, c < inputColumns else { continue }
                        for d in 0..<inputDepth {
                            out[base + (ky * kernel + kx) * inputDepth + d] = Int32((r * inputColumns + c) * inputDepth + d)
                        }
                    }
                }
            }
        }
        return out
    }
}

/// Binary spikes of a layer's input or output over time, `steps × rows × columns × depth`,
/// flat index `((t·rows + r)·columns + c)·depth + d`.
public struct MonetaSpikeTensor: Sendable, Hashable {
    public let steps: Int
    public let rows: Int
    public let columns: Int
    public let depth: Int
    public var bits: [Bool]

    public init(steps: Int, rows: Int, columns: Int, depth: Int, bits: [Bool]? = nil) {
        self.steps = steps; self.rows = rows; self.columns = columns; self.depth = depth
        self.bits = bits ?? [Bool](repeating: false, count: steps * rows * columns * depth)
        precondition(self.bits.count == steps * rows * columns * depth, "one bit per step, row, column and depth")
    }

    public var planeSize: Int { rows * columns * depth }
    public subscript(t: Int, r: Int, c: Int, d: Int) -> Bool {
        get { bits[((t * rows + r) * columns + c) * depth + d] }
        set { bits[((t * rows + r) * columns + c) * depth + d] = newValue }
    }
    /// Spikes per neuron over all steps (length rows·columns·depth).
    public var counts: [Int] {
        var out = [Int](repeating: 0, count: planeSize)
        for t in 0..<steps { for i in 0..<planeSize where bits[t * planeSize + i] { out[i] += 1 } }
        return out
    }
    /// Total spikes.
    public var total: Int { bits.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Bernoulli rate coding of `values` (rows × columns × depth, in [0, 1]): spike
    /// probability `p = pMax · x` per step (MONETA: 10–50 Hz over 100 steps; spiking note §1.6).
    public static func bernoulli(_ values: [Float], rows: Int, columns: Int, depth: Int, steps: Int, pMax: Float,
                                 using generator: inout SeededGenerator) -> MonetaSpikeTensor {
        var out = MonetaSpikeTensor(steps: steps, rows: rows, columns: columns, depth: depth)
        let n = rows * columns * depth
        for t in 0..<steps {
            for i in 0..<n where generator.nextUniform() < pMax * Swift.min(Swift.max(values[i], 0), 1) {
                out.bits[t * n + i] = true
            }
        }
        return out
    }
}

/// The two data flows of MONETA (Kim et al. 2022 Fig. 8; digest §3.3).
public enum MonetaDataflow: String, Sendable, Codable, CaseIterable {
    /// Fig. 8A, "Type 1": for each spike cycle, every IFM; a global TV_mem buffer.
    case spikeCycleOrder = "spike-cycle"
    /// Fig. 8B, "Type 2": for each IFM, all spike cycles; V_mem local to the PIM block.
    case ifmOrder = "ifm"
}

/// How the layer's products are computed: plain integer dot products, or the bit-serial PIM
/// model (``MonetaPIM``), equal by construction and by test.
public enum MonetaMVM: Sendable, Hashable {
    case integer
    case bitSerial(MonetaPIM.WeightEncoding)
}

/// The output of one layer run.
public struct MonetaLayerOutput: Sendable, Hashable {
    /// Output spikes, `steps × O_R × O_C × O_D`.
    public var spikes: MonetaSpikeTensor
    /// Membrane potentials after the last step, `O_R × O_C × O_D`.
    public var finalPotential: [Float]
    /// Input spikes, emitted spikes, synaptic operations (active input × filters), neuron
    /// updates, weight reads/writes and plasticity updates.
    public var counters: EventCounters
    /// How often the whole TIFM is streamed from memory: N (steps) in spike-cycle order
    /// without an on-chip TIFM copy, 1 in IFM order (digest §3.3).
    public var tifmPasses: Int
    /// Entries of the membrane buffer the flow needs: O_R·O_C·O_D (global TV_mem) or O_D.
    public var membraneBufferEntries: Int
}

/// One MONETA convolutional SNN layer: `O_D` filters of integer (8-bit code) weights, a
/// ``MonetaLIF`` neuron per output (x, y, z), cross-depth and lateral inhibition (Kim et al.
/// 2022 §2; digest §3.2; spiking note §1.2):
///
/// ```
/// per step and IFM (x, y):  V(x,y,z) += Σ_k W[z, k]·s_k            (the I_D row cycles)
///                           V ← V − (a + b·V)
///                           candidates: V > V_th
/// cross-depth inhibition:   the candidate with the largest V fires (lowest z on ties) and
///                           every V(x, y, ·) resets (fired: the neuron's reset mode; others: 0)
/// lateral inhibition:       a spike on map z resets V(·, ·, z) at the end of the step [I]
///                           (spike-cycle order only: it couples IFMs)
/// ```
///
/// Without lateral inhibition the IFMs are independent, so both data flows give
/// bit-identical spikes and potentials in inference (digest §3.3 [I]).
public struct MonetaConvLayer: Sendable {
    public let geometry: MonetaConvGeometry
    public var neuron: MonetaLIF
    /// Weight codes, filter-major: `weights[z·patchSize + k]`, k in (ky, kx, d) order.
    public var weights: [Int32]
    public var crossDepthInhibition: Bool
    public var lateralInhibition: Bool
    public var mvm: MonetaMVM
    /// Competition and homeostasis in the PIM-friendly trainer's filter-update table
    /// (``MonetaTableCompetition``; `.off` = the paper's table). Inference ignores it.
    public var tableCompetition: MonetaTableCompetition = .off
    /// The homeostatic offsets θ_d of ``tableCompetition``, one per filter (0 at the start;
    /// updated by ``trainPIMFriendly(_:rule:lfsr:)``).
    public internal(set) var thetaOffsets: [Float]
    let offsets: [Int32]

    /// Throws ``SpikingParameterError`` if the weight count does not match the geometry.
    public init(geometry: MonetaConvGeometry, neuron: MonetaLIF, weights: [Int32], crossDepthInhibition: Bool = true,
                lateralInhibition: Bool = false, mvm: MonetaMVM = .integer) throws {
        guard weights.count == geometry.filters * geometry.patchSize else {
            throw SpikingParameterError(type: "MonetaConvLayer", field: "weights", value: "\(weights.count) values",
                                        expected: "filters·F·F·I_D = \(geometry.filters * geometry.patchSize) codes")
        }
        self.geometry = geometry; self.neuron = neuron; self.weights = weights
        self.crossDepthInhibition = crossDepthInhibition; self.lateralInhibition = lateralInhibition; self.mvm = mvm
        thetaOffsets = [Float](repeating: 0, count: geometry.filters)
        offsets = geometry.patchOffsets()
    }

    /// Uniform random weight codes in `range` from stream `key` of `seed`.
    public static func randomWeights(_ geometry: MonetaConvGeometry, range: ClosedRange<Int32>, seed: UInt64,
                                     key: StreamKey) -> [Int32] {
        var g = SeededGenerator(seed: seed, key: key)
        let width = Int(range.upperBound - range.lowerBound) + 1
        return (0..<(geometry.filters * geometry.patchSize)).map { _ in range.lowerBound + Int32(g.nextInt(below: width)) }
    }

    // MARK: - Pieces shared by both flows

    /// Gathers the patch of `position` at step `t` into `patch` (false for padding) and
    /// returns how many of its inputs spiked.
    @inline(__always)
    func gather(_ input: MonetaSpikeTensor, t: Int, position: Int, into patch: UnsafeMutableBufferPointer<Bool>) -> Int {
        let ps = geometry.patchSize, base = t * input.planeSize
        var active = 0
        for k in 0..<ps {
            let o = Int(offsets[position * ps + k])
            let s = o >= 0 && input.bits[base + o]
            patch[k] = s
            if s { active += 1 }
        }
        return active
    }

    /// `Σ_k W[z, k]·s_k` for filter z.
    @inline(__always)
    func product(filter z: Int, patch: UnsafeBufferPointer<Bool>) -> Int {
        let ps = geometry.patchSize
        return weights.withUnsafeBufferPointer { w in
            let row = UnsafeBufferPointer(rebasing: w[(z * ps)..<((z + 1) * ps)])
            switch mvm {
            case .integer: return MonetaPIM.integerDot(weights: row, spikes: patch)
            case let .bitSerial(encoding): return MonetaPIM.bitSerialDot(weights: row, spikes: patch, encoding: encoding)
            }
        }
    }

    /// One neuron update of the O_D neurons of one IFM (`v` points at them): adds `input`,
    /// leaks, thresholds, applies cross-depth inhibition. Writes the peak (pre-threshold)
    /// potentials to `peak` if given. Returns the firing depths via `fired`.
    @inline(__always)
    func updateColumn(_ v: UnsafeMutablePointer<Float>, input: UnsafePointer<Int>, fired: inout [Int],
                      peak: UnsafeMutablePointer<Float>? = nil) {
        fired.removeAll(keepingCapacity: true)
        let n = geometry.filters
        var best = -1
        for z in 0..<n {
            var x = v[z] + Float(input[z])
            x -= neuron.a + neuron.b * x
            v[z] = x
            if let peak { peak[z] = Swift.max(peak[z], x) }
            if neuron.comparison.crosses(x, neuron.threshold) {
                if crossDepthInhibition {
                    if best < 0 || x > v[best] { best = z }
                } else {
                    fired.append(z)
                }
            }
        }
        if crossDepthInhibition {
            guard best >= 0 else { return }
            let winner = neuron.reset == .toValue ? 0 : v[best] - neuron.threshold
            for z in 0..<n { v[z] = 0 }
            v[best] = winner
            fired.append(best)
        } else {
            for z in fired { v[z] = neuron.reset == .toValue ? 0 : v[z] - neuron.threshold }
        }
    }

    func checkInput(_ input: MonetaSpikeTensor) throws {
        let g = geometry
        guard input.rows == g.inputRows, input.columns == g.inputColumns, input.depth == g.inputDepth else {
            throw SpikingParameterError(type: "MonetaConvLayer", field: "input",
                                        value: "\(input.rows)×\(input.columns)×\(input.depth)",
                                        expected: "\(g.inputRows)×\(g.inputColumns)×\(g.inputDepth) spikes per step")
        }
    }

    // MARK: - Inference

    /// Runs the layer on `input` in the given data flow (no learning).
    public func infer(_ input: MonetaSpikeTensor, dataflow: MonetaDataflow) throws -> MonetaLayerOutput {
        try checkInput(input)
        if lateralInhibition && dataflow == .ifmOrder {
            throw SpikingParameterError(type: "MonetaConvLayer", field: "lateralInhibition", value: "true",
                                        expected: "false in IFM order (lateral inhibition couples IFMs; use spike-cycle order)")
        }
        let g = geometry, n = g.filters, steps = input.steps
        var out = MonetaSpikeTensor(steps: steps, rows: g.outputRows, columns: g.outputColumns, depth: n)
        var v = [Float](repeating: 0, count: g.positions * n)
        var counters = EventCounters()
        var patch = [Bool](repeating: false, count: g.patchSize)
        var current = [Int](repeating: 0, count: n)
        var fired: [Int] = []
        fired.reserveCapacity(n)

        func visit(t: Int, p: Int) {
            let active = patch.withUnsafeMutableBufferPointer { gather(input, t: t, position: p, into: $0) }
            counters.synapticOperations += active * n
            counters.weightReads += active * n
            counters.neuronUpdates += n
            patch.withUnsafeBufferPointer { s in for z in 0..<n { current[z] = active == 0 ? 0 : product(filter: z, patch: s) } }
            v.withUnsafeMutableBufferPointer { vp in
                current.withUnsafeBufferPointer { c in updateColumn(vp.baseAddress! + p * n, input: c.baseAddress!, fired: &fired) }
            }
            for z in fired { out.bits[(t * g.positions + p) * n + z] = true }
            counters.emittedSpikes += fired.count
        }

        switch dataflow {
        case .spikeCycleOrder:
            for t in 0..<steps {
                for p in 0..<g.positions { visit(t: t, p: p) }
                if lateralInhibition { applyLateralInhibition(&v, spikes: out, t: t) }
            }
        case .ifmOrder:
            for p in 0..<g.positions { for t in 0..<steps { visit(t: t, p: p) } }
        }
        counters.inputSpikes = input.total
        return MonetaLayerOutput(spikes: out, finalPotential: v, counters: counters,
                                 tifmPasses: dataflow == .spikeCycleOrder ? steps : 1,
                                 membraneBufferEntries: dataflow == .spikeCycleOrder ? g.positions * n : n)
    }

    /// A spike on map z at step t resets V(·, ·, z).
    func applyLateralInhibition(_ v: inout [Float], spikes: MonetaSpikeTensor, t: Int) {
        let g = geometry, n = g.filters
        var maps = [Bool](repeating: false, count: n)
        for p in 0..<g.positions { for z in 0..<n where spikes.bits[(t * g.positions + p) * n + z] { maps[z] = true } }
        for z in 0..<n where maps[z] { for p in 0..<g.positions { v[p * n + z] = 0 } }
    }
}
