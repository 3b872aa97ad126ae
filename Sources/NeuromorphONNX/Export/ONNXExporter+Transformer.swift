import Foundation
import NeuromorphCore
import NeuromorphNN

extension ONNXExporter {
    /// Writes a ``TransformerClassifier`` (rows tokenization, float attention) as the operators
    /// PyTorch 2.10 writes for the same module at opset 17 (benchmarks/onnx/export_goldens.py
    /// `TransformerNet`), which ``ONNXImporter`` reads back:
    ///
    /// ```
    /// Reshape [0, T, F] → MatMul W_Eᵀ → Add b_E → Add E_pos
    /// per block: LayerNormalization → Q, K, V: MatMul + Add → Reshape [0, T, H, d_h] → Transpose (0,2,1,3) (K: (0,2,3,1))
    ///            → MatMul(Q, Kᵀ) → Div √d_h → Softmax(−1) → MatMul(·, V) → Transpose (0,2,1,3) → Reshape [0, T, d]
    ///            → MatMul W_Oᵀ → Add b_O → Add(x, ·);  LayerNormalization → MatMul W₁ᵀ + b₁ → tanh GELU (9 operators)
    ///            → MatMul W₂ᵀ + b₂ → Add(h, ·)
    /// LayerNormalization → ReduceMean (axes [1], keepdims 0) → Gemm head
    /// ```
    /// Weight layers on analog tiles are written with their effective weights. Returns the
    /// output tensor's name.
    static func emitTransformer(_ layer: any Layer, input: String, name: String, path: String,
                                graph: inout Onnx_GraphProto) throws -> String {
        guard let model = layer as? TransformerClassifier else {
            throw ONNXExportError(layer: path, "\(layer.summary) is not a transformer classifier")
        }
        let c = model.configuration
        guard c.attentionBits == nil else {
            throw ONNXExportError(layer: path, "INT\(c.attentionBits ?? 0) attention has no ONNX form in the exported set; "
                                  + "exportable: float attention (no attention_bits)")
        }
        guard case .rows = c.tokenization, c.channels == 1 else {
            throw ONNXExportError(layer: path, "only the rows tokenization of one-channel images is exported (patch: 0, 1 channel)")
        }
        var writer = GraphWriter(graph: graph, prefix: "\(name).")
        let (t, d, h) = (c.sequenceLength, c.modelDimension, c.heads)
        let dh = d / h
        var x = writer.node("Reshape", [input, writer.ints("tokens_shape", [0, t, c.tokenFeatures])], "tokens")
        x = try writer.linear(model.embedding, x, "embedding", path: path)
        x = writer.node("Add", [x, writer.floats("positional_embedding", model.positionalEmbedding.value)], "positions")
        let sqrtHead = writer.floats("sqrt_head", Tensor([Float(Double(dh).squareRoot())]), shape: [])
        for (b, block) in model.blocks.enumerated() {
            let p = "blocks.\(b)"
            let normed = try writer.layerNorm(block.attentionNorm, x, "\(p).attention_norm", epsilon: c.layerNormEpsilon, path: path)
            func heads(_ projection: any Layer, _ role: String, perm: [Int]) throws -> String {
                let y = try writer.linear(projection, normed, "\(p).attention.\(role)", path: path)
                let split = writer.node("Reshape", [y, writer.ints("heads_shape", [0, t, h, dh])], "\(p).attention.\(role).split")
                return writer.node("Transpose", [split], "\(p).attention.\(role).heads", attributes: [attribute("perm", ints: perm)])
            }
            let q = try heads(block.attention.query, "query", perm: [0, 2, 1, 3])
            let k = try heads(block.attention.key, "key", perm: [0, 2, 3, 1])
            let v = try heads(block.attention.value, "value", perm: [0, 2, 1, 3])
            let scores = writer.node("Div", [writer.node("MatMul", [q, k], "\(p).attention.qk"), sqrtHead], "\(p).attention.scores")
            let probabilities = writer.node("Softmax", [scores], "\(p).attention.softmax", attributes: [attribute("axis", int: -1)])
            let mixed = writer.node("MatMul", [probabilities, v], "\(p).attention.mixed")
            let tokensMajor = writer.node("Transpose", [mixed], "\(p).attention.merge", attributes: [attribute("perm", ints: [0, 2, 1, 3])])
            let merged = writer.node("Reshape", [tokensMajor, writer.ints("model_shape", [0, t, d])], "\(p).attention.merged")
            let attended = try writer.linear(block.attention.output, merged, "\(p).attention.output", path: path)
            x = writer.node("Add", [x, attended], "\(p).attention.residual")
            let normed2 = try writer.layerNorm(block.mlpNorm, x, "\(p).mlp_norm", epsilon: c.layerNormEpsilon, path: path)
            let expanded = try writer.linear(block.expand, normed2, "\(p).expand", path: path)
            let activated = writer.tanhGELU(expanded, "\(p).gelu")
            let contracted = try writer.linear(block.contract, activated, "\(p).contract", path: path)
            x = writer.node("Add", [x, contracted], "\(p).mlp.residual")
        }
        let normed = try writer.layerNorm(model.finalNorm, x, "final_norm", epsilon: c.layerNormEpsilon, path: path)
        let pooled = writer.node("ReduceMean", [normed], "mean", attributes: [attribute("axes", ints: [1]), attribute("keepdims", int: 0)])
        let (weight, bias) = try weights(of: model.head, "\(path).head")
        var gemmInputs = [pooled, writer.floats("head.weight", weight)]
        if let bias { gemmInputs.append(writer.floats("head.bias", bias)) }
        let output = writer.node("Gemm", gemmInputs, "head", attributes: [attribute("transB", int: 1)])
        graph = writer.graph
        return output
    }
}

