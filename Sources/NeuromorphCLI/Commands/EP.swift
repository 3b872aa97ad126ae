import ArgumentParser
import Foundation
import Neuromorph

extension EPPreset: ExpressibleByArgument {}
extension EPEstimator: ExpressibleByArgument {}

/// `neuromorph ep --preset NAME`: train an energy-based network with Equilibrium Propagation
/// (Laborieux et al. 2021; learning-rules §1.1) and report per-epoch accuracy.
struct EP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ep",
        abstract: "Train a convergent network with Equilibrium Propagation (one-sided, random-sign, symmetric, VF, KP-VF).",
        discussion: """
        Presets: \(EPPreset.allCases.map(\.rawValue).joined(separator: ", ")). digits-* use the shipped 8×8 digits,
        mnist-* ../shared/data/mnist-5k, fashion-conv /usr/share/datasets/fashion-mnist, cifar10-conv a CIFAR-10
        binary folder given with --data (data_batch_1.bin … test_batch.bin). With --output, writes ep-result.json there.
        See docs/learning-rules-ep.md.
        """)

    @Option(help: "The experiment: \(EPPreset.allCases.map(\.rawValue).joined(separator: ", ")).")
    var preset: EPPreset

    @Option(help: "Gradient estimator: \(EPEstimator.allCases.map(\.rawValue).joined(separator: ", ")) (default: symmetric).")
    var estimator: EPEstimator?

    @Option(help: "Training epochs (default: the preset's).")
    var epochs: Int?

    @Option(help: "Nudging strength β > 0 (default: the preset's).")
    var beta: Double?

    @Option(help: "Seed for the weights, the example order and random signs.")
    var seed: UInt64 = 1

    @Option(help: "Weight decay (the KP-VF leak λ; default: the preset's).")
    var weightDecay: Double?

    @Option(help: "Data folder (default: the preset's).")
    var data: String?

    @Option(help: "Use only the first N training examples.")
    var trainLimit: Int?

    @Option(help: "Use only the first N test examples.")
    var testLimit: Int?

    @Option(help: "Compute threads (default: all cores).")
    var threads: Int?

    @Option(help: "Folder for ep-result.json.")
    var output: String?

    func validate() throws {
        if let epochs, epochs < 0 { throw ValidationError("--epochs must be 0 or more, got \(epochs)") }
        if let beta, !(beta > 0 && beta.isFinite) { throw ValidationError("--beta must be a positive number, got \(beta)") }
        if let weightDecay, !(weightDecay >= 0) { throw ValidationError("--weight-decay must be 0 or more, got \(weightDecay)") }
        if let trainLimit, trainLimit < 1 { throw ValidationError("--train-limit must be at least 1, got \(trainLimit)") }
        if let testLimit, testLimit < 1 { throw ValidationError("--test-limit must be at least 1, got \(testLimit)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if preset == .cifar10Conv, data == nil {
            throw ValidationError("--preset cifar10-conv needs --data FOLDER holding the CIFAR-10 binary files")
        }
    }

    /// What `ep-result.json` holds.
    struct Result: Encodable {
        var preset: String
        var data: String
        var version: String
        var run: EPRunResult
        var finalTestAccuracy: Double
    }

    func run() throws {
        ComputeThreads.set(threads ?? ProcessInfo.processInfo.activeProcessorCount)
        try reportingErrors {
            let settings = preset.settings(estimator: estimator, epochs: epochs, beta: beta, seed: seed, weightDecay: weightDecay)
            var (train, test, folder) = try loadData()
            if let trainLimit { train = train.prefix(trainLimit) }
            if let testLimit { test = test.prefix(testLimit) }
            let a = settings.architecture
            say("ep \(preset.rawValue): \(settings.estimator.rawValue), β \(settings.beta), T \(settings.freeSteps), K \(settings.nudgedSteps), "
                + "batch \(settings.batchSize), \(settings.epochs) epochs, seed \(settings.seed); "
                + "\(train.count) train / \(test.count) test examples from \(folder)")
            say("network: input \(a.inputShape), conv \(a.convolutions.map { "\($0.channels)@\($0.kernel)x\($0.kernel)" }), "
                + "hidden \(a.hidden), \(a.classes) classes, \(a.cost.rawValue), \(a.activation.rawValue)"
                + (a.unidirectional ? ", backward weights" : ""))
            let result = try EquilibriumPropagationRun.run(settings: settings, train: train, test: test) { record in
                var line = String(format: "epoch %3d  train loss %.4f  train acc %6.2f %%  test acc %6.2f %%  %.1f s",
                                  record.epoch, record.trainLoss, 100 * record.trainAccuracy, 100 * record.testAccuracy,
                                  record.seconds)
                if let angles = record.alignmentAnglesDegrees {
                    line += "  angles " + angles.map { String(format: "%.1f°", $0) }.joined(separator: " ")
                }
                say(line)
            }
            say(String(format: "final test accuracy %.2f %% (initial %.2f %%)", 100 * result.finalTestAccuracy,
                       100 * result.initialTestAccuracy))
            if let output {
                let url = URL(fileURLWithPath: output).appendingPathComponent("ep-result.json")
                let payload = Result(preset: preset.rawValue, data: folder, version: ExperimentRunner.version, run: result,
                                     finalTestAccuracy: result.finalTestAccuracy)
                try AtomicFile.write(try SpecLoader.json(payload), to: url)
                say("wrote \(url.path)")
            }
        }
    }

    /// The preset's train and test sets, shaped for its network, and the folder they came from.
    func loadData() throws -> (LabeledDataset, LabeledDataset, String) {
        switch preset.dataSource {
        case .digits:
            if let data {
                let (train, test) = try IDXImageFolder.load(URL(fileURLWithPath: data), pixelScale: ShippedData.digitsPixelScale, classCount: 10)
                return (train, test, data)
            }
            let (train, test) = try ShippedData.loadDigits()
            return (train, test, try ShippedData.digitsFolder().path)
        case .mnist5k, .fashionMNIST:
            let folder = data ?? (preset.dataSource == .mnist5k ? "../shared/data/mnist-5k" : "/usr/share/datasets/fashion-mnist")
            let (train, test) = try IDXImageFolder.load(URL(fileURLWithPath: folder), classCount: 10)
            return (train, test, folder)
        case .cifar10:
            let folder = data ?? ""
            let (train, test) = try CIFAR10Binary.load(URL(fileURLWithPath: folder), trainLimit: trainLimit, testLimit: testLimit)
            return (normalizeCIFAR(train), normalizeCIFAR(test), folder)
        }
    }

    /// The reference code's CIFAR-10 normalization [EXT]: mean (0.4914, 0.4822, 0.4465), std 3×(0.2023, 0.1994, 0.2010).
    /// (The random crops and flips of the reference are not applied.)
    func normalizeCIFAR(_ data: LabeledDataset) -> LabeledDataset {
        let mean: [Float] = [0.4914, 0.4822, 0.4465], std: [Float] = [0.2023, 0.1994, 0.2010].map { 3 * $0 }
        var copy = data
        copy.inputs.scalars.withUnsafeMutableBufferPointer { v in
            for i in v.indices {
                let c = (i / 1024) % 3
                v[i] = (v[i] - mean[c]) / std[c]
            }
        }
        return copy
    }
}
