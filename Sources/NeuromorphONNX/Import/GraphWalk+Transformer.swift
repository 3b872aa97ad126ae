import Foundation
import NeuromorphCore
import NeuromorphNN

/// A self-attention subgraph being read: the tensor `x` `[N, T, d]` the Q, K and V projections
/// read, and what each tensor computed from it holds so far.
///
/// PyTorch writes a hand-written head split (and so Neuromorph's ``MultiHeadSelfAttention``) as
/// ```
/// Q = MatMul(x, W_Qᵀ) + b_Q  → Reshape [N, T, H, d_h] → Transpose (0, 2, 1, 3)      [N, H, T, d_h]
/// K = MatMul(x, W_Kᵀ) + b_K  → Reshape [N, T, H, d_h] → Transpose (0, 2, 3, 1)      [N, H, d_h, T]
/// V = MatMul(x, W_Vᵀ) + b_V  → Reshape [N, T, H, d_h] → Transpose (0, 2, 1, 3)      [N, H, T, d_h]
/// P = Softmax(MatMul(Q, K) / √d_h, axis −1)  → MatMul(P, V) → Transpose (0, 2, 1, 3) → Reshape [N, T, d]
/// y = MatMul(·, W_Oᵀ) + b_O
/// ```
/// The walk tags tensors instead of following one fixed node order, so the Q, K and V branches
/// may interleave, the scale may be a `Div` or a `Mul` (on the scores, or split over Q and K),
/// and Kᵀ may come from a second `Transpose (0, 1, 3, 2)`.
struct AttentionMatch {
    enum Kind: String {
        case projection = "a Q/K/V projection [N, T, d]"
        case split = "a projection split into heads [N, T, H, d_h]"
        case heads = "per-head values [N, H, T, d_h]"
        case headsTransposed = "per-head keys [N, H, d_h, T]"
        case scores = "attention scores [N, H, T, T]"
        case probabilities = "attention probabilities [N, H, T, T]"
        case context = "per-head context [N, H, T, d_h]"
        case contextTokens = "context [N, T, H, d_h]"
        case merged = "context [N, T, d]"
        case output = "the attention output [N, T, d]"
    }

    struct Value {
        var kind: Kind
        /// The projection (Q, K, V; O for `output`).
        var projection: ImportedProjection?
        var heads = 0
        /// The product of the scalars the tensor was multiplied by.
        var scale: Float = 1
        var query: ImportedProjection?
        var key: ImportedProjection?
        var value: ImportedProjection?
    }

    let x: String
    /// The node that started it (its first projection).
    let start: String
    var tags: [String: Value] = [:]
}

extension GraphWalk {
    // MARK: - Self-attention

