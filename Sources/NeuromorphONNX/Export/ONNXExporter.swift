import Foundation
import NeuromorphCore
import NeuromorphNN
import NeuromorphSpec
import SwiftProtobuf

/// Writes a Neuromorph `Sequential` model (built from a spec's `model:` section) as an ONNX
/// model in the importer's operator set, opset 17:
///
/// | Neuromorph | ONNX |
/// |---|---|
/// | `linear` | `Gemm` (`transB = 1`, `W` `[out, in]`) |
/// | `conv2d` | `Conv` (`W` reshaped to `[out, in/groups, k, k]`, `group` when `groups > 1`: the groups' rows stacked) |
/// | `pool` | `MaxPool` / `AveragePool` |
/// | `flatten` | `Flatten` (`axis = 1`) |
/// | `activation` | `Relu`, `Sigmoid`, `Tanh`, `HardSigmoid` (α = 0.2 or 1/6), `LeakyRelu` (α = 0.01) |
/// | `log_softmax` | `LogSoftmax` (`axis = 1`) |
/// | `dropout` | nothing (inference) |
/// | `residual` | the body's nodes, then `Add(body output, block input)`; with a projection shortcut, its nodes from the block input and `Add(body output, shortcut output)` |
/// | `concat` | each branch's nodes from the block input, then `Concat` (`axis = 1`) |
/// | `layer_norm` | `LayerNormalization` (`axis = −1`) |
/// | `gelu` (exact) | `Div(x, √2)`, `Erf`, `Add 1`, `Mul x`, `Mul 0.5` (PyTorch's form; `Gelu` needs opset 20) |
/// | `transformer` (rows, float attention) | PyTorch's operators for the same module (``emitTransformer(_:input:name:path:graph:)``) |
///
/// Weights come from the built layers: digital parameters, or for analog layers their
/// effective weights read from the devices (``ProgrammedLayer/programmedWeights``). The
/// graph input is `input` `[N, …input shape]`, the output `output`; the batch axis is
/// dynamic (`N`).
public enum ONNXExporter {
    public static let opset: Int64 = 17
    /// IR version 8 goes with opset 17 (ONNX's versioning table).
    public static let irVersion: Int64 = 8

    /// The ONNX model of `model`, built from `spec` for per-sample input `dataShape`.
    public static func export(_ model: Sequential, spec: ModelSpec, dataShape: [Int], name: String = "neuromorph") throws -> Onnx_ModelProto {
        let offset = model.layers.count - spec.layers.count
        guard offset >= 0 else { throw ONNXExportError(layer: "model", "the model has fewer layers than its spec") }
        var graph = Onnx_GraphProto()
        graph.name = name
        var shape = spec.inputShape ?? dataShape
        var current = "input"
        graph.input = [valueInfo("input", shape)]
        try emit(spec.layers, Array(model.layers[offset...]), shape: &shape, current: &current, graph: &graph)
        // The graph output is named `output`: rename the last tensor.
        if let last = graph.node.indices.last {
            graph.node[last].output = ["output"]
        } else {
            var identity = Onnx_NodeProto()
            identity.opType = "Identity"
            identity.input = [current]
            identity.output = ["output"]
            graph.node = [identity]
        }
        graph.output = [valueInfo("output", shape)]
        var proto = Onnx_ModelProto()
        proto.irVersion = irVersion
        proto.producerName = "neuromorph"
        proto.producerVersion = ExperimentRunner.version
        var opsetId = Onnx_OperatorSetIdProto()
        opsetId.domain = ""
        opsetId.version = opset
        proto.opsetImport = [opsetId]
        proto.graph = graph
        return proto
    }

