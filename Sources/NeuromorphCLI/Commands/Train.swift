import ArgumentParser
import Foundation
import Neuromorph

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train the model an experiment spec (YAML or JSON) describes.")

    @Argument(help: "The experiment spec file.")
    var spec: String

    @Option(help: "Initialize the parameters from .npy files named <layer>.<parameter>.npy in this folder.")
    var initialWeights: String?

    @Option(help: "Override the spec's training.epochs.")
    var epochs: Int?

    @Option(help: "Resume from a checkpoint folder (…/checkpoint): continues after the epochs it holds.")
    var resume: String?

    @OptionGroup var options: RunOptions

    func run() throws {
        options.applyThreads()
        try reportingErrors {
            var experiment = try SpecLoader.load(URL(fileURLWithPath: spec))
            if let seed = options.seed { experiment.training.seed = seed }
            if let epochs {
                guard epochs >= 0 else { throw ValidationError("--epochs must be ≥ 0") }
                experiment.training.epochs = epochs
            }
            let output = options.outputFolder(for: experiment.name)
            say("neuromorph train \(spec) → \(output.path)  (threads \(ComputeThreads.count))")
            let results = try ExperimentRunner.run(experiment, output: output, initialWeights: initialWeights.map(URL.init(fileURLWithPath:)),
                                                    resume: resume.map(URL.init(fileURLWithPath:)), log: say)
            say(String(format: "final test %@, loss %.4f, %.1f s", results.finalTest.headline,
                         results.finalTest.loss, results.totalSeconds))
        }
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Evaluate a trained checkpoint on the spec's test set.")

    @Argument(help: "The experiment spec file.")
    var spec: String

    @Option(help: "The checkpoint folder written by `neuromorph train` (…/checkpoint).")
    var checkpoint: String

    @OptionGroup var options: RunOptions

    func run() throws {
        options.applyThreads()
        try reportingErrors {
            let experiment = try SpecLoader.load(URL(fileURLWithPath: spec))
            let (evaluation, data) = try ExperimentRunner.evaluate(experiment, checkpoint: URL(fileURLWithPath: checkpoint))
            say(String(format: "%@ on %@: test %@, loss %.4f (%d samples)", experiment.name, data.source,
                         evaluation.headline, evaluation.loss, data.test.count))
        }
    }
}
