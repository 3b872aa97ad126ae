/// The size of one IMC core's crossbar array: `rows` word lines (kernel-matrix rows, i.e.
/// unrolled input activations) by `columns` bit lines (kernel-matrix columns, i.e. output
/// channels). Dazzi et al. 2021, §2.2 and Fig. 3: one weight per device (a differential
/// device pair counts as one weight cell here).
public struct CrossbarShape: Sendable, Codable, Hashable, CustomStringConvertible {
    /// Rows (inputs) of the crossbar.
    public var rows: Int
    /// Columns (outputs) of the crossbar.
    public var columns: Int

    /// The case-study crossbar of Dazzi et al. 2021 §3.1: 256×256.
    public static let dazzi256 = CrossbarShape(uncheckedRows: 256, columns: 256)

    /// Creates a crossbar shape, throwing when either side is not positive.
    public init(rows: Int, columns: Int) throws(IMCMappingError) {
        guard rows > 0 else {
            throw .invalidField(owner: "crossbar", field: "rows", value: rows, expected: "a positive integer")
        }
        guard columns > 0 else {
            throw .invalidField(owner: "crossbar", field: "columns", value: columns, expected: "a positive integer")
        }
        self.rows = rows
        self.columns = columns
    }

    init(uncheckedRows rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    /// Parses `"256x256"` (also `"256X256"` or `"256×256"`), rows first.
    public init(parsing text: String) throws(IMCMappingError) {
        let parts = text.split(whereSeparator: { $0 == "x" || $0 == "X" || $0 == "×" })
        guard parts.count == 2, let r = Int(parts[0]), let c = Int(parts[1]) else {
            throw .unparsable(field: "crossbar", value: text, expected: "ROWSxCOLUMNS, e.g. 256x256")
        }
        try self.init(rows: r, columns: c)
    }

    /// Number of devices (weight cells) `D_A` of the crossbar (Eq. 4 denominator).
    public var devices: Int { rows * columns }

    public var description: String { "\(rows)x\(columns)" }
}
