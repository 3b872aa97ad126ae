import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN
import NeuromorphAnalog

extension LabeledDataset {
    /// The samples as training tensors (labels, or real-valued targets for regression).
    public var tensors: LabeledTensors { LabeledTensors(inputs: inputs, labels: labels) }
}

/// The data of a run, split and shaped.
public struct ExperimentData: Sendable {
    public var train: LabeledDataset
    public var validation: LabeledDataset?
    public var test: LabeledDataset
    /// Where it came from (for logs and results).
    public var source: String
    /// Real-valued targets (`[N, 1]`) of regression data, row-aligned with each part's
    /// inputs; nil for classification data. (The parts' labels are then all 0 of 1 class.)
    public var trainValues: Tensor?
    public var validationValues: Tensor?
    public var testValues: Tensor?
    /// The value counts of categorical input fields (users, items), when the inputs are
    /// index-encoded fields.
    public var inputFields: [Int]?

    /// Whether the targets are real values.
    public var isRegression: Bool { trainValues != nil }

    static func tensors(_ part: LabeledDataset, _ values: Tensor?) -> LabeledTensors {
        values.map { LabeledTensors(inputs: part.inputs, values: $0) } ?? part.tensors
    }

    public var trainTensors: LabeledTensors { Self.tensors(train, trainValues) }
    public var validationTensors: LabeledTensors? { validation.map { Self.tensors($0, validationValues) } }
    public var testTensors: LabeledTensors { Self.tensors(test, testValues) }
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
    /// Per epoch, what the model's transfer cells did (reads, threshold crossings, pulses,
    /// chopper flips); `nil` without transfer cells.
    public var transferStatistics: [TransferStatisticsRecord]? = nil
    /// The analog SWA window's averaged weights on the test set (`--swa-epochs`); `nil` without.
    public var analogSWA: AnalogSWAResult? = nil
}

/// Runs an experiment spec: loads data, builds and trains the model, and writes the results
/// folder (`spec.yaml`, `metrics.csv`, `results.json`, `report.html`, `checkpoint/`).
public enum ExperimentRunner {
    public static let version = "0.1.0"

    /// Loads the spec's data set; errors name the folder and the files expected.
    public static func loadData(_ spec: DataSpec, seed: UInt64) throws -> ExperimentData {
        if spec.dataset == .movielens { return try loadRatings(spec, seed: seed) }
        var train: LabeledDataset
        var test: LabeledDataset
        let source: String
        switch spec.dataset {
        case .fashionMNIST:
            let folder = spec.path ?? "/usr/share/datasets/fashion-mnist"
            (train, test) = try IDXImageFolder.load(URL(fileURLWithPath: folder))
            source = "Fashion-MNIST (\(folder))"
        case .idx:
            guard let path = spec.path else {
                throw SpecError(path: "data.path", "missing; dataset 'idx' needs the folder holding the four IDX files")
            }
            (train, test) = try IDXImageFolder.load(URL(fileURLWithPath: path))
            source = "IDX (\(path))"
        case .digits:
            if let path = spec.path {
                (train, test) = try IDXImageFolder.load(URL(fileURLWithPath: path), pixelScale: 1.0 / 16)
                source = "8×8 digits (\(path))"
            } else {
                (train, test) = try ShippedData.loadDigits()
                source = "8×8 digits (shipped copy)"
            }
        case .blobs:
            var generator = SeededGenerator(seed: seed, key: StreamKey("data", "blobs"))
            let all = SyntheticData.gaussianBlobs(classes: 3, perClass: 400, dimension: 2, spread: 1, centreRange: 10,
                                                  generator: &generator).dataset
            let parts = all.split(validationFraction: 0.25, generator: &generator)
            (train, test) = (parts.train, parts.validation)
            source = "Gaussian blobs (generated, seed \(seed))"
        case .movielens:
            return try loadRatings(spec, seed: seed)
        }
        train = train.flattened()
        test = test.flattened()
        if let limit = spec.trainLimit { train = train.prefix(limit) }
        if let limit = spec.testLimit { test = test.prefix(limit) }
        var validation: LabeledDataset?
        if spec.validationFraction > 0 {
            var generator = SeededGenerator(seed: seed, key: StreamKey("data", "validation-split"))
            let parts = train.split(validationFraction: spec.validationFraction, generator: &generator)
            train = parts.train
            validation = parts.validation
        }
        return ExperimentData(train: train, validation: validation, test: test, source: source)
    }

