import Foundation

/// Requirements on a synaptic memory for a 10⁴×-accelerated brain-scale system
/// (Primavera & Shainline 2021, Eqs. 4–5 and Table 1; digest §2.5).
///
/// ```
/// E_spike   = E_receiver / η_transmitter            (1 fJ / 1 % = 100 fJ)
/// N_update  = L · f_avg / √N                        (4)   (10⁹ s, 10 kHz, N = 1000 → 3.16e11)
/// E_update  < √N · E_spike                          (5)   (3.16 pJ)
/// t_update  < 1 / f_max                                   (10 MHz → 100 ns)
/// precision ∈ [4, 8] bits
/// ```
public struct SynapticMemoryTargets: Sendable, Hashable {
    /// Operating lifetime L, s (10⁹ s, "decades").
    public let lifetimeS: Double
    /// Average spike rate f, Hz (10 kHz).
    public let averageRateHz: Double
    /// Maximum spike rate, Hz (10 MHz).
    public let maxRateHz: Double
    /// Fan-in N (1,000); √N inputs trigger a spike and are all updated.
    public let fanIn: Double
    /// Optical energy needed at the receiver, J (1 fJ).
    public let receiverEnergyJ: Double
    /// Transmitter (total link) efficiency (1 %).
    public let transmitterEfficiency: Double
    /// Weight precision range in bits (4–8).
    public let precisionBits: ClosedRange<Int>

    public init(lifetimeS: Double, averageRateHz: Double, maxRateHz: Double, fanIn: Double,
                receiverEnergyJ: Double, transmitterEfficiency: Double,
                precisionBits: ClosedRange<Int>) throws {
        let m = "SynapticMemoryTargets"
        try Check.positive(lifetimeS, "lifetimeS", in: m)
        try Check.positive(averageRateHz, "averageRateHz", in: m)
        try Check.positive(maxRateHz, "maxRateHz", in: m)
        guard fanIn.isFinite, fanIn >= 1 else {
            throw ChipModelError(model: m, field: "fanIn", value: "\(fanIn)",
                                 expected: "a finite number >= 1")
        }
        try Check.positive(receiverEnergyJ, "receiverEnergyJ", in: m)
        try Check.fraction(transmitterEfficiency, "transmitterEfficiency", in: m)
        guard precisionBits.lowerBound >= 1 else {
            throw ChipModelError(model: m, field: "precisionBits", value: "\(precisionBits)",
                                 expected: "a bit range starting at >= 1")
        }
        self.init(unchecked: lifetimeS, averageRateHz, maxRateHz, fanIn, receiverEnergyJ,
                  transmitterEfficiency, precisionBits)
    }

    private init(unchecked life: Double, _ avg: Double, _ max: Double, _ fanIn: Double,
                 _ receiver: Double, _ eta: Double, _ bits: ClosedRange<Int>) {
        lifetimeS = life
        averageRateHz = avg
        maxRateHz = max
        self.fanIn = fanIn
        receiverEnergyJ = receiver
        transmitterEfficiency = eta
        precisionBits = bits
    }

    /// Table 1's assumptions: fan-out 1,000, max 10 MHz, average 10 kHz, 100 fJ per spike.
    public static let paper = SynapticMemoryTargets(unchecked: 1e9, 1e4, 1e7, 1_000, 1e-15,
                                                    0.01, 4...8)

    /// Optical energy per spike at the transmitter, `E_receiver / η`, J (100 fJ).
    public var spikeEnergyJ: Double { receiverEnergyJ / transmitterEfficiency }

    /// Eq. 4, required endurance `L f / √N` (3.16e11; Table 1 "> 10¹¹").
    public var requiredEndurance: Double { lifetimeS * averageRateHz / fanIn.squareRoot() }

    /// Eq. 5, largest update energy `√N · E_spike`, J (3.16 pJ; Table 1 "< 3 pJ").
    public var maxUpdateEnergyJ: Double { fanIn.squareRoot() * spikeEnergyJ }

    /// Longest update time `1 / f_max`, s (100 ns).
    public var maxUpdateTimeS: Double { 1 / maxRateHz }

    /// Compares a device against the four targets.
    public func check(_ device: SynapticMemoryDevice) -> MemoryTargetCheck {
        MemoryTargetCheck(
            endurance: device.endurance >= requiredEndurance,
            updateEnergy: device.updateEnergyJ <= maxUpdateEnergyJ,
            updateSpeed: device.updateTimeS <= maxUpdateTimeS,
            precision: device.precisionBits >= precisionBits.lowerBound)
    }
}

/// A candidate synaptic memory technology's figures of merit.
public struct SynapticMemoryDevice: Sendable, Hashable {
    /// Name, e.g. "loop memory".
    public let name: String
    /// Write cycles before failure.
    public let endurance: Double
    /// Energy per weight update, J (peripherals included).
    public let updateEnergyJ: Double
    /// Time per weight update, s.
    public let updateTimeS: Double
    /// Distinguishable weight bits.
    public let precisionBits: Int

    public init(name: String, endurance: Double, updateEnergyJ: Double, updateTimeS: Double,
                precisionBits: Int) throws {
        let m = "SynapticMemoryDevice(\(name))"
        try Check.positive(endurance, "endurance", in: m)
        try Check.nonNegative(updateEnergyJ, "updateEnergyJ", in: m)
        try Check.positive(updateTimeS, "updateTimeS", in: m)
        try Check.positive(precisionBits, "precisionBits", in: m)
        self.name = name
        self.endurance = endurance
        self.updateEnergyJ = updateEnergyJ
        self.updateTimeS = updateTimeS
        self.precisionBits = precisionBits
    }
}

/// Pass/fail of a device against ``SynapticMemoryTargets``.
public struct MemoryTargetCheck: Sendable, Hashable {
    public let endurance: Bool
    public let updateEnergy: Bool
    public let updateSpeed: Bool
    public let precision: Bool

    /// All four targets met.
    public var meetsAll: Bool { endurance && updateEnergy && updateSpeed && precision }
}
