import NeuromorphCore
import NeuromorphNN
import NeuromorphLearning

/// The experiments `neuromorph demo` runs, as spec values (`examples/*.yaml` hold the same
/// specs as files; a test keeps the two equal).
public enum ExperimentPresets {
    /// MLP 784-256-128-10 on Fashion-MNIST (ReLU, SGD with Nesterov momentum, cosine schedule).
    public static var fashionMLP: ExperimentSpec { ExperimentSpec(
        name: "fashion-mlp",
        data: DataSpec(dataset: .fashionMNIST),
        model: ModelSpec(layers: [.linear(256), .activation(.relu), .linear(128), .activation(.relu), .linear(10)]),
        training: TrainingSpec(loss: .crossEntropy,
                               optimizer: .sgd(learningRate: 0.05, momentum: 0.9, nesterov: true),
                               schedule: ScheduleSpec(kind: .cosine), epochs: 15, batchSize: 64, seed: 0)) }

    /// A small CNN on Fashion-MNIST: two conv + max-pool blocks and one hidden FC layer.
    public static var fashionCNN: ExperimentSpec { ExperimentSpec(
        name: "fashion-cnn",
        data: DataSpec(dataset: .fashionMNIST),
        model: ModelSpec(inputShape: [1, 28, 28], layers: [
            .conv2d(16, kernel: 3, padding: 1), .activation(.relu), .pool(.max, window: 2),
            .conv2d(32, kernel: 3, padding: 1), .activation(.relu), .pool(.max, window: 2),
            .flatten, .linear(128), .activation(.relu), .linear(10),
        ]),
        training: TrainingSpec(loss: .crossEntropy,
                               optimizer: .sgd(learningRate: 0.05, momentum: 0.9, nesterov: true),
                               schedule: ScheduleSpec(kind: .cosine), epochs: 8, batchSize: 64, seed: 0)) }

    /// The W1/W2 workload of `shared/peers/aihwkit_*.py`: MLP 784-256-128-10, sigmoid
    /// hidden, log-softmax output, NLL, plain SGD lr 0.1, batch 64.
    public static var aihwkitW2: ExperimentSpec { ExperimentSpec(
        name: "fashion-mlp-w2",
        data: DataSpec(dataset: .fashionMNIST),
        model: ModelSpec(layers: [.linear(256), .activation(.sigmoid), .linear(128), .activation(.sigmoid), .linear(10),
                                  .logSoftmax]),
        training: TrainingSpec(loss: .nll, optimizer: .sgd(learningRate: 0.1), epochs: 10, batchSize: 64)) }

    /// W2 on analog tiles, one preset per aihwkit configuration of `aihwkit_fashion.py`:
    /// `fp_tile` (perfect periphery, float update), `constant_step`, `soft_bounds`.
    public static func aihwkitW2Analog(_ device: AnalogDeviceChoice, name: String, perfect: Bool = false) -> ExperimentSpec {
        var spec = aihwkitW2
        spec.name = "fashion-mlp-w2-\(name)"
        var analog = AnalogHardwareSpec(device: device)
        if perfect {
            analog.forward = .perfect
            analog.backward = .perfect
            analog.update.pulseType = .float
        }
        spec.hardware.analog = analog
        return spec
    }

    /// The MLP of the W1 workload (ReLU) for PCM inference (Spoon et al. 2021 pipeline):
    /// trained with the 8-bit DAC / 10-bit ADC periphery, then programmed and swept over a
    /// month; `hwa` adds forward PCM programming noise during training.
    public static func fashionMLPPCM(hwa: Bool) -> ExperimentSpec {
        var spec = fashionMLP
        spec.name = hwa ? "fashion-mlp-pcm-hwa" : "fashion-mlp-pcm"
        spec.training.epochs = 8
        spec.hardware.inference = InferenceHardwareSpec(hwaNoise: hwa ? 1 : nil)
        return spec
    }

