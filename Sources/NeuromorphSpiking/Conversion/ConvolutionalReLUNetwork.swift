import NeuromorphCore
import NeuromorphNN

/// One layer of IF neurons in a converted network: a weight layer (dense or convolution), its
/// bias, and the pooling applied to its ReLU output (if any).
public struct ReLUWeightLayer: Sendable, Hashable {
    public var synapses: SourceMajorSynapses
    /// One per neuron (a convolution's channel bias repeated over its pixels), or `nil`.
    public var bias: [Float]?
    public var pooling: SpikePooling?
    /// Weights stored by the layer (a convolution's kernels, not its unrolled synapses).
    public var storedWeights: Int
    /// `"Linear(784 → 128)"`, `"Conv2d(1 → 16, 3×3, …)"`.
    public var summary: String

    public var neurons: Int { synapses.targetCount }
    /// Inputs of the next layer (after pooling).
    public var outputCount: Int { pooling?.outputCount ?? synapses.targetCount }
}

/// A trained ReLU network with dense and convolutional layers and max/average pooling, read
/// from a `Sequential` for ANN→SNN conversion (spiking note §1.8; Rueckauer et al. 2017):
///
/// ```
/// (Reshape) → [Conv2d | Linear] → ReLU → (Pool2d) → … → (Flatten) → Linear [→ LogSoftmax]
/// ```
/// `Dropout` (identity at inference) is skipped. Anything else throws ``ConversionError``
/// naming the layer. The last weight layer is read without ReLU (logits).
public struct ConvolutionalReLUNetwork: Sendable, Hashable {
    public var inputCount: Int
    public var layers: [ReLUWeightLayer]

    public init(inputCount: Int, layers: [ReLUWeightLayer]) throws {
        guard let first = layers.first else { throw ConversionError(location: "layers", "no weight layer") }
        guard first.synapses.sources == inputCount else {
            throw ConversionError(location: "layers.0", "takes \(first.synapses.sources) inputs, the data has \(inputCount)")
        }
        for l in 1..<layers.count where layers[l].synapses.sources != layers[l - 1].outputCount {
            throw ConversionError(location: "layers.\(l)", "takes \(layers[l].synapses.sources) inputs but layer \(l - 1) gives \(layers[l - 1].outputCount)")
        }
        self.inputCount = inputCount
        self.layers = layers
    }

