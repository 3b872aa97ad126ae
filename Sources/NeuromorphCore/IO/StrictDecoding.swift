// Strict decoding for user-written configuration files (experiment specs, device and
// periphery settings): unknown keys, bad enum values and out-of-range numbers throw a
// `SpecError` naming the key path and the expected form, instead of being ignored.

/// A problem with an experiment spec: names the file, the key path and what was expected.
public struct SpecError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The spec file (or `<string>` for in-memory text).
    public var file: String
    /// The dotted key path, e.g. `training.optimizer.kind` or `model.layers[2].out`.
    public var path: String
    public var message: String

    /// The file name of an error raised before it is known which file the spec came from.
    public static let unnamedFile = "<spec>"

    public init(file: String = SpecError.unnamedFile, path: String, _ message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String { "\(file): \(path.isEmpty ? "(top level)" : path): \(message)" }

    /// Renders a coding path as `a.b[2].c`.
    public static func render(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return text
    }
}

/// Any string key, used to list the keys a mapping actually has.
public struct AnyKey: CodingKey {
    public var stringValue: String
    public var intValue: Int?
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { self.stringValue = "\(intValue)"; self.intValue = intValue }
}

extension Decoder {
    /// Rejects keys outside `allowed`, naming the path and the allowed keys.
    public func rejectUnknownKeys(allowed: [String]) throws {
        let container = try container(keyedBy: AnyKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw SpecError(path: SpecError.render(codingPath + [key]),
                            "unknown key '\(key.stringValue)'; allowed keys: \(allowed.joined(separator: ", "))")
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a string-valued enum, listing the allowed values when the value is not one of them.
    public func decodeChoice<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key) throws -> T
    where T.RawValue == String {
        let raw = try decode(String.self, forKey: key)
        guard let value = T(rawValue: raw) else {
            throw SpecError(path: SpecError.render(codingPath + [key]),
                            "'\(raw)' is not allowed; expected one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    public func decodeChoiceIfPresent<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key) throws -> T?
    where T.RawValue == String {
        try contains(key) ? decodeChoice(type, forKey: key) : nil
    }

    /// Decodes a number and checks it against a predicate, naming the expected form.
    public func decodeChecked<T: Decodable & Comparable>(_ type: T.Type, forKey key: Key, _ expectation: String,
                                                    _ isValid: (T) -> Bool) throws -> T {
        let value = try decode(T.self, forKey: key)
        // Numbers meant as settings are finite: `.inf` and `.nan` in YAML are rejected here,
        // before a run trains to NaN.
        if let number = value as? any BinaryFloatingPoint, !number.isFinite {
            throw SpecError(path: SpecError.render(codingPath + [key]), "\(value) is not a finite number; expected \(expectation)")
        }
        guard isValid(value) else {
            throw SpecError(path: SpecError.render(codingPath + [key]), "\(value) is invalid; expected \(expectation)")
        }
        return value
    }

    public func decodeCheckedIfPresent<T: Decodable & Comparable>(_ type: T.Type, forKey key: Key, _ expectation: String,
                                                             _ isValid: (T) -> Bool) throws -> T? {
        try contains(key) ? decodeChecked(type, forKey: key, expectation, isValid) : nil
    }
}
