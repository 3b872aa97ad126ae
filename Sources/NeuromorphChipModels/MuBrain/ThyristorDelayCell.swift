import Foundation

/// Delay of μBrain's thyristor-based delay cell, which clocks the spike arbiter
/// (Stuijt et al. 2021, Eqs. 1–6; digest §2.3).
///
/// ```
/// t_d1 = C_n V_tn / I_c                                          (1)
/// I_dn(t) = (β_n / 2) (I_c t / C_n)²                             (3, with the t² the text drops)
/// ∫_0^{t_d2} I_dn dt = C_p V_tp                                  (4)
/// t_d2 = ∛( 6 C_n² C_p V_tp / (β_n I_c²) )                       (5, with the V_tp the text drops)
/// t_d  = t_d1 + t_d2 = ( V_tn / I_c + ∛( 6 V_tp / (β_n I_c²) ) ) · C_L,  C_L = C_p = C_n   (6)
/// ```
///
/// Errata: printed Eq. 3 omits `t²` and Eq. 5 omits `V_tp`; the forms above are the
/// ones that integrate to Eq. 6. The paper gives no device values, so there is no
/// numeric paper delay to compare with (the design uses 100 ns as a safe margin).
public struct ThyristorDelayCell: Sendable, Hashable {
    /// Capacitance of the NMOS-side node C_n, F.
    public let nodeCapacitanceN: Double
    /// Capacitance of the PMOS-side node C_p, F.
    public let nodeCapacitanceP: Double
    /// Bias-limited charging current I_c, A.
    public let chargingCurrent: Double
    /// NMOS threshold voltage V_tn, V.
    public let thresholdN: Double
    /// PMOS threshold voltage magnitude V_tp, V.
    public let thresholdP: Double
    /// NMOS transconductance parameter β_n, A/V².
    public let betaN: Double

    public init(nodeCapacitanceN: Double, nodeCapacitanceP: Double, chargingCurrent: Double,
                thresholdN: Double, thresholdP: Double, betaN: Double) throws {
        let m = "ThyristorDelayCell"
        try Check.positive(nodeCapacitanceN, "nodeCapacitanceN", in: m)
        try Check.positive(nodeCapacitanceP, "nodeCapacitanceP", in: m)
        try Check.positive(chargingCurrent, "chargingCurrent", in: m)
        try Check.positive(thresholdN, "thresholdN", in: m)
        try Check.positive(thresholdP, "thresholdP", in: m)
        try Check.positive(betaN, "betaN", in: m)
        self.nodeCapacitanceN = nodeCapacitanceN
        self.nodeCapacitanceP = nodeCapacitanceP
        self.chargingCurrent = chargingCurrent
        self.thresholdN = thresholdN
        self.thresholdP = thresholdP
        self.betaN = betaN
    }

    /// A cell with equal node capacitances C_L (the case of Eq. 6).
    public init(loadCapacitance: Double, chargingCurrent: Double, thresholdN: Double,
                thresholdP: Double, betaN: Double) throws {
        try self.init(nodeCapacitanceN: loadCapacitance, nodeCapacitanceP: loadCapacitance,
                      chargingCurrent: chargingCurrent, thresholdN: thresholdN,
                      thresholdP: thresholdP, betaN: betaN)
    }

    /// `t_d1 = C_n V_tn / I_c` in s (Eq. 1).
    public var firstStageDelay: Double { nodeCapacitanceN * thresholdN / chargingCurrent }

    /// Drain current of the NMOS at time t after it turns on, `(β_n/2)(I_c t / C_n)²` (Eq. 3).
    public func nmosCurrent(at time: Double) -> Double {
        let overdrive = chargingCurrent * time / nodeCapacitanceN
        return betaN / 2 * overdrive * overdrive
    }

    /// `t_d2 = ∛(6 C_n² C_p V_tp / (β_n I_c²))` in s (Eq. 5, corrected).
    public var secondStageDelay: Double {
        cbrt(6 * nodeCapacitanceN * nodeCapacitanceN * nodeCapacitanceP * thresholdP
             / (betaN * chargingCurrent * chargingCurrent))
    }

    /// `t_d = t_d1 + t_d2` in s (Eq. 6 when C_n = C_p).
    public var delay: Double { firstStageDelay + secondStageDelay }

    /// Eq. 6 exactly as printed, `(V_tn/I_c + ∛(6 V_tp/(β_n I_c²))) · C_L`, using C_n as C_L.
    public var equalLoadDelay: Double {
        (thresholdN / chargingCurrent
         + cbrt(6 * thresholdP / (betaN * chargingCurrent * chargingCurrent)))
            * nodeCapacitanceN
    }
}
