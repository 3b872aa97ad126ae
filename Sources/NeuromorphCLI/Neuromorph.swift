import ArgumentParser
import Foundation
import Neuromorph

@main
struct NeuromorphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neuromorph",
        abstract: "Simulate, train and cost neural networks on AI hardware.",
        version: ExperimentRunner.version,
        subcommands: [Train.self, Evaluate.self, Infer.self, Demo.self, Bench.self, Presets.self, Estimate.self, Map.self, Chip.self],
        defaultSubcommand: nil)
}

/// Options every computing command shares.
struct RunOptions: ParsableArguments {
    @Option(help: "Seed for every random draw (overrides the spec's training.seed).")
    var seed: UInt64?

    @Option(help: "Compute threads for BLAS and Neuromorph's own loops (default: all cores).")
    var threads: Int?

    @Option(help: "Results folder (default: results/<name>-<time>).")
    var output: String?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func applyThreads() {
        ComputeThreads.set(threads ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    func outputFolder(for name: String) -> URL {
        if let output { return URL(fileURLWithPath: output) }
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current,
                                                formatOptions: [.withYear, .withMonth, .withDay, .withTime])
        return URL(fileURLWithPath: "results").appendingPathComponent("\(name)-\(stamp)")
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

/// Turns a library error into a one-line message and a non-zero exit.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as SpecError {
        throw CommandFailure(description: error.description)
    } catch let error as DataError {
        throw CommandFailure(description: error.description)
    } catch let error as NumpyFormatError {
        throw CommandFailure(description: error.description)
    } catch let error as DeviceParameterError {
        throw CommandFailure(description: error.description)
    }
}
