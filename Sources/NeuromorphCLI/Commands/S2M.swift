import ArgumentParser
import Foundation
import Neuromorph

/// `neuromorph s2m --preset mnist5k`: the Synaptic Sampling Machine (or its stochastic-sigmoid
/// baseline) trained in the analytic mode and evaluated sampled, with weights × 1 and × 0.1
/// (Neftci; learning-rules spec §1.3, §2.3).
struct S2M: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s2m",
        abstract: "Train a Synaptic Sampling Machine or the stochastic-sigmoid baseline on PI-MNIST and evaluate it sampled.",
        discussion: "See docs/learning-rules-s2m.md.")

    enum Preset: String, CaseIterable, ExpressibleByArgument {
        case mnist5k
    }

    @Option(help: "mnist5k (the shared 4,000/1,000 MNIST subset, or --data).")
    var preset: Preset = .mnist5k

    @Option(help: "s2m or stochastic_sigmoid.")
    var model: SynapticSamplingNetwork.Kind = .s2m

    @Option(help: "IDX data folder.")
    var data = "../shared/data/mnist-5k"

    @Option(parsing: .upToNextOption, help: "Hidden layer sizes.")
    var hidden: [Int] = [300, 300, 300]

    @Option(help: "Epochs.")
    var epochs = 100

    @Option(help: "RMSprop learning rate.")
    var learningRate: Float = 1e-3

    @Option(help: "Stochastic passes per evaluation.")
    var samples = 10

    @Option(help: "Inference weight scale of the robustness check.")
    var weightScale: Float = 0.1

    @Option(help: "Training images the stability probes (last hidden layer's 15/50/85 % input percentiles, ‖W_L(t)‖/‖W_L(0)‖) run on each epoch; 0 = no probes.")
    var probeImages = 1000

    @Option(help: "Use only the first N training images.")
    var trainLimit: Int?

    @Option(help: "First seed.")
    var seed: UInt64 = 0

    @Option(help: "Number of seeds.")
    var seeds = 1

    @Option(help: "Compute threads.")
    var threads: Int?

    @Option(help: "JSON result file (written atomically).")
    var output: String?

    func validate() throws {
        if hidden.isEmpty || hidden.contains(where: { $0 < 1 }) { throw ValidationError("--hidden must be one or more sizes ≥ 1, got \(hidden)") }
        if epochs < 0 { throw ValidationError("--epochs must be 0 or more, got \(epochs)") }
        if !(learningRate > 0) { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
        if samples < 1 { throw ValidationError("--samples must be at least 1, got \(samples)") }
        if !(weightScale > 0) { throw ValidationError("--weight-scale must be positive, got \(weightScale)") }
        if let trainLimit, trainLimit < 1 { throw ValidationError("--train-limit must be at least 1, got \(trainLimit)") }
        if probeImages < 0 { throw ValidationError("--probe-images must be 0 or more, got \(probeImages)") }
        if seeds < 1 { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    struct Report: Encodable {
        var preset: String
        var model: String
        var runs: [SynapticSamplingExperiment.Result]
        var meanTestError: Double
        var testErrorStandardError: Double
        var meanScaledTestError: Double
        var scaledTestErrorStandardError: Double
    }

    func run() throws {
        ComputeThreads.set(threads ?? ProcessInfo.processInfo.activeProcessorCount)
        try reportingErrors {
            let (train, test) = try IDXImageFolder.load(URL(fileURLWithPath: data))
            let trainSet = trainLimit.map { train.prefix(min($0, train.count)) } ?? train
            var runs: [SynapticSamplingExperiment.Result] = []
            for s in (0..<seeds).map({ seed &+ UInt64($0) }) {
                var c = SynapticSamplingExperiment.Configuration(kind: model, hidden: hidden, epochs: epochs, samples: samples, seed: s)
                c.learningRate = learningRate
                c.weightScale = weightScale
                c.probeImages = probeImages
                let result = try SynapticSamplingExperiment.run(train: trainSet, test: test, configuration: c) { metrics in
                    if metrics.epoch % 10 == 0 || metrics.epoch == epochs {
                        say(String(format: "  epoch %d: train loss %.4f, train accuracy %.4f", metrics.epoch, metrics.trainLoss,
                                   metrics.trainAccuracy ?? 0))
                    }
                }
                say(String(format: "%@ seed %llu: test error %.4f (vote %.4f), weights ×%.3g: %.4f (vote %.4f)%@, %.1f s",
                           result.kind, s, result.testError, result.testErrorVote, Double(weightScale), result.scaledTestError,
                           result.scaledTestErrorVote,
                           result.neuronSampledTestError.map { String(format: "; sampled neurons %.4f", $0) } ?? "", result.seconds))
                if let p = result.probeSummary, let last = result.probes.last {
                    say(String(format: "  probes: percentile jitter %.4f, roughness %.4f (of the 15–85 %% width), max |‖W_L‖/‖W_L(0)‖ − 1| %.3f "
                               + "(effective %.3f, epoch jitter %.4f); final percentiles %.3f / %.3f / %.3f",
                               p.percentileJitter, p.percentileRoughness ?? .nan, p.maxWeightNormChange, p.maxEffectiveWeightNormChange,
                               p.effectiveWeightNormJitter, last.percentiles[0], last.percentiles[1], last.percentiles[2]))
                }
                runs.append(result)
            }
            let plain = meanAndStandardError(runs.map(\.testError)), scaled = meanAndStandardError(runs.map(\.scaledTestError))
            say(String(format: "mean test error %.4f ± %.4f; weights ×%.3g: %.4f ± %.4f (SE, %d seeds)", plain.mean, plain.se,
                       Double(weightScale), scaled.mean, scaled.se, runs.count))
            try writeJSONResult(Report(preset: preset.rawValue, model: model.rawValue, runs: runs, meanTestError: plain.mean,
                                       testErrorStandardError: plain.se, meanScaledTestError: scaled.mean,
                                       scaledTestErrorStandardError: scaled.se), to: output)
        }
    }
}

extension SynapticSamplingNetwork.Kind: ExpressibleByArgument {}
