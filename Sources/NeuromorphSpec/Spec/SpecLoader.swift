import NeuromorphCore
import Foundation
import Yams

/// Reads and writes experiment specs as YAML (`.yaml`, `.yml`) or JSON (`.json`).
public enum SpecLoader {
    /// Parses a spec file; every error names the file and the key path.
    public static func load(_ url: URL) throws -> ExperimentSpec {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw SpecError(file: url.path, path: "", "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(text, format: url.pathExtension.lowercased() == "json" ? .json : .yaml, file: url.path)
    }

    public enum Format: Sendable { case yaml, json }

    /// Parses spec text.
    public static func parse(_ text: String, format: Format, file: String = "<spec>") throws -> ExperimentSpec {
        if text.allSatisfy(\.isWhitespace) {
            throw SpecError(file: file, path: "", "the file is empty; expected a mapping with the keys data, model and training (see examples/)")
        }
        do {
            switch format {
            case .json: return try JSONDecoder().decode(ExperimentSpec.self, from: Data(text.utf8))
            case .yaml: return try YAMLDecoder().decode(ExperimentSpec.self, from: text)
            }
        } catch var error as SpecError {
            error.file = file
            throw error
        } catch let error as DecodingError {
            throw describe(error, file: file)
        } catch {
            throw SpecError(file: file, path: "", "not valid \(format == .json ? "JSON" : "YAML"): \(error)")
        }
    }

    /// Decodes any `Decodable` configuration (cost-model specs, network lists) from a YAML or
    /// JSON file, chosen by extension; errors name the file and the key path.
    public static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw SpecError(file: url.path, path: "", "cannot read the file (\(error.localizedDescription))")
        }
        let isJSON = url.pathExtension.lowercased() == "json"
        do {
            return isJSON ? try JSONDecoder().decode(T.self, from: Data(text.utf8)) : try YAMLDecoder().decode(T.self, from: text)
        } catch var error as SpecError {
            error.file = url.path
            throw error
        } catch let error as DecodingError {
            throw describe(error, file: url.path)
        } catch let error as CustomStringConvertible {
            throw SpecError(file: url.path, path: "", error.description)
        }
    }

    /// YAML text of a spec (the resolved spec a run writes beside its results).
    public static func yaml(_ spec: ExperimentSpec) throws -> String { try YAMLEncoder().encode(spec) }

    /// Pretty JSON of any encodable value, keys sorted.
    public static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }

    public static func describe(_ error: DecodingError, file: String) -> SpecError {
        // Yams wraps errors thrown inside `init(from:)` as `dataCorrupted` with the
        // original error underneath: unwrap them.
        if case .dataCorrupted(let context) = error, let underlying = context.underlyingError {
            if var specError = underlying as? SpecError {
                specError.file = file
                return specError
            }
            if let decodingError = underlying as? DecodingError { return describe(decodingError, file: file) }
            if !context.codingPath.isEmpty || !(underlying is DecodingError) {
                return SpecError(file: file, path: SpecError.render(context.codingPath), "not valid YAML: \(underlying)")
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return SpecError(file: file, path: SpecError.render(context.codingPath + [key]), "missing required key")
        case .typeMismatch(let type, let context):
            return SpecError(file: file, path: SpecError.render(context.codingPath), "expected \(expectedForm(type)); \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return SpecError(file: file, path: SpecError.render(context.codingPath), "expected \(expectedForm(type)), found nothing")
        case .dataCorrupted(let context):
            return SpecError(file: file, path: SpecError.render(context.codingPath), context.debugDescription)
        @unknown default:
            return SpecError(file: file, path: "", "\(error)")
        }
    }

    static func expectedForm(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: "an integer"
        case is Float.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is String.Type: "a string"
        default: "\(type)"
        }
    }
}
