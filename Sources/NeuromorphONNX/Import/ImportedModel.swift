import Foundation
import NeuromorphCore
import NeuromorphNN
import NeuromorphSpec

/// A network read from ONNX as Neuromorph layers: the per-sample input shape, the layer
/// blueprints of a `model:` section, their weights by layer index and parameter name
/// (`weight`, `bias`, in Neuromorph's layouts) and whether the ONNX graph ends in a
/// `Softmax` (which Neuromorph applies after the layers: it has no softmax layer; argmax,
/// accuracy and the cross-entropy loss of the logits are unaffected).
public struct ImportedModel: Sendable {
    public enum Step: Sendable, Equatable {
        /// `y = x Wᵀ + b`, `W` `[out, in]`.
        case linear(weight: Tensor, bias: Tensor?)
        /// `W` `[out, in/groups·k·k]` in (channel, ky, kx) order, as ``Conv2d`` (`groups > 1`:
        /// ``GroupedConvolution``, group g holding rows `g·out/groups ..< (g+1)·out/groups`).
        case conv(weight: Tensor, bias: Tensor?, kernel: Int, stride: Int, padding: Int, groups: Int)
        case pool(PoolingKind, window: Int, stride: Int)
        case flatten
        case activation(ActivationKind)
        case logSoftmax
        /// `y = body(x) + x` (an ONNX `Add` of a tensor and an earlier one of the same shape).
        case residual([Step])
        /// `y = body(x) + shortcut(x)`: an `Add` of the chain and a branch from an earlier tensor
        /// (ResNet's projection shortcut, a strided 1×1 `Conv` + BatchNormalization).
        case projectionResidual(body: [Step], shortcut: [Step])
        /// `y = [B₁(x), B₂(x), …]` on the channel axis: an ONNX `Concat` (axis 1) of tensors computed
        /// from one earlier chain tensor (an empty branch: that tensor itself).
        case concat([[Step]])
        /// Layer normalization over the last axis, `γ` (`weight`) and `β` (`bias`) of its size.
        case layerNorm(weight: Tensor, bias: Tensor, epsilon: Float)
        /// GELU, exact (erf) or its tanh approximation.
        case gelu(tanh: Bool)
        /// Neuromorph's transformer-encoder classifier (``TransformerClassifier``), recognised
        /// from its operators (``GraphWalk`` collapses the steps below into it).
        case transformer(ImportedTransformer)
        // The steps below exist only while a transformer is being read; ``GraphWalk/finish()``
        // rejects a model in which any is left outside a `transformer`.
        /// Each sample's values as `count` tokens of `features` values (`Reshape` to `[N, T, F]`).
        case tokens(count: Int, features: Int)
        /// A learned `[T, d]` tensor added to every sample (`Add` of a constant `[T, d]`).
        case positional(Tensor)
        /// Multi-head self-attention over `[N, T, d]` (``ImportedAttention``).
        case attention(ImportedAttention)
        /// The mean over the tokens (`ReduceMean` over axis 1): `[N, T, d]` → `[N, d]`.
        case meanTokens

        /// Whether this step exists only while a transformer is being read.
        var isTransformerPart: Bool {
            switch self {
            case .tokens, .positional, .attention, .meanTokens: true
            case let .residual(body): body.contains(where: \.isTransformerPart)
            case let .projectionResidual(body, shortcut): (body + shortcut).contains(where: \.isTransformerPart)
            case let .concat(branches): branches.joined().contains(where: \.isTransformerPart)
            default: false
            }
        }

        /// Rows `g·R/groups ..< (g+1)·R/groups` of `t` (`[R, …]`): group g's block.
        static func rows(_ t: Tensor, group g: Int, of groups: Int) -> Tensor {
            let rows = t.shape[0] / groups, width = t.count / t.shape[0]
            var shape = t.shape
            shape[0] = rows
            return Tensor(shape: shape, scalars: Array(t.scalars[(g * rows * width)..<((g + 1) * rows * width)]))
        }

        /// The layer blueprint of this step.
        var blueprint: LayerSpec {
            switch self {
            case let .linear(weight, bias): LayerSpec(LinearBlueprint(out: weight.shape[0], bias: bias == nil ? false : nil))
            case let .conv(weight, bias, kernel, stride, padding, groups):
                LayerSpec(Conv2dBlueprint(out: weight.shape[0], kernel: kernel, stride: stride == 1 ? nil : stride,
                                          padding: padding == 0 ? nil : padding, bias: bias == nil ? false : nil,
                                          groups: groups == 1 ? nil : groups))
            case let .pool(kind, window, stride): LayerSpec(PoolBlueprint(kind: kind, window: window, stride: stride == window ? nil : stride))
            case .flatten: .flatten
            case let .activation(kind): .activation(kind)
            case .logSoftmax: .logSoftmax
            case let .residual(body): LayerSpec(ResidualBlueprint(layers: body.map(\.blueprint)))
            case let .projectionResidual(body, shortcut):
                LayerSpec(ResidualBlueprint(layers: body.map(\.blueprint), shortcut: shortcut.map(\.blueprint)))
            case let .concat(branches): LayerSpec(ConcatBlueprint(branches: branches.map { $0.map(\.blueprint) }))
            case let .layerNorm(_, _, epsilon): LayerSpec(LayerNormBlueprint(epsilon: epsilon == 1e-5 ? nil : Double(epsilon)))
            case let .gelu(tanh): LayerSpec(GELUBlueprint(approximate: tanh ? .tanh : nil))
            case let .transformer(t): LayerSpec(t.blueprint)
            case .tokens, .positional, .attention, .meanTokens:
                preconditionFailure("GraphWalk.finish() leaves no transformer part outside a transformer")
            }
        }

