// MARK: - Memory cells

/// A compute-in-memory cell technology, as data (Lu et al. 2021, Tables 2 and 7).
public struct MemoryCell: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case sram8T, rram, pcm, fefet

        /// eNVMs need a level shifter for their write voltage (> logic V_DD); SRAM does not
        /// ("Level-shifter is normally required for RRAM (or PCM/FeFET) array").
        public var needsLevelShifter: Bool { self != .sram8T }
    }

    public var name: String
    public var kind: Kind
    /// Cell area in F² (e.g. 75 F² for the 40 nm RRAM macro).
    public var areaF2: Double
    /// Bits stored per cell (1 for SRAM; 1…4 for eNVMs in Table 7).
    public var bitsPerCell: Int
    /// On-state resistance Ron (Ω); `nil` for SRAM ("/" in Table 7).
    public var onResistanceOhm: Double?
    /// Ron/Roff ratio; `nil` for SRAM.
    public var onOffRatio: Double?
    /// Where the numbers come from.
    public var source: String

    public init(name: String, kind: Kind, areaF2: Double, bitsPerCell: Int, onResistanceOhm: Double?,
                onOffRatio: Double?, source: String) {
        self.name = name
        self.kind = kind
        self.areaF2 = areaF2
        self.bitsPerCell = bitsPerCell
        self.onResistanceOhm = onResistanceOhm
        self.onOffRatio = onOffRatio
        self.source = source
    }

    /// Cell area (µm²) at `node`: areaF2 × F².
    public func areaUM2(at node: TechnologyNode) -> Double { areaF2 * node.featureSizeUM * node.featureSizeUM }

    public func validate(field: String = "cell") throws {
        try CIMEstimateError.requirePositive(areaF2, "\(field).areaF2")
        try CIMEstimateError.require(bitsPerCell, in: 1...8, "\(field).bitsPerCell")
        if let r = onResistanceOhm { try CIMEstimateError.requirePositive(r, "\(field).onResistanceOhm") }
        if let k = onOffRatio, !(k.isFinite && k > 1) {
            throw CIMEstimateError.invalidParameter(field: "\(field).onOffRatio", value: "\(k)", expected: "a finite number > 1")
        }
        if kind != .sram8T && onResistanceOhm == nil {
            throw CIMEstimateError.invalidParameter(field: "\(field).onResistanceOhm", value: "null",
                                                    expected: "Ron in ohm (required for \(kind.rawValue))")
        }
    }
}

// MARK: - Presets

extension MemoryCell {
    /// The 40 nm 1T1R RRAM of the validation macro: 75 F² (Lu et al. 2021, "Area"), 1 bit/cell.
    /// The text does not give its Ron; 6 kΩ / on-off 150 is the NeuroSim V1.3 source default
    /// (Param.cpp `resistanceOn = 6e3`), used only to scale array energy to other devices.
    public static let rram40nmValidation = MemoryCell(
        name: "TSMC 40nm 1T1R RRAM", kind: .rram, areaF2: 75, bitsPerCell: 1, onResistanceOhm: 6e3, onOffRatio: 150,
        source: "Lu et al. 2021, Area paragraph (75 F^2); Ron assumed = NeuroSim V1.3 default 6 kOhm")

    /// 8T SRAM, 1 bit. Area in F² from the NeuroSim V1.3 source comment (160 F² above 22 nm,
    /// 300 F² at 14 nm, 400 F² at 10 nm, 600 F² at 7 nm: the Fig. 4 trend, whose values the paper
    /// text does not print).
    public static func sram8T(at node: TechnologyNode) -> MemoryCell {
        let f2: Double
        switch node.featureSizeNM {
        case ..<8.5: f2 = 600
        case ..<12: f2 = 400
        case ..<18: f2 = 300
        default: f2 = 160
        }
        return MemoryCell(name: "8T-SRAM", kind: .sram8T, areaF2: f2, bitsPerCell: 1, onResistanceOhm: nil,
                          onOffRatio: nil, source: "Lu et al. 2021, Table 7; F^2 from NeuroSim V1.3 Param.cpp (Fig. 4 trend)")
    }

    /// Table 7 RRAM [12] (He et al. 2020, Winbond HfOx): 2 bit, Ron 6 kΩ, on/off 150.
    /// Cell area 48 F² is the NeuroSim V1.3 1T1R default (4 F × 12 F; not in the paper).
    public static let rramHe2020 = MemoryCell(
        name: "RRAM[12] He2020", kind: .rram, areaF2: 48, bitsPerCell: 2, onResistanceOhm: 6e3, onOffRatio: 150,
        source: "Lu et al. 2021, Table 7; 48 F^2 = NeuroSim V1.3 1T1R default")
    /// Table 7 RRAM [13] (Wu et al. 2018, TaOx/HfOx): 4 bit, Ron 100 kΩ, on/off 10.
    public static let rramWu2018 = MemoryCell(
        name: "RRAM[13] Wu2018", kind: .rram, areaF2: 48, bitsPerCell: 4, onResistanceOhm: 100e3, onOffRatio: 10,
        source: "Lu et al. 2021, Table 7; 48 F^2 = NeuroSim V1.3 1T1R default")
    /// Table 7 PCM [14] (Kim et al. 2019): 4 bit, Ron 40 kΩ, on/off 12.5.
    public static let pcmKim2019 = MemoryCell(
        name: "PCM[14] Kim2019", kind: .pcm, areaF2: 48, bitsPerCell: 4, onResistanceOhm: 40e3, onOffRatio: 12.5,
        source: "Lu et al. 2021, Table 7; 48 F^2 = NeuroSim V1.3 1T1R default")
    /// Table 7 FeFET [15] (Ni et al. 2018): 4 bit, Ron 240 kΩ, on/off 100.
    public static let fefetNi2018 = MemoryCell(
        name: "FeFET[15] Ni2018", kind: .fefet, areaF2: 48, bitsPerCell: 4, onResistanceOhm: 240e3, onOffRatio: 100,
        source: "Lu et al. 2021, Table 7; 48 F^2 = NeuroSim V1.3 1T1R default")
}
