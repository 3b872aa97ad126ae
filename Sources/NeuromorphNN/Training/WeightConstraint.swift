import NeuromorphCore

/// A projection applied to a model's parameters after every update (``Trainer`` calls it
/// once per step): clip to a box, project onto a structured set (symmetric kernels,
/// sparse masks). Constraints act on digital parameters; device-held weights of analog
/// layers are bounded by their devices.
public protocol WeightConstraint: Sendable {
    /// Projects the constrained parameters of `model` in place.
    func apply<M: Layer>(to model: inout M)
}

/// Clips every element of the selected parameters to `[lower, upper]` (e.g. the input
/// weights of a sparse fixed-random layer kept in [−1, 1] after every step).
public struct BoxConstraint: WeightConstraint, Equatable {
    public var lower: Float
    public var upper: Float
    /// Dotted parameter paths (`0.weight`) or path prefixes (`0.`) to constrain; `nil`:
    /// every parameter.
    public var parameters: [String]?

    public init(lower: Float, upper: Float, parameters: [String]? = nil) {
        precondition(lower <= upper, "BoxConstraint: lower \(lower) > upper \(upper)")
        self.lower = lower
        self.upper = upper
        self.parameters = parameters
    }

    func selects(_ path: String) -> Bool {
        guard let parameters else { return true }
        return parameters.contains { path == $0 || path.hasPrefix($0.hasSuffix(".") ? $0 : $0 + ".") }
    }

    public func apply<M: Layer>(to model: inout M) {
        let (lo, hi) = (lower, upper)
        guard parameters != nil else {
            // Every parameter: one pass without walking (no copies of the layers).
            model.forEachParameter { parameter in
                parameter.value.scalars.withUnsafeMutableBufferPointer { p in
                    for i in p.indices { p[i] = Swift.min(Swift.max(p[i], lo), hi) }
                }
            }
            return
        }
        model.forEachLayer { path, layer in
            let clip: (inout Parameter) -> Void = { parameter in
                guard selects(layerPath(path, parameter.name)) else { return }
                parameter.value.scalars.withUnsafeMutableBufferPointer { p in
                    for i in p.indices { p[i] = Swift.min(Swift.max(p[i], lo), hi) }
                }
            }
            if var container = layer as? any LayerContainer {
                container.forEachOwnParameter(clip)
                layer = container
            } else {
                layer.forEachParameter(clip)
            }
        }
    }
}
