import NeuromorphCore

/// An ONNX file Neuromorph cannot import: malformed protobuf, an operator or attribute
/// outside the supported set, a shape it cannot resolve, or an initializer whose data does
/// not fit its dimensions. The message names the file, the node (its name and `op_type`)
/// where there is one, and what is supported.
public struct ONNXImportError: UserFacingError, Sendable, Equatable {
    /// The `.onnx` file (or `<memory>` for bytes read from elsewhere).
    public var file: String
    /// The node's name (or `#index` when the node has none), if the problem is at a node.
    public var node: String?
    /// The node's `op_type`.
    public var opType: String?
    public var message: String

    public init(file: String = "<memory>", node: String? = nil, opType: String? = nil, _ message: String) {
        self.file = file
        self.node = node
        self.opType = opType
        self.message = message
    }

    public var description: String {
        var where_ = file
        if let node { where_ += ": node '\(node)'" }
        if let opType { where_ += " (\(opType))" }
        return "\(where_): \(message)"
    }
}

/// A model that cannot be written as ONNX (a layer kind without an ONNX counterpart).
public struct ONNXExportError: UserFacingError, Sendable, Equatable {
    public var layer: String
    public var message: String
    public init(layer: String, _ message: String) {
        self.layer = layer
        self.message = message
    }
    public var description: String { "\(layer): \(message)" }
}
