import ArgumentParser
import Foundation
import Neuromorph

/// Writes `value` as pretty, key-sorted JSON to `path` atomically (when a path is given).
func writeJSONResult<T: Encodable>(_ value: T, to path: String?) throws {
    guard let path else { return }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try AtomicFile.write(encoder.encode(value), to: URL(fileURLWithPath: path))
    say("wrote \(path)")
}

/// Mean and standard error of a sample.
func meanAndStandardError(_ values: [Double]) -> (mean: Double, se: Double) {
    let mean = values.reduce(0, +) / Double(max(values.count, 1))
    guard values.count > 1 else { return (mean, 0) }
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
    return (mean, (variance / Double(values.count)).squareRoot())
}

/// `neuromorph sparserec --preset mnist|autorec-ml100k`: Muller et al.'s sparseRec layer
/// against a dense layer (learning-rules spec §1.2, §2.2).
struct SparseRec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sparserec",
        abstract: "Train a sparseRec (fixed sparse random recurrent) or dense hidden layer: MNIST classifier or item-based AutoRec.",
        discussion: """
        mnist: 784-m-10 ReLU MLP with dropout, Adam (Muller et al. 2020 §4.1). autorec-ml100k: item-based AutoRec on a \
        MovieLens ratings file (u.data or ratings.dat), full-batch L-BFGS, sparseRec input weights bounded to [−1, 1] (§4.2). \
        See docs/learning-rules-bias-matching.md.
        """)

    enum Preset: String, CaseIterable, ExpressibleByArgument {
        case mnist
        case autorecML100K = "autorec-ml100k"
    }

    enum Model: String, CaseIterable, ExpressibleByArgument {
        case dense, sparserec
    }

    @Option(help: "mnist or autorec-ml100k.")
    var preset: Preset

    @Option(help: "dense or sparserec.")
    var model: Model = .sparserec

    @Option(help: "Hidden units m (dense width, or sparseRec's recurrent units).")
    var units = 500

    @Option(name: .customLong("k"), help: "sparseRec input projections k (≤ m).")
    var inputUnits = 125

    @Option(help: "sparseRec recurrent steps t_max.")
    var steps = 1

    @Option(help: "Data: an IDX folder (mnist) or a MovieLens ratings file or folder (autorec-ml100k); default: the shared copies.")
    var data: String?

    @Option(help: "mnist: epochs.")
    var epochs = 40

    @Option(help: "mnist: dropout on input and hidden layer.")
    var dropout: Float = 0.2

    @Option(help: "mnist: Adam learning rate.")
    var learningRate: Float = 1e-3

    @Option(help: "mnist: use only the first N training images.")
    var trainLimit: Int?

    @Option(help: "autorec: l2 on the weights.")
    var l2 = 25.0

    @Option(help: "autorec: L-BFGS iterations.")
    var iterations = 200

    @Option(help: "First seed.")
    var seed: UInt64 = 0

    @Option(help: "Number of seeds (seed, seed+1, …).")
    var seeds = 1

    @Option(help: "Compute threads.")
    var threads: Int?

    @Option(help: "JSON result file (written atomically).")
    var output: String?

    func validate() throws {
        if units < 1 { throw ValidationError("--units must be at least 1, got \(units)") }
        if model == .sparserec && (inputUnits < 1 || inputUnits > units) {
            throw ValidationError("--k must lie in 1...\(units) (--units), got \(inputUnits)")
        }
        if steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if epochs < 0 { throw ValidationError("--epochs must be 0 or more, got \(epochs)") }
        if !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must lie in [0, 1), got \(dropout)") }
        if !(learningRate > 0) { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
        if let trainLimit, trainLimit < 1 { throw ValidationError("--train-limit must be at least 1, got \(trainLimit)") }
        if !(l2 >= 0) { throw ValidationError("--l2 must be 0 or more, got \(l2)") }
        if iterations < 0 { throw ValidationError("--iterations must be 0 or more, got \(iterations)") }
        if seeds < 1 { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    struct Report<R: Encodable>: Encodable {
        var preset: String
        var model: String
        var runs: [R]
        var mean: Double
        var standardError: Double
        var metric: String
    }

    func run() throws {
        ComputeThreads.set(threads ?? ProcessInfo.processInfo.activeProcessorCount)
        try reportingErrors {
            let seedList = (0..<seeds).map { seed &+ UInt64($0) }
            switch preset {
            case .mnist:
                let (train, test) = try IDXImageFolder.load(URL(fileURLWithPath: data ?? "../shared/data/mnist-5k"))
                let trainSet = trainLimit.map { train.prefix(min($0, train.count)) } ?? train
                var runs: [SparseRecClassifier.Result] = []
                for s in seedList {
                    let hidden: SparseRecClassifier.Hidden = model == .dense
                        ? .dense(units: units) : .sparseRec(inputUnits: inputUnits, units: units, steps: steps)
                    let result = try SparseRecClassifier.run(
                        train: trainSet, test: test,
                        configuration: .init(hidden: hidden, dropout: dropout, learningRate: learningRate, epochs: epochs, seed: s))
                    say(String(format: "%@ seed %llu: test accuracy %.4f (%d free parameters, %.1f s)",
                               result.hidden, s, result.testAccuracy, result.freeParameters, result.seconds))
                    runs.append(result)
                }
                let (mean, se) = meanAndStandardError(runs.map(\.testAccuracy))
                say(String(format: "mean test accuracy %.4f ± %.4f (SE, %d seeds)", mean, se, runs.count))
                try writeJSONResult(Report(preset: preset.rawValue, model: runs.first?.hidden ?? "", runs: runs, mean: mean,
                                           standardError: se, metric: "test_accuracy"), to: output)
            case .autorecML100K:
                let ratings = try MovieLens.load(URL(fileURLWithPath: data ?? "../shared/data/ml-100k/u.data"))
                var runs: [AutoRecResult] = []
                for s in seedList {
                    let hidden: AutoRecHidden = model == .dense
                        ? .dense(units: units) : .sparseRec(inputUnits: inputUnits, units: units, steps: steps, density: 0.2)
                    let result = try AutoRec.run(ratings, configuration: AutoRecConfiguration(
                        hidden: hidden, l2: l2, maxIterations: iterations, seed: s))
                    say(String(format: "%@ seed %llu: test RMSE %.4f, train RMSE %.4f (%d free parameters, %d iterations, %@, %.1f s)",
                               result.model, s, result.testRMSE, result.trainRMSE, result.freeParameters, result.iterations,
                               result.stop, result.seconds))
                    runs.append(result)
                }
                let (mean, se) = meanAndStandardError(runs.map(\.testRMSE))
                say(String(format: "mean test RMSE %.4f ± %.4f (SE, %d seeds)", mean, se, runs.count))
                try writeJSONResult(Report(preset: preset.rawValue, model: runs.first?.model ?? "", runs: runs, mean: mean,
                                           standardError: se, metric: "test_rmse"), to: output)
            }
        }
    }
}

/// `neuromorph fm --batch-size 1 4096 …`: a factorization machine on MovieLens ratings with
/// libFM's SGD conventions, per batch size over a learning-rate × l2 grid and seeds
/// (Muller et al. 2020 §4.3, Fig. 7; spec §1.2, §2.2).
struct FM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fm",
        abstract: "Train a factorization machine on MovieLens ratings (libFM conventions) at one or more batch sizes.",
        discussion: """
        For every batch size, every (learning rate, l2) pair of the grid is trained for each seed (new init and \
        80/10/10 split); the grid point with the lowest mean validation RMSE is reported with its test RMSE. \
        See docs/learning-rules-bias-matching.md.
        """)

    @Option(help: "MovieLens ratings file or folder (u.data, ratings.dat or ratings.csv).")
    var data = "../shared/data/ml-100k/u.data"

    @Option(parsing: .upToNextOption, help: "Batch sizes (one or more).")
    var batchSize: [Int] = [1]

    @Option(parsing: .upToNextOption, help: "Learning rates of the grid.")
    var learningRate: [Float] = [1e-3]

    @Option(parsing: .upToNextOption, help: "l2 values of the grid.")
    var l2: [Float] = [0.04]

    @Option(help: "Latent dimension k.")
    var factors = 10

    @Option(help: "Epochs.")
    var epochs = 20

    @Option(help: "How a clipped prediction enters the gradient: libfm (libFM's fm_learn_sgd: clipped error × unclipped derivative) or zero (never leaves the clipped region from w₀ = 0).")
    var clippedGradient: ClippedPredictionGradient = .libFM

    @Option(help: "First seed.")
    var seed: UInt64 = 0

    @Option(help: "Number of seeds.")
    var seeds = 1

    @Option(help: "JSON result file (written atomically).")
    var output: String?

    func validate() throws {
        if batchSize.isEmpty || batchSize.contains(where: { $0 < 1 }) {
            throw ValidationError("--batch-size must be one or more integers ≥ 1, got \(batchSize)")
        }
        if learningRate.isEmpty || learningRate.contains(where: { !($0 > 0) }) {
            throw ValidationError("--learning-rate must be one or more positive numbers, got \(learningRate)")
        }
        if l2.isEmpty || l2.contains(where: { !($0 >= 0) }) { throw ValidationError("--l2 must be one or more numbers ≥ 0, got \(l2)") }
        if factors < 1 { throw ValidationError("--factors must be at least 1, got \(factors)") }
        if epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if seeds < 1 { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
    }

    struct GridPoint: Encodable {
        var learningRate: Float
        var l2: Float
        var meanValidationRMSE: Double
        var meanTestRMSE: Double
        var testRMSEStandardError: Double
        var runs: [FactorizationMachineRunResult]
    }

    struct BatchResult: Encodable {
        var batchSize: Int
        var best: GridPoint
        var grid: [GridPoint]
    }

    struct Report: Encodable {
        var data: String
        var ratings: Int
        var factors: Int
        var epochs: Int
        var seeds: [UInt64]
        var batches: [BatchResult]
    }

    func run() throws {
        try reportingErrors {
            let ratings = try MovieLens.load(URL(fileURLWithPath: data))
            let seedList = (0..<seeds).map { seed &+ UInt64($0) }
            var batches: [BatchResult] = []
            for batch in batchSize {
                var grid: [GridPoint] = []
                for lr in learningRate {
                    for lambda in l2 {
                        var runs: [FactorizationMachineRunResult] = []
                        for s in seedList {
                            var c = FactorizationMachineRunConfiguration(factors: factors, epochs: epochs, batchSize: batch,
                                                                         learningRate: lr, l2: lambda, seed: s)
                            c.clippedGradient = clippedGradient
                            runs.append(try FactorizationMachineTraining.run(ratings, configuration: c))
                        }
                        let validation = meanAndStandardError(runs.map(\.bestValidationRMSE))
                        let test = meanAndStandardError(runs.map(\.testRMSEAtBest))
                        say(String(format: "batch %5d  lr %.4g  l2 %.3g: validation RMSE %.4f, test RMSE %.4f ± %.4f (global mean %.4f; best epoch %d)",
                                   batch, lr, lambda, validation.mean, test.mean, test.se, runs[0].globalMeanTestRMSE, runs[0].bestEpoch))
                        grid.append(GridPoint(learningRate: lr, l2: lambda, meanValidationRMSE: validation.mean,
                                              meanTestRMSE: test.mean, testRMSEStandardError: test.se, runs: runs))
                    }
                }
                let best = grid.min { $0.meanValidationRMSE < $1.meanValidationRMSE }!
                say(String(format: "batch %5d best: lr %.4g l2 %.3g, test RMSE %.4f ± %.4f", batch, best.learningRate, best.l2,
                           best.meanTestRMSE, best.testRMSEStandardError))
                batches.append(BatchResult(batchSize: batch, best: best, grid: grid))
            }
            try writeJSONResult(Report(data: data, ratings: ratings.count, factors: factors, epochs: epochs, seeds: seedList,
                                       batches: batches), to: output)
        }
    }
}

extension ClippedPredictionGradient: ExpressibleByArgument {}
