import ArgumentParser
import Foundation
import Neuromorph

extension TrueNorthTrainingConfiguration.Order: ExpressibleByArgument {}
extension TrueNorthTrainingConfiguration.ProjectionOrder: ExpressibleByArgument {}
extension TrueNorthTrainingConfiguration.KernelConstraint: ExpressibleByArgument {}
extension TrueNorthTrainingConfiguration.KernelTraining: ExpressibleByArgument {}
extension TrueNorthTrainingConfiguration.LearningRateSchedule: ExpressibleByArgument {}

/// `neuromorph truenorth`: Appuswamy et al. 2016's structured convolutions for TrueNorth
/// (learning-rules note §1.4, §2.4): the symmetric-kernel enumeration and coloring checks,
/// and the scaled training experiment.
struct TrueNorth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "truenorth",
        abstract: "TrueNorth symmetric kernels: enumeration and coloring checks, and the scaled binary-network experiment.",
        subcommands: [Kernels.self, TrainExperiment.self])
}

extension TrueNorth {
    /// `neuromorph truenorth kernels`: the counts of note §2.4 and the coloring checks.
    struct Kernels: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kernels",
            abstract: "Print the commuting-pair and symmetric-kernel counts and run the coloring checks.")

        @Option(help: "Random symmetric kernels to color and run through a core.")
        var samples = 200

        @Option(help: "Seed for the random kernels and input spikes.")
        var seed: UInt64 = 2016

        func validate() throws {
            if samples < 1 { throw ValidationError("--samples must be at least 1, got \(samples)") }
        }

        func run() throws {
            try reportingErrors {
                say("commuting ordered pairs in S4: \(Permutation4.commutingPairs.count) (expected 120)")
                for (size, expected) in [(2, 81), (3, 405), (4, 561)] {
                    let count = try SymmetricKernel.distinctTrinaryKernels(size: size).count
                    say("distinct trinary symmetric kernels \(size)x\(size): \(count) (expected \(expected))")
                }
                var g = SeededGenerator(seed: seed, key: StreamKey("truenorth", "kernels"))
                var exactColored = 0, greedyColored = 0, coreExact = 0
                for _ in 0..<samples {
                    let size = 2 + g.nextInt(below: 3)
                    let pair = Permutation4.commutingPairs[g.nextInt(below: 120)]
                    let kernel = try SymmetricKernel(sigma: pair.sigma, rho: pair.rho,
                                                     strengths: (0..<4).map { _ in g.nextInt(below: 3) - 1 }, size: size)
                    let w = try ConvolutionMatrix(kernels: [kernel.values], channels: 1, size: size, height: 8, width: 8)
                    if KernelColoring.greedy(w.entries, rows: w.rows, columns: w.columns).solution != nil { greedyColored += 1 }
                    guard let solution = KernelColoring.exact(w.entries, rows: w.rows, columns: w.columns).solution else { continue }
                    exactColored += 1
                    let core = try TrueNorthCore(representing: w.entries, rows: w.rows, columns: w.columns, solution: solution,
                                                 thresholds: [Int](repeating: 1, count: w.columns))
                    let spikes = (0..<w.rows).map { _ in g.nextBernoulli(0.5) }
                    let direct = directConvolution(spikes.map { $0 ? 1 : 0 }, kernels: [kernel.values], channels: 1, size: size,
                                                   height: 8, width: 8)
                    if core.synapticInput(spikes) == direct { coreExact += 1 }
                }
                say("random symmetric kernels colored (exact backtracking): \(exactColored)/\(samples)")
                say("random symmetric kernels colored (paper's greedy order): \(greedyColored)/\(samples)")
                say("cores reproducing the convolution exactly: \(coreExact)/\(samples)")
                let five = try ConvolutionMatrix(kernels: [[1, 2, 3, 4, 5, 0, 0, 0, 0]], channels: 1, size: 3, height: 6, width: 6)
                let fiveColored = KernelColoring.exact(five.entries, rows: five.rows, columns: five.columns).solution != nil
                say("kernel with 5 distinct non-zero values colorable: \(fiveColored ? "yes" : "no") (expected no)")
            }
        }
    }

    /// The scaled experiments.
    enum Preset: String, CaseIterable, ExpressibleByArgument {
        case fashionSmall = "fashion-small"
        /// fashion-small with 8 and 16 groups in layers 3 and 4 (fewer features per type vector).
        case fashionSmallMoreGroups = "fashion-small-more-groups"

        var network: TrueNorthNetworkConfiguration {
            switch self {
            case .fashionSmall: .fashionSmall
            case .fashionSmallMoreGroups: .fashionSmallMoreGroups
            }
        }
    }

    /// `neuromorph truenorth train --preset fashion-small`: the scaled experiment of note §2.4.
    struct TrainExperiment: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Train a no-pooling grouped network to symmetric trinary kernels and binary activations, compile it to cores.",
            discussion: """
            fashion-small: Fashion-MNIST subset (first --train-images training images, first --test-images test images), \
            thermometer-coded input, 4 grouped conv layers, ReLU float training, then layer-by-layer symmetric \
            projection, noisy ReLU with growing noise and layer-by-layer threshold units; the result is compiled into \
            TrueNorth cores and the integer simulation is compared with the float binary network. \
            fashion-small-more-groups: the same with 8 and 16 groups in layers 3 and 4. Writes result.json.
            """)

        @Option(help: "The experiment: \(Preset.allCases.map(\.rawValue).joined(separator: ", ")).")
        var preset: Preset

        @Option(help: "Epochs of the float ReLU stage (the later stages use 1 epoch per layer and --noise-epochs).")
        var epochs = 6

        @Option(help: "Epochs of the noisy-ReLU stage (noise width grows linearly to 1).")
        var noiseEpochs = 3

        @Option(help: "Epochs at the end with every layer symmetric and binary (gains and biases train).")
        var finalEpochs = 0

        @Option(help: "Epochs of training after each layer's projection (the paper trains until validation saturates).")
        var projectionEpochs = 1

        @Option(help: "Kernel constraint: symmetric (the paper's), masked-symmetric (symmetric times a per-feature crossbar mask; compiled too); diagnostics without core compilation: symmetric-per-feature, trinary.")
        var kernels: TrueNorthTrainingConfiguration.KernelConstraint = .symmetric

        @Option(help: "After a layer's projection: frozen (the paper's; only gains and shifts train) or straight-through (the real kernels keep training through the projection, σ, ρ and bases fixed; symmetric and masked-symmetric only).")
        var kernelTraining: TrueNorthTrainingConfiguration.KernelTraining = .frozen

        @Option(help: "Learning rate after each projection and in the final epochs: constant, or cosine (annealed to 0 over each block, restarted at the next).")
        var learningRateSchedule: TrueNorthTrainingConfiguration.LearningRateSchedule = .constant

        @Option(help: "Signature clusters per group, one count per layer (e.g. 1,1,2,2): each cluster of a group's features gets its own (σ, ρ, b) and its own cores over copies of the inputs; symmetric kernels, frozen only.")
        var signatureClusters: String?

        @Option(help: "Random EM starts per commuting pair in the symmetric projection of groups wider than 4 channels (narrower ones search every base vector).")
        var projectionRestarts = 8

        @Option(help: "Layer order of the symmetric projection: bottom-up or top-down.")
        var projectionOrder: TrueNorthTrainingConfiguration.ProjectionOrder = .bottomUp

        @Option(help: "Stage order: project-first (the paper's: symmetric kernels, then binarization) or binarize-first.")
        var order: TrueNorthTrainingConfiguration.Order = .projectFirst

        @Option(help: "Seed for initialization, shuffling, noise and projection restarts.")
        var seed: UInt64 = 1

        @Option(help: "Results folder (default: results/truenorth-<time>).")
        var output: String?

        @Option(help: "Fashion-MNIST IDX folder.")
        var data = "/usr/share/datasets/fashion-mnist"

        @Option(help: "Training images (a prefix of the training set).")
        var trainImages = 10_000

        @Option(help: "Test images (a prefix of the test set).")
        var testImages = 10_000

        @Option(help: "Compute threads (default: all cores).")
        var threads: Int?

        func validate() throws {
            if epochs < 0 { throw ValidationError("--epochs must be 0 or more, got \(epochs)") }
            if finalEpochs < 0 { throw ValidationError("--final-epochs must be 0 or more, got \(finalEpochs)") }
            if projectionEpochs < 0 { throw ValidationError("--projection-epochs must be 0 or more, got \(projectionEpochs)") }
            if projectionRestarts < 0 { throw ValidationError("--projection-restarts must be 0 or more, got \(projectionRestarts)") }
            if noiseEpochs < 0 { throw ValidationError("--noise-epochs must be 0 or more, got \(noiseEpochs)") }
            if trainImages < 1 { throw ValidationError("--train-images must be at least 1, got \(trainImages)") }
            if testImages < 1 { throw ValidationError("--test-images must be at least 1, got \(testImages)") }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
            if let clusters = try parsedClusters(), clusters.contains(where: { $0 != 1 }) {
                if kernelTraining == .straightThrough {
                    throw ValidationError("--signature-clusters needs --kernel-training frozen, got straight-through")
                }
                if kernels != .symmetric && kernels != .maskedSymmetric {
                    throw ValidationError("--signature-clusters needs --kernels symmetric or masked-symmetric, got \(kernels.rawValue)")
                }
            }
            if kernelTraining == .straightThrough && kernels != .symmetric && kernels != .maskedSymmetric {
                throw ValidationError("--kernel-training straight-through needs --kernels symmetric or masked-symmetric, got \(kernels.rawValue)")
            }
        }

        /// `--signature-clusters` as one positive count per layer of the preset (nil when absent).
        func parsedClusters() throws -> [Int]? {
            guard let signatureClusters else { return nil }
            let layers = preset.network.layers
            let parts = signatureClusters.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == layers.count, parts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
                throw ValidationError("--signature-clusters must be \(layers.count) positive integers separated by commas (one per layer), got '\(signatureClusters)'")
            }
            let clusters = parts.compactMap { $0 }
            for (i, (k, layer)) in zip(clusters, layers).enumerated() where (layer.outChannels / layer.groups) % k != 0 {
                throw ValidationError("--signature-clusters: layer \(i + 1) has \(layer.outChannels / layer.groups) features per group, which \(k) clusters do not divide")
            }
            return clusters
        }

        func run() throws {
            ComputeThreads.set(threads ?? ProcessInfo.processInfo.activeProcessorCount)
            try reportingErrors {
                let (fullTrain, fullTest) = try IDXImageFolder.load(URL(fileURLWithPath: data))
                let train = fullTrain.prefix(Swift.min(trainImages, fullTrain.count))
                let test = fullTest.prefix(Swift.min(testImages, fullTest.count))
                let configuration = TrueNorthTrainingConfiguration(network: try preset.network.withSignatureClusters(
                                                                       try parsedClusters() ?? preset.network.layers.map { _ in 1 }),
                                                                   floatEpochs: epochs,
                                                                   projectionEpochsPerLayer: projectionEpochs,
                                                                   noiseEpochs: noiseEpochs, seed: seed, order: order,
                                                                   projectionRestarts: projectionRestarts,
                                                                   finalEpochs: finalEpochs, projectionOrder: projectionOrder,
                                                                   kernels: kernels, kernelTraining: kernelTraining,
                                                                   learningRateSchedule: learningRateSchedule)
                say("truenorth \(preset.rawValue): \(train.count) training / \(test.count) test images, seed \(seed), order \(order.rawValue), projection \(projectionOrder.rawValue), kernels \(kernels.rawValue), kernel training \(kernelTraining.rawValue), learning rate \(learningRateSchedule.rawValue)"
                    + (signatureClusters.map { ", signature clusters \($0)" } ?? ""))
                let (result, network) = try TrueNorthTraining.run(configuration, train: train, test: test) { say($0) }
                say("network: \(network.summary)")
                say(String(format: "ReLU float network (real kernels): %.2f %%", result.floatReLUAccuracy * 100))
                say(String(format: "binary network (%@ trinary kernels): %.2f %% (drop %.2f points)",
                           kernels == .trinary ? "free" : kernels.rawValue, result.binaryAccuracy * 100, result.dropPoints))
                say("projection residuals ‖W − αK‖²/‖W‖² per layer: "
                    + result.projectionResiduals.map { String(format: "%.3f", $0) }.joined(separator: ", "))
                if kernels != .symmetric && kernels != .maskedSymmetric {
                    say("core simulation: skipped (\(kernels.rawValue) kernels do not share a core's axon types)")
                } else {
                    say("core simulation: \(result.coreAgreeingPredictions)/\(result.coreCheckedImages) predictions equal "
                        + "the float binary network" + String(format: ", accuracy %.2f %%", result.coreAccuracy * 100))
                }
                say("cores per layer: symmetric \(result.coresSymmetric) = \(result.coresSymmetricTotal), "
                    + "unconstrained (2 axons per input) \(result.coresUnconstrained) = \(result.coresUnconstrainedTotal)")
                let folder: URL
                if let output {
                    folder = URL(fileURLWithPath: output)
                } else {
                    let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current,
                                                            formatOptions: [.withYear, .withMonth, .withDay, .withTime])
                    folder = URL(fileURLWithPath: "results").appendingPathComponent("truenorth-\(stamp)")
                }
                let url = folder.appendingPathComponent("result.json")
                try AtomicFile.write(try SpecLoader.json(result), to: url)
                say("wrote \(url.path)")
            }
        }
    }
}