    /// MovieLens ratings as regression data: (user, item) index pairs and their ratings,
    /// split 80/20 into train and test with the seeded stream `data/test-split`, then
    /// `validation_fraction` of the training ratings held out (`data/validation-split`).
    static func loadRatings(_ spec: DataSpec, seed: UInt64) throws -> ExperimentData {
        guard let path = spec.path else {
            throw SpecError(path: "data.path", "missing; dataset 'movielens' needs the ratings file or its folder")
        }
        let ratings = try MovieLens.load(URL(fileURLWithPath: path))
        var generator = SeededGenerator(seed: seed, key: StreamKey("data", "test-split"))
        var (trainRatings, testRatings) = ratings.split(testFraction: 0.2, generator: &generator)
        if let limit = spec.trainLimit { trainRatings = trainRatings.subset(0..<Swift.min(limit, trainRatings.count)) }
        if let limit = spec.testLimit { testRatings = testRatings.subset(0..<Swift.min(limit, testRatings.count)) }
        var validationRatings: RatingsDataset?
        if spec.validationFraction > 0 {
            var validationGenerator = SeededGenerator(seed: seed, key: StreamKey("data", "validation-split"))
            let parts = trainRatings.split(testFraction: spec.validationFraction, generator: &validationGenerator)
            (trainRatings, validationRatings) = (parts.train, parts.test)
        }
        func part(_ r: RatingsDataset) -> (LabeledDataset, Tensor) {
            var pairs = [Float](repeating: 0, count: 2 * r.count)
            for k in 0..<r.count {
                pairs[2 * k] = Float(r.users[k])
                pairs[2 * k + 1] = Float(r.items[k])
            }
            let inputs = Tensor(shape: [r.count, 2], scalars: pairs)
            return (LabeledDataset(inputs: inputs, labels: [Int](repeating: 0, count: r.count), classCount: 1),
                    Tensor(shape: [r.count, 1], scalars: r.ratings))
        }
        let (train, trainValues) = part(trainRatings)
        let (test, testValues) = part(testRatings)
        let validation = validationRatings.map(part)
        return ExperimentData(train: train, validation: validation?.0, test: test,
                              source: "MovieLens (\(path), \(ratings.userCount) users × \(ratings.itemCount) items)",
                              trainValues: trainValues, validationValues: validation?.1, testValues: testValues,
                              inputFields: [ratings.userCount, ratings.itemCount])
    }

