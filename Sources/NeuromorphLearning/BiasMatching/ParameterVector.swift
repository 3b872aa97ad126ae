import NeuromorphCore
import NeuromorphNN

/// A model's parameters as one flat `Double` vector (in ``Layer/forEachParameter(_:)`` order),
/// the bridge between layers and full-batch optimizers such as ``LBFGS``.
public enum ParameterVector {
    /// Every parameter value, concatenated.
    public static func values<M: Layer>(of model: inout M) -> [Double] {
        var out: [Double] = []
        model.forEachParameter { out.append(contentsOf: $0.value.scalars.lazy.map(Double.init)) }
        return out
    }

    /// Every parameter gradient, concatenated.
    public static func gradients<M: Layer>(of model: inout M) -> [Double] {
        var out: [Double] = []
        model.forEachParameter { out.append(contentsOf: $0.gradient.scalars.lazy.map(Double.init)) }
        return out
    }

    /// Writes `vector` back into the parameters.
    public static func assign<M: Layer>(_ vector: [Double], to model: inout M) {
        var offset = 0
        model.forEachParameter { parameter in
            let count = parameter.value.count
            parameter.value.scalars.withUnsafeMutableBufferPointer { p in
                for i in 0..<count { p[i] = Float(vector[offset + i]) }
            }
            offset += count
        }
        precondition(offset == vector.count, "ParameterVector.assign: \(vector.count) values for \(offset) parameters")
    }

    /// Per-element bounds: `[lower, upper]` for the parameters whose dotted path (`0.weight`)
    /// is in `paths`, unbounded elsewhere.
    public static func bounds<M: Layer>(of model: M, lower: Double, upper: Double,
                                        paths: Set<String>) -> (lower: [Double], upper: [Double]) {
        var lo: [Double] = [], hi: [Double] = []
        for (name, parameter) in model.namedParameters() {
            let bounded = paths.contains(name)
            lo.append(contentsOf: repeatElement(bounded ? lower : -.infinity, count: parameter.value.count))
            hi.append(contentsOf: repeatElement(bounded ? upper : .infinity, count: parameter.value.count))
        }
        return (lo, hi)
    }
}
