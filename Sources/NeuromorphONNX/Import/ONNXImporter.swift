import Foundation
import NeuromorphCore
import NeuromorphNN
import SwiftProtobuf

/// Reads an ONNX `ModelProto` (opset 13–20) into Neuromorph layers (``ImportedModel``).
///
/// The graph must be a chain: every operator takes the previous operator's output as its
/// data input, and its other inputs are initializers or `Constant` outputs. Operators map to
/// layers as follows (ONNX operator semantics from the ONNX operator specification,
/// onnx/docs/Operators.md):
///
/// | ONNX | Neuromorph |
/// |---|---|
/// | `Gemm` (`transA = 0`) | `linear`: `W = α·B` (`transB = 1`) or `α·Bᵀ`, `b = β·C` |
/// | `MatMul` with a constant `B` `[in, out]`, then `Add` of a constant | `linear`: `W = Bᵀ`, `b` = the added constant |
/// | `Conv` (2-D, square kernel, any `group`, equal strides and pads, dilations 1) | `conv2d` (`groups: G` when `group > 1`): `W[o, c·k·k + ky·k + kx] = W_onnx[o, c, ky, kx]`, rows of group g to its ``GroupedConvolution`` child |
/// | `BatchNormalization` after `Conv`/`Gemm`/`MatMul` | folded: `s = γ/√(σ² + ε)`, `W' = s·W` (per output), `b' = s·(b − μ) + β` |
/// | `MaxPool`, `AveragePool` (square, no padding, floor mode) | `pool` |
/// | `GlobalAveragePool` (square input) | `pool` `avg` with the window the input's size |
/// | `Flatten` (`axis = 1`), `Reshape` to `[N, −1]` (a constant shape, or `Shape`/`Gather`/`Unsqueeze`/`Concat` of the input's shape) | `flatten` |
/// | `Relu`, `Sigmoid`, `Tanh` | `activation` |
/// | `HardSigmoid` α = 0.2, β = 0.5 (ONNX default) / α = 1/6, β = 0.5 (PyTorch) | `hard_sigmoid` / `hard_sigmoid_torch` |
/// | `LeakyRelu` α = 0.01 | `leaky_relu` |
/// | `LogSoftmax` (last axis) | `log_softmax` |
/// | `Softmax` (last axis) as the final operator | applied after the layers (``ImportedModel/outputSoftmax``) |
/// | `Dropout`, `Identity` | nothing (inference) |
/// | `Concat` (axis 1) of the chain's output and branches from one earlier chain tensor (or that tensor) | `concat` (``Concatenation``): each input's operators since that tensor are a branch |
/// | `Add` of the chain's output and an earlier chain tensor of the same shape | `residual` (``Residual``): the operators since that tensor are the body |
/// | `LayerNormalization` (`axis = −1`, constant scale and bias) | `layer_norm` (``LayerNorm``) |
/// | `Gelu` (opset 20), or `Div(x, √2)` → `Erf` → `Add 1` → `Mul(x, ·)` → `Mul 0.5` (PyTorch's `nn.GELU()` below opset 20) | `gelu` (``ExactGELU``; `approximate = "tanh"`: ``GELU``) |
///
/// Anything else throws an ``ONNXImportError`` naming the node, its `op_type` and what is
/// supported; the importer writes nothing.
public struct ONNXImporter {
    /// The opsets of the default (`ai.onnx`) domain this importer reads.
    public static let supportedOpsets = 13...20
    /// The operators it reads.
    public static let supportedOperators = [
        "Gemm", "MatMul", "Add", "Conv", "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten",
        "Reshape", "Relu", "Sigmoid", "Tanh", "HardSigmoid", "LeakyRelu", "Softmax", "LogSoftmax", "Dropout", "Identity",
        "Constant", "Shape", "Gather", "Unsqueeze", "Concat", "Cast", "LayerNormalization", "Gelu",
        "Div/Erf/Add/Mul/Mul (exact GELU)", "Mul/Mul/Mul/Add/Mul/Tanh/Add/Mul/Mul (tanh GELU)", "ReduceMean",
        "MatMul/Add/Reshape/Transpose/Div/Softmax/MatMul (self-attention of Neuromorph's transformer)",
    ]

    /// The file name used in error messages.
    public var file: String

    public init(file: String = "<memory>") { self.file = file }

    /// Reads the `.onnx` file at `url`.
    public static func importModel(at url: URL) throws -> ImportedModel {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ONNXImportError(file: url.path, "cannot read the file: \(error.localizedDescription)")
        }
        return try ONNXImporter(file: url.path).importModel(data)
    }

    /// Parses serialized `ModelProto` bytes.
    public func parse(_ data: Data) throws -> Onnx_ModelProto {
        guard !data.isEmpty else { throw ONNXImportError(file: file, "the file is empty; expected an ONNX model (.onnx)") }
        do { return try Onnx_ModelProto(serializedBytes: data) } catch {
            throw ONNXImportError(file: file, "not a readable ONNX model (protobuf: \(error)); the file is truncated or not ONNX")
        }
    }

    public func importModel(_ data: Data) throws -> ImportedModel { try importModel(try parse(data)) }

    /// Converts a parsed model.
    public func importModel(_ model: Onnx_ModelProto) throws -> ImportedModel {
        guard model.hasGraph, !model.graph.node.isEmpty else {
            throw ONNXImportError(file: file, "the model has no graph nodes; the file is truncated or not an ONNX model")
        }
        let opset = model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }.map { Int($0.version) }
        guard let opset else {
            throw ONNXImportError(file: file, "the model declares no ai.onnx opset; expected opset \(Self.supportedOpsets.lowerBound)–\(Self.supportedOpsets.upperBound)")
        }
        guard Self.supportedOpsets.contains(opset) else {
            throw ONNXImportError(file: file, "opset \(opset) is not supported; re-export with opset_version between "
                                  + "\(Self.supportedOpsets.lowerBound) and \(Self.supportedOpsets.upperBound)")
        }
        var walk = try GraphWalk(graph: model.graph, file: file, opset: opset)
        for (index, node) in model.graph.node.enumerated() { try walk.visit(node, index: index) }
        return try walk.finish()
    }
}