        /// The parameters by name in the order the built layer visits them
        /// (``Layer/forEachParameter(_:)``: weight, bias; a residual body's layers in order).
        var parameters: [(name: String, value: Tensor)] {
            switch self {
            case let .linear(weight, bias), let .conv(weight, bias, _, _, _, 1):
                [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
            case let .conv(weight, bias, _, _, _, groups):
                (0..<groups).flatMap { g in
                    [("weight", Self.rows(weight, group: g, of: groups))] + (bias.map { [("bias", Self.rows($0, group: g, of: groups))] } ?? [])
                }
            case let .residual(body): body.flatMap(\.parameters)
            case let .projectionResidual(body, shortcut): (body + shortcut).flatMap(\.parameters)
            case let .concat(branches): branches.joined().flatMap(\.parameters)
            case let .layerNorm(weight, bias, _): [("weight", weight), ("bias", bias)]
            case let .transformer(t): t.parameters.map { ($0.name, $0.value) }
            default: []
            }
        }
    }

    /// Shape of one input sample (the graph input's dimensions after the batch).
    public var inputShape: [Int]
    public var steps: [Step]
    /// Whether the graph's last operator is `Softmax` (applied by ``predict(_:)`` after the layers).
    public var outputSoftmax: Bool
    /// What the import changed, for the user (folded BatchNormalization, dropped identities).
    public var notes: [String]
    /// The `ai.onnx` opset the file declares.
    public var opset: Int

    /// The `model:` section of an experiment spec.
    public var modelSpec: ModelSpec { ModelSpec(inputShape: inputShape, layers: steps.map(\.blueprint)) }

    /// Builds the digital model (through ``ModelBuilder``, as `neuromorph train` would) and
    /// assigns the imported weights. `dataShape` is the per-sample shape of the data the model
    /// will see (Fashion-MNIST's flat `[784]` for a `[1, 28, 28]` CNN): a different shape with
    /// the same element count inserts a reshape in front, as in a run.
    public func build(dataShape: [Int]? = nil) throws -> Sequential {
        var (model, _) = try ModelBuilder.build(modelSpec, dataShape: dataShape ?? inputShape, seed: 0)
        let offset = model.layers.count - steps.count
        for (i, step) in steps.enumerated() {
            let values = step.parameters
            var failure: String?
            var next = 0
            model.layers[offset + i].forEachParameter { parameter in
                defer { next += 1 }
                guard next < values.count, values[next].name == parameter.name, values[next].value.shape == parameter.value.shape else {
                    failure = "layer \(i) \(parameter.name): the imported weights do not fit the built \(parameter.value.shape)"
                    return
                }
                parameter.value = values[next].value
            }
            if failure == nil && next != values.count { failure = "layer \(i): \(values.count) imported weights for \(next) parameters" }
            if let failure { throw ONNXImportError(failure) }
        }
        return model
    }

    /// Runs the imported network on a batch `[N, …]` (any shape with `N` samples of the
    /// input's element count), applying the trailing softmax if the graph has one.
    public func predict(_ input: Tensor) throws -> Tensor {
        var model = try build()
        return try Self.run(&model, on: input, sampleShape: inputShape, softmax: outputSoftmax)
    }

    /// The forward pass of a built model on a batch, reshaped to `[N] + sampleShape`.
    public static func run(_ model: inout Sequential, on input: Tensor, sampleShape: [Int], softmax: Bool) throws -> Tensor {
        let perSample = sampleShape.reduce(1, *)
        guard input.rank >= 1, input.shape[0] > 0, input.count == input.shape[0] * perSample else {
            throw ONNXImportError(file: "input", "shape \(input.shape) does not hold samples of \(sampleShape) "
                                  + "(\(perSample) values each) after the batch dimension")
        }
        var output = model.forward(input.reshaped([input.shape[0]] + sampleShape), mode: .inference)
        if softmax { output = output.softmaxRows() }
        return output
    }

    /// The weights by checkpoint name (`<index>.weight`), for a model built with `dataShape`.
    public func namedWeights(dataShape: [Int]? = nil) throws -> [(name: String, value: Tensor)] {
        let model = try build(dataShape: dataShape)
        return model.namedParameters().map { ($0.name, $0.parameter.value) }
    }
}
