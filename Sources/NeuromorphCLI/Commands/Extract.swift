import ArgumentParser
import Foundation
import Neuromorph

/// How `neuromorph extract` probes the tiles.
enum ExtractionInputChoice: String, ExpressibleByArgument, CaseIterable {
    case uniform
    case oneHot = "one-hot"
}

struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extract the weights of an analog training checkpoint by least squares and save them as a digital checkpoint.",
        discussion: """
            Reads CHECKPOINT (a …/checkpoint folder written by `neuromorph train` with hardware.analog), \
            estimates each analog tile's weights from its own noisy forward products (Gokmen 2021 Part II: \
            Ĉ = ((XXᵀ)⁻¹XYᵀ)ᵀ; uniform inputs on [−1, 1], or one-hot inputs repeated --repeats times), and \
            writes the same model without hardware.analog, with the extracted weights and the digital \
            parameters, to --output (atomically). Evaluate it with `neuromorph eval --checkpoint`.
            """)

    @Argument(help: "The analog training checkpoint folder (…/checkpoint).")
    var checkpoint: String

    @Option(help: "Folder for the digital checkpoint (created; replaced atomically if it exists).")
    var output: String

    @Option(help: "Probe inputs: uniform (default) or one-hot.")
    var inputs: ExtractionInputChoice = .uniform

    @Option(help: "Forward products per tile with uniform inputs (Gokmen: 10240).")
    var mvms: Int = 10240

    @Option(help: "Repeats of the one-hot set with --inputs one-hot (products = repeats × tile inputs).")
    var repeats: Int = 20

    @Option(help: "Seed of the uniform inputs and the reads (default: the run's training.seed).")
    var seed: UInt64?

    func validate() throws {
        guard mvms >= 1 else { throw ValidationError("--mvms must be at least 1, got \(mvms)") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        if inputs == .uniform && mvms < 2 { throw ValidationError("--mvms must be at least the tile's inputs (≥ 2), got \(mvms)") }
    }

    func run() throws {
        let source = URL(fileURLWithPath: checkpoint)
        let target = URL(fileURLWithPath: output)
        let set: ExtractionInputs = inputs == .uniform ? .uniform(count: mvms) : .oneHot(repeats: repeats)
        try reportingErrors {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            let reports = try ExtractedCheckpoint.write(from: source, to: target, inputs: set, seed: seed)
            for report in reports {
                say(String(format: "%@: %d products per tile, RMS error %.5f (RMS weight %.5f)", report.name, report.products,
                           report.rmsError, report.rmsWeight))
            }
            say("digital checkpoint → \(target.path)")
        }
    }
}
