import Foundation

// MARK: - Technology node

/// A CMOS technology node: the transistor and standard-cell geometry of Lu et al. 2021, Table 1
/// ("Updated transistor model of bulk (130–22 nm) and FinFET (14–7 nm) technologies").
///
/// Gate areas in ``CMOSGateLibrary`` derive from the standard-cell footprint:
/// ```
/// A_INV = standardCellWidth × standardCellHeight
/// ```
/// Every bulk column of Table 1 satisfies width = 7.6 F and height = 28 F (F = feature size);
/// ``tsmc40`` uses that rule at F = 40 nm, which reproduces the Table 5 gate areas (see
/// ``CMOSGateLibrary``).
public struct TechnologyNode: Codable, Sendable, Equatable, Hashable {
    /// Planar bulk or FinFET transistors.
    public enum TransistorKind: String, Codable, Sendable, CaseIterable {
        case bulk, finFET
    }

    /// A short name, e.g. `"22nm"` or `"TSMC 40nm RRAM"`.
    public var name: String
    /// Feature size F (nm); the node name.
    public var featureSizeNM: Double
    public var kind: TransistorKind
    /// Gate length (nm), Table 1.
    public var gateLengthNM: Double
    /// NMOS width (nm) for bulk, number of fins for FinFET (Table 1).
    public var nmosWidth: Double
    /// PMOS width (nm) for bulk, number of fins for FinFET (Table 1).
    public var pmosWidth: Double
    /// Fin pitch, height and width (nm); `nil` for bulk (Table 1).
    public var finPitchNM: Double?
    public var finHeightNM: Double?
    public var finWidthNM: Double?
    /// Standard-cell layout width and height (nm), Table 1.
    public var standardCellWidthNM: Double
    public var standardCellHeightNM: Double
    /// Supply voltage V_DD (V). Table 2 gives 0.9 V for the 40 nm macro; other nodes carry an
    /// assumed typical value (the paper does not print V_DD per node), see ``table1``.
    public var supplyVoltage: Double
    /// Where the numbers come from.
    public var source: String

    public init(name: String, featureSizeNM: Double, kind: TransistorKind, gateLengthNM: Double,
                nmosWidth: Double, pmosWidth: Double, finPitchNM: Double? = nil, finHeightNM: Double? = nil,
                finWidthNM: Double? = nil, standardCellWidthNM: Double, standardCellHeightNM: Double,
                supplyVoltage: Double, source: String) {
        self.name = name
        self.featureSizeNM = featureSizeNM
        self.kind = kind
        self.gateLengthNM = gateLengthNM
        self.nmosWidth = nmosWidth
        self.pmosWidth = pmosWidth
        self.finPitchNM = finPitchNM
        self.finHeightNM = finHeightNM
        self.finWidthNM = finWidthNM
        self.standardCellWidthNM = standardCellWidthNM
        self.standardCellHeightNM = standardCellHeightNM
        self.supplyVoltage = supplyVoltage
        self.source = source
    }

    /// Feature size F in µm.
    public var featureSizeUM: Double { featureSizeNM / 1000 }

    /// Area of one minimum inverter (µm²): standard-cell width × height.
    public var inverterAreaUM2: Double { standardCellWidthNM * standardCellHeightNM / 1e6 }

    /// Checks every geometric field is positive and finite.
    public func validate(field: String = "technology") throws {
        try CIMEstimateError.requirePositive(featureSizeNM, "\(field).featureSizeNM")
        try CIMEstimateError.requirePositive(gateLengthNM, "\(field).gateLengthNM")
        try CIMEstimateError.requirePositive(nmosWidth, "\(field).nmosWidth")
        try CIMEstimateError.requirePositive(pmosWidth, "\(field).pmosWidth")
        try CIMEstimateError.requirePositive(standardCellWidthNM, "\(field).standardCellWidthNM")
        try CIMEstimateError.requirePositive(standardCellHeightNM, "\(field).standardCellHeightNM")
        try CIMEstimateError.requirePositive(supplyVoltage, "\(field).supplyVoltage")
        for (value, name) in [(finPitchNM, "finPitchNM"), (finHeightNM, "finHeightNM"), (finWidthNM, "finWidthNM")] {
            if let value { try CIMEstimateError.requirePositive(value, "\(field).\(name)") }
        }
    }
}

// MARK: - Presets (Table 1)

extension TechnologyNode {
    /// The nodes of Table 1, in nm.
    public static let table1Nodes: [Int] = [130, 90, 65, 45, 32, 22, 14, 10, 7]

