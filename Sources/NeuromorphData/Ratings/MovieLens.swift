import Foundation

/// Reads MovieLens rating files, detecting the layout from the content.
///
/// | layout | file | line |
/// |---|---|---|
/// | 100K | `u.data` | `user<TAB>item<TAB>rating<TAB>timestamp` |
/// | 1M / 10M | `ratings.dat` | `user::item::rating::timestamp` |
/// | 20M / 25M / latest | `ratings.csv` | `userId,movieId,rating,timestamp` after a header line |
///
/// User and item identifiers are re-indexed densely from 0 in ascending identifier order;
/// the mapping is kept in ``RatingsDataset/userIDs`` and ``RatingsDataset/itemIDs``.
/// Files may be gzip-compressed. MovieLens may not be redistributed, so none ships with
/// the project: users pass the path of their own copy.
public enum MovieLens {
    /// The field layout of a ratings file.
    public enum Layout: String, Sendable, CaseIterable {
        /// `u.data`: tab-separated.
        case tabSeparated
        /// `ratings.dat`: `::`-separated.
        case doubleColon
        /// `ratings.csv`: comma-separated with a header line.
        case commaSeparated

        /// The expected line, for error messages.
        var expectedForm: String {
            switch self {
            case .tabSeparated: "user<TAB>item<TAB>rating<TAB>timestamp"
            case .doubleColon: "user::item::rating::timestamp"
            case .commaSeparated: "userId,movieId,rating,timestamp"
            }
        }
    }

    /// The file names tried, in order, when ``load(_:)`` is given a folder.
    public static let standardNames = ["u.data", "ratings.dat", "ratings.csv"]

    /// The ratings in `url`: a ratings file, or a folder holding `u.data`, `ratings.dat` or `ratings.csv`.
    ///
    /// - Throws: `DataError` when the file is missing or unreadable, holds no ratings, or a
    ///   line does not have the expected form (the error names the file, line number and form).
    public static func load(_ url: URL) throws -> RatingsDataset {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw DataError(.missing, url: url, "no such file or folder; expected a MovieLens ratings file")
        }
        var file = url
        if isFolder.boolValue {
            let candidates = standardNames.flatMap { [$0, $0 + ".gz"] }
            guard let found = candidates.map({ url.appendingPathComponent($0) })
                .first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                throw DataError(.missing, url: url, "expected one of \(candidates.joined(separator: ", ")) in the folder")
            }
            file = found
        }
        return try parse(CompressedFile.read(file), name: file.path)
    }

    /// Parses the bytes of a ratings file; `name` labels errors.
    public static func parse(_ bytes: [UInt8], name: String) throws -> RatingsDataset {
        var rawUsers: [Int] = []
        var rawItems: [Int] = []
        var ratings: [Float] = []
        var layout: Layout?
        var lineNumber = 0
        try bytes.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                var end = start
                while end < all.count && all[end] != 0x0A { end += 1 }
                lineNumber += 1
                var stop = end
                if stop > start && all[stop - 1] == 0x0D { stop -= 1 }  // CRLF
                let line = UnsafeBufferPointer(rebasing: all[start..<stop])
                start = end + 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                if layout == nil {
                    layout = detect(line)
                    if layout == .commaSeparated, let first = line.first, !(0x30...0x39).contains(first) {
                        continue  // the header line
                    }
                }
                guard let (user, item, rating) = parseLine(line, layout: layout!) else {
                    throw DataError(.format, file: name, line: lineNumber,
                                    "expected '\(layout!.expectedForm)' with integer ids and a numeric rating, found "
                                    + excerpt(String(decoding: line, as: UTF8.self)))
                }
                rawUsers.append(user)
                rawItems.append(item)
                ratings.append(rating)
            }
        }
        guard !ratings.isEmpty else {
            throw DataError(.format, file: name, "expected at least one rating line (\(Layout.tabSeparated.expectedForm) "
                            + "or \(Layout.doubleColon.expectedForm)), found none")
        }
        let (users, userIDs) = denseIndices(rawUsers)
        let (items, itemIDs) = denseIndices(rawItems)
        return RatingsDataset(users: users, items: items, ratings: ratings, userCount: userIDs.count,
                              itemCount: itemIDs.count, userIDs: userIDs, itemIDs: itemIDs)
    }

    // MARK: - Parsing helpers

    private static func detect(_ line: UnsafeBufferPointer<UInt8>) -> Layout {
        for k in line.indices {
            if line[k] == 0x3A && k + 1 < line.count && line[k + 1] == 0x3A { return .doubleColon }
            if line[k] == 0x09 { return .tabSeparated }
            if line[k] == 0x2C { return .commaSeparated }
        }
        return .tabSeparated
    }

    /// (user, item, rating) from one line with exactly four fields, or nil; allocation-free
    /// except for a non-integer rating.
    private static func parseLine(_ line: UnsafeBufferPointer<UInt8>, layout: Layout) -> (Int, Int, Float)? {
        // Field k runs from starts[k] to ends[k]; a fifth field makes the line invalid.
        var starts = (0, 0, 0, 0)
        var ends = (0, 0, 0, 0)
        var field = 0
        var k = 0
        let separatorWidth = layout == .doubleColon ? 2 : 1
        while k < line.count {
            let isSeparator = switch layout {
            case .tabSeparated: line[k] == 0x09
            case .commaSeparated: line[k] == 0x2C
            case .doubleColon: line[k] == 0x3A && k + 1 < line.count && line[k + 1] == 0x3A
            }
            if isSeparator {
                switch field {
                case 0: ends.0 = k; starts.1 = k + separatorWidth
                case 1: ends.1 = k; starts.2 = k + separatorWidth
                case 2: ends.2 = k; starts.3 = k + separatorWidth
                default: return nil
                }
                field += 1
                k += separatorWidth
            } else {
                k += 1
            }
        }
        guard field == 3 else { return nil }
        ends.3 = line.count
        guard let user = integer(line, starts.0..<ends.0), let item = integer(line, starts.1..<ends.1),
              integer(line, starts.3..<ends.3) != nil else { return nil }
        let ratingRange = starts.2..<ends.2
        if let whole = integer(line, ratingRange) { return (user, item, Float(whole)) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: line[ratingRange]), as: UTF8.self)
        guard let rating = Float(text.trimmingCharacters(in: .whitespaces)), rating.isFinite else { return nil }
        return (user, item, rating)
    }

    /// A non-negative decimal integer filling `range` (surrounding spaces allowed), or nil.
    private static func integer(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && line[lower] == 0x20 { lower += 1 }
        while upper > lower && line[upper - 1] == 0x20 { upper -= 1 }
        guard lower < upper, upper - lower <= 18 else { return nil }
        var value = 0
        for k in lower..<upper {
            let digit = Int(line[k]) - 0x30
            guard digit >= 0 && digit <= 9 else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// Dense indices in ascending-identifier order and the identifier of each index.
    static func denseIndices(_ raw: [Int]) -> ([Int32], [Int]) {
        let ids = Array(Set(raw)).sorted()
        precondition(ids.count <= Int(Int32.max), "MovieLens: too many distinct ids")
        var index: [Int: Int32] = [:]
        index.reserveCapacity(ids.count)
        for (k, id) in ids.enumerated() { index[id] = Int32(k) }
        return (raw.map { index[$0]! }, ids)
    }
}
