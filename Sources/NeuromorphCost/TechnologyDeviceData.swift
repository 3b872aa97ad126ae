import Foundation

// MARK: - Per-node device data

/// Transistor and wire data of one bulk CMOS node, from public technology models, for the
/// node scaling of ``NeuroSimChipModel`` (delays, clock, leakage).
///
/// The transistor values are those of the Predictive Technology Model (PTM) bulk cards at 300 K
/// (ptm.asu.edu; W. Zhao and Y. Cao, "New generation of Predictive Technology Model for sub-45 nm
/// early design exploration", IEEE Trans. Electron Devices 53(11):2816–2823, 2006), as tabulated
/// per node and roadmap for the CACTI/NVSim/NeuroSim family of estimators (NeuroSim V1.3 uses the
/// low-power cards by default, `deviceroadmap = 2`). The effective-resistance multiplier is
/// CACTI's (N. Muralimanohar et al., CACTI 6.0, HP Labs HPL-2009-85: 1.54 for HP, 1.77 for
/// low-standby-power devices); the overlap capacitance is 0.2 × the ideal gate capacitance (NVSim,
/// X. Dong et al., IEEE TCAD 31(7), 2012). Wires: the size-effect resistivity and aspect ratio of
/// the minimum-pitch copper wire of the node (ITRS interconnect tables, as NeuroSim V1.3's Param.cpp
/// lists them per node) and 0.2 fF/µm of wire capacitance.
///
/// Derived quantities (CACTI/NVSim gate model, widths in µm):
/// ```
/// R_on(W)   = k_R · V_DD / (I_on · W)                       effective switching resistance
/// C_g(W)    = (C_ideal + C_overlap + C_fringe) · W            gate capacitance
/// pn        = I_on,N / I_on,P                                 P width for equal pull-up drive
/// τ_gate    = R_on,N(1 µm) · C_g(1 µm) · (1 + pn)             unit inverter driving a copy of itself (CV/I)
/// P_leak/µm = V_DD · (I_off,N + pn · I_off,P) / 2             unit inverter, output high half the time
/// r_wire    = ρ / (w² · AR)                                   wire resistance per length
/// ```
public struct TechnologyDeviceData: Codable, Sendable, Equatable, Hashable {
    /// PTM card family: high performance or low (standby) power; NeuroSim's `deviceroadmap` 1 / 2.
    public enum Roadmap: String, Codable, Sendable, CaseIterable {
        case HP, LP
    }

    /// Node (nm).
    public var node: Int
    public var roadmap: Roadmap
    /// Supply voltage V_DD (V).
    public var supplyVoltage: Double
    /// Threshold voltage (V).
    public var thresholdVoltage: Double
    /// Physical gate length (nm).
    public var gateLengthNM: Double
    /// Saturation on-current per µm of width at 300 K (µA/µm).
    public var onCurrentNMOS: Double
    public var onCurrentPMOS: Double
    /// Off-current per µm of width at 300 K (pA/µm).
    public var offCurrentNMOS: Double
    public var offCurrentPMOS: Double
    /// Ideal (intrinsic) and fringe gate capacitance per µm of width (fF/µm).
    public var idealGateCapacitanceFFPerUM: Double
    public var fringeCapacitanceFFPerUM: Double
    /// CACTI's effective-resistance multiplier k_R (1.54 HP, 1.77 LP).
    public var effectiveResistanceMultiplier: Double
    /// Minimum wire width (nm), aspect ratio, and size-effect resistivity (Ω·m).
    public var wireWidthNM: Double
    public var wireAspectRatio: Double
    public var wireResistivityOhmM: Double
    /// Wire capacitance per µm (fF/µm).
    public var wireCapacitanceFFPerUM: Double
    /// Where the numbers come from.
    public var source: String

    public init(node: Int, roadmap: Roadmap, supplyVoltage: Double, thresholdVoltage: Double, gateLengthNM: Double,
                onCurrentNMOS: Double, onCurrentPMOS: Double, offCurrentNMOS: Double, offCurrentPMOS: Double,
                idealGateCapacitanceFFPerUM: Double, fringeCapacitanceFFPerUM: Double,
                effectiveResistanceMultiplier: Double, wireWidthNM: Double, wireAspectRatio: Double,
                wireResistivityOhmM: Double, wireCapacitanceFFPerUM: Double = 0.2, source: String) {
        self.node = node
        self.roadmap = roadmap
        self.supplyVoltage = supplyVoltage
        self.thresholdVoltage = thresholdVoltage
        self.gateLengthNM = gateLengthNM
        self.onCurrentNMOS = onCurrentNMOS
        self.onCurrentPMOS = onCurrentPMOS
        self.offCurrentNMOS = offCurrentNMOS
        self.offCurrentPMOS = offCurrentPMOS
        self.idealGateCapacitanceFFPerUM = idealGateCapacitanceFFPerUM
        self.fringeCapacitanceFFPerUM = fringeCapacitanceFFPerUM
        self.effectiveResistanceMultiplier = effectiveResistanceMultiplier
        self.wireWidthNM = wireWidthNM
        self.wireAspectRatio = wireAspectRatio
        self.wireResistivityOhmM = wireResistivityOhmM
        self.wireCapacitanceFFPerUM = wireCapacitanceFFPerUM
        self.source = source
    }

