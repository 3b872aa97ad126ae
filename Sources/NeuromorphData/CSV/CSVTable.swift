import Foundation
import NeuromorphCore

/// A table read from a CSV file (RFC 4180): optional header, quoted fields, any separator.
///
/// Quoted fields may contain the separator, doubled quotes (`""` is one `"`) and line
/// breaks; `\r\n` and `\n` both end records; blank lines are skipped. Every record must
/// have as many fields as the first. Errors name the file, the line and, for values, the
/// column.
public struct CSVTable: Sendable, Equatable {
    /// The column names from the header line, or nil when the file has none.
    public var header: [String]?
    /// The records, each with ``columnCount`` fields.
    public var rows: [[String]]
    /// The 1-based line on which each record starts, for error messages.
    public var lineNumbers: [Int]
    /// The file the table came from, for error messages.
    public var name: String

    /// Number of columns.
    public var columnCount: Int { header?.count ?? rows.first?.count ?? 0 }

    /// Reads `url` (optionally gzipped) as CSV.
    ///
    /// - Throws: `DataError` for a missing or unreadable file, text that is not UTF-8, an
    ///   unterminated quote, text after a closing quote, or a record with the wrong number of fields.
    public static func read(_ url: URL, hasHeader: Bool = true, separator: Character = ",") throws -> CSVTable {
        try parse(CompressedFile.read(url), name: url.path, hasHeader: hasHeader, separator: separator)
    }

    /// Parses CSV text; `name` labels errors.
    public static func parse(_ text: String, name: String = "<text>", hasHeader: Bool = true,
                             separator: Character = ",") throws -> CSVTable {
        try parse(Array(text.utf8), name: name, hasHeader: hasHeader, separator: separator)
    }

    /// Parses CSV bytes (UTF-8); `name` labels errors.
    public static func parse(_ bytes: [UInt8], name: String, hasHeader: Bool = true,
                             separator: Character = ",") throws -> CSVTable {
        guard let sep = separator.asciiValue, separator != "\"", separator != "\n", separator != "\r" else {
            preconditionFailure("CSVTable: separator must be one ASCII character other than a quote or line break")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw DataError(.format, file: name, "expected UTF-8 text, found invalid byte sequences")
        }
        var records: [[String]] = []
        var starts: [Int] = []
        var line = 1
        var record: [String] = []
        var field: [UInt8] = []
        var recordLine = 1
        var i = 0
        let quote: UInt8 = 0x22
        let n = bytes.count

        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            // A line holding nothing at all is blank, not a record with one empty field.
            if !(record.count == 1 && record[0].isEmpty) {
                records.append(record)
                starts.append(recordLine)
            }
            record.removeAll(keepingCapacity: true)
        }

        var atFieldStart = true
        while i < n {
            let byte = bytes[i]
            if atFieldStart && byte == quote {
                // A quoted field: runs to the matching quote, `""` is a literal quote.
                let openLine = line
                i += 1
                var closed = false
                while i < n {
                    if bytes[i] == quote {
                        if i + 1 < n && bytes[i + 1] == quote {
                            field.append(quote)
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    if bytes[i] == 0x0A { line += 1 }
                    field.append(bytes[i])
                    i += 1
                }
                guard closed else {
                    throw DataError(.format, file: name, line: openLine, column: "\(record.count + 1)",
                                    "expected a closing quote for the field opened here, found the end of the file")
                }
                let next = i < n ? bytes[i] : 0x0A
                guard next == sep || next == 0x0A || next == 0x0D else {
                    throw DataError(.format, file: name, line: line, column: "\(record.count + 1)",
                                    "expected a separator or line end after a closing quote, found "
                                    + excerpt(String(decoding: [next], as: UTF8.self)))
                }
                atFieldStart = false
                continue
            }
            atFieldStart = false
            switch byte {
            case sep:
                endField()
                atFieldStart = true
            case 0x0D where i + 1 < n && bytes[i + 1] == 0x0A:
                break  // the \n that follows ends the record
            case 0x0A:
                endRecord()
                line += 1
                recordLine = line
                atFieldStart = true
            default:
                field.append(byte)
            }
            i += 1
        }
        if !atFieldStart || !field.isEmpty || !record.isEmpty { endRecord() }

        var header: [String]?
        var lineNumbers = starts
        if hasHeader {
            guard !records.isEmpty else {
                throw DataError(.format, file: name, "expected a header line, found an empty file")
            }
            header = records.removeFirst().map { $0.trimmingCharacters(in: .whitespaces) }
            lineNumbers.removeFirst()
        }
        let width = header?.count ?? records.first?.count ?? 0
        for (k, fields) in records.enumerated() where fields.count != width {
            throw DataError(.format, file: name, line: lineNumbers[k],
                            "expected \(width) fields like the \(hasHeader ? "header" : "first line"), found \(fields.count)")
        }
        return CSVTable(header: header, rows: records, lineNumbers: lineNumbers, name: name)
    }
}

// MARK: - Columns and numbers

/// A CSV column chosen by header name or by 0-based index.
public enum CSVColumn: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// The column with this header name.
    case name(String)
    /// The column at this 0-based position.
    case index(Int)

