import NeuromorphCore
import NeuromorphNN

/// Whole-model operations for analog inference (Spoon et al. 2021, digest §2.1: every fully
/// connected layer on PCM tiles, everything else digital): convert a trained digital model,
/// build one directly, calibrate the DAC ranges, program every analog layer, and read them
/// all at an inference time.
///
/// Models are walked with ``LayerTree/walk(_:path:_:)`` through every `LayerContainer` at
/// any depth, and each leaf is known by its dotted path (`3.blocks.0.attention.query`); the
/// random streams of conversion and programming are named by that path, so adding a layer
/// leaves every other layer's numbers unchanged. Layers that are not containers or known
/// leaves stay digital.
public enum AnalogInference {
    // MARK: - Walking a model

    /// Calls `body` on every leaf layer of `layer` (every layer that is not a
    /// `LayerContainer`) with its dotted path (`path` prefixes them), depth first in the
    /// order of the model's parameters, letting it replace the leaf.
    public static func rewriteLeaves(_ layer: inout any Layer, path: String = "",
                                     _ body: (_ path: String, _ leaf: inout any Layer) throws -> Void) rethrows {
        try LayerTree.walk(&layer, path: path) { nodePath, node in
            if node is any LayerContainer { return }   // the walk visits its children
            try body(nodePath, &node)
        }
    }

    /// Calls `body` with the dotted path and value of every ``AnalogInferenceLinear`` of
    /// `model` (including the crossbars of ``AnalogInferenceConv2d`` layers, under the
    /// convolution's path).
    public static func forEachLayer<M: Layer>(_ model: inout M,
                                              _ body: (_ path: String, inout AnalogInferenceLinear) throws -> Void) rethrows {
        var erased: any Layer = model
        try rewriteLeaves(&erased) { path, leaf in
            if var analog = leaf as? AnalogInferenceLinear {
                leaf = PlaceholderLayer()   // drop the leaf's reference so its buffers stay unique
                defer { leaf = analog }
                try body(path, &analog)
            } else if var conv = leaf as? AnalogInferenceConv2d {
                leaf = PlaceholderLayer()
                defer { leaf = conv }
                try body(path, &conv.crossbar)
            }
        }
        model = erased as! M
    }

    /// The ``AnalogInferenceLinear`` layers of `model`, in parameter order.
    public static func layers<M: Layer>(of model: M) -> [AnalogInferenceLinear] {
        var copy = model
        var result: [AnalogInferenceLinear] = []
        forEachLayer(&copy) { _, layer in result.append(layer) }
        return result
    }

    // MARK: - Building

    /// A `LinearFactory` of ``AnalogInferenceLinear`` layers (for `TransformerClassifier`,
    /// `TransformerEncoderBlock`, …): draws the same initial weights as
    /// `LinearFactories.digital` from the same generator.
    public static func factory(periphery: InferencePeriphery = .paper,
                               training: HardwareAwareTraining = .standard) -> LinearFactory {
        { inputFeatures, outputFeatures, generator in
            AnalogInferenceLinear(inputFeatures, outputFeatures, periphery: periphery, training: training,
                                  generator: &generator)
        }
    }

    /// `model` with every digital `Linear` replaced by an ``AnalogInferenceLinear`` (and every
    /// `Conv2d` by an ``AnalogInferenceConv2d``) with the same weights and bias (`γ = 1`, input range calibrated on the first batch it sees or
    /// by ``calibrateInputRanges(_:inputs:)``). Existing analog-inference layers get the
    /// given periphery and training settings only if `reconfigure` is true.
    public static func convert<M: Layer>(_ model: M, periphery: InferencePeriphery = .paper,
                                         training: HardwareAwareTraining = .standard, seed: UInt64 = 0,
                                         reconfigure: Bool = false) -> M {
        var erased: any Layer = model
        rewriteLeaves(&erased) { path, leaf in
            if let linear = leaf as? Linear {
                leaf = AnalogInferenceLinear(linear, periphery: periphery, training: training,
                                             generator: SeededGenerator(seed: seed, key: StreamKey("convert", path)))
            } else if let conv = leaf as? Conv2d {
                leaf = AnalogInferenceConv2d(conv, periphery: periphery, training: training,
                                             generator: SeededGenerator(seed: seed, key: StreamKey("convert", path)))
            } else if reconfigure, var analog = leaf as? AnalogInferenceLinear {
                analog.reconfigure(periphery: periphery, training: training)
                leaf = analog
            } else if reconfigure, var conv = leaf as? AnalogInferenceConv2d {
                conv.crossbar.reconfigure(periphery: periphery, training: training)
                leaf = conv
            }
        }
        return erased as! M
    }