    // MARK: Derived quantities

    /// Overlap capacitance per µm: 0.2 × the ideal gate capacitance (NVSim's bulk rule).
    public var overlapCapacitanceFFPerUM: Double { 0.2 * idealGateCapacitanceFFPerUM }
    /// Total gate capacitance per µm of width (fF/µm).
    public var gateCapacitanceFFPerUM: Double {
        idealGateCapacitanceFFPerUM + overlapCapacitanceFFPerUM + fringeCapacitanceFFPerUM
    }
    /// Effective switching resistance of 1 µm of NMOS (Ω·µm): k_R · V_DD / I_on,N.
    public var onResistanceNMOSOhmUM: Double { effectiveResistanceMultiplier * supplyVoltage / (onCurrentNMOS * 1e-6) }
    /// Effective switching resistance of 1 µm of PMOS (Ω·µm).
    public var onResistancePMOSOhmUM: Double { effectiveResistanceMultiplier * supplyVoltage / (onCurrentPMOS * 1e-6) }
    /// PMOS/NMOS width ratio for equal drive: I_on,N / I_on,P (CACTI's and NeuroSim's `pnSizeRatio`).
    public var pnSizeRatio: Double { onCurrentNMOS / onCurrentPMOS }
    /// Intrinsic gate delay τ (ps): a unit inverter (1 µm NMOS, pn µm PMOS) driving a copy of
    /// itself, R_on,N · C_g · (1 + pn). Width-independent, so it compares nodes whose circuits
    /// are sized in multiples of F.
    public var intrinsicGateDelayPS: Double {
        onResistanceNMOSOhmUM * gateCapacitanceFFPerUM * 1e-15 * (1 + pnSizeRatio) * 1e12
    }
    /// Static power of that unit inverter per µm of NMOS width (pW/µm): V_DD · (I_off,N + pn ·
    /// I_off,P) / 2 (input low half the time, high the other half).
    public var leakagePowerPWPerUM: Double { supplyVoltage * (offCurrentNMOS + pnSizeRatio * offCurrentPMOS) / 2 }
    /// Wire resistance per µm (Ω/µm): ρ / (w² · AR).
    public var wireResistanceOhmPerUM: Double {
        let w = wireWidthNM * 1e-9
        return wireResistivityOhmM / (w * w * wireAspectRatio) * 1e-6
    }

    /// Checks every field is positive and finite.
    public func validate(field: String = "deviceData") throws {
        for (v, n) in [(supplyVoltage, "supplyVoltage"), (thresholdVoltage, "thresholdVoltage"), (gateLengthNM, "gateLengthNM"),
                       (onCurrentNMOS, "onCurrentNMOS"), (onCurrentPMOS, "onCurrentPMOS"),
                       (offCurrentNMOS, "offCurrentNMOS"), (offCurrentPMOS, "offCurrentPMOS"),
                       (idealGateCapacitanceFFPerUM, "idealGateCapacitanceFFPerUM"),
                       (fringeCapacitanceFFPerUM, "fringeCapacitanceFFPerUM"),
                       (effectiveResistanceMultiplier, "effectiveResistanceMultiplier"), (wireWidthNM, "wireWidthNM"),
                       (wireAspectRatio, "wireAspectRatio"), (wireResistivityOhmM, "wireResistivityOhmM"),
                       (wireCapacitanceFFPerUM, "wireCapacitanceFFPerUM")] {
            try CIMEstimateError.requirePositive(v, "\(field).\(n)")
        }
        guard thresholdVoltage < supplyVoltage else {
            throw CIMEstimateError.invalidParameter(field: "\(field).thresholdVoltage", value: "\(thresholdVoltage)",
                                                    expected: "below supplyVoltage (\(supplyVoltage) V)")
        }
    }
}

// MARK: - Presets (PTM bulk cards, ITRS wires)

extension TechnologyDeviceData {
    /// Nodes with device data (bulk planar CMOS).
    public static let nodes: [Int] = [90, 65, 45, 32, 22]

