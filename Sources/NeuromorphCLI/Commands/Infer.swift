import ArgumentParser
import Foundation
import Neuromorph

struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train for analog inference on PCM (hardware.inference), program, and sweep accuracy over time.",
        discussion: """
            Trains the spec's model with the inference periphery in the loop (and HWA weight noise if \
            hardware.inference.hwa_noise is set), then programs it onto PCM devices once per repeat and \
            evaluates the test set at each time after programming, with and without global drift \
            compensation. Writes inference.csv, inference.svg and results.json to the results folder.
            """)

    @Argument(help: "An experiment spec with a hardware.inference section.")
    var spec: String

    @Option(help: "Times after programming, e.g. 1s,1h,1d,1w,1mo (overrides the spec).")
    var times: String?

    @Option(help: "Programming repeats per time (overrides the spec; the paper uses 25).")
    var repeats: Int?

    @Option(help: "Override the spec's training.epochs.")
    var epochs: Int?

    @OptionGroup var options: RunOptions

    func validate() throws {
        if let repeats, repeats < 1 { throw ValidationError("--repeats must be at least 1") }
        if let times {
            do { _ = try InferenceTime.parseGrid(times) } catch { throw ValidationError("--times: \(error)") }
        }
    }

    func run() throws {
        options.applyThreads()
        try reportingErrors {
            var experiment = try SpecLoader.load(URL(fileURLWithPath: spec))
            guard experiment.hardware.inference != nil else {
                throw CommandFailure(description: "\(spec): hardware.inference: missing; `neuromorph infer` needs a PCM inference section (see examples/fashion-mlp-pcm.yaml)")
            }
            if let seed = options.seed { experiment.training.seed = seed }
            if let epochs { experiment.training.epochs = epochs }
            if let times { experiment.hardware.inference!.times = times }
            if let repeats { experiment.hardware.inference!.repeats = repeats }
            let output = options.outputFolder(for: experiment.name)
            say("neuromorph infer \(spec) → \(output.path)  (threads \(ComputeThreads.count))")
            let results = try ExperimentRunner.run(experiment, output: output, sweep: true, log: say)
            say(String(format: "digital-equivalent test accuracy after training %.2f %%; %.1f s", (results.finalTest.accuracy ?? 0) * 100,
                       results.totalSeconds))
        }
    }
}