    /// The Table 1 node of feature size `nm` (130, 90, 65, 45, 32, 22, 14, 10 or 7).
    ///
    /// Geometry is Lu et al. 2021, Table 1. V_DD is not in the paper; the values here are
    /// assumed typical low-power supplies (130 nm 1.3 V … 7 nm 0.7 V) and only scale energy.
    public static func table1(_ nm: Int) throws -> TechnologyNode {
        // (gate length, NMOS, PMOS, cell width, cell height, fin pitch/height/width, assumed V_DD)
        let source = "Lu et al. 2021, Table 1 (V_DD assumed, not in the paper)"
        func bulk(_ l: Double, _ n: Double, _ p: Double, _ w: Double, _ h: Double, _ v: Double) -> TechnologyNode {
            TechnologyNode(name: "\(nm)nm", featureSizeNM: Double(nm), kind: .bulk, gateLengthNM: l,
                           nmosWidth: n, pmosWidth: p, standardCellWidthNM: w, standardCellHeightNM: h,
                           supplyVoltage: v, source: source)
        }
        func fin(_ l: Double, _ n: Double, _ p: Double, _ w: Double, _ h: Double,
                 _ pitch: Double, _ height: Double, _ width: Double, _ v: Double) -> TechnologyNode {
            TechnologyNode(name: "\(nm)nm", featureSizeNM: Double(nm), kind: .finFET, gateLengthNM: l,
                           nmosWidth: n, pmosWidth: p, finPitchNM: pitch, finHeightNM: height, finWidthNM: width,
                           standardCellWidthNM: w, standardCellHeightNM: h, supplyVoltage: v, source: source)
        }
        switch nm {
        case 130: return bulk(75, 907, 1809, 988, 3640, 1.3)
        case 90: return bulk(55, 689, 1191, 684, 2520, 1.2)
        case 65: return bulk(35, 507, 850, 494, 1820, 1.1)
        case 45: return bulk(30, 352, 587, 342, 1260, 1.0)
        case 32: return bulk(28, 267, 401, 243, 896, 0.9)
        case 22: return bulk(26, 198, 262, 167, 616, 0.85)
        case 14: return fin(22, 3, 3, 143, 462, 48, 37, 8, 0.8)
        case 10: return fin(20, 3, 3, 104, 336, 36, 42, 6, 0.75)
        case 7: return fin(18, 2, 2, 78, 250, 30, 52, 6, 0.7)
        default:
            throw CIMEstimateError.unknownName(field: "technology.node", value: "\(nm)",
                                               known: table1Nodes.map { "\($0)" } + ["40"])
        }
    }

    /// TSMC 40 nm with RRAM, the validation node (Table 2: V_DD = 0.9 V).
    ///
    /// 40 nm is not a Table 1 column and the PDK values are not printed. The standard cell uses
    /// the rule every bulk column of Table 1 obeys (width 7.6 F = 304 nm, height 28 F = 1,120 nm);
    /// the resulting A_INV = 0.34048 µm² reproduces the per-gate areas implied by Table 5
    /// (DFF 4.085 µm² = 12 A_INV, adder bit 4.597 µm² = 13.5 A_INV). Gate length and widths are
    /// interpolated between the 45 and 32 nm columns (assumed; they do not enter any result).
    public static let tsmc40 = TechnologyNode(
        name: "TSMC 40nm RRAM", featureSizeNM: 40, kind: .bulk, gateLengthNM: 29.2,
        nmosWidth: 313, pmosWidth: 508, standardCellWidthNM: 7.6 * 40, standardCellHeightNM: 28 * 40,
        supplyVoltage: 0.9,
        source: "Lu et al. 2021, Table 2 (V_DD 0.9 V); cell 7.6F x 28F from the bulk rows of Table 1")

    /// Looks a node up by name: `"40"` (``tsmc40``) or a Table 1 node (`"22"`, `"7nm"`…).
    public static func named(_ name: String) throws -> TechnologyNode {
        let digits = name.lowercased().replacingOccurrences(of: "nm", with: "").trimmingCharacters(in: .whitespaces)
        if digits == "40" { return .tsmc40 }
        guard let nm = Int(digits) else {
            throw CIMEstimateError.unknownName(field: "technology.node", value: name,
                                               known: table1Nodes.map { "\($0)" } + ["40"])
        }
        return try table1(nm)
    }
}