    /// Appends the nodes of `specs` (built as `layers`) to `graph`, from tensor `current` of
    /// per-sample `shape`; leaves both at the last node's output. Weight initializers are
    /// named by checkpoint path (`3.weight`, `2.body.0.weight`).
    static func emit(_ specs: [LayerSpec], _ layers: [any Layer], shape: inout [Int], current: inout String,
                     graph: inout Onnx_GraphProto, pathPrefix: String = "model.", namePrefix: String = "") throws {
        guard layers.count == specs.count else {
            throw ONNXExportError(layer: "\(pathPrefix)layers", "the built model has \(layers.count) layers for \(specs.count) in the spec")
        }
        for (i, layerSpec) in specs.enumerated() {
            let layer = layers[i]
            let path = "\(pathPrefix)layers[\(i)]"
            let name = "\(namePrefix)\(i)"
            let context = LayerBuildContext(path: path, index: i, seed: 0)
            let next = try layerSpec.blueprint.outputShape(for: shape, context: context)
            let output = namePrefix.isEmpty ? "x\(i + 1)" : "x\(name)"
            var node = Onnx_NodeProto()
            node.name = "layer\(name)"
            node.input = [current]
            node.output = [output]
            switch layerSpec.blueprint {
            case is LinearBlueprint:
                let (weight, bias) = try weights(of: layer, path)
                node.opType = "Gemm"
                node.attribute = [attribute("transB", int: 1)]
                graph.initializer.append(Onnx_TensorProto(name: "\(name).weight", float: weight))
                node.input.append("\(name).weight")
                if let bias {
                    graph.initializer.append(Onnx_TensorProto(name: "\(name).bias", float: bias))
                    node.input.append("\(name).bias")
                }
            case let conv as Conv2dBlueprint:
                let (weight, bias) = try weights(of: layer, path)
                let k = conv.kernel, s = conv.stride ?? 1, p = conv.padding ?? 0, g = conv.groups ?? 1
                node.opType = "Conv"
                node.attribute = [attribute("kernel_shape", ints: [k, k]), attribute("strides", ints: [s, s]),
                                  attribute("pads", ints: [p, p, p, p])] + (g > 1 ? [attribute("group", int: g)] : [])
                graph.initializer.append(Onnx_TensorProto(name: "\(name).weight", float: weight,
                                                          shape: [conv.out, shape[0] / g, k, k]))
                node.input.append("\(name).weight")
                if let bias {
                    graph.initializer.append(Onnx_TensorProto(name: "\(name).bias", float: bias))
                    node.input.append("\(name).bias")
                }
            case let pool as PoolBlueprint:
                let window = pool.window
                node.opType = (pool.kind ?? .max) == .max ? "MaxPool" : "AveragePool"
                node.attribute = [attribute("kernel_shape", ints: [window, window]),
                                  attribute("strides", ints: [pool.stride ?? window, pool.stride ?? window])]
            case is FlattenBlueprint:
                node.opType = "Flatten"
                node.attribute = [attribute("axis", int: 1)]
            case let activation as ActivationBlueprint:
                switch activation.function {
                case .relu: node.opType = "Relu"
                case .sigmoid: node.opType = "Sigmoid"
                case .tanh: node.opType = "Tanh"
                case .hardSigmoid:
                    node.opType = "HardSigmoid"
                    node.attribute = [attribute("alpha", float: 0.2), attribute("beta", float: 0.5)]
                case .hardSigmoidTorch:
                    node.opType = "HardSigmoid"
                    node.attribute = [attribute("alpha", float: 1.0 / 6), attribute("beta", float: 0.5)]
                case .leakyReLU:
                    node.opType = "LeakyRelu"
                    node.attribute = [attribute("alpha", float: 0.01)]
                case .sign, .step:
                    throw ONNXExportError(layer: path, "activation '\(activation.function.rawValue)' has no ONNX operator in the exported set "
                                          + "(Relu, Sigmoid, Tanh, HardSigmoid, LeakyRelu)")
                }
            case is LogSoftmaxBlueprint:
                node.opType = "LogSoftmax"
                node.attribute = [attribute("axis", int: 1)]
            case let residual as ResidualBlueprint:
                // y = body(x) + x: the body's nodes, then Add(body output, x).
                guard let block = layer as? Residual else {
                    throw ONNXExportError(layer: path, "\(layer.summary) is not a residual block")
                }
                var bodyShape = shape, bodyOutput = current
                try emit(residual.layers, block.body.layers, shape: &bodyShape, current: &bodyOutput, graph: &graph,
                         pathPrefix: "\(path).", namePrefix: "\(name).body.")
                var addend = current
                if let shortcutSpecs = residual.shortcut {
                    // y = body(x) + shortcut(x): the projection's nodes from the block input.
                    guard let shortcut = block.shortcut else {
                        throw ONNXExportError(layer: path, "the spec has a shortcut but the built block has none")
                    }
                    var shortcutShape = shape
                    try emit(shortcutSpecs, shortcut.layers, shape: &shortcutShape, current: &addend, graph: &graph,
                             pathPrefix: "\(path).shortcut.", namePrefix: "\(name).shortcut.")
                }
                node.opType = "Add"
                node.input = [bodyOutput, addend]
            case let concat as ConcatBlueprint:
                // y = Concat(B₁(x), B₂(x), …; axis 1): each branch's nodes from the block input.
                guard let block = layer as? Concatenation, block.branches.count == concat.branches.count else {
                    throw ONNXExportError(layer: path, "\(layer.summary) is not a concat block of \(concat.branches.count) branches")
                }
                var outputs: [String] = []
                for (b, branch) in concat.branches.enumerated() {
                    var branchShape = shape, branchOutput = current
                    try emit(branch, block.branches[b].layers, shape: &branchShape, current: &branchOutput, graph: &graph,
                             pathPrefix: "\(path).branches[\(b)].", namePrefix: "\(name).\(b).")
                    outputs.append(branchOutput)
                }
                node.opType = "Concat"
                node.input = outputs
                node.attribute = [attribute("axis", int: 1)]
            case let norm as LayerNormBlueprint:
                var values: [String: Tensor] = [:]
                var copy = layer
                copy.forEachParameter { values[$0.name] = $0.value }
                guard let weight = values["weight"], let bias = values["bias"] else {
                    throw ONNXExportError(layer: path, "\(layer.summary) has no weight and bias Neuromorph can read for export")
                }
                node.opType = "LayerNormalization"
                node.attribute = [attribute("axis", int: -1), attribute("epsilon", float: Float(norm.epsilon ?? 1e-5))]
                graph.initializer += [Onnx_TensorProto(name: "\(name).weight", float: weight), Onnx_TensorProto(name: "\(name).bias", float: bias)]
                node.input += ["\(name).weight", "\(name).bias"]
            case let gelu as GELUBlueprint:
                guard (gelu.approximate ?? .exact) == .exact else {
                    throw ONNXExportError(layer: path, "the tanh-approximate gelu has no operator at opset \(opset) (Gelu is opset 20); "
                                          + "exportable: gelu with approximate: none")
                }
                // x · (1 + erf(x / √2)) · 0.5, as PyTorch writes nn.GELU() below opset 20.
                let constants: [(String, Float)] = [("sqrt2", Float(2.0.squareRoot())), ("one", 1), ("half", 0.5)]
                for (suffix, value) in constants {
                    graph.initializer.append(Onnx_TensorProto(name: "\(name).\(suffix)", float: Tensor([value]), shape: []))
                }
                func op(_ type: String, _ inputs: [String], _ out: String) -> Onnx_NodeProto {
                    var n = Onnx_NodeProto()
                    n.opType = type
                    n.name = "layer\(name).\(type.lowercased())"
                    n.input = inputs
                    n.output = [out]
                    return n
                }
                let t = "x\(name).gelu"
                graph.node += [op("Div", [current, "\(name).sqrt2"], "\(t).div"), op("Erf", ["\(t).div"], "\(t).erf"),
                               op("Add", ["\(t).erf", "\(name).one"], "\(t).add"), op("Mul", [current, "\(t).add"], "\(t).mul")]
                node.opType = "Mul"
                node.input = ["\(t).mul", "\(name).half"]
            case is DropoutBlueprint:
                shape = next
                continue   // the identity at inference
            case is TransformerBlueprint:
                current = try emitTransformer(layer, input: current, name: name, path: path, graph: &graph)
                shape = next
                continue
            default:
                throw ONNXExportError(layer: path, "a '\(layerSpec.type)' layer has no ONNX export yet; exportable: linear, conv2d, "
                                      + "pool, flatten, activation, log_softmax, dropout, residual, concat, layer_norm, gelu, transformer")
            }
            graph.node.append(node)
            current = output
            shape = next
        }
    }

