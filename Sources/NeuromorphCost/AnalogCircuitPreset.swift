// MARK: - Analog peripheral constants (Table 3)

/// Module-level constants of the analog peripherals at a reference macro, from which per-unit
/// and per-event values are derived.
///
/// NeuroSim sizes the mux, ADC and switch matrix from PDK drive strengths and fits ADC energy
/// to SPICE sweeps; none of those numbers are in the paper. The defaults are therefore the
/// per-module values of Lu et al. 2021, Table 3 (40 nm macro), divided by the number of units
/// (area) or events (energy) of that macro, and scaled to other nodes:
/// ```
/// area    ∝ A_INV(node) / A_INV(ref)         (Table 1 standard cell)
/// energy  ∝ (F / F_ref) · (V_DD / V_DD,ref)² (C·V²)
/// latency ∝ L_gate(node) / L_gate(ref)       (assumed; NeuroSim uses RC from the PDK)
/// ```
/// Energy events of one *macro operation* (one binary input vector through all compute rows,
/// every column read) are assumed to be: `computeRows` level-shifter (WL) activations,
/// `n_ADC · ⌈rows/rowsOn⌉ · columnsPerADC` conversions, and `rows · columns` cell reads.
/// The paper does not state the unit of Table 3's energies; see docs/cost-neurosim.md.
public struct AnalogCircuitPreset: Codable, Sendable, Equatable {
    /// The node the constants were measured at.
    public var referenceNode: TechnologyNode

    /// Level shifter before I/O multipliers: width in F and height in standard-cell heights.
    /// 100 F × 1 cell height at 40 nm = 4 µm × 1.12 µm, × 2.5 × 2.5 → the paper's 10 µm × 2.8 µm.
    public var levelShifterWidthF: Double
    public var levelShifterHeightCells: Double
    public var levelShifterLatencyNS: Double
    public var levelShifterEnergyPJ: Double
    public var referenceRowActivations: Double

    /// Mux: Table 3 area over `referenceMuxSwitches` (one switch per compute column).
    public var muxAreaUM2: Double
    public var referenceMuxSwitches: Double
    public var muxLatencyNS: Double
    public var muxEnergyPJ: Double
    public var muxDecoderLatencyNS: Double

    /// ADC: Table 3 area over `referenceSenseAmps` (16 flash ADCs × 7 VSAs).
    public var adcAreaUM2: Double
    public var referenceSenseAmps: Double
    /// Latency of one flash conversion (one sense-amplifier decision).
    public var adcLatencyNS: Double
    public var adcEnergyPJ: Double
    /// Sense-amplifier decisions in the reference macro operation (conversions × 7).
    public var referenceSenseDecisions: Double
    public var adcEncoderLatencyNS: Double

    /// Array: latency and energy (area is computed from the cell).
    public var arrayLatencyNS: Double
    public var arrayEnergyPJ: Double
    public var referenceCellReads: Double
    /// Ron of the reference cell; eNVM array energy scales as Ron_ref / Ron.
    public var referenceOnResistanceOhm: Double

    /// Conversions in the reference macro operation (for the per-conversion mux energy).
    public var referenceConversions: Double

    /// Lu et al. 2021, Table 3 (40 nm Secure-RRAM macro, 16 3-bit flash ADCs, 7 rows on,
    /// 8 columns per ADC, 128 × 128 compute array): level shifter 1.12 ns / 1.02 pJ,
    /// mux 459 µm² / 0.06 ns / 0.07 pJ, ADC 4,271 µm² / 5 ns / 74.50 pJ, array 0.19 ns / 4.99 pJ,
    /// mux decoder 0.37 ns, ADC encoder 0.02 ns. Reference Ron: see
    /// ``MemoryCell/rram40nmValidation``.
    public static let luEtAl2021Table3 = AnalogCircuitPreset(
        referenceNode: .tsmc40,
        levelShifterWidthF: 100, levelShifterHeightCells: 1, levelShifterLatencyNS: 1.12, levelShifterEnergyPJ: 1.02,
        referenceRowActivations: 128,
        muxAreaUM2: 459, referenceMuxSwitches: 128, muxLatencyNS: 0.06, muxEnergyPJ: 0.07, muxDecoderLatencyNS: 0.37,
        adcAreaUM2: 4_271, referenceSenseAmps: 16 * 7, adcLatencyNS: 5, adcEnergyPJ: 74.50,
        referenceSenseDecisions: 16 * 19 * 8 * 7, adcEncoderLatencyNS: 0.02,
        arrayLatencyNS: 0.19, arrayEnergyPJ: 4.99, referenceCellReads: 128 * 128, referenceOnResistanceOhm: 6e3,
        referenceConversions: 16 * 19 * 8)

