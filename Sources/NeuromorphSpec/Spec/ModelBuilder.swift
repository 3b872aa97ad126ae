import NeuromorphCore
import NeuromorphNN

/// Builds a `Sequential` model from a `ModelSpec`, inferring each layer's input size from the
/// previous layer's output shape.
public enum ModelBuilder {
    /// The model and its per-sample output shape. `dataShape` is the shape of one sample as
    /// the data set provides it; a different `inputShape` with the same element count
    /// inserts a reshape (e.g. flat 784 → [1, 28, 28] for a CNN).
    /// With `analog`, the linear and conv layers it selects run on analog tiles.
    public static func build(_ spec: ModelSpec, dataShape: [Int], seed: UInt64,
                             analog: AnalogHardwareSpec? = nil) throws -> (model: Sequential, outputShape: [Int]) {
        if let indices = analog?.layers {
            for i in indices where !(spec.layers.indices.contains(i) && [.linear, .conv2d].contains(spec.layers[i].type)) {
                throw SpecError(path: "hardware.analog.layers",
                                "\(i) is not the index of a linear or conv2d layer in model.layers (0..<\(spec.layers.count))")
            }
        }
        func onTiles(_ i: Int) -> AnalogHardwareSpec? {
            guard let analog else { return nil }
            return analog.layers.map { $0.contains(i) } ?? true ? analog : nil
        }
        var generator = SeededGenerator(seed: spec.seed ?? seed, stream: 0x4D4F_4445_4C)   // "MODEL"
        var layers: [any Layer] = []
        var shape = spec.inputShape ?? dataShape
        if shape != dataShape {
            guard shape.reduce(1, *) == dataShape.reduce(1, *) else {
                throw SpecError(path: "model.input_shape",
                                "\(shape) has \(shape.reduce(1, *)) elements but the data's samples \(dataShape) have \(dataShape.reduce(1, *))")
            }
            layers.append(Reshape(shape))
        }
        for (i, layer) in spec.layers.enumerated() {
            let path = "model.layers[\(i)]"
            switch layer.type {
            case .linear:
                guard shape.count == 1 else {
                    throw SpecError(path: path, "a linear layer needs a flat input but receives \(shape); add {type: flatten} before it")
                }
                if let analog = onTiles(i) {
                    layers.append(try analog.linear(shape[0], layer.out!, bias: layer.bias ?? true, generator: &generator))
                } else {
                    layers.append(Linear(shape[0], layer.out!, bias: layer.bias ?? true, generator: &generator))
                }
                shape = [layer.out!]
            case .conv2d:
                guard shape.count == 3 else {
                    throw SpecError(path: path, "conv2d needs [channels, height, width] input but receives \(shape); set model.input_shape, e.g. [1, 28, 28]")
                }
                let conv = Conv2d(shape[0], layer.out!, kernelSize: layer.kernel!, stride: layer.stride ?? 1,
                                  padding: layer.padding ?? 0, bias: layer.bias ?? true, generator: &generator)
                let (h, w) = (shape[1] + 2 * conv.padding - conv.kernelSize, shape[2] + 2 * conv.padding - conv.kernelSize)
                guard h >= 0, w >= 0 else {
                    throw SpecError(path: path, "kernel \(conv.kernelSize) with padding \(conv.padding) does not fit the \(shape[1])×\(shape[2]) input")
                }
                if let analog = onTiles(i) {
                    layers.append(try analog.conv(shape[0], layer.out!, kernel: conv.kernelSize, stride: conv.stride,
                                                  padding: conv.padding, bias: layer.bias ?? true, generator: &generator))
                } else {
                    layers.append(conv)
                }
                shape = [layer.out!, h / conv.stride + 1, w / conv.stride + 1]
            case .pool:
                guard shape.count == 3 else { throw SpecError(path: path, "pooling needs [channels, height, width] input but receives \(shape)") }
                let pool = Pool2d(layer.kind ?? .max, window: layer.window!, stride: layer.stride)
                guard shape[1] >= pool.pooling.window, shape[2] >= pool.pooling.window else {
                    throw SpecError(path: path, "window \(pool.pooling.window) is larger than the \(shape[1])×\(shape[2]) input")
                }
                layers.append(pool)
                shape = [shape[0], pool.pooling.outputExtent(shape[1]), pool.pooling.outputExtent(shape[2])]
            case .flatten:
                layers.append(Flatten())
                shape = [shape.reduce(1, *)]
            case .dropout:
                layers.append(Dropout(rate: Float(layer.rate!), generator: generator.split(stream: UInt64(i))))
            case .activation:
                layers.append(Activation(layer.function!))
            case .transformer:
                let image: (c: Int, h: Int, w: Int)
                switch shape.count {
                case 3: image = (shape[0], shape[1], shape[2])
                case 1 where Int(Double(shape[0]).squareRoot()) * Int(Double(shape[0]).squareRoot()) == shape[0]:
                    let side = Int(Double(shape[0]).squareRoot())
                    image = (1, side, side)
                default:
                    throw SpecError(path: path, "a transformer needs [channels, height, width] or square flat images, got \(shape)")
                }
                let patch = layer.patch ?? 0
                if patch > 0 && (image.h % patch != 0 || image.w % patch != 0) {
                    throw SpecError(path: path + ".patch", "\(patch) does not divide the \(image.h)×\(image.w) image")
                }
                let config = TransformerConfiguration(
                    imageHeight: image.h, imageWidth: image.w, channels: image.c, tokenization: patch > 0 ? .patches(patch) : .rows,
                    modelDimension: layer.dim ?? 64, heads: layer.heads ?? 4, mlpDimension: layer.mlp ?? 128,
                    blocks: layer.blocks ?? 2, classes: layer.out ?? 10, attentionBits: layer.attentionBits)
                layers.append(TransformerClassifier(config, generator: &generator))
                shape = [config.classes]
            case .logSoftmax:
                guard shape.count == 1 else { throw SpecError(path: path, "log_softmax needs a flat input but receives \(shape)") }
                layers.append(LogSoftmax())
            }
        }
        return (Sequential(layers), shape)
    }
}
