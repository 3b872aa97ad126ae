import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN
import NeuromorphLearning

/// An experiment spec whose `training.procedure` is `equilibrium_propagation`, run end to end:
/// the EP network from ``EquilibriumPropagationSpec/settings(_:featureCount:classes:)``, per
/// batch T free steps, K nudged steps at +β (and −β), the estimate and one SGD step
/// (``EPTrainer``), evaluation after T free steps. ``ExperimentRunner/run`` hands EP specs here.
///
/// Writes what the runner writes for a backpropagation run — `spec.yaml`, `metrics.csv` (same
/// columns), `results.json`, `report.html` — plus `ep-result.json` (per-epoch rates and, for
/// VF/KP-VF, the forward/backward alignment angles). EP parameters are not a `Sequential`, so
/// there is no `checkpoint/` folder (and no `--resume` / `--weights`).
public enum EquilibriumPropagationExperiment {
    public static func run(_ spec: ExperimentSpec, settings ep: EquilibriumPropagationSpec, data: ExperimentData,
                           output: URL?, started: Date = Date(), log: (String) -> Void = { print($0) }) throws -> RunResults {
        if spec.hardware.inference != nil {
            throw SpecError(path: "hardware.inference", "Equilibrium Propagation specs train on digital weights or on "
                            + "hardware.analog tiles; remove the inference section")
        }
        guard !data.isRegression else {
            throw SpecError(path: "training.procedure", "Equilibrium Propagation trains classifiers; the data set has real-valued targets")
        }
        let settings = try ep.settings(spec, featureCount: data.train.featureCount, classes: data.train.classCount)
        let a = settings.architecture
        log("EP network: input \(a.inputShape), conv \(a.convolutions.map(\.channels)), fc \(a.hidden), \(a.classes) "
            + "(\(a.cost.rawValue), \(a.activation.rawValue)\(a.unidirectional ? ", backward weights" : "")); "
            + "\(settings.estimator.rawValue), β \(settings.beta), T \(settings.freeSteps), K \(settings.nudgedSteps)"
            + (spec.hardware.analog.map { "; on analog tiles: \($0.device.rawValue)" + ($0.preset.map { " (preset \($0))" } ?? "") } ?? ""))
        var trainer: any EquilibriumPropagationModel = try spec.hardware.analog?.equilibriumPropagationModel(settings)
            ?? EPTrainer<Float>(settings: settings)
        let parameterCount = trainer.parameterCount
        let trainSet = EPDataset<Float>(data.train), testSet = EPDataset<Float>(data.test)
        let validationSet = data.validation.map { EPDataset<Float>($0) }
        let evaluationSteps = settings.evaluationSteps ?? settings.freeSteps
        if let output {
            try ResultsFolder.prepare(output)
            try write(try SpecLoader.yaml(spec), "spec.yaml", in: output)
        }
        var csv = "epoch,learning_rate,train_loss,train_accuracy,train_rmse,validation_loss,validation_accuracy,validation_rmse,"
            + "test_loss,test_accuracy,test_rmse,train_seconds\n"
        let initial = trainer.evaluate(testSet, steps: evaluationSteps)
        log("before training: test \(initial.headline)")
        var history: [EpochMetrics] = []
        var records: [EPEpochRecord] = []
        let clock = ContinuousClock()
        for epoch in 0..<settings.epochs {
            let rates = trainer.rates(epoch: epoch)
            let start = clock.now
            let (loss, accuracy) = try trainer.trainEpoch(trainSet, epoch: epoch)
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            guard loss.isFinite else { throw TrainingDivergedError(epoch: epoch + 1, batch: 0, loss: Float(loss)) }
            let test = trainer.evaluate(testSet, steps: evaluationSteps)
            let validation = validationSet.map { trainer.evaluate($0, steps: evaluationSteps) }
            let metrics = try epochMetrics(epoch: epoch + 1, learningRate: Float(rates[0]), trainLoss: Float(loss),
                                           trainAccuracy: Float(accuracy), validation: validation, test: test, seconds: seconds)
            history.append(metrics)
            records.append(EPEpochRecord(epoch: epoch + 1, trainLoss: loss, trainAccuracy: accuracy,
                                         testAccuracy: Double(test.accuracy ?? 0), learningRates: rates,
                                         alignmentAnglesDegrees: trainer.alignmentAngles,
                                         seconds: seconds))
            let angles = trainer.alignmentAngles.map { "  angles " + $0.map { String(format: "%.1f°", $0) }.joined(separator: " ") } ?? ""
            log(String(format: "%@ epoch %2d  lr %.4g  train loss %.4f  train %.2f%%%@  test %@  %.1f s%@", spec.name, epoch + 1,
                       rates[0], loss, 100 * accuracy, validation.map { "  val \($0.headline)" } ?? "", test.headline, seconds, angles))
            func text(_ value: Float?) -> String { value.map { "\($0)" } ?? "" }
            csv += [String(epoch + 1), "\(rates[0])", "\(Float(loss))", text(Float(accuracy)), "",
                    text(validation?.loss), text(validation?.accuracy), "", text(test.loss), text(test.accuracy), "",
                    String(format: "%.3f", seconds)].joined(separator: ",") + "\n"
            if let output { try write(csv, "metrics.csv", in: output) }
        }
        let finalTest = history.last?.test ?? initial
        let results = RunResults(
            name: spec.name, dataSource: data.source, trainSamples: data.train.count, testSamples: data.test.count,
            parameters: parameterCount, model: "EP \(settings.estimator.rawValue)\(spec.hardware.analog == nil ? "" : " on analog tiles"): conv \(a.convolutions.map(\.channels)) fc \(a.hidden) → \(a.classes)",
            epochs: history, finalTest: finalTest, totalSeconds: Date().timeIntervalSince(started), threads: ComputeThreads.count,
            versions: ["neuromorph": ExperimentRunner.version, "openblas": ComputeThreads.blasConfiguration], inference: nil)
        if let output {
            if settings.epochs == 0 { try write(csv, "metrics.csv", in: output) }
            let epResult = EPRunResult(settings: settings, trainExamples: data.train.count, testExamples: data.test.count,
                                       initialTestAccuracy: Double(initial.accuracy ?? 0),
                                       epochs: records)
            try write(try SpecLoader.json(epResult), "ep-result.json", in: output)
            try write(try SpecLoader.json(results), "results.json", in: output)
            let report = RunReport(results: results, specText: try? SpecLoader.yaml(spec))
            try write(report.html(), "report.html", in: output)
        }
        return results
    }