    /// Trains per `spec`, writing results into `output`; `log` receives progress lines.
    /// `initialWeights` loads `.npy` parameters before training; `resume` loads a whole
    /// checkpoint (parameters and layer states) and continues after the epochs it holds, so
    /// the continuation is bit-identical to an uninterrupted run (plain SGD; optimizer
    /// momentum and moment estimates are not checkpointed yet).
    /// With `sweep` and a `hardware.inference` section, the trained model is programmed and
    /// its test accuracy swept over the section's times and repeats (`inference.csv`,
    /// `inference.svg`, and `results.json`). With `swa`, the last epochs' analog weights are
    /// averaged from tile products and written as `swa-checkpoint/` (``AnalogSWASettings``).
    public static func run(_ spec: ExperimentSpec, output: URL?, initialWeights: URL? = nil, resume: URL? = nil,
                           sweep: Bool = false, swa: AnalogSWASettings? = nil,
                           log: (String) -> Void = { print($0) }) throws -> RunResults {
        let started = Date()
        if let output { try ResultsFolder.prepare(output) }
        let data = try loadData(spec.data, seed: spec.training.seed)
        log("data: \(data.source): \(data.train.count) train, \(data.validation?.count ?? 0) validation, \(data.test.count) test")
        if let ep = spec.training.procedure.equilibriumPropagation {  // EP relaxes its own network (issue 14)
            guard swa == nil else {
                throw ExtractionError(field: "--swa-epochs", "averages analog backprop tiles; Equilibrium Propagation runs are not supported")
            }
            guard initialWeights == nil, resume == nil else {
                throw SpecError(path: "training.procedure", "Equilibrium Propagation runs have no checkpoint: --weights and --resume are not available")
            }
            return try EquilibriumPropagationExperiment.run(spec, settings: ep, data: data, output: output, started: started, log: log)
        }
        var (model, outputShape) = try ModelBuilder.build(spec.model, dataShape: data.train.featureShape, seed: spec.training.seed,
                                                          analog: spec.hardware.analog, inputFields: data.inputFields)
        if data.isRegression {
            guard spec.training.objective.kind == .regression else {
                throw SpecError(path: "training.objective", "the data set has real-valued targets; set objective: regression")
            }
            guard outputShape == [1] else {
                throw SpecError(path: "model.layers", "the model outputs \(outputShape) per sample but the targets are single values ([1])")
            }
        } else {
            guard spec.training.objective.kind == .classification else {
                throw SpecError(path: "training.objective", "the data set has class labels; regression needs real-valued targets (e.g. dataset: movielens)")
            }
            guard outputShape == [data.train.classCount] || (outputShape.count == 1 && outputShape[0] >= data.train.classCount) else {
                throw SpecError(path: "model.layers", "the model outputs \(outputShape) per sample but the data has \(data.train.classCount) classes")
            }
        }
        if let inference = spec.hardware.inference {
            // Layers become PCM inference layers: trained with the periphery in the loop
            // (and HWA weight noise if configured), later programmed and read over time.
            model = AnalogInference.convert(model, periphery: inference.periphery, training: inference.training,
                                            seed: spec.training.seed)
            guard !AnalogInference.layers(of: model).isEmpty else {
                throw SpecError(path: "hardware.inference",
                                "the model has no linear, conv2d or transformer layer to program onto PCM tiles; add one or remove hardware.inference")
            }
            AnalogInference.calibrateInputRanges(&model, inputs: data.train.inputs.gatherRows(0..<Swift.min(1000, data.train.count)))
            log("inference: PCM γ = \(inference.noiseModel.programmingNoiseScale), \(inference.periphery), \(inference.training)")
        }
        if let initialWeights {
            try Checkpoint.loadParameters(into: &model, from: initialWeights)
            log("initial weights: \(initialWeights.path)")
        }
        let objective = spec.training.objective.objective(loss: spec.training.loss)
        var procedure = spec.training.procedure.procedure()
        var optimizer = spec.training.optimizer.blueprint.make()
        let constraints = spec.training.constraints.map(\.constraint)
        var startEpoch = 0
        if let resume {
            try Checkpoint.manifest(at: resume).checkResumable(with: spec, folder: resume)
            startEpoch = try Checkpoint.load(into: &model, from: resume).epoch
            try Checkpoint.restoreOptimizer(&optimizer, from: resume)
            log("resuming from \(resume.path) after epoch \(startEpoch)")
        }
        var swaRecorder: AnalogSWARecorder?
        if let swa {
            try swa.validate(spec, startEpoch: startEpoch, model: model)
            let resumed = try resume.flatMap { folder in
                try swa.resumedState(try Checkpoint.analogSWAState(at: folder), spec: spec, startEpoch: startEpoch, model: model,
                                     checkpoint: folder.path)
            }
            let recorder = AnalogSWARecorder(swa, spec: spec, resumed: resumed)
            log("analog SWA: epochs \(recorder.window), \(swa.productsPerEpoch) products per tile and epoch"
                + (resumed.map { " (resumed with epochs \($0.recorded.map(String.init).joined(separator: ",")) recorded)" } ?? ""))
            swaRecorder = recorder
        }
        let parameterCount = model.parameterCount()
        log("model: \(model.summary) (\(parameterCount) parameters)")
        var configuration = TrainingConfiguration(
            epochs: spec.training.epochs, batchSize: spec.training.batchSize,
            schedule: spec.training.schedule.schedule(epochs: spec.training.epochs), seed: spec.training.seed,
            earlyStoppingPatience: spec.training.earlyStoppingPatience)
        configuration.startEpoch = startEpoch
        configuration.baseLearningRate = Float(spec.training.optimizer.learningRate)
        let train = data.trainTensors
        let validation = data.validationTensors
        let test = data.testTensors
        var csv = "epoch,learning_rate,train_loss,train_accuracy,train_rmse,validation_loss,validation_accuracy,validation_rmse,"
            + "test_loss,test_accuracy,test_rmse,train_seconds\n"
        if let output, startEpoch > 0 {
            // Resuming into a folder that already holds this run's metrics (after a crash or a
            // kill): keep the rows of the epochs the checkpoint holds.
            csv += previousMetricsRows(in: output.appendingPathComponent("metrics.csv"), header: csv, through: startEpoch)
        }
        if let output {
            try AtomicFile.write(try SpecLoader.yaml(spec), to: output.appendingPathComponent("spec.yaml"))
        }
        func text(_ value: Float?) -> String { value.map { "\($0)" } ?? "" }
        let onEpoch: (EpochMetrics) -> Void = { m in
            let validationText = m.validation.map { "  val \($0.headline)" } ?? ""
            let trained = Evaluation(loss: m.trainLoss, accuracy: m.trainAccuracy, rmse: m.trainRMSE)
            log(String(format: "%@ epoch %2d  lr %.4g  train loss %.4f  train %@%@  test %@  %.1f s",
                       spec.name, m.epoch, m.learningRate, m.trainLoss, trained.headline, validationText,
                       m.test?.headline ?? "-", m.trainSeconds))
            csv += [String(m.epoch), "\(m.learningRate)", "\(m.trainLoss)", text(m.trainAccuracy), text(m.trainRMSE),
                    text(m.validation?.loss), text(m.validation?.accuracy), text(m.validation?.rmse),
                    text(m.test?.loss), text(m.test?.accuracy), text(m.test?.rmse),
                    String(format: "%.3f", m.trainSeconds)].joined(separator: ",") + "\n"
        }
        // After every epoch: the metrics so far, and a complete checkpoint (atomically) unless
        // the last save took more than a tenth of the time since it (large analog states), so
        // a diverging, failing or killed run keeps what it computed and can resume; the last
        // epoch is always saved.
        var savedEpoch = startEpoch
        var lastSave = (seconds: 0.0, finished: Date())
        func saveCheckpoint(_ epoch: Int, _ model: Sequential, _ optimizer: any Optimizer) throws {
            guard let output else { return }
            let begin = Date()
            try ResultsFolder.writing(output.appendingPathComponent("checkpoint")) {
                try Checkpoint.save(model, optimizer: optimizer, spec: spec, epoch: epoch, analogSWA: swaRecorder?.state,
                                    to: output.appendingPathComponent("checkpoint"))
            }
            savedEpoch = epoch
            lastSave = (Date().timeIntervalSince(begin), Date())
        }
        var transferTotals = TransferStatisticsRecord.totals(of: model)
        var transferStatistics: [TransferStatisticsRecord] = []
        let afterEpoch: (Int, Sequential, any Optimizer) throws -> Void = { epoch, model, optimizer in
            if let previous = transferTotals, let now = TransferStatisticsRecord.totals(of: model) {
                transferStatistics.append(now.since(previous, epoch: epoch))
                transferTotals = now
            }
            swaRecorder?.record(epoch: epoch, model: model)
            guard let output else { return }
            try ResultsFolder.writing(output.appendingPathComponent("metrics.csv")) {
                try AtomicFile.write(csv, to: output.appendingPathComponent("metrics.csv"))
            }
            if epoch == configuration.epochs || Date().timeIntervalSince(lastSave.finished) >= 10 * lastSave.seconds {
                try saveCheckpoint(epoch, model, optimizer)
            }
        }
        let history: [EpochMetrics]
        do {
            history = try fit(&model, optimizer: &optimizer, procedure: &procedure, objective: objective,
                              constraints: constraints, train: train, validation: validation, test: test,
                              configuration: configuration, label: spec.name, onEpoch: onEpoch, afterEpoch: afterEpoch)
        } catch let error as TrainingDivergedError {
            log("stopped: \(error)")
            throw error
        }
        // No epoch ran (epochs: 0, or a resume of a finished run), or early stopping ended the
        // run after an epoch that was not saved: save now, before any evaluation or sweep draws
        // from the layers' streams, so the checkpoint is the trained model's state exactly.
        if history.isEmpty || savedEpoch != startEpoch + history.count {
            try saveCheckpoint(startEpoch + history.count, model, optimizer)
        }
        let finalTest = history.last?.test ?? Trainer.evaluate(&model, objective: objective, data: test)
        var swaResult: AnalogSWAResult?
        if let swaRecorder {
            let folder = output?.appendingPathComponent("swa-checkpoint")
            var averaged = try swaRecorder.write(model: model, spec: spec, epoch: startEpoch + history.count, to: folder)
            let evaluation = Trainer.evaluate(&averaged, objective: objective, data: test)
            swaResult = AnalogSWAResult(epochs: swaRecorder.recorded, productsPerEpoch: swaRecorder.settings.productsPerEpoch,
                                        test: evaluation, checkpoint: folder?.path)
            log("analog SWA (epochs \(swaRecorder.recorded.map(String.init).joined(separator: ","))): test \(evaluation.headline) "
                + "(digital model with the averaged weights)" + (folder.map { " → \($0.path)" } ?? ""))
        }
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
            versions: ["neuromorph": version, "openblas": ComputeThreads.blasConfiguration], inference: sweepResult,
            transferStatistics: transferTotals == nil ? nil : transferStatistics, analogSWA: swaResult)
        if let output {
            try AtomicFile.write(try SpecLoader.json(results), to: output.appendingPathComponent("results.json"))
            let report = RunReport(results: results, specText: try? SpecLoader.yaml(spec))
            try AtomicFile.write(report.html(), to: output.appendingPathComponent("report.html"))
        }
        return results
    }

    /// The rows of epochs `1...epoch` of an existing `metrics.csv` with the same header (none
    /// when the file is absent or written by another version).
    static func previousMetricsRows(in file: URL, header: String, through epoch: Int) -> String {
        guard let text = try? String(contentsOf: file, encoding: .utf8), text.hasPrefix(header) else { return "" }
        return text.dropFirst(header.count).split(separator: "\n").filter { line in
            guard let first = line.split(separator: ",").first, let value = Int(first) else { return false }
            return value >= 1 && value <= epoch
        }.map { $0 + "\n" }.joined()
    }

    /// `Trainer.fit` with the runner's concrete optimizer and procedure types opened here, so
    /// the per-epoch closure sees them as existentials.
    static func fit<O: Optimizer, P: LearningProcedure>(
        _ model: inout Sequential, optimizer: inout O, procedure: inout P, objective: any Objective,
        constraints: [any WeightConstraint], train: LabeledTensors, validation: LabeledTensors?, test: LabeledTensors,
        configuration: TrainingConfiguration, label: String, onEpoch: (EpochMetrics) -> Void,
        afterEpoch: (Int, Sequential, any Optimizer) throws -> Void
    ) throws -> [EpochMetrics] {
        try Trainer.fit(&model, optimizer: &optimizer, procedure: &procedure, objective: objective, constraints: constraints,
                        train: train, validation: validation, test: test, configuration: configuration, label: label,
                        onEpoch: onEpoch, afterEpoch: { epoch, model, optimizer in try afterEpoch(epoch, model, optimizer) })
    }

    /// Evaluates the checkpoint in `checkpoint` on the spec's test set.
    public static func evaluate(_ spec: ExperimentSpec, checkpoint: URL) throws -> (evaluation: Evaluation, data: ExperimentData) {
        let data = try loadData(spec.data, seed: spec.training.seed)
        var (model, _) = try ModelBuilder.build(spec.model, dataShape: data.test.featureShape, seed: spec.training.seed,
                                                analog: spec.hardware.analog, inputFields: data.inputFields)
        if let inference = spec.hardware.inference {
            model = AnalogInference.convert(model, periphery: inference.periphery, training: inference.training,
                                            seed: spec.training.seed)
        }
        try Checkpoint.load(into: &model, from: checkpoint)
        let objective = spec.training.objective.objective(loss: spec.training.loss)
        return (Trainer.evaluate(&model, objective: objective, data: data.testTensors), data)
    }
}