    /// `model` with every ``AnalogInferenceLinear`` / ``AnalogInferenceConv2d`` turned back into
    /// its digital twin (``AnalogInferenceLinear/digitalLinear``, ``AnalogInferenceConv2d/digitalConv2d``).
    public static func digital<M: Layer>(_ model: M) -> M {
        var erased: any Layer = model
        rewriteLeaves(&erased) { _, leaf in
            if let analog = leaf as? AnalogInferenceLinear { leaf = analog.digitalLinear }
            if let conv = leaf as? AnalogInferenceConv2d { leaf = conv.digitalConv2d }
        }
        return erased as! M
    }

    // MARK: - Using

    /// Sets the input range of every analog layer from the activations it sees when
    /// `inputs` (e.g. a training batch) runs through `model` (digest §2.4 step 1:
    /// "initialized from example data").
    public static func calibrateInputRanges<M: Layer>(_ model: inout M, inputs: Tensor) {
        forEachLayer(&model) { _, layer in layer.inputRangeIsCalibrated = false }
        _ = model.forward(inputs, mode: .inference)
    }

    /// Programs every analog layer onto `noiseModel` devices; the layer at path `p` uses
    /// stream `program/p` of `seed`.
    public static func program<M: Layer, Model: InferenceNoiseModel>(_ model: inout M, noiseModel: Model, seed: UInt64) {
        forEachLayer(&model) { path, layer in
            var generator = SeededGenerator(seed: seed, key: StreamKey("program", path))
            layer.program(noiseModel, generator: &generator)
        }
    }

    /// Reads every programmed analog layer at `time` and sets whether the drift
    /// compensation factor is applied.
    public static func read<M: Layer>(_ model: inout M, at time: InferenceTime, compensatesDrift: Bool = true) {
        forEachLayer(&model) { _, layer in
            layer.compensatesDrift = compensatesDrift
            if layer.isProgrammed { layer.read(at: time) }
        }
    }

    /// Sets whether every analog layer applies its drift compensation factor (no new read).
    public static func setDriftCompensation<M: Layer>(_ model: inout M, _ enabled: Bool) {
        forEachLayer(&model) { _, layer in layer.compensatesDrift = enabled }
    }

    /// Sets the hardware-aware training settings of every analog layer.
    public static func setTraining<M: Layer>(_ model: inout M, _ training: HardwareAwareTraining) {
        forEachLayer(&model) { _, layer in layer.training = training }
    }
}

extension AnalogInferenceLinear {
    /// Replaces the periphery (re-splitting the tiles) and training settings; forgets any
    /// programmed state.
    public mutating func reconfigure(periphery: InferencePeriphery, training: HardwareAwareTraining) {
        var replacement = AnalogInferenceLinear(digitalLinearKeepingScale, periphery: periphery, training: training,
                                                generator: generator)
        replacement.outputScale = outputScale
        replacement.inputRange = inputRange
        replacement.inputRangeIsCalibrated = inputRangeIsCalibrated
        replacement.compensatesDrift = compensatesDrift
        replacement.readNoise = readNoise
        self = replacement
    }

    /// A `Linear` with exactly this layer's `W` and bias (γ not folded in).
    var digitalLinearKeepingScale: Linear {
        var g = SeededGenerator(seed: 0)
        var linear = Linear(inputFeatures, outputFeatures, bias: bias != nil, generator: &g)
        linear.weight.value = weight.value
        if let bias { linear.bias!.value = bias.value }
        return linear
    }
}

/// Stands in for a leaf while it is being rewritten (never runs).
struct PlaceholderLayer: Layer {
    var summary: String { "placeholder" }
    mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor { input }
    mutating func backward(_ outputGradient: Tensor) -> Tensor { outputGradient }
}
