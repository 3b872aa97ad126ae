/// Competition between filters in MONETA's filter-update table, with per-filter homeostasis
/// (an option of the PIM-friendly "Type 2" trainer; [ours], not in Kim et al. 2022).
///
/// The paper's table (digest bayesian-hardware §3.3, Fig. 11) keeps, for every filter d, the
/// IFM that gave d its largest peak V_mem, and phase 2 re-runs that IFM on d *alone*. No other
/// filter competes during learning, so with P1…P4 ≫ PD the filters drift to one saturated
/// template (docs/spiking-systems.md, "Why Type 2 collapses"). This option adds what the
/// spike-cycle flow has through cross-depth inhibition:
///
/// ```
/// winner of IFM n:     d*(n) = argmax_z (peak_z(n) − θ_z)        (lowest z on ties)
/// table entry of d:    the IFM n with d*(n) = d and the largest peak_d(n) > 0
/// after each TIFM:     θ_d ← decay · θ_d + θ⁺ · [d was in the table]
/// ```
///
/// θ_d is an adaptive offset in V_mem units (against V_th), as the adaptive threshold θ of
/// Diehl & Cook 2015 (their Brian2 code's `theta_plus`, decaying between examples): a filter
/// that keeps winning is handicapped until others catch up. It only changes which IFM a
/// filter learns from; inference (both data flows) is untouched. Measured on mnist-5k:
/// winner-takes-the-IFM alone still collapses to one filter; with θ⁺ = 50 or 200 the
/// collapse breaks (docs/spiking-systems.md, MONETA).
public struct MonetaTableCompetition: Sendable, Codable, Hashable {
    /// An IFM enters the table only for its depth winner `argmax_z (peak_z − θ_z)`
    /// (`false`: the paper's table, every filter takes its own best IFM).
    public var winnerTakesIFM: Bool
    /// θ⁺: added to θ_d after every training TIFM whose table updated filter d, in V_mem
    /// units (0 = no homeostasis). Needs `winnerTakesIFM` (without it θ_d changes nothing).
    public var thetaPlus: Float
    /// Per-TIFM decay of θ_d, in [0, 1] (0.99: θ_d halves over ≈ 69 training images).
    public var thetaDecay: Float

    /// The paper's table: no competition, no homeostasis.
    public static let off = MonetaTableCompetition(unchecked: false, thetaPlus: 0, thetaDecay: 0.99)

    /// Throws ``SpikingParameterError`` naming `thetaPlus` (negative, not finite, or > 0
    /// without `winnerTakesIFM`) or `thetaDecay` (outside [0, 1]).
    public init(winnerTakesIFM: Bool = true, thetaPlus: Float = 0, thetaDecay: Float = 0.99) throws {
        guard thetaPlus >= 0, thetaPlus.isFinite else {
            throw SpikingParameterError(type: "MonetaTableCompetition", field: "thetaPlus", value: "\(thetaPlus)",
                                        expected: "a finite V_mem offset ≥ 0 (0 = no homeostasis)")
        }
        guard thetaPlus == 0 || winnerTakesIFM else {
            throw SpikingParameterError(type: "MonetaTableCompetition", field: "thetaPlus", value: "\(thetaPlus)",
                                        expected: "0 unless winnerTakesIFM is on (the offsets only rank filters against each other)")
        }
        guard thetaDecay >= 0, thetaDecay <= 1 else {
            throw SpikingParameterError(type: "MonetaTableCompetition", field: "thetaDecay", value: "\(thetaDecay)",
                                        expected: "a factor in [0, 1] per training image")
        }
        self.init(unchecked: winnerTakesIFM, thetaPlus: thetaPlus, thetaDecay: thetaDecay)
    }

    init(unchecked winnerTakesIFM: Bool, thetaPlus: Float, thetaDecay: Float) {
        self.winnerTakesIFM = winnerTakesIFM
        self.thetaPlus = thetaPlus
        self.thetaDecay = thetaDecay
    }

    /// The depth winner of one IFM, `argmax_z (peak_z − θ_z)`, lowest z on ties (pure).
    /// `offsets` is empty (all θ = 0) or one per filter.
    @inline(__always)
    public static func winner(peaks: UnsafePointer<Float>, count: Int, offsets: [Float]) -> Int {
        guard offsets.count == count else {
            var w = 0
            for z in 1..<Swift.max(1, count) where peaks[z] > peaks[w] { w = z }
            return w
        }
        var w = 0
        for z in 1..<Swift.max(1, count) where peaks[z] - offsets[z] > peaks[w] - offsets[w] { w = z }
        return w
    }

    /// The offsets after one training TIFM: `θ_d ← decay·θ_d + θ⁺·[updated_d]` (pure).
    public func nextOffsets(_ offsets: [Float], updated: [Bool]) -> [Float] {
        var next = offsets.count == updated.count ? offsets : [Float](repeating: 0, count: updated.count)
        for d in next.indices {
            next[d] *= thetaDecay
            if updated[d] { next[d] += thetaPlus }
        }
        return next
    }
}
