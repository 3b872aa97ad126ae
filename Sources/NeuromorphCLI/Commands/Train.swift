import ArgumentParser
import Foundation
import Neuromorph

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train the model an experiment spec (YAML or JSON) describes.")

    @OptionGroup var options: SpecRunOptions

    @Option(help: "Initialize the parameters from .npy files named <layer>.<parameter>.npy in this folder.")
    var initialWeights: String?

    @Option(help: "Resume from a checkpoint folder (…/checkpoint): continues after the epochs it holds.")
    var resume: String?

    @Option(help: ArgumentHelp("Analog SWA: average the analog weights over the last N epochs (Gokmen 2021 Part II) and write them as a digital checkpoint OUTPUT/swa-checkpoint.",
                               valueName: "N"))
    var swaEpochs: Int?

    @Option(help: "With --swa-epochs: uniform-input products per analog tile after each epoch of the window.")
    var swaMvms: Int = 10240

    func validate() throws {
        if let swaEpochs, swaEpochs < 1 { throw ValidationError("--swa-epochs must be at least 1 epoch, got \(swaEpochs)") }
        guard swaMvms >= 1 else { throw ValidationError("--swa-mvms must be at least 1 product, got \(swaMvms)") }
    }

    func run() throws {
        options.run.applyThreads()
        try reportingErrors(spec: options.spec) {
            let experiment = try options.load()
            let output = options.run.outputFolder(for: experiment.name)
            say("neuromorph train \(options.spec) → \(output.path)  (threads \(ComputeThreads.count))")
            let results = try ExperimentRunner.run(experiment, output: output, initialWeights: initialWeights.map(URL.init(fileURLWithPath:)),
                                                    resume: resume.map(URL.init(fileURLWithPath:)),
                                                    swa: swaEpochs.map { AnalogSWASettings(epochs: $0, productsPerEpoch: swaMvms) }, log: say)
            say(String(format: "final test %@, loss %.4f, %.1f s", results.finalTest.headline,
                         results.finalTest.loss, results.totalSeconds))
        }
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Evaluate a trained checkpoint on the spec's test set.")

    @OptionGroup var options: SpecRunOptions

    @Option(help: "The checkpoint folder written by `neuromorph train` (…/checkpoint).")
    var checkpoint: String

    func validate() throws {
        if options.run.epochs != nil { throw ValidationError("--epochs does not apply to eval (it trains nothing)") }
        if options.run.output != nil { throw ValidationError("--output does not apply to eval (it writes nothing)") }
    }

    func run() throws {
        options.run.applyThreads()
        try reportingErrors(spec: options.spec) {
            let experiment = try options.load()
            let (evaluation, data) = try ExperimentRunner.evaluate(experiment, checkpoint: URL(fileURLWithPath: checkpoint))
            say(String(format: "%@ on %@: test %@, loss %.4f (%d samples)", experiment.name, data.source,
                         evaluation.headline, evaluation.loss, data.test.count))
        }
    }
}
