import Foundation

/// System-level cooling, power and power-density limits (Primavera & Shainline 2021,
/// system-level scaling; digest §2.6).
///
/// ```
/// Carnot specific power   (T_H − T_C) / T_C                 (300 K → 4.2 K: 70.4 W/W; paper "at least 74")
/// max average rate        f = P_budget η / (N k̄ E_receiver)  (10 MW, 1 fJ, 10¹⁰, 10⁴: η=1e-4 → 10 kHz)
/// power density           D = (E_receiver / η) f / w_sy²
/// largest synapse side    w_sy = √((E_receiver / η) f / D_max)    (1 aJ, 1e-4, 1 GHz, 1 W/cm² → 31.6 μm)
/// wafers                  ⌈N_total / N_wafer⌉                    (10¹⁰ / 10⁶ = 10⁴)
/// ```
public enum SystemScaling {
    /// Carnot refrigeration watts per watt removed at `coldK`, rejecting at `hotK`.
    ///
    /// Erratum: the paper's "at least 74 W" for 4.2 K corresponds to T_C = 4 K; at 4.2 K
    /// the Carnot limit is 70.4 W/W.
    public static func carnotSpecificPower(hotK: Double = 300, coldK: Double) throws -> Double {
        try Check.positive(coldK, "coldK", in: "SystemScaling")
        try Check.greater(hotK, than: coldK, "hotK", in: "SystemScaling")
        return (hotK - coldK) / coldK
    }

    /// Highest average spike rate a power budget allows, `P η / (N k̄ E_receiver)`, Hz
    /// (Fig. 6 model [INFERRED]).
    public static func maxAverageRateHz(powerBudgetW: Double, linkEfficiency: Double,
                                        neurons: Double, meanDegree: Double,
                                        receiverEnergyJ: Double) throws -> Double {
        let m = "SystemScaling"
        try Check.positive(powerBudgetW, "powerBudgetW", in: m)
        try Check.fraction(linkEfficiency, "linkEfficiency", in: m)
        try Check.positive(neurons, "neurons", in: m)
        try Check.positive(meanDegree, "meanDegree", in: m)
        try Check.positive(receiverEnergyJ, "receiverEnergyJ", in: m)
        return powerBudgetW * linkEfficiency / (neurons * meanDegree * receiverEnergyJ)
    }

    /// Areal power density of synapses of side `synapseWidthM` firing at `rateHz`,
    /// `(E_receiver / η) f / w_sy²`, in W/m².
    public static func powerDensity(receiverEnergyJ: Double, linkEfficiency: Double,
                                    rateHz: Double, synapseWidthM: Double) throws -> Double {
        let m = "SystemScaling"
        try Check.positive(receiverEnergyJ, "receiverEnergyJ", in: m)
        try Check.fraction(linkEfficiency, "linkEfficiency", in: m)
        try Check.nonNegative(rateHz, "rateHz", in: m)
        try Check.positive(synapseWidthM, "synapseWidthM", in: m)
        return receiverEnergyJ / linkEfficiency * rateHz / (synapseWidthM * synapseWidthM)
    }

    /// Largest synapse side before the density limit is reached at `rateHz`,
    /// `√((E_receiver / η) f / D_max)`, in m.
    public static func maxSynapseWidth(receiverEnergyJ: Double, linkEfficiency: Double,
                                       rateHz: Double, densityLimitWPerM2: Double) throws -> Double {
        let m = "SystemScaling"
        try Check.positive(receiverEnergyJ, "receiverEnergyJ", in: m)
        try Check.fraction(linkEfficiency, "linkEfficiency", in: m)
        try Check.positive(rateHz, "rateHz", in: m)
        try Check.positive(densityLimitWPerM2, "densityLimitWPerM2", in: m)
        return (receiverEnergyJ / linkEfficiency * rateHz / densityLimitWPerM2).squareRoot()
    }

    /// Wafers needed, `⌈N_total / N_wafer⌉`.
    public static func wafers(totalNeurons: Double, neuronsPerWafer: Double) throws -> Int {
        try Check.positive(totalNeurons, "totalNeurons", in: "SystemScaling")
        try Check.positive(neuronsPerWafer, "neuronsPerWafer", in: "SystemScaling")
        return Int((totalNeurons / neuronsPerWafer).rounded(.up))
    }

    /// W/cm² → W/m².
    public static func wattsPerSquareMeter(wattsPerSquareCentimeter: Double) -> Double {
        wattsPerSquareCentimeter * 1e4
    }
}