    /// Reads the self-attention subgraph on the current tokens `[N, T, d]`. Returns whether
    /// `node` belonged to it; the node that reads the finished attention output (the residual
    /// `Add`) is left to the chain walk (returns false) after a `.attention` step is appended.
    mutating func matchAttention(_ node: Onnx_NodeProto, _ index: Int) throws -> Bool {
        if attention == nil {
            guard node.opType == "MatMul", node.input.count == 2, node.input[0] == current, shape.count == 2, tokenNode != nil, shape[1] > 0,
                  (matMulReaders[current] ?? 0) >= 2, constants[node.input[1]] != nil else { return false }
            attention = AttentionMatch(x: current, start: node.name.isEmpty ? "#\(index)" : node.name)
        }
        guard var match = attention else { return false }
        let tagged = node.input.filter { match.tags[$0] != nil }
        guard !tagged.isEmpty || node.input.contains(match.x) else { return false }
        guard let output = node.output.first, !output.isEmpty, node.output.count == 1 else {
            throw error(node, index, "has \(node.output.count) outputs inside the self-attention started at node '\(match.start)'")
        }
        let (t, d) = (shape[0], shape[1])
        func fail(_ what: String) -> ONNXImportError {
            error(node, index, "\(what); it is inside the self-attention started at node '\(match.start)', and Neuromorph recognises "
                  + "Q/K/V = MatMul + Add, Reshape [N, T, H, d_h], Transpose (0, 2, 1, 3) (keys (0, 2, 3, 1)), MatMul(Q, Kᵀ), "
                  + "Div or Mul by √d_h, Softmax (last axis), MatMul with V, Transpose (0, 2, 1, 3), Reshape [N, T, d], "
                  + "output MatMul + Add (nn.MultiheadAttention's packed in_proj is not supported)")
        }
        func scalar(_ name: String) throws -> Float? {
            guard let tensor = constants[name] else { return nil }
            let v = try tensor.floatTensor { error(node, index, $0) }
            guard v.count == 1, v.scalars[0].isFinite, v.scalars[0] != 0 else { throw fail("its constant '\(name)' is not one finite non-zero number") }
            return v.scalars[0]
        }
        // The attention output read by anything but its bias Add: the attention is complete.
        if let o = tagged.first(where: { match.tags[$0]?.kind == .output }),
           !(node.opType == "Add" && tagged.count == 1 && node.input.contains { constants[$0] != nil }) {
            try finishAttention(match.tags[o]!, node, index)
            attention = nil
            current = o
            shape = [t, d]
            currentIsWeightOutput = false
            shortcuts[o] = (steps.count, shape)
            return false
        }
        let values = tagged.map { match.tags[$0]! }
        var result: AttentionMatch.Value
        switch node.opType {
        case "MatMul":
            guard node.input.count == 2 else { throw fail("is a MatMul without two inputs") }
            if node.input[0] == match.x || values.first?.kind == .merged, tagged.count <= 1, constants[node.input[1]] != nil {
                // A projection of x (Q, K, V) or of the merged context (O): x · B, B [d, d].
                let b = try floats(node, index, input: 1, "weight B")
                guard b.rank == 2, b.shape == [d, d] else {
                    throw fail("its weight '\(node.input[1])' has shape \(b.shape); Neuromorph's attention projections are [\(d), \(d)]")
                }
                let projection = ImportedProjection(weight: Self.transposed(b), bias: nil)
                if node.input[0] == match.x {
                    result = .init(kind: .projection, projection: projection)
                } else {
                    result = values[0]
                    result.kind = .output
                    result.projection = projection
                }
            } else if tagged.count == 2, let a = match.tags[node.input[0]], let b = match.tags[node.input[1]] {
                switch (a.kind, b.kind) {
                case (.heads, .headsTransposed):
                    guard a.heads == b.heads else { throw fail("multiplies \(a.heads) query heads by \(b.heads) key heads") }
                    result = .init(kind: .scores, heads: a.heads, scale: a.scale * b.scale, query: a.projection, key: b.projection)
                case (.probabilities, .heads):
                    guard a.heads == b.heads, b.scale == 1 else { throw fail("mixes scaled or differently split values") }
                    result = a
                    result.kind = .context
                    result.value = b.projection
                default: throw fail("multiplies \(a.kind.rawValue) by \(b.kind.rawValue)")
                }
            } else {
                throw fail("multiplies tensors that are not (x or the merged context) by a constant, Q by Kᵀ, or probabilities by V")
            }
        case "Add":
            guard tagged.count == 1, node.input.count == 2, var value = match.tags[tagged[0]],
                  value.kind == .projection || value.kind == .output, let p = value.projection else {
                throw fail("adds tensors of the attention; Neuromorph reads an Add only as a projection bias")
            }
            let dataInput = node.input[0] == tagged[0] ? 0 : 1
            let c = try floats(node, index, input: 1 - dataInput, "bias")
            let add = try Self.broadcastBias(c, d) { error(node, index, "its bias has shape \(c.shape); \($0)") }
            value.projection = ImportedProjection(weight: p.weight, bias: Self.sum(p.bias, add))
            result = value
        case "Reshape":
            guard let value = values.first, tagged.count == 1, node.input.first == tagged[0] else { throw fail("reshapes a computed shape") }
            let target = try constant(node, index, input: 1, "shape").int64Values { error(node, index, $0) }.map(Int.init)
            let batch = target.first.map { $0 == Int(Self.batchSymbol) || $0 >= 0 || $0 == -1 } ?? false
            switch value.kind {
            case .projection:
                guard target.count == 4, batch, let split = Self.resolve(target.suffix(3), features: t * d), split[0] == t, d % split[1] == 0,
                      split[1] * split[2] == d else {
                    throw fail("reshapes \(value.kind.rawValue) to \(target); expected [N, \(t), H, \(d)/H]")
                }
                result = value
                result.kind = .split
                result.heads = split[1]
            case .contextTokens:
                guard target.count == 3, batch, Self.resolve(target.suffix(2), features: t * d) == [t, d] else {
                    throw fail("reshapes \(value.kind.rawValue) to \(target); expected [N, \(t), \(d)]")
                }
                result = value
                result.kind = .merged
            default: throw fail("reshapes \(value.kind.rawValue)")
            }
        case "Transpose":
            guard let value = values.first, tagged.count == 1 else { throw fail("transposes x") }
            let perm = node.ints("perm") ?? []
            switch (value.kind, perm) {
            case (.split, [0, 2, 1, 3]), (.headsTransposed, [0, 1, 3, 2]): result = value; result.kind = .heads
            case (.split, [0, 2, 3, 1]), (.heads, [0, 1, 3, 2]): result = value; result.kind = .headsTransposed
            case (.context, [0, 2, 1, 3]): result = value; result.kind = .contextTokens
            default: throw fail("transposes \(value.kind.rawValue) by \(perm)")
            }
        case "Mul", "Div":
            guard tagged.count == 1, node.input.count == 2, var value = match.tags[tagged[0]],
                  [.heads, .headsTransposed, .scores].contains(value.kind) else {
                throw fail("scales something other than Q, K or the scores")
            }
            let constantInput = node.input[0] == tagged[0] ? 1 : 0
            guard let c = try scalar(node.input[constantInput]), node.opType == "Mul" || constantInput == 1 else {
                throw fail("scales by a computed tensor or divides a constant by the attention")
            }
            value.scale *= node.opType == "Mul" ? c : 1 / c
            result = value
        case "Softmax":
            guard let value = values.first, value.kind == .scores else { throw fail("normalizes something other than the scores") }
            let axis = node.int("axis", default: -1)
            guard axis == -1 || axis == 3 else { throw fail("normalizes axis \(axis) of the [N, H, T, T] scores; expected the last (-1)") }
            let dh = Float(d / value.heads)
            guard abs(value.scale * dh.squareRoot() - 1) <= 1e-5 else {
                throw fail("scales the scores by \(value.scale); Neuromorph's attention scales them by 1/√d_h = \(1 / dh.squareRoot())")
            }
            result = value
            result.kind = .probabilities
        default:
            throw fail("reads \(node.input.contains(match.x) ? "the attention input" : "a tensor of the attention")")
        }
        match.tags[output] = result
        attention = match
        return true
    }