    /// The PTM bulk card of `node` nm for `roadmap` (300 K), with the node's minimum wire.
    ///
    /// | node | card | V_DD | V_th | L_g | I_on N/P (µA/µm) | I_off N/P (pA/µm) | C_ideal / C_fringe (fF/µm) | wire w, AR, ρ |
    /// |---|---|---|---|---|---|---|---|---|
    /// | 90 | 90nm_LP / 90nm_HP | 1.2 | 0.501 / 0.146 | 55 | 346.3/200.3 ; 1070/540 | 100/100.3 ; 1.008e5/1.0e5 | 1.541/0.960 ; 0.569/0.565 | 110 nm, 1.6, 2.52e-8 |
    /// | 65 | 65nm_LP / 65nm_HP | 1.1 | 0.502 / 0.166 | 35 | 400/238.7 ; 1120/700 | 100.2/100.2 ; 1.0e5/1.001e5 | 1.193/0.962 ; 0.487/0.527 | 105 nm, 1.7, 2.68e-8 |
    /// | 45 | 45nm_LP / 45nm_HP | 1.0 | 0.464 / 0.171 | 30 | 500.2/300 ; 1270/1080 | 100/100.2 ; 1.0e5/1.002e5 | 0.893/0.885 ; 0.409/0.496 | 80 nm, 1.7, 3.31e-8 |
    /// | 32 | 32nm_LP / 32nm_HP | 0.9 | 0.442 / 0.194 | 28 | 600.2/400 ; 1410/1220 | 100.1/100.1 ; 1.003e5/1.001e5 | 0.838/0.686 ; 0.377/0.471 | 56 nm, 1.8, 3.70e-8 |
    /// | 22 | 22nm_LP / 22nm (HP) | 0.85 | 0.420 / 0.209 | 26 | 791.9/600.2 ; 1500/1320 | 100/100 ; 1.002e5/1.002e5 | 0.525/0.800 ; 0.329/0.453 | 40 nm, 1.9, 4.03e-8 |
    ///
    /// Sources: PTM cards (Zhao and Cao 2006; ptm.asu.edu) at 300 K as tabulated for NVSim/NeuroSim;
    /// k_R 1.77 (LP) / 1.54 (HP) from CACTI 6.0; wires from the ITRS interconnect tables (the
    /// wire widths, aspect ratios and resistivities NeuroSim V1.3's Param.cpp assigns to each node).
    public static func ptm(node: Int, roadmap: Roadmap = .LP) throws -> TechnologyDeviceData {
        // (V_DD, V_th, L_g, Ion N, Ion P, Ioff N, Ioff P (pA/µm), C_ideal, C_fringe (fF/µm))
        let lp: [Int: (Double, Double, Double, Double, Double, Double, Double, Double, Double)] = [
            90: (1.2, 0.5013229, 55, 346.3, 200.3, 100.0, 100.3, 1.5413, 0.9601334),
            65: (1.1, 0.5016636, 35, 400.0, 238.7, 100.2, 100.2, 1.1926, 0.962148),
            45: (1.0, 0.4643718, 30, 500.2, 300.0, 100.0, 100.2, 0.8930709, 0.8849901),
            32: (0.9, 0.442034, 28, 600.2, 400.0, 100.1, 100.1, 0.8375279, 0.6856677),
            22: (0.85, 0.419915, 26, 791.9, 600.2, 100.0, 100.0, 0.5245, 0.8004),
        ]
        let hp: [Int: (Double, Double, Double, Double, Double, Double, Double, Double, Double)] = [
            90: (1.2, 0.1460217, 55, 1070, 540, 100_800, 100_000, 0.5694423, 0.5652302),
            65: (1.1, 0.1663941, 35, 1120, 700, 100_000, 100_100, 0.4868295, 0.5270361),
            45: (1.0, 0.1710969, 30, 1270, 1080, 100_000, 100_200, 0.4091305, 0.4957928),
            32: (0.9, 0.1944951, 28, 1410, 1220, 100_300, 100_100, 0.3767721, 0.4713762),
            22: (0.85, 0.2089006, 26, 1500, 1320, 100_200, 100_200, 0.3287, 0.4532),
        ]
        // (wire width nm, aspect ratio, resistivity Ω·m), ITRS
        let wires: [Int: (Double, Double, Double)] = [
            90: (110, 1.6, 2.52e-8), 65: (105, 1.7, 2.68e-8), 45: (80, 1.7, 3.31e-8),
            32: (56, 1.8, 3.70e-8), 22: (40, 1.9, 4.03e-8),
        ]
        guard let d = (roadmap == .LP ? lp : hp)[node], let w = wires[node] else {
            throw CIMEstimateError.unknownName(field: "technode", value: "\(node)", known: nodes.map { "\($0)" })
        }
        let card = roadmap == .LP ? "\(node)nm_LP.pm" : (node == 22 ? "22nm.pm" : "\(node)nm_HP.pm")
        return TechnologyDeviceData(
            node: node, roadmap: roadmap, supplyVoltage: d.0, thresholdVoltage: d.1, gateLengthNM: d.2,
            onCurrentNMOS: d.3, onCurrentPMOS: d.4, offCurrentNMOS: d.5, offCurrentPMOS: d.6,
            idealGateCapacitanceFFPerUM: d.7, fringeCapacitanceFFPerUM: d.8,
            effectiveResistanceMultiplier: roadmap == .LP ? 1.77 : 1.54,
            wireWidthNM: w.0, wireAspectRatio: w.1, wireResistivityOhmM: w.2,
            source: "PTM \(card) (Zhao & Cao 2006, ptm.asu.edu), 300 K; k_R CACTI 6.0; wire ITRS (w \(Int(w.0)) nm)")
    }
}
