import ArgumentParser
import Foundation
import Neuromorph

@main
struct NeuromorphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neuromorph",
        abstract: "Simulate, train and cost neural networks on AI hardware.",
        version: ExperimentRunner.version,
        subcommands: [Train.self, Evaluate.self, Infer.self, Demo.self, Bench.self, Presets.self, Estimate.self, Map.self, Chip.self,
                      COBA.self, SNN.self, Plan.self, Bayes.self, W1.self, Sweep.self, Collect.self, Report.self,
                      Reproduce.self, Compare.self, ImportONNX.self, Predict.self, ExportONNX.self,
                      SparseRec.self, FM.self, S2M.self, TrueNorth.self, EP.self, Extract.self],
        defaultSubcommand: nil)
}

/// Options every computing command shares: seed, threads, results folder and epochs, checked
/// in `validate()` before anything runs.
struct RunOptions: ParsableArguments {
    @Option(help: "Seed for every random draw (overrides the spec's training.seed).")
    var seed: UInt64?

    @Option(help: "Compute threads for BLAS and Neuromorph's own loops (default: all cores).")
    var threads: Int?

    @Option(help: "Results folder (default: results/<name>-<time>).")
    var output: String?

    @Option(help: "Override the number of training epochs (0 evaluates the initial model).")
    var epochs: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let epochs, epochs < 0 { throw ValidationError("--epochs must be 0 or more, got \(epochs)") }
    }

    func applyThreads() {
        ComputeThreads.set(threads ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// `spec` with the `--seed` and `--epochs` overrides applied.
    func applied(to spec: ExperimentSpec) -> ExperimentSpec {
        var spec = spec
        if let seed { spec.training.seed = seed }
        if let epochs { spec.training.epochs = epochs }
        return spec
    }

    func outputFolder(for name: String) -> URL {
        if let output { return URL(fileURLWithPath: output) }
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current,
                                                formatOptions: [.withYear, .withMonth, .withDay, .withTime])
        return URL(fileURLWithPath: "results").appendingPathComponent("\(name)-\(stamp)")
    }
}

/// The option group of the commands that run an experiment spec: the spec file and the
/// ``RunOptions``.
struct SpecRunOptions: ParsableArguments {
    @Argument(help: "The experiment spec file (YAML or JSON).")
    var spec: String

    @OptionGroup var run: RunOptions

    /// The spec file, parsed, with the command-line overrides applied.
    func load() throws -> ExperimentSpec {
        run.applied(to: try SpecLoader.load(URL(fileURLWithPath: spec)))
    }
}

/// Prints a line and flushes, so progress reaches logs and pipes as it happens.
func say(_ line: String) {
    print(line)
    fflush(nil)
}

/// A failed command: ArgumentParser prints `Error: <description>` and exits with status 1
/// (without the usage text it shows for malformed arguments).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs `body` and turns any library error a user can cause (``UserFacingError``: specs,
/// data files, device parameters, cost and mapping inputs, chip models) into its one-line
/// message and exit status 1.
func reportingErrors<T>(spec: String? = nil, _ body: () throws -> T) throws -> T {
    do { return try body() } catch var error as SpecError where spec != nil && error.file == SpecError.unnamedFile {
        // Found after the spec was read (building the model, checking the data): name its file.
        error.file = spec ?? error.file
        throw CommandFailure(description: error.description)
    } catch let error as any UserFacingError {
        throw CommandFailure(description: error.description)
    }
}