    /// The small transformer of issue 5 §7 (28 row tokens, d 64, 2 blocks × 4 heads, MLP 128)
    /// on Fashion-MNIST for PCM inference, with float or INT-k attention.
    public static func fashionTransformerPCM(attentionBits: Int? = nil, hwa: Bool = false) -> ExperimentSpec {
        ExperimentSpec(
            name: "fashion-transformer-pcm" + (attentionBits.map { "-int\($0)" } ?? "") + (hwa ? "-hwa" : ""),
            data: DataSpec(dataset: .fashionMNIST),
            model: ModelSpec(inputShape: [1, 28, 28], layers: [.transformer(TransformerBlueprint(
                out: 10, dim: 64, heads: 4, mlp: 128, blocks: 2, patch: 0, attentionBits: attentionBits))]),
            training: TrainingSpec(loss: .crossEntropy, optimizer: .adam(learningRate: 0.002),
                                   schedule: ScheduleSpec(kind: .cosine), epochs: 3, batchSize: 64, seed: 0),
            hardware: HardwareSpec(inference: InferenceHardwareSpec(hwaNoise: hwa ? 1 : nil)))
    }

    // MARK: - Equilibrium Propagation (issue 14; docs/learning-rules-ep.md)

    /// The scaled EP experiments of Laborieux et al. 2021 as experiment specs
    /// (`training.procedure: equilibrium_propagation`), the settings of `neuromorph ep --preset`:
    /// `ep-digits-mlp` (seconds), `ep-digits-conv`, `ep-digits-conv-kp-vf` (KP-VF, λ = 1e-2),
    /// `ep-mnist-mlp` (≥ 88 % row), `ep-mnist-deep-mlp` (symmetric vs one-sided row),
    /// `ep-mnist-conv` (≥ 90 % row), `ep-fashion-conv`. mnist-5k is read from `../shared/data/mnist-5k`.
    public static var equilibriumPropagation: [ExperimentSpec] {
        func ep(_ name: String, _ data: DataSpec, _ shape: [Int]?, _ layers: [LayerSpec], loss: LossKind,
                optimizer: OptimizerSpec, cosine: Bool, epochs: Int, batch: Int, _ procedure: EquilibriumPropagationSpec) -> ExperimentSpec {
            ExperimentSpec(name: name, data: data, model: ModelSpec(inputShape: shape, layers: layers),
                           training: TrainingSpec(loss: loss, optimizer: optimizer,
                                                  schedule: cosine ? ScheduleSpec(kind: .cosine, minimum: 1e-5) : ScheduleSpec(),
                                                  epochs: epochs, batchSize: batch, seed: 1,
                                                  procedure: ProcedureSpec(equilibriumPropagation: procedure)))
        }
        let mnist = DataSpec(dataset: .idx, path: "../shared/data/mnist-5k")
        let digitsConv: [LayerSpec] = [.conv2d(8, kernel: 3, padding: 1), .pool(.max, window: 2),
                                       .conv2d(16, kernel: 3, padding: 1), .pool(.max, window: 2), .flatten, .linear(10)]
        let mnistConv: [LayerSpec] = [.conv2d(16, kernel: 5), .pool(.max, window: 2), .conv2d(32, kernel: 5), .pool(.max, window: 2),
                                      .flatten, .linear(10)]
        let convSGD = OptimizerSpec.sgd(learningRate: 0.05, momentum: 0.9, weightDecay: 3e-4)
        return [
            ep("ep-digits-mlp", DataSpec(dataset: .digits), nil, [.linear(32), .linear(10)], loss: .mse,
               optimizer: .sgd(learningRate: 0.1, momentum: 0.5), cosine: false, epochs: 5, batch: 20,
               EquilibriumPropagationSpec(beta: 0.5, freeSteps: 20, nudgedSteps: 6, learningRates: [0.2, 0.1], activation: .mySigmoid)),
            ep("ep-digits-conv", DataSpec(dataset: .digits), [1, 8, 8], digitsConv, loss: .crossEntropy,
               optimizer: convSGD, cosine: true, epochs: 10, batch: 32,
               EquilibriumPropagationSpec(beta: 1, freeSteps: 40, nudgedSteps: 10, learningRates: [0.25, 0.15, 0.05], activation: .myHardSig)),
            ep("ep-digits-conv-kp-vf", DataSpec(dataset: .digits), [1, 8, 8], digitsConv, loss: .crossEntropy,
               optimizer: .sgd(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-2), cosine: true, epochs: 10, batch: 32,
               EquilibriumPropagationSpec(estimator: .kpvf, beta: 1, freeSteps: 40, nudgedSteps: 10, learningRates: [0.25, 0.15, 0.05],
                                          activation: .myHardSig)),
            ep("ep-mnist-mlp", mnist, nil, [.linear(512), .linear(10)], loss: .mse,
               optimizer: .sgd(learningRate: 0.04), cosine: false, epochs: 10, batch: 50,
               EquilibriumPropagationSpec(beta: 0.5, freeSteps: 30, nudgedSteps: 10, learningRates: [0.08, 0.04], activation: .mySigmoid)),
            ep("ep-mnist-deep-mlp", mnist, nil, [.linear(256), .linear(256), .linear(256), .linear(10)], loss: .mse,
               optimizer: .sgd(learningRate: 0.02), cosine: false, epochs: 10, batch: 50,
               EquilibriumPropagationSpec(beta: 1, freeSteps: 100, nudgedSteps: 20, learningRates: [0.2, 0.1, 0.05, 0.02],
                                          activation: .mySigmoid)),
            ep("ep-mnist-conv", mnist, [1, 28, 28], mnistConv, loss: .crossEntropy, optimizer: convSGD, cosine: true, epochs: 5, batch: 32,
               EquilibriumPropagationSpec(beta: 1, freeSteps: 100, nudgedSteps: 15, learningRates: [0.25, 0.15, 0.05], activation: .myHardSig)),
            ep("ep-fashion-conv", DataSpec(dataset: .fashionMNIST), [1, 28, 28], mnistConv, loss: .crossEntropy, optimizer: convSGD,
               cosine: true, epochs: 5, batch: 32,
               EquilibriumPropagationSpec(beta: 1, freeSteps: 100, nudgedSteps: 15, learningRates: [0.25, 0.15, 0.05], activation: .myHardSig)),
        ]
    }

