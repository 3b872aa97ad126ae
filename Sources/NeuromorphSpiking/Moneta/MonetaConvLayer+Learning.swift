/// One entry of MONETA's filter-update table: the IFM that gave filter d its largest V_mem.
public struct MonetaFilterUpdateEntry: Sendable, Hashable {
    /// The peak potential (after leak, before threshold).
    public var maximumPotential: Float
    /// The IFM (output position) index.
    public var ifm: Int
}

/// What one learning pass did.
public struct MonetaLearningStats: Sendable, Hashable {
    /// Output spikes that triggered an update.
    public var updateSpikes = 0
    /// Synapse update decisions (one LFSR draw each).
    public var decisions = 0
    /// Weights whose code changed.
    public var changedWeights = 0
    /// Clock cycles of the weight updates, 17 per synapse update (digest §3.2).
    public var updateCycles = 0
    public init() {}
}

extension MonetaConvLayer {
    /// Updates filter z from the histories of the patch of `position` (padding skipped).
    mutating func applySTDP(filter z: Int, position: Int, histories: [UInt8], rule: MonetaSTDP, lfsr: inout LFSR,
                            stats: inout MonetaLearningStats) {
        let ps = geometry.patchSize
        stats.updateSpikes += 1
        for k in 0..<ps {
            let o = Int(offsets[position * ps + k])
            guard o >= 0 else { continue }
            let w = weights[z * ps + k]
            let next = rule.updated(weight: w, history: histories[o], rnd: lfsr.next())
            stats.decisions += 1
            if next != w { stats.changedWeights += 1; weights[z * ps + k] = next }
        }
        stats.updateCycles = stats.decisions * MonetaSTDP.cyclesPerUpdate
    }

    /// "Standard" online learning in spike-cycle order (Type 1 data flow, Fig. 8A): every
    /// output spike immediately updates its filter with ``MonetaSTDP`` from the input
    /// histories, so later IFMs of the same step see the new weights. Histories shift at the
    /// start of every T_threshold-th step, then record the step's input spikes.
    ///
    /// The paper's Type 1 uses Bi–Poo STDP in ParallelSpikeSim; here both types use the same
    /// hardware rule so that they differ only in data flow and the table [I].
    @discardableResult
    public mutating func trainSpikeCycleOrder(_ input: MonetaSpikeTensor, rule: MonetaSTDP,
                                              lfsr: inout LFSR) throws -> MonetaLearningStats {
        try checkInput(input)
        let g = geometry, n = g.filters
        var stats = MonetaLearningStats()
        var histories = [UInt8](repeating: 0, count: g.inputSize)
        var v = [Float](repeating: 0, count: g.positions * n)
        var patch = [Bool](repeating: false, count: g.patchSize)
        var current = [Int](repeating: 0, count: n)
        var fired: [Int] = []
        var out = MonetaSpikeTensor(steps: 1, rows: g.outputRows, columns: g.outputColumns, depth: n)
        for t in 0..<input.steps {
            if rule.shiftsHistory(atStep: t) { for i in histories.indices { histories[i] = MonetaSTDP.shifted(histories[i]) } }
            let base = t * input.planeSize
            for i in 0..<g.inputSize where input.bits[base + i] { histories[i] = MonetaSTDP.recordingSpike(histories[i]) }
            if lateralInhibition { for i in out.bits.indices { out.bits[i] = false } }
            for p in 0..<g.positions {
                let active = patch.withUnsafeMutableBufferPointer { gather(input, t: t, position: p, into: $0) }
                patch.withUnsafeBufferPointer { s in for z in 0..<n { current[z] = active == 0 ? 0 : product(filter: z, patch: s) } }
                v.withUnsafeMutableBufferPointer { vp in
                    current.withUnsafeBufferPointer { c in updateColumn(vp.baseAddress! + p * n, input: c.baseAddress!, fired: &fired) }
                }
                for z in fired {
                    out.bits[p * n + z] = true
                    applySTDP(filter: z, position: p, histories: histories, rule: rule, lfsr: &lfsr, stats: &stats)
                }
            }
            if lateralInhibition { applyLateralInhibition(&v, spikes: out, t: 0) }
        }
        return stats
    }

