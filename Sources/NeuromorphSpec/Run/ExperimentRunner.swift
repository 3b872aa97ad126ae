import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN
import NeuromorphAnalog

/// The data of a run, split and shaped.
public struct ExperimentData: Sendable {
    public var train: LabeledDataset
    public var validation: LabeledDataset?
    public var test: LabeledDataset
    /// Where it came from (for logs and results).
    public var source: String
}

/// Final numbers of a run, written as `results.json`.
public struct RunResults: Codable, Sendable {
    public var name: String
    public var dataSource: String
    public var trainSamples: Int
    public var testSamples: Int
    public var parameters: Int
    public var model: String
    public var epochs: [EpochMetrics]
    public var finalTest: Evaluation
    public var totalSeconds: Double
    public var threads: Int
    public var versions: [String: String]
    /// The accuracy-over-time sweep of a `hardware.inference` run (`neuromorph infer`).
    public var inference: InferenceSweepResult?
}

/// Runs an experiment spec: loads data, builds and trains the model, and writes the results
/// folder (`spec.yaml`, `metrics.csv`, `results.json`, `checkpoint/`).
public enum ExperimentRunner {
    public static let version = "0.1.0"

    /// Loads the spec's data set; errors name the folder and the files expected.
    public static func loadData(_ spec: DataSpec, seed: UInt64) throws -> ExperimentData {
        var train: LabeledDataset
        var test: LabeledDataset
        let source: String
        switch spec.dataset {
        case .fashionMNIST:
            let folder = spec.path ?? "/usr/share/datasets/fashion-mnist"
            (train, test) = try IDXImageFolder.load(URL(fileURLWithPath: folder))
            source = "Fashion-MNIST (\(folder))"
        case .idx:
            (train, test) = try IDXImageFolder.load(URL(fileURLWithPath: spec.path!))
            source = "IDX (\(spec.path!))"
        case .digits:
            if let path = spec.path {
                (train, test) = try IDXImageFolder.load(URL(fileURLWithPath: path), pixelScale: 1.0 / 16)
                source = "8×8 digits (\(path))"
            } else {
                (train, test) = try ShippedData.loadDigits()
                source = "8×8 digits (shipped copy)"
            }
        case .blobs:
            var generator = SeededGenerator(seed: seed, stream: 0x424C_4F42)   // "BLOB"
            let all = SyntheticData.gaussianBlobs(classes: 3, perClass: 400, dimension: 2, spread: 1, centreRange: 10,
                                                  generator: &generator).dataset
            let parts = all.split(validationFraction: 0.25, generator: &generator)
            (train, test) = (parts.train, parts.validation)
            source = "Gaussian blobs (generated, seed \(seed))"
        }
        train = train.flattened()
        test = test.flattened()
        if let limit = spec.trainLimit { train = train.prefix(limit) }
        if let limit = spec.testLimit { test = test.prefix(limit) }
        var validation: LabeledDataset?
        if spec.validationFraction > 0 {
            var generator = SeededGenerator(seed: seed, stream: 0x5641_4C)   // "VAL"
            let parts = train.split(validationFraction: spec.validationFraction, generator: &generator)
            train = parts.train
            validation = parts.validation
        }
        return ExperimentData(train: train, validation: validation, test: test, source: source)
    }