    /// Appends the `.attention` step of a complete subgraph; `node` is the one reading its output.
    mutating func finishAttention(_ value: AttentionMatch.Value, _ node: Onnx_NodeProto, _ index: Int) throws {
        guard let q = value.query, let k = value.key, let v = value.value, let o = value.projection else {
            throw error(node, index, "reads an attention output that lacks a query, key, value or output projection")
        }
        steps.append(.attention(ImportedAttention(heads: value.heads, query: q, key: k, value: v, output: o)))
        notes.append("MatMul '\(attention?.start ?? "")' … imported as multi-head self-attention with \(value.heads) heads")
    }

    // MARK: - Tokens

    /// `Add` of a constant `[T, d]` (or `[1, T, d]`) to the tokens: a positional embedding.
    mutating func positional(_ node: Onnx_NodeProto, _ index: Int, dataInput: Int) throws -> Bool {
        guard shape.count == 2, node.input.count == 2, let c = constants[node.input[1 - dataInput]] else { return false }
        let dims = c.dims.map(Int.init)
        guard dims.count >= 2, Array(dims.suffix(2)) == shape, dims.dropLast(2).allSatisfy({ $0 == 1 }) else { return false }
        let p = try floats(node, index, input: 1 - dataInput, "positional embedding")
        steps.append(.positional(Tensor(shape: shape, scalars: p.scalars)))
        return true
    }