    /// Phase 1 of PIM-friendly STDP (Fig. 11): IFM-order inference without updates; per
    /// filter the IFM with the largest peak V_mem (first IFM on ties; `nil` for a filter whose
    /// potential never rose above 0). With ``tableCompetition`` `winnerTakesIFM`, an IFM is a
    /// candidate only for its depth winner `argmax_z (peak_z − θ_z)` (``thetaOffsets``).
    public func filterUpdateTable(_ input: MonetaSpikeTensor) throws -> [MonetaFilterUpdateEntry?] {
        try checkInput(input)
        let g = geometry, n = g.filters
        var table = [MonetaFilterUpdateEntry?](repeating: nil, count: n)
        var patch = [Bool](repeating: false, count: g.patchSize)
        var current = [Int](repeating: 0, count: n)
        var fired: [Int] = []
        var v = [Float](repeating: 0, count: n)
        var peak = [Float](repeating: 0, count: n)
        for p in 0..<g.positions {
            for z in 0..<n { v[z] = 0; peak[z] = -.infinity }
            for t in 0..<input.steps {
                let active = patch.withUnsafeMutableBufferPointer { gather(input, t: t, position: p, into: $0) }
                patch.withUnsafeBufferPointer { s in for z in 0..<n { current[z] = active == 0 ? 0 : product(filter: z, patch: s) } }
                v.withUnsafeMutableBufferPointer { vp in
                    peak.withUnsafeMutableBufferPointer { pk in
                        current.withUnsafeBufferPointer { c in
                            updateColumn(vp.baseAddress!, input: c.baseAddress!, fired: &fired, peak: pk.baseAddress!)
                        }
                    }
                }
            }
            if tableCompetition.winnerTakesIFM {
                let w = peak.withUnsafeBufferPointer {
                    MonetaTableCompetition.winner(peaks: $0.baseAddress!, count: n, offsets: thetaOffsets)
                }
                if peak[w] > 0 && peak[w] > (table[w]?.maximumPotential ?? 0) {
                    table[w] = MonetaFilterUpdateEntry(maximumPotential: peak[w], ifm: p)
                }
            } else {
                for z in 0..<n where peak[z] > 0 && peak[z] > (table[z]?.maximumPotential ?? 0) {
                    table[z] = MonetaFilterUpdateEntry(maximumPotential: peak[z], ifm: p)
                }
            }
        }
        return table
    }

    /// PIM-friendly STDP (Type 2, Fig. 11): phase 1 builds the filter-update table; phase 2
    /// re-runs, for each filter d in the table, its IFM on that filter alone (V_mem from 0,
    /// histories from empty), and on each output spike resets V_mem to 0 and applies
    /// ``MonetaSTDP`` to filter d. Each TIFM is processed twice. With ``tableCompetition``
    /// on, the table is built against the current ``thetaOffsets`` and the offsets then take
    /// one homeostasis step (``MonetaTableCompetition/nextOffsets(_:updated:)``).
    @discardableResult
    public mutating func trainPIMFriendly(_ input: MonetaSpikeTensor, rule: MonetaSTDP,
                                          lfsr: inout LFSR) throws -> MonetaLearningStats {
        let table = try filterUpdateTable(input)
        if tableCompetition.winnerTakesIFM {
            thetaOffsets = tableCompetition.nextOffsets(thetaOffsets, updated: table.map { $0 != nil })
        }
        let g = geometry, ps = g.patchSize
        var stats = MonetaLearningStats()
        var histories = [UInt8](repeating: 0, count: g.inputSize)
        for (d, entry) in table.enumerated() {
            guard let entry else { continue }
            let p = entry.ifm
            for k in 0..<ps { let o = Int(offsets[p * ps + k]); if o >= 0 { histories[o] = 0 } }
            var v: Float = 0
            var patch = [Bool](repeating: false, count: ps)
            for t in 0..<input.steps {
                let base = t * input.planeSize
                for k in 0..<ps {
                    let o = Int(offsets[p * ps + k])
                    guard o >= 0 else { continue }
                    if rule.shiftsHistory(atStep: t) { histories[o] = MonetaSTDP.shifted(histories[o]) }
                    if input.bits[base + o] { histories[o] = MonetaSTDP.recordingSpike(histories[o]) }
                }
                let active = patch.withUnsafeMutableBufferPointer { gather(input, t: t, position: p, into: $0) }
                let i = active == 0 ? 0 : patch.withUnsafeBufferPointer { product(filter: d, patch: $0) }
                v += Float(i)
                v -= neuron.a + neuron.b * v
                if neuron.comparison.crosses(v, neuron.threshold) {
                    v = 0
                    applySTDP(filter: d, position: p, histories: histories, rule: rule, lfsr: &lfsr, stats: &stats)
                }
            }
        }
        return stats
    }
}