/// Appends named nodes and initializers to a graph (tensor names `x<prefix><what>`,
/// initializers `<prefix><what>`, each constant written once).
struct GraphWriter {
    var graph: Onnx_GraphProto
    let prefix: String
    private var written: Set<String> = []

    init(graph: Onnx_GraphProto, prefix: String) {
        self.graph = graph
        self.prefix = prefix
        written = Set(graph.initializer.map(\.name))
    }

    mutating func node(_ op: String, _ inputs: [String], _ what: String, attributes: [Onnx_AttributeProto] = []) -> String {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = "\(prefix)\(what)"
        n.input = inputs
        n.output = ["x\(prefix)\(what)"]
        n.attribute = attributes
        graph.node.append(n)
        return n.output[0]
    }

    mutating func floats(_ what: String, _ value: Tensor, shape: [Int]? = nil) -> String {
        let name = "\(prefix)\(what)"
        if written.insert(name).inserted { graph.initializer.append(Onnx_TensorProto(name: name, float: value, shape: shape)) }
        return name
    }

    mutating func ints(_ what: String, _ values: [Int]) -> String {
        let name = "\(prefix)\(what)"
        if written.insert(name).inserted { graph.initializer.append(Onnx_TensorProto(name: name, int64: values.map(Int64.init))) }
        return name
    }

    /// `MatMul(x, Wᵀ)` then `Add b`, as PyTorch writes `nn.Linear` on a sequence.
    mutating func linear(_ layer: any Layer, _ x: String, _ what: String, path: String) throws -> String {
        let (weight, bias) = try ONNXExporter.weights(of: layer, "\(path).\(what)")
        let product = node("MatMul", [x, floats("\(what).weight_t", GraphWalk.transposed(weight))], "\(what).matmul")
        guard let bias else { return product }
        return node("Add", [product, floats("\(what).bias", bias)], what)
    }

    mutating func layerNorm(_ norm: LayerNorm, _ x: String, _ what: String, epsilon: Float, path: String) throws -> String {
        var values: [String: Tensor] = [:]
        var copy = norm
        copy.forEachParameter { values[$0.name] = $0.value }
        guard let weight = values["weight"], let bias = values["bias"] else {
            throw ONNXExportError(layer: "\(path).\(what)", "the LayerNorm has no weight and bias")
        }
        return node("LayerNormalization", [x, floats("\(what).weight", weight), floats("\(what).bias", bias)], what,
                    attributes: [ONNXExporter.attribute("axis", int: -1), ONNXExporter.attribute("epsilon", float: epsilon)])
    }

    /// `0.5 · x · (1 + tanh(√(2/π)(x + 0.044715 x³)))` as PyTorch writes `nn.GELU(approximate='tanh')` below opset 20.
    mutating func tanhGELU(_ x: String, _ what: String) -> String {
        func scalar(_ name: String, _ value: Float) -> String { floats(name, Tensor([value]), shape: []) }
        let square = node("Mul", [x, x], "\(what).square")
        let cube = node("Mul", [x, square], "\(what).cube")
        let scaledCube = node("Mul", [cube, scalar("gelu_c", 0.044715)], "\(what).c")
        let inner = node("Add", [x, scaledCube], "\(what).inner")
        let u = node("Mul", [inner, scalar("gelu_k", Float((2 / Double.pi).squareRoot()))], "\(what).u")
        let tanh = node("Tanh", [u], "\(what).tanh")
        let onePlus = node("Add", [tanh, scalar("gelu_one", 1)], "\(what).one_plus")
        let product = node("Mul", [x, onePlus], "\(what).product")
        return node("Mul", [product, scalar("gelu_half", 0.5)], what)
    }
}
