import NeuromorphCore

/// A layer made of other layers (``Sequential``, transformer blocks, attention). Models
/// are walked through this protocol, never type-switched: checkpoints, inference
/// conversion, workload descriptions and parameter listings find every layer at any
/// depth by its dotted path (`3.blocks.0.attention.query`).
public protocol LayerContainer: Layer {
    /// The direct children in a fixed order, each with its path component.
    var children: [(name: String, layer: any Layer)] { get }
    /// Replaces the direct child `name` (one of the names in `children`) with `layer`,
    /// which must have the child's type where the container stores a concrete type.
    mutating func replaceChild(_ name: String, with layer: any Layer)
    /// The parameters the container holds itself rather than through a child (a
    /// positional embedding); none by default.
    mutating func forEachOwnParameter(_ body: (inout Parameter) throws -> Void) rethrows
}

extension LayerContainer {
    public mutating func forEachOwnParameter(_ body: (inout Parameter) throws -> Void) rethrows {}
}

/// Joins a parent path and a child component with a dot (`""` + `0` → `0`).
@inlinable
public func layerPath(_ parent: String, _ child: String) -> String {
    parent.isEmpty ? child : parent + "." + child
}

/// Depth-first walks over `any Layer` trees.
public enum LayerTree {
    /// Visits `layer` and then every descendant, parents before children, with its path;
    /// `body` may change the layer it is given (the change is written back into its parent).
    public static func walk(_ layer: inout any Layer, path: String = "",
                            _ body: (_ path: String, _ layer: inout any Layer) throws -> Void) rethrows {
        try body(path, &layer)
        guard var container = layer as? any LayerContainer else { return }
        for (name, child) in container.children {
            var copy = child
            try walk(&copy, path: layerPath(path, name), body)
            container.replaceChild(name, with: copy)
        }
        layer = container
    }

    /// Visits `layer` and every descendant without changing them.
    public static func visit(_ layer: any Layer, path: String = "",
                             _ body: (_ path: String, _ layer: any Layer) throws -> Void) rethrows {
        try body(path, layer)
        guard let container = layer as? any LayerContainer else { return }
        for (name, child) in container.children { try visit(child, path: layerPath(path, name), body) }
    }
}

extension Layer {
    /// Visits every layer of this model (itself first) with its dotted path; changes made
    /// by `body` are kept.
    public mutating func forEachLayer(_ body: (_ path: String, _ layer: inout any Layer) throws -> Void) rethrows {
        var root: any Layer = self
        try LayerTree.walk(&root, body)
        // The walk writes back a value of the root's own type (containers keep their type).
        guard let typed = root as? Self else { preconditionFailure("forEachLayer changed the model's type to \(type(of: root))") }
        self = typed
    }

    /// Every digital parameter of the model with its dotted path (`0.weight`,
    /// `3.blocks.1.attention.query.bias`), in the optimizer's visiting order per layer.
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        var result: [(String, Parameter)] = []
        LayerTree.visit(self) { path, layer in
            if var container = layer as? any LayerContainer {
                container.forEachOwnParameter { result.append((layerPath(path, $0.name), $0)) }
            } else {
                var leaf = layer
                leaf.forEachParameter { result.append((layerPath(path, $0.name), $0)) }
            }
        }
        return result
    }

    /// Every device-held weight of the model with its dotted path (`0.weight` of an
    /// analog layer).
    public func namedProgrammedWeights() -> [(name: String, value: Tensor)] {
        var result: [(String, Tensor)] = []
        LayerTree.visit(self) { path, layer in
            guard let programmed = layer as? any ProgrammedLayer else { return }
            for (name, value) in programmed.programmedWeights { result.append((layerPath(path, name), value)) }
        }
        return result
    }

    /// Sets every weight of the model by its dotted path (`3.blocks.0.attention.query.weight`):
    /// digital parameters are assigned, device-held weights of analog layers
    /// (``ProgrammedLayer``) are programmed onto their devices. `value(name, shape)` gives the
    /// weight for a name and the model's shape of it (and throws when it has none that fits).
    /// Returns how many device-held weights were programmed.
    @discardableResult
    public mutating func assignWeights(_ value: (_ name: String, _ shape: [Int]) throws -> Tensor) throws -> Int {
        var programmedCount = 0
        var failure: (any Error)?
        forEachLayer { path, layer in
            guard failure == nil else { return }
            let assign: (inout Parameter) -> Void = { parameter in
                guard failure == nil else { return }
                do { parameter.value = try value(layerPath(path, parameter.name), parameter.value.shape) } catch { failure = error }
            }
            if var container = layer as? any LayerContainer {
                container.forEachOwnParameter(assign)
                layer = container
            } else {
                layer.forEachParameter(assign)
            }
            guard failure == nil, var programmed = layer as? any ProgrammedLayer else { return }
            do {
                for (name, current) in programmed.programmedWeights {
                    try programmed.program(name, to: try value(layerPath(path, name), current.shape))
                    programmedCount += 1
                }
            } catch { failure = error }
            layer = programmed
        }
        if let failure { throw failure }
        return programmedCount
    }

    /// The number of trainable scalars: digital parameters plus device-held weights.
    public func trainableScalarCount() -> Int {
        namedParameters().reduce(0) { $0 + $1.parameter.value.count }
            + namedProgrammedWeights().reduce(0) { $0 + $1.value.count }
    }
}