/// The state of a chain walk over a graph: the current tensor, its per-sample shape and the
/// layers so far.
struct GraphWalk {
    let file: String
    let opset: Int
    let outputName: String
    var constants: [String: Onnx_TensorProto] = [:]
    /// The name of the tensor the next operator must consume.
    var current: String
    /// Its per-sample shape (batch dimension dropped).
    var shape: [Int]
    let inputShape: [Int]
    var steps: [ImportedModel.Step] = []
    var notes: [String] = []
    var outputSoftmax = false
    /// The chain's tensors a residual `Add` may take as its shortcut: the number of steps
    /// that produce each and its per-sample shape.
    var shortcuts: [String: (steps: Int, shape: [Int])] = [:]
    /// A GELU decomposition being matched (``ElementwisePattern``): its input x, the node that
    /// started it, how many of its operators were seen and the last one's output.
    var pendingPattern: (pattern: ElementwisePattern, x: String, start: String, stage: Int, last: String)?
    /// A self-attention subgraph being read (``AttentionMatch``).
    var attention: AttentionMatch?
    /// How many `MatMul` nodes read each tensor (the Q, K and V projections share their input).
    let matMulReaders: [String: Int]
    /// The node that turned the samples into tokens and the `ReduceMean` that ended them.
    var tokenNode: (name: String, opType: String)?
    var encoderNode: String?
    /// Side branches from an earlier chain tensor (a projection shortcut), by their current tensor.
    var branches: [String: Branch] = [:]
    /// Whether the current tensor is the direct output of the last step's weight layer (so a
    /// bias `Add` or a `BatchNormalization` may fold into it).
    var currentIsWeightOutput = false

    init(graph: Onnx_GraphProto, file: String, opset: Int) throws {
        self.file = file
        self.opset = opset
        var readers: [String: Int] = [:]
        for node in graph.node where node.opType == "MatMul" {
            for input in Set(node.input) { readers[input, default: 0] += 1 }
        }
        matMulReaders = readers
        var initializers: [String: Onnx_TensorProto] = [:]
        for tensor in graph.initializer { initializers[tensor.name] = tensor }
        constants = initializers
        // Older exporters also list initializers as graph inputs.
        let inputs = graph.input.filter { initializers[$0.name] == nil }
        guard inputs.count == 1, let input = inputs.first else {
            throw ONNXImportError(file: file, "the graph has \(inputs.count) data inputs (\(inputs.map(\.name))); Neuromorph imports models with one input")
        }
        guard graph.output.count == 1 else {
            throw ONNXImportError(file: file, "the graph has \(graph.output.count) outputs; Neuromorph imports models with one output")
        }
        outputName = graph.output[0].name
        let tensorType = input.type.tensorType
        guard input.type.value != nil, case .tensorType = input.type.value else {
            throw ONNXImportError(file: file, "the input '\(input.name)' is not a tensor; expected a FLOAT tensor [N, …]")
        }
        guard tensorType.elemType == ONNXDataType.float else {
            throw ONNXImportError(file: file, "the input '\(input.name)' has \(ONNXDataType.name(tensorType.elemType)) elements; expected FLOAT")
        }
        let dims = tensorType.shape.dim
        guard dims.count >= 2 else {
            throw ONNXImportError(file: file, "the input '\(input.name)' has rank \(dims.count); expected [N, features] or [N, C, H, W]")
        }
        var sample: [Int] = []
        for (axis, dim) in dims.enumerated().dropFirst() {
            guard case let .dimValue(v)? = dim.value, v > 0 else {
                let symbol: String = if case let .dimParam(p)? = dim.value { "'\(p)'" } else { "unknown" }
                throw ONNXImportError(file: file, "the input '\(input.name)' has a dynamic size \(symbol) on axis \(axis); "
                                      + "only the batch axis (0) may be dynamic; export with a fixed sample shape")
            }
            sample.append(Int(v))
        }
        current = input.name
        shape = sample
        inputShape = sample
        shortcuts[input.name] = (0, sample)
    }

    // MARK: - Errors

    func error(_ node: Onnx_NodeProto, _ index: Int, _ message: String) -> ONNXImportError {
        ONNXImportError(file: file, node: node.name.isEmpty ? "#\(index)" : node.name, opType: node.opType, message)
    }

    /// A constant input (initializer or `Constant` output) of `node`.
    func constant(_ node: Onnx_NodeProto, _ index: Int, input: Int, _ role: String) throws -> Onnx_TensorProto {
        guard node.input.count > input, !node.input[input].isEmpty else {
            throw error(node, index, "has no \(role) input (input \(input))")
        }
        guard let tensor = constants[node.input[input]] else {
            throw error(node, index, "its \(role) '\(node.input[input])' is computed in the graph; Neuromorph needs it as an initializer or Constant")
        }
        return tensor
    }