/// A results folder that cannot be created or written (a missing parent that cannot be
/// made, no permission, a full disk): names the file and the reason; what earlier epochs
/// wrote is kept.
public struct ResultsWriteError: UserFacingError, Sendable, Equatable {
    public var file: String
    public var reason: String
    public var description: String {
        "cannot write \(file): \(reason); choose a writable folder with --output (files of finished epochs are kept)"
    }
}

/// Writes into a run's results folder with errors a user can act on.
enum ResultsFolder {
    /// Creates `folder` and checks that a file can be written in it, before any training.
    static func prepare(_ folder: URL) throws {
        try writing(folder) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let probe = folder.appendingPathComponent(".neuromorph-write-test-\(ProcessInfo.processInfo.processIdentifier)")
            try Data().write(to: probe)
            try FileManager.default.removeItem(at: probe)
        }
    }

    /// Runs `body`, turning a file-system error into a ``ResultsWriteError`` naming `url`.
    static func writing<T>(_ url: URL, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as any UserFacingError {
            throw error
        } catch {
            var reason = error.localizedDescription.replacingOccurrences(of: "The operation could not be completed. ", with: "")
            if reason.hasSuffix(".") { reason.removeLast() }
            throw ResultsWriteError(file: url.path, reason: reason)
        }
    }
}
