import NeuromorphCore
import NeuromorphNN

/// A conversion step that cannot handle the model or data it was given.
public struct ConversionError: UserFacingError, Sendable, Equatable {
    /// Where: `model.layers.3`, `calibration`, …
    public let location: String
    public let message: String
    public init(location: String, _ message: String) {
        self.location = location
        self.message = message
    }
    public var description: String { "ANN→SNN conversion: \(location): \(message)" }
}

/// One fully connected layer of a ReLU network: `y = W x + b`, `W` row-major `[outputs][inputs]`.
public struct DenseLayerWeights: Sendable, Hashable {
    public var inputs: Int
    public var outputs: Int
    /// `weight[o · inputs + i]`.
    public var weight: [Float]
    /// One per output, or `nil`.
    public var bias: [Float]?

    public init(inputs: Int, outputs: Int, weight: [Float], bias: [Float]?) {
        precondition(weight.count == inputs * outputs && (bias?.count ?? outputs) == outputs,
                     "DenseLayerWeights: shapes do not match \(outputs)x\(inputs)")
        self.inputs = inputs
        self.outputs = outputs
        self.weight = weight
        self.bias = bias
    }

    /// `max |w|` over the layer.
    public var maximumMagnitude: Float { weight.reduce(0) { Swift.max($0, abs($1)) } }
}

/// The dense layers of a trained `Sequential` of `Linear` layers with ReLU between them (the
/// ANN side of ANN→SNN conversion; spiking note §1.8). The last layer's output is read out
/// without ReLU (logits); a final `LogSoftmax` is dropped since it keeps the argmax.
public struct DenseReLUNetwork: Sendable, Hashable {
    public var layers: [DenseLayerWeights]

    public init(layers: [DenseLayerWeights]) throws {
        guard !layers.isEmpty else { throw ConversionError(location: "layers", "no dense layer") }
        for l in 1..<layers.count where layers[l].inputs != layers[l - 1].outputs {
            throw ConversionError(location: "layers.\(l)", "takes \(layers[l].inputs) inputs but layer \(l - 1) gives \(layers[l - 1].outputs)")
        }
        self.layers = layers
    }

    /// Reads `Linear → ReLU → … → Linear [→ LogSoftmax]` (with `Flatten`/`Reshape` allowed
    /// anywhere on flat inputs); anything else throws ``ConversionError`` naming the layer.
    public init(_ model: Sequential) throws {
        var dense: [DenseLayerWeights] = []
        var needsReLU = false
        for (k, layer) in model.layers.enumerated() {
            let location = "model.layers.\(k)"
            switch layer {
            case let linear as Linear:
                if needsReLU { throw ConversionError(location: location, "two Linear layers without a ReLU between them") }
                dense.append(DenseLayerWeights(inputs: linear.inputFeatures, outputs: linear.outputFeatures,
                                               weight: linear.weight.value.scalars, bias: linear.bias?.value.scalars))
                needsReLU = true
            case let activation as Activation where activation.kind == .relu:
                guard needsReLU else { throw ConversionError(location: location, "a ReLU must follow a Linear layer") }
                needsReLU = false
            case is LogSoftmax where k == model.layers.count - 1:
                break
            case is Flatten, is Reshape:
                break
            default:
                throw ConversionError(location: location,
                                      "\(layer.summary) is not supported (expected Linear, ReLU, Flatten/Reshape, a final LogSoftmax)")
            }
        }
        try self.init(layers: dense)
    }

    /// Input features.
    public var inputCount: Int { layers[0].inputs }
    /// Output classes.
    public var outputCount: Int { layers[layers.count - 1].outputs }

    /// Activations of every layer for one input (ReLU on hidden layers, raw logits last).
    public func activations(_ x: [Float]) -> [[Float]] {
        var out: [[Float]] = []
        var a = x
        for (l, layer) in layers.enumerated() {
            var y = layer.bias ?? [Float](repeating: 0, count: layer.outputs)
            layer.weight.withUnsafeBufferPointer { w in
                for o in 0..<layer.outputs {
                    var s: Float = 0
                    let row = o * layer.inputs
                    for i in 0..<layer.inputs { s += w[row + i] * a[i] }
                    y[o] += s
                }
            }
            if l < layers.count - 1 { y = y.map { Swift.max($0, 0) } }
            out.append(y)
            a = y
        }
        return out
    }

    /// The class the ANN predicts (argmax of the logits, lower index on ties).
    public func predict(_ x: [Float]) -> Int {
        Readout.membraneArgmax(activations(x).last ?? []) ?? 0
    }
}
