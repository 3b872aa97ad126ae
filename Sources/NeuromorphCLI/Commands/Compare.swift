import ArgumentParser
import Foundation
import Neuromorph

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model once and compare it on the spec's substrates: accuracy, energy, latency and area with their sources.",
        discussion: """
            SPEC is an experiment spec with a `substrates:` list (kinds: \(SubstrateRegistry.kinds.joined(separator: ", "))). \
            The model is trained once (digital float32, as `neuromorph train`) or loaded from --checkpoint, then evaluated \
            on every substrate. Writes comparison.json, comparison.csv and report.html into the output folder. \
            See docs/compare.md and examples/compare-fashion-mlp.yaml.
            """)

    @OptionGroup var options: SpecRunOptions

    @Option(help: "A checkpoint folder of this spec's model (…/checkpoint): skip training and compare it.")
    var checkpoint: String?

    @Flag(help: "A quick run: 2,000 training and 500 test samples, at most 2 epochs, 2 PCM repeats, 200 spiking samples.")
    var quick = false

    func run() throws {
        options.run.applyThreads()
        try reportingErrors(spec: options.spec) {
            var experiment = try options.load()
            if quick { experiment = SubstrateComparison.quick(experiment) }
            let output = options.run.outputFolder(for: "\(experiment.name)-compare")
            say("neuromorph compare \(options.spec) → \(output.path)  (threads \(ComputeThreads.count))")
            let comparison = try SubstrateComparison.run(experiment, output: output,
                                                         checkpoint: checkpoint.map(URL.init(fileURLWithPath:)), log: say)
            say(comparison.table())
            say("wrote \(output.path)/comparison.json, comparison.csv and report.html")
        }
    }
}