    /// Reads `model`; `inputShape` is the per-sample shape of the data (`[784]` or
    /// `[1, 28, 28]`; a leading `Reshape` in the model overrides it).
    public init(_ model: Sequential, inputShape: [Int], maxPool: MaxPoolConversion = .gate) throws {
        var shape = inputShape
        var layers: [ReLUWeightLayer] = []
        var needsReLU = false, pooled = false
        let count = inputShape.reduce(1, *)
        for (k, layer) in model.layers.enumerated() {
            let location = "model.layers.\(k)"
            switch layer {
            case let linear as Linear:
                if needsReLU { throw ConversionError(location: location, "two weight layers without a ReLU between them") }
                let features = shape.reduce(1, *)
                guard features == linear.inputFeatures else {
                    throw ConversionError(location: location, "\(layer.summary) takes \(linear.inputFeatures) features, gets \(shape)")
                }
                layers.append(ReLUWeightLayer(
                    synapses: SourceMajorSynapses(dense: linear.weight.value.scalars, inputs: linear.inputFeatures, outputs: linear.outputFeatures),
                    bias: linear.bias?.value.scalars, pooling: nil, storedWeights: linear.inputFeatures * linear.outputFeatures,
                    summary: layer.summary))
                shape = [linear.outputFeatures]
                needsReLU = true
                pooled = false
            case let conv as Conv2d:
                if needsReLU { throw ConversionError(location: location, "two weight layers without a ReLU between them") }
                guard shape.count == 3, shape[0] == conv.inChannels else {
                    throw ConversionError(location: location, "\(layer.summary) needs [\(conv.inChannels), H, W] inputs, gets \(shape) (set model.input_shape)")
                }
                let (h, w) = (shape[1], shape[2])
                let oh = (h + 2 * conv.padding - conv.kernelSize) / conv.stride + 1
                let ow = (w + 2 * conv.padding - conv.kernelSize) / conv.stride + 1
                guard oh > 0, ow > 0 else { throw ConversionError(location: location, "kernel larger than the \(h)×\(w) input") }
                let synapses = SourceMajorSynapses(convolution: conv.weight.value.scalars, outChannels: conv.outChannels,
                                                   inChannels: conv.inChannels, height: h, width: w, kernel: conv.kernelSize,
                                                   stride: conv.stride, padding: conv.padding)
                let bias = conv.bias.map { b in (0..<conv.outChannels).flatMap { [Float](repeating: b.value.scalars[$0], count: oh * ow) } }
                layers.append(ReLUWeightLayer(synapses: synapses, bias: bias, pooling: nil,
                                              storedWeights: conv.weight.value.scalars.count, summary: layer.summary))
                shape = [conv.outChannels, oh, ow]
                needsReLU = true
                pooled = false
            case let activation as Activation where activation.kind == .relu:
                guard needsReLU else { throw ConversionError(location: location, "a ReLU must follow a Linear or Conv2d layer") }
                needsReLU = false
            case let pool as Pool2d:
                guard !needsReLU, !pooled, !layers.isEmpty else {
                    throw ConversionError(location: location, "pooling must follow the ReLU of a weight layer (one pooling per layer)")
                }
                guard shape.count == 3 else { throw ConversionError(location: location, "pooling needs [C, H, W] inputs, gets \(shape)") }
                let p = pool.pooling
                guard p.outputExtent(shape[1]) > 0, p.outputExtent(shape[2]) > 0 else {
                    throw ConversionError(location: location, "window \(p.window) larger than the \(shape[1])×\(shape[2]) input")
                }
                let spiking = SpikePooling(kind: p.kind, maxPool: maxPool, channels: shape[0], height: shape[1], width: shape[2],
                                           window: p.window, stride: p.stride)
                layers[layers.count - 1].pooling = spiking
                shape = [shape[0], spiking.outputHeight, spiking.outputWidth]
                pooled = true
            case let reshape as Reshape:
                guard reshape.sampleShape.reduce(1, *) == shape.reduce(1, *) else {
                    throw ConversionError(location: location, "reshape to \(reshape.sampleShape) does not fit \(shape)")
                }
                shape = reshape.sampleShape
            case is Flatten:
                shape = [shape.reduce(1, *)]
            case is Dropout:
                break
            case is LogSoftmax where k == model.layers.count - 1:
                break
            default:
                throw ConversionError(location: location,
                                      "\(layer.summary) is not supported (expected Linear, Conv2d, ReLU, Pool2d, Flatten/Reshape, Dropout, a final LogSoftmax)")
            }
        }
        if pooled { throw ConversionError(location: "model.layers", "the last weight layer must not be pooled (it gives the logits)") }
        try self.init(inputCount: count, layers: layers)
    }

    /// Output classes.
    public var outputCount: Int { layers[layers.count - 1].neurons }

    /// Each layer's neuron activations for one input (ReLU on hidden layers, before pooling;
    /// raw logits last).
    public func activations(_ x: [Float]) -> [[Float]] {
        var out: [[Float]] = []
        var a = x
        for (l, layer) in layers.enumerated() {
            var y = layer.synapses.apply(a)
            if let b = layer.bias { for o in y.indices { y[o] += b[o] } }
            if l < layers.count - 1 { y = y.map { Swift.max($0, 0) } }
            out.append(y)
            a = layer.pooling?.pool(y) ?? y
        }
        return out
    }

    /// The class the ANN predicts (argmax of the logits, lower index on ties).
    public func predict(_ x: [Float]) -> Int { Readout.membraneArgmax(activations(x).last ?? []) ?? 0 }
}
