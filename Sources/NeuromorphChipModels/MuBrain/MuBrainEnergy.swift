/// Energy-per-classification arithmetic of μBrain on MNIST (Stuijt et al. 2021,
/// MNIST experiment and its footnote; digest §2.5, §2.7 item 4).
///
/// ```
/// E_spikes  = N_spikes · E_spike                       (11,500 · 26 pJ = 299 nJ)
/// t_class   = T_run / N_samples                        (42 s / 10,000 = 4.2 ms)
/// E_power   = P_table · t_class                        (73 µW · 4.2 ms = 306.6 nJ)
/// E_current = I_total · V_dd · t_class                 (74 µA · 1.1 V · 4.2 ms = 341.9 nJ)
/// static    = I_leak / I_total                         (53/74 = 71.6 %)
/// E_dyn     = (I_total − I_leak) · V_dd · t_class / N_spikes   (8.4 pJ per spike)
/// ```
///
/// Erratum: the paper says 30 % of the 26 pJ per spike is static, but its own currents
/// give a 72 % leakage share; both are reported, neither is reconciled.
public struct MuBrainEnergy: Sendable, Hashable {
    /// Average spikes per classification (11,500).
    public let spikesPerClassification: Double
    /// Energy per spike, J (26 pJ, including communication, accumulation, synaptic read).
    public let energyPerSpikeJ: Double
    /// Supply V_dd, V (1.1 V).
    public let supplyVoltage: Double
    /// Leakage current, A (53 µA).
    public let leakageCurrentA: Double
    /// Total current, A (74 µA).
    public let totalCurrentA: Double
    /// Wall time of the whole test run, s (42 s).
    public let runSeconds: Double
    /// Samples classified in that run (10,000).
    public let samples: Int
    /// Power printed in Table 2, W (73 µW).
    public let reportedPowerW: Double

    public init(spikesPerClassification: Double, energyPerSpikeJ: Double, supplyVoltage: Double,
                leakageCurrentA: Double, totalCurrentA: Double, runSeconds: Double, samples: Int,
                reportedPowerW: Double) throws {
        let m = "MuBrainEnergy"
        try Check.nonNegative(spikesPerClassification, "spikesPerClassification", in: m)
        try Check.nonNegative(energyPerSpikeJ, "energyPerSpikeJ", in: m)
        try Check.positive(supplyVoltage, "supplyVoltage", in: m)
        try Check.nonNegative(leakageCurrentA, "leakageCurrentA", in: m)
        try Check.positive(totalCurrentA, "totalCurrentA", in: m)
        guard leakageCurrentA <= totalCurrentA else {
            throw ChipModelError(model: m, field: "leakageCurrentA", value: "\(leakageCurrentA)",
                                 expected: "a current <= totalCurrentA (\(totalCurrentA))")
        }
        try Check.positive(runSeconds, "runSeconds", in: m)
        try Check.positive(samples, "samples", in: m)
        try Check.nonNegative(reportedPowerW, "reportedPowerW", in: m)
        self.init(unchecked: spikesPerClassification, energyPerSpikeJ, supplyVoltage,
                  leakageCurrentA, totalCurrentA, runSeconds, samples, reportedPowerW)
    }

    private init(unchecked spikes: Double, _ eSpike: Double, _ vdd: Double, _ leak: Double,
                 _ total: Double, _ run: Double, _ samples: Int, _ power: Double) {
        spikesPerClassification = spikes
        energyPerSpikeJ = eSpike
        supplyVoltage = vdd
        leakageCurrentA = leak
        totalCurrentA = total
        runSeconds = run
        self.samples = samples
        reportedPowerW = power
    }

    /// The MNIST measurement (16×16 inputs at 100–655 kHz).
    public static let mnist = MuBrainEnergy(unchecked: 11_500, 26e-12, 1.1, 53e-6, 74e-6,
                                            42, 10_000, 73e-6)

    /// `N_spikes · E_spike` in J (299 nJ; paper reports 308 nJ per prediction).
    public var spikeEnergyPerClassificationJ: Double { spikesPerClassification * energyPerSpikeJ }

    /// `T_run / N_samples` in s (4.2 ms).
    public var secondsPerClassification: Double { runSeconds / Double(samples) }

    /// `P_table · t_class` in J (306.6 nJ).
    public var reportedPowerEnergyJ: Double { reportedPowerW * secondsPerClassification }

    /// `I_total · V_dd` in W (81.4 µW).
    public var totalPowerW: Double { totalCurrentA * supplyVoltage }

    /// `I_total · V_dd · t_class` in J (341.9 nJ).
    public var currentEnergyJ: Double { totalPowerW * secondsPerClassification }

    /// `I_leak / I_total` (0.716).
    public var staticShare: Double { leakageCurrentA / totalCurrentA }

    /// `I_leak · V_dd` in W (58.3 µW).
    public var staticPowerW: Double { leakageCurrentA * supplyVoltage }

    /// `(I_total − I_leak) · V_dd · t_class / N_spikes` in J (8.4 pJ).
    public var dynamicEnergyPerSpikeJ: Double {
        (totalCurrentA - leakageCurrentA) * supplyVoltage * secondsPerClassification
            / spikesPerClassification
    }
}