    /// Serialized bytes of ``export(_:spec:dataShape:name:)``.
    public static func serialized(_ model: Sequential, spec: ModelSpec, dataShape: [Int], name: String = "neuromorph") throws -> Data {
        try export(model, spec: spec, dataShape: dataShape, name: name).serializedData()
    }

    /// The weight and bias of a weight layer: digital parameters, or the effective weights an
    /// analog layer reads from its devices (its digital bias, if any, from its parameters).
    static func weights(of layer: any Layer, _ path: String) throws -> (Tensor, Tensor?) {
        if let grouped = layer as? GroupedConvolution {
            // The groups' rows stacked in group order: ONNX's [out, C_in/G, k, k] weight.
            let parts = try grouped.children.map { try weights(of: $0.layer, "\(path).\($0.name)") }
            let weight = Tensor(shape: [grouped.outChannels, parts[0].0.shape[1]], scalars: parts.flatMap(\.0.scalars))
            let biases = parts.compactMap(\.1)
            return (weight, biases.count == parts.count ? Tensor(biases.flatMap(\.scalars)) : nil)
        }
        var values: [String: Tensor] = [:]
        var copy = layer
        copy.forEachParameter { values[$0.name] = $0.value }
        if let programmed = layer as? any ProgrammedLayer {
            for (name, value) in programmed.programmedWeights { values[name] = value }
        }
        guard let weight = values["weight"] else {
            throw ONNXExportError(layer: path, "\(layer.summary) has no weight Neuromorph can read for export")
        }
        return (weight, values["bias"])
    }

    static func valueInfo(_ name: String, _ sample: [Int]) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = ONNXDataType.float
        var batch = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = "N"
        tensor.shape.dim = [batch] + sample.map {
            var d = Onnx_TensorShapeProto.Dimension()
            d.dimValue = Int64($0)
            return d
        }
        info.type.tensorType = tensor
        return info
    }

    static func attribute(_ name: String, int: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(int)
        return a
    }

    static func attribute(_ name: String, ints: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = ints.map(Int64.init)
        return a
    }

    static func attribute(_ name: String, float: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = float
        return a
    }
}