    public init(stringLiteral value: String) { self = .name(value) }
    public init(integerLiteral value: Int) { self = .index(value) }
}

extension CSVTable {
    /// The 0-based position of `column`.
    ///
    /// - Throws: `DataError` when no header has that name or the index is out of range.
    public func index(of column: CSVColumn) throws -> Int {
        switch column {
        case .index(let k):
            guard k >= 0 && k < columnCount else {
                throw DataError(.outOfRange, file: name, "expected a column index in 0..<\(columnCount), found \(k)")
            }
            return k
        case .name(let label):
            guard let header else {
                throw DataError(.format, file: name, "expected a header line to find column \"\(label)\"; "
                                + "the table has none, so select columns by index")
            }
            guard let k = header.firstIndex(of: label) else {
                throw DataError(.missing, file: name, "expected a column named \"\(label)\", found columns "
                                + header.map { "\"\($0)\"" }.joined(separator: ", "))
            }
            return k
        }
    }

    /// How column `k` is named in error messages: `3 ("age")` or `3`.
    func columnLabel(_ k: Int) -> String {
        if let header { return "\(k + 1) (\"\(header[k])\")" }
        return "\(k + 1)"
    }

    /// Row `r`, column `k` as a finite number.
    func number(row r: Int, column k: Int) throws -> Float {
        let text = rows[r][k].trimmingCharacters(in: .whitespaces)
        guard let value = Float(text), value.isFinite else {
            throw DataError(.format, file: name, line: lineNumbers[r], column: columnLabel(k),
                            "expected a number, found " + excerpt(rows[r][k]))
        }
        return value
    }

    /// The given columns (all when nil) as a `[rows, columns]` matrix of numbers.
    ///
    /// - Throws: `DataError` naming the line and column of the first value that is not a number.
    public func featureMatrix(columns: [CSVColumn]? = nil) throws -> Tensor {
        let picked = try columns.map { try $0.map { try index(of: $0) } } ?? Array(0..<columnCount)
        var scalars = [Float]()
        scalars.reserveCapacity(rows.count * picked.count)
        for r in rows.indices {
            for k in picked { scalars.append(try number(row: r, column: k)) }
        }
        return Tensor(shape: [rows.count, picked.count], scalars: scalars)
    }

    /// A classification set: `label` holds the class, the other columns (or `features`) the inputs.
    ///
    /// Labels that are all non-negative integers are used as they are, with `classCount`
    /// (when nil, one more than the largest label); otherwise the distinct label texts are
    /// sorted and numbered from 0, and `classNames` lists them.
    ///
    /// - Throws: `DataError` for an unknown column, a value that is not a number, or a
    ///   label outside `0..<classCount`.
    public func labeledDataset(label: CSVColumn, features: [CSVColumn]? = nil,
                               classCount: Int? = nil) throws -> (dataset: LabeledDataset, classNames: [String]) {
        let labelIndex = try index(of: label)
        let featureColumns = try features.map { try $0.map { try index(of: $0) } }
            ?? (0..<columnCount).filter { $0 != labelIndex }
        let inputs = try featureMatrix(columns: featureColumns.map { .index($0) })
        let texts = rows.map { $0[labelIndex].trimmingCharacters(in: .whitespaces) }
        let numeric = texts.map { Int($0) }
        if !texts.isEmpty, numeric.allSatisfy({ $0 != nil && $0! >= 0 }) {
            let labels = numeric.map { $0! }
            let classes = classCount ?? (labels.max() ?? 0) + 1
            if let bad = labels.firstIndex(where: { $0 >= classes }) {
                throw DataError(.outOfRange, file: name, line: lineNumbers[bad], column: columnLabel(labelIndex),
                                "expected a label in 0..<\(classes), found \(labels[bad])")
            }
            return (LabeledDataset(unchecked: inputs, labels: labels, classCount: classes),
                    (0..<classes).map(String.init))
        }
        let names = Array(Set(texts)).sorted()
        if let classCount, names.count > classCount {
            throw DataError(.outOfRange, file: name, column: columnLabel(labelIndex),
                            "expected at most \(classCount) distinct labels, found \(names.count)")
        }
        let code = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        return (LabeledDataset(unchecked: inputs, labels: texts.map { code[$0]! },
                               classCount: Swift.max(classCount ?? names.count, 1)), names)
    }
}
