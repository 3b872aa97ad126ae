import NeuromorphCore
import NeuromorphNN

/// Builds a `Sequential` model from a `ModelSpec` by asking each layer's registered
/// blueprint (`LayerRegistry`) for its output shape and layer; no layer kind is named
/// here.
public enum ModelBuilder {
    /// The model and its per-sample output shape. `dataShape` is the shape of one sample as
    /// the data set provides it; a different `inputShape` with the same element count
    /// inserts a reshape (e.g. flat 784 → [1, 28, 28] for a CNN).
    /// With `analog`, the weight layers it selects (all, or those in `analog.layers`) run
    /// on analog tiles, including the fully connected layers inside a transformer.
    /// `inputFields` are the value counts of categorical input fields (ratings data).
    public static func build(_ spec: ModelSpec, dataShape: [Int], seed: UInt64, analog: AnalogHardwareSpec? = nil,
                             inputFields: [Int]? = nil) throws -> (model: Sequential, outputShape: [Int]) {
        let weightKinds = [LinearBlueprint.type, Conv2dBlueprint.type, TransformerBlueprint.type]
        if let indices = analog?.layers {
            for i in indices where !(spec.layers.indices.contains(i) && weightKinds.contains(spec.layers[i].type)) {
                throw SpecError(path: "hardware.analog.layers",
                                "\(i) is not the index of a \(weightKinds.joined(separator: ", ")) layer in model.layers (0..<\(spec.layers.count))")
            }
        }
        let modelSeed = spec.seed ?? seed
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
            var hardware: any WeightLayerFactory = DigitalWeightLayers()
            if let analog, analog.layers?.contains(i) ?? true { hardware = AnalogWeightLayers(spec: analog) }
            var context = LayerBuildContext(path: "model.layers[\(i)]", index: i, seed: modelSeed, hardware: hardware,
                                            inputFields: i == 0 ? inputFields : nil)
            let output = try layer.blueprint.outputShape(for: shape, context: context)
            layers.append(try layer.blueprint.build(for: shape, context: &context))
            shape = output
        }
        return (Sequential(layers), shape)
    }

    /// The per-sample output shape of every layer, without building weights.
    public static func shapes(_ spec: ModelSpec, dataShape: [Int], inputFields: [Int]? = nil) throws -> [[Int]] {
        var shape = spec.inputShape ?? dataShape
        var result: [[Int]] = []
        for (i, layer) in spec.layers.enumerated() {
            let context = LayerBuildContext(path: "model.layers[\(i)]", index: i, seed: 0, inputFields: i == 0 ? inputFields : nil)
            shape = try layer.blueprint.outputShape(for: shape, context: context)
            result.append(shape)
        }
        return result
    }
}

/// The weight layers of a `hardware.analog` section: crossbar tiles with its device,
/// periphery and update.
struct AnalogWeightLayers: WeightLayerFactory {
    let spec: AnalogHardwareSpec
    var name: String { "hardware.analog" }

    func linear(_ inputs: Int, _ outputs: Int, bias: Bool, generator: inout SeededGenerator) throws -> any Layer {
        try spec.linear(inputs, outputs, bias: bias, generator: &generator)
    }

    func conv(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, padding: Int, bias: Bool,
              generator: inout SeededGenerator) throws -> any Layer {
        try spec.conv(inChannels, outChannels, kernel: kernel, stride: stride, padding: padding, bias: bias, generator: &generator)
    }
}
