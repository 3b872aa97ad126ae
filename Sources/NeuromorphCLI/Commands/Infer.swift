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

    @OptionGroup var options: SpecRunOptions

    @Option(help: "Times after programming, e.g. 1s,1h,1d,1w,1mo (overrides the spec).")
    var times: String?

    @Option(help: "Programming repeats per time (overrides the spec; the paper uses 25).")
    var repeats: Int?

    @Option(help: "Resume from a checkpoint folder (…/checkpoint): continues the training after the epochs it holds, then sweeps.")
    var resume: String?

    func validate() throws {
        if let repeats, repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        if let times {
            do { _ = try InferenceTime.parseGrid(times) } catch { throw ValidationError("--times: \(error)") }
        }
    }

    func run() throws {
        options.run.applyThreads()
        try reportingErrors(spec: options.spec) {
            var experiment = try options.load()
            guard experiment.hardware.inference != nil else {
                throw CommandFailure(description: "\(options.spec): hardware.inference: missing; `neuromorph infer` needs a PCM inference section (see examples/fashion-mlp-pcm.yaml)")
            }
            if let times { experiment.hardware.inference!.times = times }
            if let repeats { experiment.hardware.inference!.repeats = repeats }
            let output = options.run.outputFolder(for: experiment.name)
            say("neuromorph infer \(options.spec) → \(output.path)  (threads \(ComputeThreads.count))")
            let results = try ExperimentRunner.run(experiment, output: output, resume: resume.map(URL.init(fileURLWithPath:)),
                                                   sweep: true, log: say)
            say(String(format: "digital-equivalent test accuracy after training %.2f %%; %.1f s", (results.finalTest.accuracy ?? 0) * 100,
                       results.totalSeconds))
        }
    }
}
