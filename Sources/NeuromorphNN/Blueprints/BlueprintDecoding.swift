import NeuromorphCore

extension KeyedDecodingContainer {
    /// A required positive integer, with the form a `layer` kind needs in the message.
    func requiredPositive(_ key: Key, layer: String, _ form: String) throws -> Int {
        guard contains(key) else {
            throw SpecError(path: SpecError.render(codingPath + [key]), "missing; a \(layer) layer needs \(form)")
        }
        return try decodeChecked(Int.self, forKey: key, "a positive integer") { $0 > 0 }
    }

    /// An optional positive integer.
    func positiveIfPresent(_ key: Key) throws -> Int? {
        try decodeCheckedIfPresent(Int.self, forKey: key, "a positive integer") { $0 > 0 }
    }

    /// A required string choice, listing the allowed values when absent or wrong.
    func requiredChoice<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ key: Key, layer: String) throws -> T
    where T.RawValue == String {
        guard contains(key) else {
            throw SpecError(path: SpecError.render(codingPath + [key]),
                            "missing; a \(layer) layer needs '\(key.stringValue)', one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return try decodeChoice(type, forKey: key)
    }
}