    /// A float constant input; NaN or infinite values (a damaged file or a diverged training)
    /// are rejected, naming the initializer.
    func floats(_ node: Onnx_NodeProto, _ index: Int, input: Int, _ role: String) throws -> Tensor {
        let tensor = try constant(node, index, input: input, role).floatTensor { error(node, index, $0) }
        if let bad = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
            throw error(node, index, "its \(role) '\(node.input[input])' holds \(tensor.scalars[bad].isNaN ? "NaN" : "\(tensor.scalars[bad])") at flat index \(bad); "
                        + "Neuromorph imports finite weights only")
        }
        return tensor
    }

    // MARK: - Visiting

    mutating func visit(_ node: Onnx_NodeProto, index: Int) throws {
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
            throw error(node, index, "is in the domain '\(node.domain)'; Neuromorph imports ai.onnx operators: "
                        + ONNXImporter.supportedOperators.joined(separator: ", "))
        }
        // Constant-only operators: `Constant`, and `Identity` of a constant (PyTorch writes those).
        if node.opType == "Constant" {
            try defineConstant(node, index)
            return
        }
        if node.opType == "Identity", node.input.count == 1, let tensor = constants[node.input[0]], node.output.count == 1 {
            var alias = tensor
            alias.name = node.output[0]
            constants[node.output[0]] = alias
            return
        }
        if try foldShapeArithmetic(node, index) { return }
        if try matchAttention(node, index) { return }
        if try matchPattern(node, index) { return }
        if node.opType == "Transpose" {
            throw error(node, index, "transposes the chain's tensor by \(node.ints("perm") ?? []); Neuromorph reads Transpose only inside "
                        + "the self-attention of its transformer (per-head Q/K/V and context); nn.MultiheadAttention, which "
                        + "transposes its input to [T, N, d] and packs Q, K, V into one in_proj MatMul, is not supported")
        }
        guard ONNXImporter.supportedOperators.contains(node.opType) else {
            throw error(node, index, "is not supported; Neuromorph imports " + ONNXImporter.supportedOperators.joined(separator: ", "))
        }
        let dataInputs = node.input.enumerated().filter { !$0.element.isEmpty && constants[$0.element] == nil }
        guard let data = dataInputs.first else {
            throw error(node, index, "has only constant inputs; Neuromorph imports a chain of operators on the model input")
        }
        if node.opType == "Concat", dataInputs.count >= 2, let output = node.output.first, !output.isEmpty {
            try concatBranches(node, index, dataInputs.map(\.element))
            current = output
            currentIsWeightOutput = false
            shortcuts[output] = (steps.count, shape)
            return
        }
        if node.opType == "Add", dataInputs.count == 2, let output = node.output.first, !output.isEmpty {
            try residualAdd(node, index, dataInputs.map(\.element))
            current = output
            currentIsWeightOutput = false
            shortcuts[output] = (steps.count, shape)
            return
        }
        guard dataInputs.count == 1 else {
            throw error(node, index, "combines the computed tensors \(dataInputs.map { "'\($0.element)'" }.joined(separator: " and ")) "
                        + "(a residual or branching connection); Neuromorph imports sequential models only")
        }
        if data.element != current, dataInputs.count == 1, branches[data.element] != nil || shortcuts[data.element] != nil {
            try visitBranch(node, index, from: data.element, dataInput: data.offset)
            return
        }
        guard data.element == current else {
            throw error(node, index, "reads '\(data.element)', not the output of the previous operator ('\(current)'); "
                        + "Neuromorph imports sequential models only")
        }
        if node.opType != "Add" && node.opType != "MatMul" && data.offset != 0 {
            throw error(node, index, "takes the computed tensor as input \(data.offset); expected it as input 0")
        }
        guard let output = node.output.first, !output.isEmpty else { throw error(node, index, "has no output") }
        let stepsBefore = steps.count
        let foldsIntoWeights = try apply(node, index, dataInput: data.offset)
        if steps.count == stepsBefore && (node.opType == "Add" || node.opType == "BatchNormalization") {
            // Folded into the last layer: the tensors before the fold are no longer outputs of it.
            shortcuts = shortcuts.filter { $0.value.steps != steps.count }
        }
        current = output
        currentIsWeightOutput = foldsIntoWeights
        shortcuts[output] = (steps.count, shape)
    }

    /// `Add` of the current tensor and an earlier tensor `s` of the chain with the same shape:
    /// the steps since `s` become the body F of a residual block, `y = F(s) + s` (an identity
    /// shortcut, ResNet's basic block).
    mutating func residualAdd(_ node: Onnx_NodeProto, _ index: Int, _ inputs: [String]) throws {
        guard inputs.contains(current) else {
            throw error(node, index, "adds '\(inputs[0])' and '\(inputs[1])', neither of which is the output of the previous operator "
                        + "('\(current)'); Neuromorph imports a chain with identity-shortcut residual Adds")
        }
        let other = inputs[0] == current ? inputs[1] : inputs[0]
        if let branch = branches.removeValue(forKey: other) {
            try projectionAdd(node, index, branch: branch, output: other)
            return
        }
        guard let start = shortcuts[other] else {
            throw error(node, index, "adds '\(other)', which is not an earlier tensor of the operator chain (or was folded into a layer by "
                        + "a bias Add or BatchNormalization); Neuromorph imports residual Adds of the chain's output and an earlier "
                        + "output of the chain (identity shortcut)")
        }
        guard start.shape == shape else {
            throw error(node, index, "adds [N, \(start.shape.map(String.init).joined(separator: ", "))] ('\(other)') and "
                        + "[N, \(shape.map(String.init).joined(separator: ", "))] ('\(current)'); a residual Add needs equal shapes "
                        + "(identity shortcut; no broadcasting or projection shortcut)")
        }
        let body = Array(steps[start.steps...])
        steps.removeSubrange(start.steps...)
        steps.append(.residual(body))
        // Tensors inside the body are no longer outputs of a step of the chain.
        shortcuts = shortcuts.filter { $0.value.steps <= start.steps }
        notes.append("Add '\(node.name)' of '\(current)' and '\(other)' imported as a residual block of \(body.count) layers")
    }

    /// `LayerNormalization` over the last axis with constant scale (and bias).
    mutating func layerNorm(_ node: Onnx_NodeProto, _ index: Int) throws {
        let axis = node.int("axis", default: -1)
        guard let features = shape.last, axis == -1 || axis == shape.count else {
            throw error(node, index, "normalizes from axis \(axis) of [N, \(shape.map(String.init).joined(separator: ", "))]; Neuromorph's "
                        + "layer_norm normalizes the last axis only (axis = -1)")
        }
        guard node.output.count < 2 || node.output.dropFirst().allSatisfy(\.isEmpty) else {
            throw error(node, index, "also outputs the mean or inverse standard deviation; Neuromorph's layer_norm has one output")
        }
        let scale = try floats(node, index, input: 1, "scale")
        guard scale.count == features, scale.shape.dropLast().allSatisfy({ $0 == 1 }) else {
            throw error(node, index, "its scale '\(node.input[1])' has shape \(scale.shape); expected [\(features)]")
        }
        var bias = Tensor.zeros([features])
        if node.input.count > 2, !node.input[2].isEmpty {
            let b = try floats(node, index, input: 2, "bias")
            guard b.count == features, b.shape.dropLast().allSatisfy({ $0 == 1 }) else {
                throw error(node, index, "its bias '\(node.input[2])' has shape \(b.shape); expected [\(features)]")
            }
            bias = Tensor(shape: [features], scalars: b.scalars)
        }
        let epsilon = node.float("epsilon", default: 1e-5)
        guard epsilon > 0, epsilon.isFinite else { throw error(node, index, "has epsilon \(epsilon); expected a positive number") }
        steps.append(.layerNorm(weight: Tensor(shape: [features], scalars: scale.scalars), bias: bias, epsilon: epsilon))
    }

    /// Stands for the batch size in shapes computed from `Shape` (the batch axis is dynamic).
    static let batchSymbol: Int64 = -(1 << 40)

    /// The shape computation PyTorch writes for `x.view(x.size(0), -1)`: `Shape` of the
    /// current tensor, then `Gather`, `Unsqueeze`, `Concat`, `Cast` on constants, evaluated
    /// here to a constant (the batch size as ``batchSymbol``) that a `Reshape` then reads.
    /// Returns whether `node` was such an operator.
    mutating func foldShapeArithmetic(_ node: Onnx_NodeProto, _ index: Int) throws -> Bool {
        let shapeOps = ["Shape", "Gather", "Unsqueeze", "Concat", "Cast", "Div"]
        if try foldScalarArithmetic(node, index) { return true }
        guard shapeOps.contains(node.opType), let output = node.output.first else { return false }
        func ints(_ i: Int) throws -> [Int64]? {
            guard node.input.count > i, let t = constants[node.input[i]], t.dataType == ONNXDataType.int64 else { return nil }
            return try t.int64Values { error(node, index, $0) }
        }
        var result: [Int64]
        var scalar = false
        switch node.opType {
        case "Shape":
            guard node.input.first == current else { return false }
            guard node.attribute("start") == nil && node.attribute("end") == nil else {
                throw error(node, index, "has start/end; Neuromorph evaluates Shape of the whole tensor only")
            }
            result = [Self.batchSymbol] + shape.map(Int64.init)
        case "Gather":
            guard let data = try ints(0), let indices = try ints(1), node.int("axis", default: 0) == 0 else { return false }
            result = try indices.map { i in
                let j = i < 0 ? Int(i) + data.count : Int(i)
                guard data.indices.contains(j) else { throw error(node, index, "gathers index \(i) of a \(data.count)-element shape") }
                return data[j]
            }
            scalar = constants[node.input[1]]?.dims.isEmpty ?? false
        case "Unsqueeze":
            guard let data = try ints(0), constants[node.input[0]]?.dims.isEmpty ?? false else { return false }
            result = data   // a scalar becomes a 1-element vector
        case "Concat":
            guard node.int("axis", default: 0) == 0 else { return false }
            var parts: [Int64] = []
            for i in node.input.indices {
                guard let part = try ints(i) else { return false }
                parts += part
            }
            result = parts
        case "Div":   // the head width d / H of an attention split
            guard let a = try ints(0), let b = try ints(1), a.count == 1, b.count == 1 else { return false }
            guard a[0] >= 0, b[0] > 0 else {
                throw error(node, index, "divides \(a[0] == Self.batchSymbol ? "the batch size" : "\(a[0])") by \(b[0]); Neuromorph evaluates "
                            + "shape arithmetic on the fixed sample axes only")
            }
            result = [a[0] / b[0]]
            scalar = constants[node.input[0]]?.dims.isEmpty ?? false
        default:   // Cast of an INT64 constant to INT64
            guard let data = try ints(0), node.int("to", default: 0) == Int(ONNXDataType.int64) else { return false }
            result = data
            scalar = constants[node.input[0]]?.dims.isEmpty ?? false
        }
        var tensor = Onnx_TensorProto(name: output, int64: result)
        if scalar { tensor.dims = [] }
        constants[output] = tensor
        return true
    }

    /// Float arithmetic on one-value constants (`Cast` of an integer to FLOAT, `Mul`, `Div`,
    /// `Pow`, `Sqrt`), as PyTorch writes the attention scale `d_h ** -0.5` from the shape.
    mutating func foldScalarArithmetic(_ node: Onnx_NodeProto, _ index: Int) throws -> Bool {
        guard ["Cast", "Mul", "Div", "Pow", "Sqrt"].contains(node.opType), let output = node.output.first, !node.input.isEmpty,
              node.input.allSatisfy({ constants[$0] != nil }) else { return false }
        let tensors = node.input.compactMap { constants[$0] }
        if node.opType == "Cast" {
            guard node.int("to", default: 0) == Int(ONNXDataType.float) else { return false }
        } else if tensors.contains(where: { $0.dataType != ONNXDataType.float }) {
            return false
        }
        var values: [Float] = []
        for t in tensors {
            let v: Tensor = if t.dataType == ONNXDataType.int64 {
                Tensor(try t.int64Values { error(node, index, $0) }.map { Float($0) })
            } else {
                try t.floatTensor { error(node, index, $0) }
            }
            guard v.count == 1 else { return false }
            guard !v.scalars.contains(where: { Double($0) == Double(Self.batchSymbol) }) else {
                throw error(node, index, "computes with the batch size; Neuromorph evaluates arithmetic on the fixed sample axes only")
            }
            values.append(v.scalars[0])
        }
        let result: Float
        switch (node.opType, values.count) {
        case ("Cast", 1): result = values[0]
        case ("Sqrt", 1): result = values[0].squareRoot()
        case ("Mul", 2): result = values[0] * values[1]
        case ("Div", 2): result = values[0] / values[1]
        case ("Pow", 2): result = Float(pow(Double(values[0]), Double(values[1])))
        default: return false
        }
        constants[output] = Onnx_TensorProto(name: output, float: Tensor([result]), shape: tensors[0].dims.isEmpty ? [] : [1])
        return true
    }

    mutating func defineConstant(_ node: Onnx_NodeProto, _ index: Int) throws {
        guard let output = node.output.first else { throw error(node, index, "has no output") }
        var tensor: Onnx_TensorProto
        if let t = node.attribute("value") {
            tensor = t.t
        } else if let ints = node.attribute("value_ints") {
            tensor = Onnx_TensorProto(name: output, int64: ints.ints)
        } else if let int = node.attribute("value_int") {
            tensor = Onnx_TensorProto(name: output, int64: [int.i])
            tensor.dims = []
        } else if let floats = node.attribute("value_floats") {
            tensor = Onnx_TensorProto(name: output, float: Tensor(floats.floats))
        } else if let float = node.attribute("value_float") {
            tensor = Onnx_TensorProto(name: output, float: Tensor([float.f]), shape: [])
        } else {
            throw error(node, index, "has no value, value_ints, value_int, value_floats or value_float attribute Neuromorph reads")
        }
        tensor.name = output
        constants[output] = tensor
    }

    /// Converts one chain operator; returns whether its output is a weight layer's output.
    mutating func apply(_ node: Onnx_NodeProto, _ index: Int, dataInput: Int) throws -> Bool {
        switch node.opType {
        case "Gemm": try gemm(node, index); return true
        case "MatMul": try matMul(node, index, dataInput: dataInput); return true
        case "Add":
            if try positional(node, index, dataInput: dataInput) { return false }
            try addBias(node, index, dataInput: dataInput)
            return true
        case "ReduceMean": try meanTokens(node, index)
        case "Conv": try conv(node, index); return true
        case "BatchNormalization": try batchNorm(node, index); return true
        case "MaxPool", "AveragePool": try pool(node, index)
        case "GlobalAveragePool":
            let image = try image(node, index)
            guard image.h == image.w else {
                throw error(node, index, "pools a \(image.h)×\(image.w) input; Neuromorph's pooling windows are square")
            }
            steps.append(.pool(.average, window: image.h, stride: image.h))
            shape = [image.c, 1, 1]
        case "Flatten":
            let axis = node.int("axis", default: 1)
            guard axis == 1 || (axis == -shape.count && shape.count >= 1) else {
                throw error(node, index, "flattens from axis \(axis); Neuromorph flattens each sample (axis 1)")
            }
            flatten()
        case "Reshape": try reshape(node, index)
        case "Relu": steps.append(.activation(.relu))
        case "Sigmoid": steps.append(.activation(.sigmoid))
        case "Tanh": steps.append(.activation(.tanh))
        case "HardSigmoid":
            let alpha = node.float("alpha", default: 0.2), beta = node.float("beta", default: 0.5)
            if abs(alpha - 0.2) < 1e-6 && abs(beta - 0.5) < 1e-6 {
                steps.append(.activation(.hardSigmoid))
            } else if abs(alpha - 1.0 / 6) < 1e-6 && abs(beta - 0.5) < 1e-6 {
                steps.append(.activation(.hardSigmoidTorch))
            } else {
                throw error(node, index, "has alpha \(alpha), beta \(beta); Neuromorph has hard_sigmoid (alpha 0.2, beta 0.5) "
                            + "and hard_sigmoid_torch (alpha 1/6, beta 0.5)")
            }
        case "LeakyRelu":
            let alpha = node.float("alpha", default: 0.01)
            guard abs(alpha - 0.01) < 1e-7 else {
                throw error(node, index, "has alpha \(alpha); Neuromorph's leaky_relu has slope 0.01 (ONNX's and PyTorch's default)")
            }
            steps.append(.activation(.leakyReLU))
        case "Softmax", "LogSoftmax":
            let axis = node.int("axis", default: opset >= 13 ? -1 : 1)
            guard shape.count == 1, axis == 1 || axis == -1 else {
                throw error(node, index, "normalizes axis \(axis) of a [N, \(shape.map(String.init).joined(separator: ", "))] tensor; "
                            + "Neuromorph normalizes the features of flat samples (axis 1 or -1 of [N, features])")
            }
            if node.opType == "LogSoftmax" {
                steps.append(.logSoftmax)
            } else {
                guard node.output.first == outputName else {
                    throw error(node, index, "is inside the network; Neuromorph has no softmax layer and applies Softmax only as the final operator")
                }
                outputSoftmax = true
            }
        case "Dropout":
            if node.input.count > 2, !node.input[2].isEmpty,
               let mode = constants[node.input[2]], (try? mode.floatTensor { error(node, index, $0) }.scalars.first) ?? 0 != 0 {
                throw error(node, index, "has training_mode true; Neuromorph imports inference graphs (Dropout is the identity)")
            }
            notes.append("Dropout '\(node.name)' is the identity at inference and was dropped")
        case "Identity": break
        case "LayerNormalization": try layerNorm(node, index)
        case "Gelu":
            switch node.string("approximate") ?? "none" {
            case "none": steps.append(.gelu(tanh: false))
            case "tanh": steps.append(.gelu(tanh: true))
            case let other: throw error(node, index, "has approximate '\(other)'; expected none or tanh")
            }
        case "Shape", "Gather", "Unsqueeze", "Concat", "Cast":
            throw error(node, index, "computes on a tensor of the network; Neuromorph evaluates these operators only on the "
                        + "input's shape and constants (as in x.view(x.size(0), -1))")
        default:
            throw error(node, index, "is not supported; Neuromorph imports " + ONNXImporter.supportedOperators.joined(separator: ", "))
        }
        return false
    }

    mutating func flatten() {
        steps.append(.flatten)
        shape = [shape.reduce(1, *)]
    }

    func image(_ node: Onnx_NodeProto, _ index: Int) throws -> (c: Int, h: Int, w: Int) {
        guard shape.count == 3 else {
            throw error(node, index, "needs an [N, C, H, W] input but receives [N, \(shape.map(String.init).joined(separator: ", "))]")
        }
        return (shape[0], shape[1], shape[2])
    }

    func flatFeatures(_ node: Onnx_NodeProto, _ index: Int) throws -> Int {
        guard shape.count == 1 else {
            throw error(node, index, "needs an [N, features] input but receives [N, \(shape.map(String.init).joined(separator: ", "))]; "
                        + "add a Flatten before it")
        }
        return shape[0]
    }

    // MARK: - Weight layers

    mutating func gemm(_ node: Onnx_NodeProto, _ index: Int) throws {
        let features = try flatFeatures(node, index)
        guard node.int("transA", default: 0) == 0 else {
            throw error(node, index, "has transA = 1; Neuromorph imports Gemm with the data as A (transA = 0)")
        }
        let transB = node.int("transB", default: 0) != 0
        let alpha = node.float("alpha", default: 1), beta = node.float("beta", default: 1)
        let b = try floats(node, index, input: 1, "weight B")
        guard b.rank == 2, b.shape[transB ? 1 : 0] == features else {
            throw error(node, index, "its weight '\(node.input[1])' has shape \(b.shape); with transB = \(transB ? 1 : 0) and "
                        + "\(features) input features it must be \(transB ? "[out, \(features)]" : "[\(features), out]")")
        }
        var weight = transB ? b : Self.transposed(b)
        if alpha != 1 { weight.scalars = weight.scalars.map { $0 * alpha } }
        let out = weight.shape[0]
        var bias: Tensor?
        if node.input.count > 2, !node.input[2].isEmpty {
            let c = try floats(node, index, input: 2, "bias C")
            bias = try Self.broadcastBias(c, out) { error(node, index, "its bias '\(node.input[2])' has shape \(c.shape); \($0)") }
            if beta != 1 { bias!.scalars = bias!.scalars.map { $0 * beta } }
        }
        steps.append(.linear(weight: weight, bias: bias))
        shape = [out]
    }

    mutating func matMul(_ node: Onnx_NodeProto, _ index: Int, dataInput: Int) throws {
        // On flat samples [N, F], or token-wise on [N, T, F] (nn.Linear on a sequence).
        let features = shape.count == 2 && tokenNode != nil ? shape[1] : try flatFeatures(node, index)
        guard dataInput == 0 else {
            throw error(node, index, "multiplies a constant by the data (constant · x); Neuromorph imports x · B with B [in, out]")
        }
        let b = try floats(node, index, input: 1, "weight B")
        guard b.rank == 2, b.shape[0] == features else {
            throw error(node, index, "its weight '\(node.input[1])' has shape \(b.shape); for \(features) input features it must be [\(features), out]")
        }
        steps.append(.linear(weight: Self.transposed(b), bias: nil))
        shape = shape.count == 2 ? [shape[0], b.shape[1]] : [b.shape[1]]
    }

    /// `Add` of a constant right after a weight layer: its bias.
    mutating func addBias(_ node: Onnx_NodeProto, _ index: Int, dataInput: Int) throws {
        guard currentIsWeightOutput, let last = steps.last else {
            throw error(node, index, "adds a constant that does not follow a Gemm, MatMul or Conv; Neuromorph folds Add only as a bias")
        }
        let c = try floats(node, index, input: 1 - dataInput, "addend")
        switch last {
        case let .linear(weight, bias):
            let add = try Self.broadcastBias(c, weight.shape[0]) { error(node, index, "its addend has shape \(c.shape); \($0)") }
            steps[steps.count - 1] = .linear(weight: weight, bias: Self.sum(bias, add))
        case let .conv(weight, bias, kernel, stride, padding, groups):
            let channels = weight.shape[0]
            let perChannel = c.count == 1 || (c.count == channels && (c.shape.suffix(2).allSatisfy { $0 == 1 } || c.rank == 1))
            guard perChannel, c.rank <= 4 else {
                throw error(node, index, "its addend has shape \(c.shape); a convolution bias must be [\(channels), 1, 1] or [1, \(channels), 1, 1]")
            }
            let add = Tensor(shape: [channels], scalars: c.count == 1 ? Array(repeating: c.scalars[0], count: channels) : c.scalars)
            steps[steps.count - 1] = .conv(weight: weight, bias: Self.sum(bias, add), kernel: kernel, stride: stride, padding: padding, groups: groups)
        default:
            throw error(node, index, "adds a constant that does not follow a weight layer")
        }
    }

    mutating func conv(_ node: Onnx_NodeProto, _ index: Int) throws {
        let image = try image(node, index)
        let w = try floats(node, index, input: 1, "weight W")
        guard w.rank == 4 else { throw error(node, index, "its weight has shape \(w.shape); Neuromorph imports 2-D convolutions (weight [M, C, k, k])") }
        let group = node.int("group", default: 1)
        guard group >= 1, image.c % group == 0, w.shape[0] % group == 0 else {
            throw error(node, index, "has group = \(group) for \(image.c) input and \(w.shape[0]) output channels; "
                        + "group must be ≥ 1 and divide both")
        }
        guard w.shape[1] * group == image.c else {
            throw error(node, index, "its weight '\(node.input[1])' has shape \(w.shape) but the input has \(image.c) channels in \(group) "
                        + "group(s); expected [M, \(image.c / group), k, k]")
        }
        let kernel = w.shape[2]
        guard w.shape[3] == kernel, node.ints("kernel_shape").map({ $0 == [kernel, kernel] }) ?? true else {
            throw error(node, index, "has a \(w.shape[2])×\(w.shape[3]) kernel; Neuromorph's conv2d kernels are square")
        }
        let strides = node.ints("strides") ?? [1, 1]
        guard strides.count == 2, strides[0] == strides[1], strides[0] > 0 else {
            throw error(node, index, "has strides \(strides); Neuromorph's conv2d has one stride for both axes")
        }
        guard (node.ints("dilations") ?? [1, 1]).allSatisfy({ $0 == 1 }) else {
            throw error(node, index, "has dilations \(node.ints("dilations") ?? []); Neuromorph's conv2d has dilation 1")
        }
        let padding = try Self.symmetricPadding(node, kernel: kernel, stride: strides[0]) { error(node, index, $0) }
        var bias: Tensor?
        if node.input.count > 2, !node.input[2].isEmpty {
            let b = try floats(node, index, input: 2, "bias B")
            guard b.shape == [w.shape[0]] else {
                throw error(node, index, "its bias '\(node.input[2])' has shape \(b.shape); expected [\(w.shape[0])]")
            }
            bias = b
        }
        let (h, wd) = (image.h + 2 * padding - kernel, image.w + 2 * padding - kernel)
        guard h >= 0, wd >= 0 else { throw error(node, index, "its \(kernel)×\(kernel) kernel does not fit the \(image.h)×\(image.w) input") }
        steps.append(.conv(weight: w.reshaped([w.shape[0], w.shape[1] * kernel * kernel]), bias: bias, kernel: kernel,
                           stride: strides[0], padding: padding, groups: group))
        shape = [w.shape[0], h / strides[0] + 1, wd / strides[0] + 1]
    }

    /// One padding for all four sides (`pads` or `auto_pad` VALID/NOTSET; SAME_* when it is symmetric).
    static func symmetricPadding(_ node: Onnx_NodeProto, kernel: Int, stride: Int,
                                 _ fail: (String) -> ONNXImportError) throws -> Int {
        let autoPad = node.string("auto_pad") ?? "NOTSET"
        switch autoPad {
        case "NOTSET", "":
            let pads = node.ints("pads") ?? [0, 0, 0, 0]
            guard pads.count == 4, Set(pads).count == 1, pads[0] >= 0 else {
                throw fail("has pads \(pads); Neuromorph pads all four sides equally")
            }
            return pads[0]
        case "VALID": return 0
        default:
            guard stride == 1, kernel % 2 == 1 else {
                throw fail("has auto_pad \(autoPad) with an asymmetric padding; set explicit equal pads")
            }
            return kernel / 2
        }
    }

    mutating func batchNorm(_ node: Onnx_NodeProto, _ index: Int) throws {
        guard node.int("training_mode", default: 0) == 0 else {
            throw error(node, index, "has training_mode = 1; Neuromorph imports inference graphs (export the model in eval mode)")
        }
        guard currentIsWeightOutput, let last = steps.last else {
            throw error(node, index, "does not directly follow a Conv, Gemm or MatMul; Neuromorph folds BatchNormalization into "
                        + "the preceding weight layer and has no separate normalization layer")
        }
        let epsilon = Double(node.float("epsilon", default: 1e-5))
        let channels = shape[0]
        var parts: [[Float]] = []
        for (i, role) in ["scale", "bias", "mean", "var"].enumerated() {
            let t = try floats(node, index, input: i + 1, role)
            guard t.count == channels, t.rank == 1 else {
                throw error(node, index, "its \(role) '\(node.input[i + 1])' has shape \(t.shape); expected [\(channels)]")
            }
            parts.append(t.scalars)
        }
        // s = γ / √(σ² + ε); W' = s·W (per output row); b' = s·(b − μ) + β.
        let s = (0..<channels).map { Double(parts[0][$0]) / (Double(parts[3][$0]) + epsilon).squareRoot() }
        func fold(_ weight: Tensor, _ bias: Tensor?) -> (Tensor, Tensor) {
            var w = weight
            let width = w.count / channels
            for o in 0..<channels {
                for j in 0..<width { w.scalars[o * width + j] = Float(Double(w.scalars[o * width + j]) * s[o]) }
            }
            let b = (0..<channels).map { o in
                Float(s[o] * (Double(bias?.scalars[o] ?? 0) - Double(parts[2][o])) + Double(parts[1][o]))
            }
            return (w, Tensor(b))
        }
        switch last {
        case let .linear(weight, bias):
            let (w, b) = fold(weight, bias)
            steps[steps.count - 1] = .linear(weight: w, bias: b)
        case let .conv(weight, bias, kernel, stride, padding, groups):
            let (w, b) = fold(weight, bias)
            steps[steps.count - 1] = .conv(weight: w, bias: b, kernel: kernel, stride: stride, padding: padding, groups: groups)
        default:
            throw error(node, index, "does not follow a weight layer")
        }
        notes.append("BatchNormalization '\(node.name)' folded into layer \(steps.count - 1) (W' = s·W, b' = s·(b − μ) + β, s = γ/√(σ² + ε))")
    }

    // MARK: - Pooling and shapes

    mutating func pool(_ node: Onnx_NodeProto, _ index: Int) throws {
        let image = try image(node, index)
        guard let kernel = node.ints("kernel_shape"), kernel.count == 2, kernel[0] == kernel[1], kernel[0] > 0 else {
            throw error(node, index, "has kernel_shape \(node.ints("kernel_shape") ?? []); Neuromorph pools with square 2-D windows")
        }
        let strides = node.ints("strides") ?? [1, 1]
        guard strides.count == 2, strides[0] == strides[1], strides[0] > 0 else {
            throw error(node, index, "has strides \(strides); Neuromorph pools with one stride for both axes")
        }
        guard node.int("ceil_mode", default: 0) == 0 else {
            throw error(node, index, "has ceil_mode = 1; Neuromorph's pooling rounds the output size down (ceil_mode = 0)")
        }
        guard (node.ints("dilations") ?? [1, 1]).allSatisfy({ $0 == 1 }) else {
            throw error(node, index, "has dilations; Neuromorph's pooling has dilation 1")
        }
        guard node.output.count < 2 || node.output[1].isEmpty else {
            throw error(node, index, "also outputs the argmax indices; Neuromorph's MaxPool has one output")
        }
        let padding = try Self.symmetricPadding(node, kernel: kernel[0], stride: strides[0]) { error(node, index, $0) }
        guard padding == 0 else { throw error(node, index, "pads the input by \(padding); Neuromorph's pooling has no padding") }
        let window = kernel[0], stride = strides[0]
        guard image.h >= window, image.w >= window else {
            throw error(node, index, "its \(window)×\(window) window is larger than the \(image.h)×\(image.w) input")
        }
        steps.append(.pool(node.opType == "MaxPool" ? .max : .average, window: window, stride: stride))
        shape = [image.c, (image.h - window) / stride + 1, (image.w - window) / stride + 1]
    }

    mutating func reshape(_ node: Onnx_NodeProto, _ index: Int) throws {
        let target = try constant(node, index, input: 1, "shape").int64Values { error(node, index, $0) }.map(Int.init)
        let features = shape.reduce(1, *)
        let allowZero = node.int("allowzero", default: 0) != 0
        // [N, −1], [0, −1] (0 copies N), [−1, features] or [n, features]: each sample flattened.
        // [N, −1] with N from Shape (``batchSymbol``), [0, −1] (0 copies N), [−1, features] or [n, features]:
        // each sample flattened.
        let batch = target.first.map { $0 == Int(Self.batchSymbol) || $0 > 0 || ($0 == 0 && !allowZero) } ?? false
        let flattens = target.count == 2 && ((target[1] == -1 && batch) || (target[1] == features && (target[0] == -1 || batch)))
        if !flattens, target.count == 3, batch || target[0] == -1, let tokens = Self.resolve(target.suffix(2), features: features),
           target[0] != -1 || !target.suffix(2).contains(-1) {
            // [N, T, F]: each sample as T tokens of F values (a transformer's tokenization).
            steps.append(.tokens(count: tokens[0], features: tokens[1]))
            tokenNode = (node.name.isEmpty ? "#\(index)" : node.name, node.opType)
            shape = tokens
            return
        }
        guard flattens else {
            throw error(node, index, "reshapes [N, \(shape.map(String.init).joined(separator: ", "))] to \(target); "
                        + "Neuromorph imports Reshape that flattens each sample ([N, -1], [0, -1] or [-1, \(features)])")
        }
        if target[0] > 0 && target[1] == -1 { notes.append("Reshape '\(node.name)' has a fixed batch size \(target[0]); imported as a flatten of each sample") }
        flatten()
    }

    // MARK: - Finishing

    mutating func finish() throws -> ImportedModel {
        if let pending = pendingPattern {
            throw ONNXImportError(file: file, node: pending.start, opType: pending.pattern.startOperator,
                                  "starts \(pending.pattern.name) pattern that the graph does not complete (\(pending.pattern.description))")
        }
        if let attention {
            throw ONNXImportError(file: file, node: attention.start, opType: "MatMul",
                                  "starts a self-attention subgraph whose output projection the graph does not reach")
        }
        try attachTransformerHead()
        if let branch = branches.values.first {
            throw ONNXImportError(file: file, node: branch.start, opType: branch.startOperator,
                                  "starts a branch from '\(branch.origin)' that no Add or Concat joins back to the chain; Neuromorph imports "
                                  + "branches only as the projection shortcut of a residual Add or as branches of a Concat (axis 1)")
        }
        guard current == outputName else {
            throw ONNXImportError(file: file, "the graph output '\(outputName)' is not the end of the operator chain ('\(current)'); "
                                  + "Neuromorph imports sequential models only")
        }
        guard !steps.isEmpty else { throw ONNXImportError(file: file, "the graph has no operator Neuromorph turns into a layer") }
        // Folding can overflow (BatchNormalization with σ² + ε = 0 or huge γ): the result must be finite.
        for (i, step) in steps.enumerated() where !step.parameters.allSatisfy({ $0.value.scalars.allSatisfy(\.isFinite) }) {
            throw ONNXImportError(file: file, "layer \(i) (\(step.blueprint.type)) has NaN or infinite weights after folding "
                                  + "BatchNormalization or bias Adds (a variance + epsilon of 0, or values beyond Float's range)")
        }
        return ImportedModel(inputShape: inputShape, steps: steps, outputSoftmax: outputSoftmax, notes: notes, opset: opset)
    }

    // MARK: - Helpers

    static func transposed(_ t: Tensor) -> Tensor {
        let (r, c) = (t.shape[0], t.shape[1])
        var out = [Float](repeating: 0, count: t.count)
        for i in 0..<r { for j in 0..<c { out[j * r + i] = t.scalars[i * c + j] } }
        return Tensor(shape: [c, r], scalars: out)
    }

    /// A bias of `[out]` from a constant of `[out]`, `[1, out]` or one value.
    static func broadcastBias(_ c: Tensor, _ out: Int, _ fail: (String) -> ONNXImportError) throws -> Tensor {
        if c.count == 1 { return Tensor(shape: [out], scalars: Array(repeating: c.scalars[0], count: out)) }
        guard c.count == out, c.shape.last == out, c.shape.dropLast().allSatisfy({ $0 == 1 }) else {
            throw fail("expected [\(out)], [1, \(out)] or a single value")
        }
        return Tensor(shape: [out], scalars: c.scalars)
    }

    static func sum(_ a: Tensor?, _ b: Tensor) -> Tensor {
        guard let a else { return b }
        return Tensor(shape: b.shape, scalars: zip(a.scalars, b.scalars).map { $0 + $1 })
    }
}
