import Foundation

/// The work of a whole network for one sample: its layers in execution order, each with
/// shapes, weights, multiply-accumulates and activations.
///
/// One description feeds every cost and mapping model: the NeuroSim-style estimator
/// (`NetworkLayer(_:)` in NeuromorphCost), the in-memory-core mapper (`IMCNetwork(workload:)`
/// in NeuromorphMapping) and the `neuromorph estimate` / `map` commands. Layers are leaves
/// only (a container contributes its children, in the order they run); parameters are
/// counted once per layer, so ``parameterCount`` equals the model's trainable scalars.
///
/// It is `Codable` (JSON for other tools) and prints as an aligned table:
/// ```
/// path  kind    operation               input       output      weight         MACs     params
/// 1     conv2d  Conv2d(1 → 16, 3×3)     [1,28,28]   [16,28,28]  [16,1,3,3]     112896   160
/// ```
public struct Workload: Codable, Sendable, Equatable, CustomStringConvertible {
    /// A name for reports (the experiment or model name).
    public var name: String
    /// The shape of one input sample.
    public var inputShape: [Int]
    /// The leaf layers in execution order.
    public var layers: [WorkloadLayer]

    public init(name: String, inputShape: [Int], layers: [WorkloadLayer]) {
        self.name = name
        self.inputShape = inputShape
        self.layers = layers
    }

    /// The shape of one output sample (the input shape for an empty workload).
    public var outputShape: [Int] { layers.last?.outputShape ?? inputShape }
    /// Multiply-accumulates per sample, all layers.
    public var macs: Int { layers.reduce(0) { $0 + $1.macs } }
    /// Trainable scalars, all layers.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameters } }
    /// Output elements written per sample, all layers.
    public var activations: Int { layers.reduce(0) { $0 + $1.activations } }
    /// The layers with stationary weights (linear and convolution), in order.
    public var weightLayers: [WorkloadLayer] { layers.filter(\.hasStationaryWeights) }

    /// An aligned text table, one row per layer, then the totals.
    public func table() -> String {
        func shape(_ s: [Int]?) -> String { s.map { "[" + $0.map(String.init).joined(separator: ",") + "]" } ?? "" }
        let header = ["path", "kind", "operation", "input", "output", "weight", "MACs", "params", "activations"]
        var rows = [header]
        for l in layers {
            rows.append([l.path, l.kind.rawValue, l.operation, shape(l.inputShape), shape(l.outputShape),
                         shape(l.weightShape ?? l.operandShape), "\(l.macs)", "\(l.parameters)", "\(l.activations)"])
        }
        rows.append(["total", "", "", shape(inputShape), shape(outputShape), "", "\(macs)", "\(parameterCount)",
                     "\(activations)"])
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        let numeric: Set<Int> = [6, 7, 8]
        let lines = rows.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return numeric.contains(c) ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return "workload \(name): \(layers.count) layers, input \(shape(inputShape)) per sample\n"
            + lines.joined(separator: "\n") + "\n"
    }

    public var description: String { table() }
}