    /// Every preset by name.
    public static var all: [String: ExperimentSpec] {
        let analog = [aihwkitW2Analog(.ideal, name: "fp-tile", perfect: true), aihwkitW2Analog(.constantStep, name: "constant-step"),
                      aihwkitW2Analog(.softBounds, name: "soft-bounds")]
        var presets = [fashionMLP.name: fashionMLP, fashionCNN.name: fashionCNN, aihwkitW2.name: aihwkitW2]
        let inference = [fashionMLPPCM(hwa: false), fashionMLPPCM(hwa: true), fashionTransformerPCM(),
                         fashionTransformerPCM(attentionBits: 8), fashionTransformerPCM(attentionBits: 6),
                         fashionTransformerPCM(hwa: true)]
        for spec in analog + inference + equilibriumPropagation { presets[spec.name] = spec }
        return presets
    }

    /// The same experiment on the shipped 8×8 digits (the demo's fallback when Fashion-MNIST
    /// is not installed): the data set changes, convolutions see 1×8×8 images, and the
    /// epochs grow since the set is 40× smaller.
    public static func onShippedDigits(_ spec: ExperimentSpec) -> ExperimentSpec {
        var copy = spec
        copy.name = spec.name.replacingOccurrences(of: "fashion", with: "digits")
        copy.data = DataSpec(dataset: .digits)
        if copy.model.inputShape != nil { copy.model.inputShape = [1, 8, 8] }
        copy.training.epochs = spec.training.epochs * 4
        return copy
    }
}
