import RealModule

/// Class decisions from spikes or potentials (spiking note §1.7). Every rule is
/// deterministic: ties go to the lower index unless stated.
public enum Readout {
    /// The neuron with the most spikes; `nil` when no neuron spiked.
    public static func spikeCountArgmax(_ counts: [Int]) -> Int? {
        guard let best = counts.max(), best > 0 else { return nil }
        return counts.firstIndex(of: best)
    }

    /// The neuron with the earliest first spike (`times[i]` = spike times of neuron i, any
    /// order); `nil` when none spiked.
    public static func firstSpikeArgmin(_ times: [[Int64]]) -> Int? {
        var best: (index: Int, time: Int64)?
        for (i, ts) in times.enumerated() {
            guard let t = ts.min() else { continue }
            if best == nil || t < best!.time { best = (i, t) }
        }
        return best?.index
    }

    /// First inter-spike interval of each neuron, `t₂ − t₁` of its two earliest spikes;
    /// `nil` (∞) with fewer than two spikes.
    public static func firstInterSpikeIntervals(_ times: [[Int64]]) -> [Int64?] {
        times.map { ts in
            guard ts.count >= 2 else { return nil }
            let (t1, t2) = twoEarliest(ts)
            return t2 - t1
        }
    }

    /// μBrain's readout: the shortest first inter-spike interval wins (digest UB §2.5 [T]);
    /// fewer than two spikes count as ∞; ties go to the earlier second spike, then the lower
    /// index [I]. `nil` when no neuron spiked twice.
    public static func firstISIArgmin(_ times: [[Int64]]) -> Int? {
        var best: (index: Int, isi: Int64, second: Int64)?
        for (i, ts) in times.enumerated() where ts.count >= 2 {
            let (t1, t2) = twoEarliest(ts)
            let isi = t2 - t1
            if let b = best, (isi, t2) >= (b.isi, b.second) { continue }
            best = (i, isi, t2)
        }
        return best?.index
    }

    /// The neuron with the largest potential (Chundi: argmax of output potentials after the
    /// frame; digest CH §3.2).
    public static func membraneArgmax<T: Comparable>(_ potentials: [T]) -> Int? {
        guard let best = potentials.max() else { return nil }
        return potentials.firstIndex(of: best)
    }

    /// Softmax scores of potentials, `exp(v_i/T) / Σ_j exp(v_j/T)` (Chundi's ROC score;
    /// digest CH §3.5), computed with the maximum subtracted.
    public static func softmaxScores(_ potentials: [Double], temperature: Double = 1) -> [Double] {
        guard let m = potentials.max() else { return [] }
        let e = potentials.map { Double.exp(($0 - m) / temperature) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// Spike times per neuron from recorded spikes (steps, as Int64).
    public static func spikeTimes(_ records: [SpikeRecord], neurons: Int) -> [[Int64]] {
        var out = [[Int64]](repeating: [], count: neurons)
        for r in records where r.neuron >= 0 && Int(r.neuron) < neurons { out[Int(r.neuron)].append(Int64(r.step)) }
        return out
    }

    private static func twoEarliest(_ ts: [Int64]) -> (Int64, Int64) {
        var a = Int64.max, b = Int64.max
        for t in ts {
            if t < a { b = a; a = t } else if t < b { b = t }
        }
        return (a, b)
    }
}
