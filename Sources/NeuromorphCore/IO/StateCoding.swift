import Foundation

/// The coding of layer and optimizer states in checkpoints (`*.state.bin`): JSON with sorted
/// keys (the same state always gives the same bytes) and non-finite floats spelled out.
/// Floats round-trip exactly (shortest representation), integers up to 64 bits exactly.
///
/// Binary property lists were used before; Foundation's binary-plist reader traps on some
/// malformed files (found by the `state` fuzz target), so a corrupt or hostile state file
/// could crash a resume instead of giving an error. JSON's reader throws instead.
public enum StateCoding {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(value)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(type, from: data)
    }
}