    public init(referenceNode: TechnologyNode, levelShifterWidthF: Double, levelShifterHeightCells: Double,
                levelShifterLatencyNS: Double, levelShifterEnergyPJ: Double, referenceRowActivations: Double,
                muxAreaUM2: Double, referenceMuxSwitches: Double, muxLatencyNS: Double, muxEnergyPJ: Double,
                muxDecoderLatencyNS: Double, adcAreaUM2: Double, referenceSenseAmps: Double, adcLatencyNS: Double,
                adcEnergyPJ: Double, referenceSenseDecisions: Double, adcEncoderLatencyNS: Double,
                arrayLatencyNS: Double, arrayEnergyPJ: Double, referenceCellReads: Double,
                referenceOnResistanceOhm: Double, referenceConversions: Double) {
        self.referenceNode = referenceNode
        self.levelShifterWidthF = levelShifterWidthF
        self.levelShifterHeightCells = levelShifterHeightCells
        self.levelShifterLatencyNS = levelShifterLatencyNS
        self.levelShifterEnergyPJ = levelShifterEnergyPJ
        self.referenceRowActivations = referenceRowActivations
        self.muxAreaUM2 = muxAreaUM2
        self.referenceMuxSwitches = referenceMuxSwitches
        self.muxLatencyNS = muxLatencyNS
        self.muxEnergyPJ = muxEnergyPJ
        self.muxDecoderLatencyNS = muxDecoderLatencyNS
        self.adcAreaUM2 = adcAreaUM2
        self.referenceSenseAmps = referenceSenseAmps
        self.adcLatencyNS = adcLatencyNS
        self.adcEnergyPJ = adcEnergyPJ
        self.referenceSenseDecisions = referenceSenseDecisions
        self.adcEncoderLatencyNS = adcEncoderLatencyNS
        self.arrayLatencyNS = arrayLatencyNS
        self.arrayEnergyPJ = arrayEnergyPJ
        self.referenceCellReads = referenceCellReads
        self.referenceOnResistanceOhm = referenceOnResistanceOhm
        self.referenceConversions = referenceConversions
    }

    func validate(field: String) throws {
        try referenceNode.validate(field: "\(field).referenceNode")
        let positives: [(Double, String)] = [
            (levelShifterWidthF, "levelShifterWidthF"), (levelShifterHeightCells, "levelShifterHeightCells"),
            (referenceRowActivations, "referenceRowActivations"), (referenceMuxSwitches, "referenceMuxSwitches"),
            (referenceSenseAmps, "referenceSenseAmps"), (referenceSenseDecisions, "referenceSenseDecisions"),
            (referenceCellReads, "referenceCellReads"), (referenceOnResistanceOhm, "referenceOnResistanceOhm"),
            (referenceConversions, "referenceConversions")]
        for (v, n) in positives { try CIMEstimateError.requirePositive(v, "\(field).\(n)") }
        let nonNegatives: [(Double, String)] = [
            (levelShifterLatencyNS, "levelShifterLatencyNS"), (levelShifterEnergyPJ, "levelShifterEnergyPJ"),
            (muxAreaUM2, "muxAreaUM2"), (muxLatencyNS, "muxLatencyNS"), (muxEnergyPJ, "muxEnergyPJ"),
            (muxDecoderLatencyNS, "muxDecoderLatencyNS"), (adcAreaUM2, "adcAreaUM2"), (adcLatencyNS, "adcLatencyNS"),
            (adcEnergyPJ, "adcEnergyPJ"), (adcEncoderLatencyNS, "adcEncoderLatencyNS"),
            (arrayLatencyNS, "arrayLatencyNS"), (arrayEnergyPJ, "arrayEnergyPJ")]
        for (v, n) in nonNegatives { try CIMEstimateError.requireNonNegative(v, "\(field).\(n)") }
    }
}

// MARK: - ADC

/// The column ADC: flash (VSA or CSA sense amplifiers) or SAR (Lu et al. 2021, Fig. 2).
public struct ADCModel: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Flash ADC of `2^b − 1` voltage-mode sense amplifiers (the validated design).
        case flashVSA
        /// Flash ADC of current-mode sense amplifiers. The paper prints no CSA numbers; the
        /// VSA constants are used.
        case flashCSA
        /// Successive approximation: one comparator decision per bit (not validated in the
        /// paper; see ``ADCModel`` for the assumed cost).
        case sar
    }

    public var kind: Kind
    /// Resolution in bits (3 in the validation, 4 or 5 in Table 7).
    public var bits: Int

    public init(kind: Kind, bits: Int) {
        self.kind = kind
        self.bits = bits
    }

    /// Sense-amplifier decisions per conversion: `2^b − 1` for flash, `b` for SAR.
    public var decisionsPerConversion: Int { kind == .sar ? bits : (1 << bits) - 1 }

    /// Area of one ADC in sense-amplifier units: `2^b − 1` SAs (flash), or for SAR one SA plus a
    /// b-bit register (12 INV per DFF) and a 2^b-unit capacitor DAC (1 INV each) — an assumed
    /// model, expressed in SA units with the preset's SA area.
    func areaUM2(senseAmpAreaUM2: Double, inverterAreaUM2: Double) -> Double {
        switch kind {
        case .flashVSA, .flashCSA: return Double((1 << bits) - 1) * senseAmpAreaUM2
        case .sar: return senseAmpAreaUM2 + Double(bits) * 12 * inverterAreaUM2 + Double(1 << bits) * inverterAreaUM2
        }
    }

    /// Conversion latency: one decision (flash) or `b` sequential decisions (SAR).
    func latencyNS(decisionLatencyNS: Double) -> Double {
        kind == .sar ? Double(bits) * decisionLatencyNS : decisionLatencyNS
    }
}
