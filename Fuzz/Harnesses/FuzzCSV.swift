import NeuromorphData

/// CSV tables, with and without a header row.
enum FuzzCSV {
    static func run(_ bytes: [UInt8]) {
        _ = try? CSVTable.parse(bytes, name: "fuzz.csv", hasHeader: true)
        _ = try? CSVTable.parse(bytes, name: "fuzz.csv", hasHeader: false)
    }
}
