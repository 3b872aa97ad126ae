import NeuromorphCore

/// Errors raised while describing, mapping or simulating a CNN on in-memory-computing cores.
///
/// Every case names the offending layer (or configuration) and field, and says what form was
/// expected, so that a user who typed a bad layer list or crossbar size can fix it directly.
public enum IMCMappingError: UserFacingError, Sendable, Equatable {
    /// A numeric field has a value outside its allowed range.
    case invalidField(owner: String, field: String, value: Int, expected: String)
    /// A model-zoo name that does not exist.
    case unknownModel(name: String, available: [String])
    /// A layer refers to a producer that is not defined before it.
    case unknownSource(layer: String, field: String, source: String)
    /// Two layers share a name.
    case duplicateLayer(name: String)
    /// A layer's input shape does not match what its producer delivers.
    case shapeMismatch(layer: String, field: String, expected: Int, got: Int)
    /// A layer's kernel does not fit its (padded) input, so no output pixel exists.
    case unmappableLayer(layer: String, reason: String)
    /// Even a single input channel of one kernel replica does not fit on the crossbar rows.
    case crossbarTooSmall(layer: String, neededRows: Int, availableRows: Int)
    /// The placement grid has fewer slots than the mapping needs cores.
    case gridTooSmall(cores: Int, gridRows: Int, gridColumns: Int)
    /// A text value (for example a crossbar size "256x256") could not be parsed.
    case unparsable(field: String, value: String, expected: String)
    /// A network with no layers.
    case emptyNetwork
    /// A network file with an unknown key, a missing key or a value of the wrong form at `path`.
    case invalidFile(file: String, path: String, message: String)

    public var description: String {
        switch self {
        case let .invalidField(owner, field, value, expected):
            return "\(owner): field '\(field)' = \(value) is invalid; expected \(expected)"
        case let .unknownModel(name, available):
            return "unknown model '\(name)'; expected one of: \(available.joined(separator: ", "))"
        case let .unknownSource(layer, field, source):
            return "layer '\(layer)': field '\(field)' refers to '\(source)', which is not a layer defined earlier (or 'input')"
        case let .duplicateLayer(name):
            return "layer name '\(name)' is used twice; expected unique layer names"
        case let .shapeMismatch(layer, field, expected, got):
            return "layer '\(layer)': field '\(field)' = \(got) does not match its producer; expected \(expected)"
        case let .unmappableLayer(layer, reason):
            return "layer '\(layer)' cannot be mapped: \(reason)"
        case let .crossbarTooSmall(layer, needed, available):
            return "layer '\(layer)': one input channel of one kernel needs \(needed) crossbar rows but the crossbar has \(available); expected crossbar rows >= kernel height x kernel width"
        case let .gridTooSmall(cores, rows, columns):
            return "the mapping needs \(cores) cores but the grid is \(rows)x\(columns) = \(rows * columns); expected a grid with at least \(cores) slots"
        case let .unparsable(field, value, expected):
            return "field '\(field)' = '\(value)' could not be parsed; expected \(expected)"
        case .emptyNetwork:
            return "the network has no layers; expected at least one conv layer"
        case let .invalidFile(file, path, message):
            return "\(file): \(path.isEmpty ? "(top level)" : path): \(message)"
        }
    }
}
