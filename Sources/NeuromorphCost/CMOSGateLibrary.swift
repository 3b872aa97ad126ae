// MARK: - Logic gates

/// The standard logic gates NeuroSim builds its digital modules from.
public enum LogicGateKind: String, Codable, Sendable, CaseIterable {
    case inverter, nand2, nor2, transmissionGate, dff, fullAdderBit

    /// Layout area in units of one minimum inverter.
    ///
    /// INV and TG are one cell; NAND2/NOR2 are 1.5 cells (two stacked transistors);
    /// DFF = 4 TG + 4 INV + 4 clock INV = 12 cells; adder = 9 NAND2 per bit = 13.5 cells
    /// (Lu et al. 2021, "Digital modules": DFF and adder composition). With A_INV of
    /// ``TechnologyNode/tsmc40`` these give 4.0858 µm² per DFF and 4.5965 µm² per adder bit,
    /// i.e. Table 5's 719 / 4,968 µm² (176 / 1,216 DFFs) and 662 / 3,089 µm² (144 / 672 bits).
    public var inverterEquivalents: Double {
        switch self {
        case .inverter, .transmissionGate: return 1
        case .nand2, .nor2: return 1.5
        case .dff: return 4 * 1 + 4 * 1 + 4 * 1
        case .fullAdderBit: return 9 * 1.5
        }
    }
}

/// Energy per switching event of the digital gates, at a reference node, and its scaling.
///
/// The 40 nm PDK capacitances are not printed, so the per-event energies are the Table 5
/// module energies divided by the gate counts (documented preset):
/// - DFF 14.227 fJ = 2.504 pJ / 176 DFFs (also 17.3 pJ / 1,216 and 26.96 pJ / 1,895);
/// - inverter 1.5527 fJ = 16.28 pJ / 10,485 INV (also 3.31 pJ / 2,133 and 16.88 pJ / 10,869);
/// - adder bit: 5.625 fJ = 0.81 pJ / 144 bits in the shift-add, 5.9375 fJ = 3.99 pJ / 672 bits in
///   the accumulator. No single per-bit energy reproduces both Table 5 rows to their printed
///   precision (the intervals 5.32–5.79 and 5.90–6.00 fJ do not overlap), so the two are kept apart.
///
/// Other nodes scale as C·V², with C ∝ F (an assumption; NeuroSim computes C from the PDK):
/// ```
/// E(node) = E_ref × (F / F_ref) × (V_DD / V_DD,ref)²
/// ```
public struct GateEnergyPreset: Codable, Sendable, Equatable {
    public var referenceFeatureSizeNM: Double
    public var referenceSupplyVoltage: Double
    /// fJ per event at the reference node.
    public var inverterFJ: Double
    public var dffFJ: Double
    public var shiftAddAdderBitFJ: Double
    public var accumulatorAdderBitFJ: Double
    /// Leakage per inverter-equivalent of digital logic (pW). The paper prints no leakage
    /// ("the values are typically small"); 0 unless the user sets it.
    public var leakagePerInverterPW: Double

    public init(referenceFeatureSizeNM: Double, referenceSupplyVoltage: Double, inverterFJ: Double, dffFJ: Double,
                shiftAddAdderBitFJ: Double, accumulatorAdderBitFJ: Double, leakagePerInverterPW: Double = 0) {
        self.referenceFeatureSizeNM = referenceFeatureSizeNM
        self.referenceSupplyVoltage = referenceSupplyVoltage
        self.inverterFJ = inverterFJ
        self.dffFJ = dffFJ
        self.shiftAddAdderBitFJ = shiftAddAdderBitFJ
        self.accumulatorAdderBitFJ = accumulatorAdderBitFJ
        self.leakagePerInverterPW = leakagePerInverterPW
    }

    /// Per-event energies recovered from Lu et al. 2021, Table 5 (40 nm, 0.9 V).
    public static let luEtAl2021Table5 = GateEnergyPreset(
        referenceFeatureSizeNM: 40, referenceSupplyVoltage: 0.9,
        inverterFJ: 16.28e3 / 10_485, dffFJ: 2.504e3 / 176,
        shiftAddAdderBitFJ: 0.81e3 / 144, accumulatorAdderBitFJ: 3.99e3 / 672)

    /// The C·V² scale factor from the reference node to `node`.
    public func energyScale(to node: TechnologyNode) -> Double {
        Self.cvSquaredScale(featureSizeNM: referenceFeatureSizeNM, supplyVoltage: referenceSupplyVoltage, to: node)
    }

    /// (F / F_ref) · (V_DD / V_DD,ref)²: C ∝ F (assumed), energy ∝ C·V².
    public static func cvSquaredScale(featureSizeNM: Double, supplyVoltage: Double, to node: TechnologyNode) -> Double {
        (node.featureSizeNM / featureSizeNM) * (node.supplyVoltage / supplyVoltage) * (node.supplyVoltage / supplyVoltage)
    }

    func validate(field: String) throws {
        try CIMEstimateError.requirePositive(referenceFeatureSizeNM, "\(field).referenceFeatureSizeNM")
        try CIMEstimateError.requirePositive(referenceSupplyVoltage, "\(field).referenceSupplyVoltage")
        for (v, n) in [(inverterFJ, "inverterFJ"), (dffFJ, "dffFJ"), (shiftAddAdderBitFJ, "shiftAddAdderBitFJ"),
                       (accumulatorAdderBitFJ, "accumulatorAdderBitFJ"), (leakagePerInverterPW, "leakagePerInverterPW")] {
            try CIMEstimateError.requireNonNegative(v, "\(field).\(n)")
        }
    }
}

/// Gate-level area and energy at one technology node (the "gate" level of the NeuroSim
/// hierarchy). Area from the standard-cell layout (Table 1), energy from C·V² scaling of
/// ``GateEnergyPreset``.
public struct CMOSGateLibrary: Sendable, Equatable {
    public let node: TechnologyNode
    public let energies: GateEnergyPreset

    public init(node: TechnologyNode, energies: GateEnergyPreset = .luEtAl2021Table5) {
        self.node = node
        self.energies = energies
    }

    /// Area of one gate (µm²), times `heightMultiplier` (e.g. the controller's ×1.84 inverter height).
    public func area(_ gate: LogicGateKind, heightMultiplier: Double = 1) -> Double {
        gate.inverterEquivalents * node.inverterAreaUM2 * heightMultiplier
    }

    /// Energy of one switching event of `gate` (pJ) at this node.
    public func inverterEnergyPJ() -> Double { energies.inverterFJ * energies.energyScale(to: node) / 1000 }
    public func dffEnergyPJ() -> Double { energies.dffFJ * energies.energyScale(to: node) / 1000 }
    public func shiftAddAdderBitEnergyPJ() -> Double { energies.shiftAddAdderBitFJ * energies.energyScale(to: node) / 1000 }
    public func accumulatorAdderBitEnergyPJ() -> Double {
        energies.accumulatorAdderBitFJ * energies.energyScale(to: node) / 1000
    }

    /// Leakage of `count` inverter-equivalents (mW).
    public func leakageMW(inverterEquivalents count: Double) -> Double {
        count * energies.leakagePerInverterPW * 1e-9
    }
}
