/// Power arithmetic of the always-on SNN (Chundi et al. 2021; digest §3.4).
///
/// ```
/// P_idle,gated = P_idle · (1 − s_cg) · (1 − s_pg)     (savings compound; 1.16 → 0.2425 nW)
/// P(r)         = P_standby + r · (P_100% − P_standby)  (75 → 220 nW for KWS)
/// VDD scaling  = (V_DDH / V_DD)²                        (everything at 0.8 V: 2.37×)
/// LDO overhead = V_DDH / V_DD − 1                       (65 % efficient LDO: +53.8 %)
/// ```
public struct AlwaysOnPowerModel: Sendable, Hashable {
    /// Idle hidden-neuron power without power management, W (1.16 nW, SPICE).
    public let idleNeuronPowerW: Double
    /// Fraction saved by clock generation and gating (0.746).
    public let clockGatingSaving: Double
    /// Additional fraction saved by zigzag power gating (0.1768).
    public let powerGatingSaving: Double
    /// Chip power with no input activity, W (75 nW, KWS).
    public let standbyPowerW: Double
    /// Chip power at 100 % input rate, W (220 nW, KWS).
    public let fullRatePowerW: Double
    /// Core supply V_DD, V (0.52 V).
    public let coreVoltage: Double
    /// SRAM read-boost supply V_DDH, V (0.8 V).
    public let boostVoltage: Double

    public init(idleNeuronPowerW: Double, clockGatingSaving: Double, powerGatingSaving: Double,
                standbyPowerW: Double, fullRatePowerW: Double, coreVoltage: Double,
                boostVoltage: Double) throws {
        let m = "AlwaysOnPowerModel"
        try Check.positive(idleNeuronPowerW, "idleNeuronPowerW", in: m)
        try Check.unitInterval(clockGatingSaving, "clockGatingSaving", in: m)
        try Check.unitInterval(powerGatingSaving, "powerGatingSaving", in: m)
        try Check.nonNegative(standbyPowerW, "standbyPowerW", in: m)
        try Check.nonNegative(fullRatePowerW, "fullRatePowerW", in: m)
        guard fullRatePowerW >= standbyPowerW else {
            throw ChipModelError(model: m, field: "fullRatePowerW", value: "\(fullRatePowerW)",
                                 expected: "a power >= standbyPowerW (\(standbyPowerW))")
        }
        try Check.positive(coreVoltage, "coreVoltage", in: m)
        try Check.positive(boostVoltage, "boostVoltage", in: m)
        self.init(unchecked: idleNeuronPowerW, clockGatingSaving, powerGatingSaving,
                  standbyPowerW, fullRatePowerW, coreVoltage, boostVoltage)
    }

    private init(unchecked idle: Double, _ cg: Double, _ pg: Double, _ standby: Double,
                 _ full: Double, _ vdd: Double, _ vddh: Double) {
        idleNeuronPowerW = idle
        clockGatingSaving = cg
        powerGatingSaving = pg
        standbyPowerW = standby
        fullRatePowerW = full
        coreVoltage = vdd
        boostVoltage = vddh
    }

    /// The reported chip (65 nm LP, 0.52 V, KWS power range).
    public static let paper = AlwaysOnPowerModel(unchecked: 1.16e-9, 0.746, 0.1768,
                                                 75e-9, 220e-9, 0.52, 0.8)

    // MARK: - Idle neuron

    /// `P_idle · (1 − s_cg) · (1 − s_pg)` in W (0.2425 nW).
    public var gatedIdleNeuronPowerW: Double {
        idleNeuronPowerW * (1 - clockGatingSaving) * (1 - powerGatingSaving)
    }

    /// `P_idle / P_idle,gated` (4.78; paper "4.8×").
    public var idleNeuronReduction: Double { idleNeuronPowerW / gatedIdleNeuronPowerW }

    // MARK: - Chip power

    /// `P(r) = P_standby + r · (P_100% − P_standby)` in W, for input rate r ∈ [0, 1].
    public func power(inputRate: Double) throws -> Double {
        try Check.unitInterval(inputRate, "inputRate", in: "AlwaysOnPowerModel")
        return standbyPowerW + inputRate * (fullRatePowerW - standbyPowerW)
    }

    // MARK: - Supply

    /// Power factor of running everything at V_DDH, `(V_DDH / V_DD)²` (2.367; paper "2.4×").
    public var allBoostVoltageFactor: Double {
        (boostVoltage / coreVoltage) * (boostVoltage / coreVoltage)
    }

    /// Efficiency of an LDO from V_DDH to V_DD, `V_DD / V_DDH` (0.65).
    public var ldoEfficiency: Double { coreVoltage / boostVoltage }

    /// Extra power of that LDO, `1 / η_LDO − 1` (0.538; paper "53.8 %").
    public var ldoOverhead: Double { 1 / ldoEfficiency - 1 }
}