    /// Trains per `spec`, writing results into `output`; `log` receives progress lines.
    /// `initialWeights` loads `.npy` parameters before training; `resume` loads a whole
    /// checkpoint (parameters and layer states) and continues after the epochs it holds, so
    /// the continuation is bit-identical to an uninterrupted run (plain SGD; optimizer
    /// momentum and moment estimates are not checkpointed yet).
    /// With `sweep` and a `hardware.inference` section, the trained model is programmed and
    /// its test accuracy swept over the section's times and repeats (`inference.csv`,
    /// `inference.svg`, and `results.json`).
    public static func run(_ spec: ExperimentSpec, output: URL?, initialWeights: URL? = nil, resume: URL? = nil,
                           sweep: Bool = false, log: (String) -> Void = { print($0) }) throws -> RunResults {
        let started = Date()
        let data = try loadData(spec.data, seed: spec.training.seed)
        log("data: \(data.source): \(data.train.count) train, \(data.validation?.count ?? 0) validation, \(data.test.count) test")
        var (model, outputShape) = try ModelBuilder.build(spec.model, dataShape: data.train.featureShape, seed: spec.training.seed,
                                                          analog: spec.hardware.analog)
        guard outputShape == [data.train.classCount] || (outputShape.count == 1 && outputShape[0] >= data.train.classCount) else {
            throw SpecError(path: "model.layers", "the model outputs \(outputShape) per sample but the data has \(data.train.classCount) classes")
        }
        if let inference = spec.hardware.inference {
            // Layers become PCM inference layers: trained with the periphery in the loop
            // (and HWA weight noise if configured), later programmed and read over time.
            model = AnalogInference.convert(model, periphery: inference.periphery, training: inference.training,
                                            seed: spec.training.seed)
            AnalogInference.calibrateInputRanges(&model, inputs: data.train.inputs.gatherRows(0..<Swift.min(1000, data.train.count)))
            log("inference: PCM γ = \(inference.noiseModel.programmingNoiseScale), \(inference.periphery), \(inference.training)")
        }
        if let initialWeights {
            try Checkpoint.loadParameters(into: &model, from: initialWeights)
            log("initial weights: \(initialWeights.path)")
        }
        var startEpoch = 0
        if let resume {
            startEpoch = try Checkpoint.load(into: &model, from: resume).epoch
            log("resuming from \(resume.path) after epoch \(startEpoch)")
        }
        let parameterCount = model.parameterCount()
        log("model: \(model.summary) (\(parameterCount) parameters)")
        let loss = spec.training.loss.loss
        var configuration = TrainingConfiguration(
            epochs: spec.training.epochs, batchSize: spec.training.batchSize,
            schedule: spec.training.schedule.schedule(epochs: spec.training.epochs), seed: spec.training.seed,
            earlyStoppingPatience: spec.training.earlyStoppingPatience)
        configuration.startEpoch = startEpoch
        let train = LabeledTensors(inputs: data.train.inputs, labels: data.train.labels)
        let validation = data.validation.map { LabeledTensors(inputs: $0.inputs, labels: $0.labels) }
        let test = LabeledTensors(inputs: data.test.inputs, labels: data.test.labels)
        var csv = "epoch,learning_rate,train_loss,train_accuracy,validation_loss,validation_accuracy,test_loss,test_accuracy,train_seconds\n"
        if let output {
            try AtomicFile.write(try SpecLoader.yaml(spec), to: output.appendingPathComponent("spec.yaml"))
        }
        let onEpoch: (EpochMetrics) -> Void = { m in
            let validationText = m.validation.map { String(format: "  val %.2f %%", $0.accuracy * 100) } ?? ""
            log(String(format: "%@ epoch %2d  lr %.4g  train loss %.4f  train acc %.2f %%%@  test acc %.2f %%  %.1f s",
                       spec.name, m.epoch, m.learningRate, m.trainLoss, m.trainAccuracy * 100, validationText,
                       (m.test?.accuracy ?? 0) * 100, m.trainSeconds))
            csv += [String(m.epoch), "\(m.learningRate)", "\(m.trainLoss)", "\(m.trainAccuracy)",
                    m.validation.map { "\($0.loss)" } ?? "", m.validation.map { "\($0.accuracy)" } ?? "",
                    m.test.map { "\($0.loss)" } ?? "", m.test.map { "\($0.accuracy)" } ?? "",
                    String(format: "%.3f", m.trainSeconds)].joined(separator: ",") + "\n"
            if let output { try? AtomicFile.write(csv, to: output.appendingPathComponent("metrics.csv")) }
        }
        let history: [EpochMetrics]
        switch spec.training.optimizer.kind {
        case .sgd:
            var o = SGD(learningRate: Float(spec.training.optimizer.learningRate), momentum: Float(spec.training.optimizer.momentum),
                        weightDecay: Float(spec.training.optimizer.weightDecay), nesterov: spec.training.optimizer.nesterov)
            history = Trainer.fit(&model, optimizer: &o, loss: loss, train: train, validation: validation, test: test,
                                  configuration: configuration, label: spec.name, onEpoch: onEpoch)
        case .adam:
            var o = Adam(learningRate: Float(spec.training.optimizer.learningRate), weightDecay: Float(spec.training.optimizer.weightDecay))
            history = Trainer.fit(&model, optimizer: &o, loss: loss, train: train, validation: validation, test: test,
                                  configuration: configuration, label: spec.name, onEpoch: onEpoch)
        case .rmsprop:
            var o = RMSprop(learningRate: Float(spec.training.optimizer.learningRate), weightDecay: Float(spec.training.optimizer.weightDecay))
            history = Trainer.fit(&model, optimizer: &o, loss: loss, train: train, validation: validation, test: test,
                                  configuration: configuration, label: spec.name, onEpoch: onEpoch)
        }
        let finalTest = history.last?.test ?? Trainer.evaluate(&model, loss: loss, data: test)
        var sweepResult: InferenceSweepResult?
        if sweep, let inference = spec.hardware.inference {
            let times = try InferenceTime.parseGrid(inference.times)
            log("programming and sweeping \(times.count) times × \(inference.repeats) repeats on \(test.count) test samples")
            let inferenceSweep = InferenceSweep(noiseModel: inference.noiseModel, times: times, repeats: inference.repeats,
                                                compensation: inference.driftCompensation.settings, seed: spec.training.seed)
            let result = inferenceSweep.run(model, on: test, progress: log)
            log(result.table())
            if let output {
                try AtomicFile.write(result.csv(), to: output.appendingPathComponent("inference.csv"))
                try AtomicFile.write(result.svg(), to: output.appendingPathComponent("inference.svg"))
            }
            sweepResult = result
        }
        let results = RunResults(
            name: spec.name, dataSource: data.source, trainSamples: data.train.count, testSamples: data.test.count,
            parameters: parameterCount, model: model.summary, epochs: history, finalTest: finalTest,
            totalSeconds: Date().timeIntervalSince(started), threads: ComputeThreads.count,
            versions: ["neuromorph": version, "openblas": ComputeThreads.blasConfiguration], inference: sweepResult)
        if let output {
            try Checkpoint.save(model, spec: spec, epoch: startEpoch + history.count, to: output.appendingPathComponent("checkpoint"))
            try AtomicFile.write(try SpecLoader.json(results), to: output.appendingPathComponent("results.json"))
        }
        return results
    }

    /// Evaluates the checkpoint in `checkpoint` on the spec's test set.
    public static func evaluate(_ spec: ExperimentSpec, checkpoint: URL) throws -> (evaluation: Evaluation, data: ExperimentData) {
        let data = try loadData(spec.data, seed: spec.training.seed)
        var (model, _) = try ModelBuilder.build(spec.model, dataShape: data.test.featureShape, seed: spec.training.seed,
                                                analog: spec.hardware.analog)
        if let inference = spec.hardware.inference {
            model = AnalogInference.convert(model, periphery: inference.periphery, training: inference.training,
                                            seed: spec.training.seed)
        }
        try Checkpoint.load(into: &model, from: checkpoint)
        let test = LabeledTensors(inputs: data.test.inputs, labels: data.test.labels)
        return (Trainer.evaluate(&model, loss: spec.training.loss.loss, data: test), data)
    }
}