    static func write(_ text: String, _ name: String, in folder: URL) throws {
        try write(Data(text.utf8), name, in: folder)
    }

    static func write(_ data: Data, _ name: String, in folder: URL) throws {
        let url = folder.appendingPathComponent(name)
        try ResultsFolder.writing(url) { try AtomicFile.write(data, to: url) }
    }

    /// Loss and accuracy after `steps` free steps, in batches of 256: cross-entropy `−log ŷ_y` or
    /// `½‖s^N − y‖²`, batch mean.
    static func evaluate(_ network: EPNetwork<Float>, _ data: EPDataset<Float>, steps: Int) -> Evaluation {
        guard data.count > 0 else { return Evaluation(loss: 0, accuracy: 0) }
        let c = network.architecture.classes
        var (correct, loss) = (0, 0.0)
        for start in stride(from: 0, to: data.count, by: 256) {
            let batch = data.batch(start..<Swift.min(start + 256, data.count))
            let out = network.output(network.freePhase(batch, steps: steps), batch: batch.size)
            for (r, label) in batch.labels.enumerated() {
                let row = out[(r * c)..<((r + 1) * c)]
                var best = 0
                for k in 1..<c where row[row.startIndex + k] > row[row.startIndex + best] { best = k }
                if best == label { correct += 1 }
                switch network.architecture.cost {
                case .crossEntropy: loss -= Foundation.log(Double(Swift.max(row[row.startIndex + label], .leastNormalMagnitude)))
                case .squaredError:
                    for k in 0..<c { let d = Double(row[row.startIndex + k]) - (k == label ? 1 : 0); loss += d * d / 2 }
                }
            }
        }
        return Evaluation(loss: Float(loss / Double(data.count)), accuracy: Float(correct) / Float(data.count))
    }

    /// `EpochMetrics` has no public memberwise initializer; it is `Codable`, so it is built from
    /// its own coding keys.
    static func epochMetrics(epoch: Int, learningRate: Float, trainLoss: Float, trainAccuracy: Float,
                             validation: Evaluation?, test: Evaluation, seconds: Double) throws -> EpochMetrics {
        struct Row: Encodable {
            var epoch: Int, learningRate: Float, trainLoss: Float, trainAccuracy: Float
            var validation: Evaluation?, test: Evaluation, trainSeconds: Double
        }
        let row = Row(epoch: epoch, learningRate: learningRate, trainLoss: trainLoss, trainAccuracy: trainAccuracy,
                      validation: validation, test: test, trainSeconds: seconds)
        return try JSONDecoder().decode(EpochMetrics.self, from: JSONEncoder().encode(row))
    }
}