    /// `ReduceMean` over the tokens (axis 1, `keepdims = 0`): ends a transformer encoder, whose
    /// steps since the tokenization become one `.transformer` step (its head follows).
    mutating func meanTokens(_ node: Onnx_NodeProto, _ index: Int) throws {
        var axes = node.ints("axes")
        if opset >= 18, node.input.count > 1, !node.input[1].isEmpty {
            axes = try constant(node, index, input: 1, "axes").int64Values { error(node, index, $0) }.map(Int.init)
        }
        let keepDims = node.int("keepdims", default: 1)
        guard shape.count == 2, axes == [1] || axes == [-2], keepDims == 0 else {
            throw error(node, index, "averages axes \(axes.map { "\($0)" } ?? "all") of [N, \(shape.map(String.init).joined(separator: ", "))] "
                        + "with keepdims = \(keepDims); Neuromorph reads ReduceMean only as the mean over the tokens of a transformer "
                        + "(axes [1] of [N, T, d], keepdims = 0)")
        }
        steps.append(.meanTokens)
        shape = [shape[1]]
        let name = node.name.isEmpty ? "#\(index)" : node.name
        guard let first = steps.firstIndex(where: { if case .tokens = $0 { true } else { false } }) else {
            throw error(node, index, "averages tokens that no Reshape to [N, T, F] made")
        }
        guard first == 0 else {
            throw error(node, index, "ends a transformer encoder that follows \(first) other layers; Neuromorph's transformer reads the "
                        + "image itself (its first operator must be the Reshape of the input to [N, T, F] tokens)")
        }
        switch ImportedTransformer.encoder(steps, inputShape: inputShape) {
        case let .success((blueprint, parameters)):
            steps = [.transformer(ImportedTransformer(blueprint: blueprint, parameters: parameters))]
            encoderNode = name
            notes.append("the operators from '\(tokenNode?.name ?? "")' to '\(name)' imported as a transformer encoder of "
                         + "\(blueprint.blocks ?? 0) blocks, d \(blueprint.dim ?? 0), \(blueprint.heads ?? 0) heads, MLP \(blueprint.mlp ?? 0)")
        case let .failure(mismatch):
            throw error(node, index, "ends a token sequence that does not have the layout of Neuromorph's transformer encoder "
                        + "(docs/transformer.md): \(mismatch.message)")
        }
    }

    /// Adds the linear layer after the token mean to the transformer as its head, and rejects
    /// token steps left outside a transformer.
    mutating func attachTransformerHead() throws {
        if let i = steps.firstIndex(where: { if case let .transformer(t) = $0 { t.blueprint.out == nil } else { false } }),
           case var .transformer(t) = steps[i] {
            guard i + 1 < steps.count, case let .linear(w, b) = steps[i + 1], w.shape[1] == t.blueprint.dim, w.shape[0] > 0 else {
                throw ONNXImportError(file: file, node: encoderNode, opType: "ReduceMean",
                                      "is not followed by a linear head (Gemm or MatMul on the mean-pooled tokens); Neuromorph's "
                                      + "transformer classifier ends with one")
            }
            t.blueprint.out = w.shape[0]
            t.parameters += [.init(name: "weight", value: w), .init(name: "bias", value: b ?? .zeros([w.shape[0]]))]
            steps[i] = .transformer(t)
            steps.remove(at: i + 1)
        }
        if steps.contains(where: \.isTransformerPart) {
            throw ONNXImportError(file: file, node: tokenNode?.name, opType: tokenNode?.opType,
                                  "makes tokens [N, T, F] that do not end in a ReduceMean over the tokens; Neuromorph imports token "
                                  + "sequences only as its transformer classifier (embedding, encoder blocks, LayerNorm, mean, head)")
        }
    }

    /// `dims` with at most one −1 resolved so that their product is `features`; nil if impossible.
    static func resolve<C: Collection>(_ dims: C, features: Int) -> [Int]? where C.Element == Int {
        let dims = Array(dims)
        guard dims.filter({ $0 == -1 }).count <= 1, dims.allSatisfy({ $0 > 0 || $0 == -1 }) else { return nil }
        let known = dims.filter { $0 > 0 }.reduce(1, *)
        guard known > 0, features % known == 0 else { return nil }
        let resolved = dims.map { $0 == -1 ? features / known : $0 }
        return resolved.reduce(1, *) == features && resolved.allSatisfy({ $0 > 0 }) ? resolved : nil
    }
}
