import Foundation
import Testing

/// Runs the built `neuromorph` executable on tiny inputs: every subcommand's success path and
/// at least one error path (exit status and message). `swift build --build-tests` (and `make
/// test`) builds the executable next to the test bundle.
@Suite("neuromorph command line")
struct CLITests {
    // MARK: - Train, eval, infer

    @Test("train: a blobs MLP trains one epoch and writes a checkpoint")
    func trainSucceeds() throws {
        let dir = try Scratch()
        let run = try neuromorph("train", dir.spec(Specs.blobs), "--threads", "1", "--output", dir.path("run"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("final test accuracy"), "\(run)")
        #expect(FileManager.default.fileExists(atPath: dir.path("run/checkpoint")), "\(run)")
    }

    @Test("train: a negative --epochs is a usage error, not a crash")
    func trainRejectsNegativeEpochs() throws {
        let dir = try Scratch()
        let run = try neuromorph("train", dir.spec(Specs.blobs), "--epochs=-1")
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains("--epochs must be 0 or more, got -1"), "\(run)")
    }

    @Test("train: a missing spec file is named in the message")
    func trainMissingFile() throws {
        let run = try neuromorph("train", "/nonexistent/spec.yaml")
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("/nonexistent/spec.yaml"), "\(run)")
    }

    @Test("train: a bad spec value names the file and key")
    func trainBadSpec() throws {
        let dir = try Scratch()
        let run = try neuromorph("train", dir.spec(Specs.blobs.replacingOccurrences(of: "dataset: blobs", with: "dataset: cifar")))
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("data.dataset"), "\(run)")
    }

    @Test("eval: a trained checkpoint evaluates; a missing checkpoint fails with its path")
    func evaluate() throws {
        let dir = try Scratch()
        let spec = try dir.spec(Specs.blobs)
        let train = try neuromorph("train", spec, "--threads", "1", "--output", dir.path("run"))
        #expect(train.status == 0, "\(train)")
        let run = try neuromorph("eval", spec, "--threads", "1", "--checkpoint", dir.path("run/checkpoint"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("test accuracy"), "\(run)")
        let missing = try neuromorph("eval", spec, "--checkpoint", dir.path("nothing"))
        #expect(missing.status == 1, "\(missing)")
        #expect(missing.stderr.contains(dir.path("nothing")), "\(missing)")
        let epochs = try neuromorph("eval", spec, "--checkpoint", dir.path("run/checkpoint"), "--epochs", "2")
        #expect(epochs.status == 64 && epochs.stderr.contains("--epochs does not apply to eval"), "\(epochs)")
    }

    @Test("infer: a blobs MLP is programmed on PCM and read at one time")
    func inferSucceeds() throws {
        let dir = try Scratch()
        let run = try neuromorph("infer", dir.spec(Specs.blobsPCM), "--threads", "1", "--output", dir.path("run"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("digital-equivalent test accuracy"), "\(run)")
        #expect(FileManager.default.fileExists(atPath: dir.path("run/inference.csv")), "\(run)")
    }

    @Test("infer: --epochs=-1 is a usage error; a spec without hardware.inference says so")
    func inferErrors() throws {
        let dir = try Scratch()
        let negative = try neuromorph("infer", dir.spec(Specs.blobsPCM), "--epochs=-1")
        #expect(negative.status == 64, "\(negative)")
        #expect(negative.stderr.contains("--epochs must be 0 or more"), "\(negative)")
        let digital = try neuromorph("infer", dir.spec(Specs.blobs))
        #expect(digital.status == 1, "\(digital)")
        #expect(digital.stderr.contains("hardware.inference: missing"), "\(digital)")
    }

    // MARK: - Demo, bench, presets

    @Test("demo --quick trains the MLP and CNN for one epoch on a few samples")
    func demoSucceeds() throws {
        let dir = try Scratch()
        let run = try neuromorph("demo", "--quick", "--skip-analog", "--data", dir.path("no-fashion"), "--threads", "1",
                                 "--output", dir.path("demo"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("digits-mlp") && run.stdout.contains("digits-cnn"), "\(run)")
    }

    @Test("demo: --epochs -1 and --threads 0 are usage errors", arguments: [["--epochs", "-1"], ["--threads", "0"]])
    func demoErrors(arguments: [String]) throws {
        let run = try neuromorph(["demo", "--quick"] + arguments)
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains(arguments[0]), "\(run)")
    }

    @Test("bench --quick prints a timing table; --repeats 0 is a usage error")
    func bench() throws {
        let run = try neuromorph("bench", "--quick", "--repeats", "1", "--threads", "1")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("sgemm 64×64") && run.stdout.contains("tile pulsed update"), "\(run)")
        let zero = try neuromorph("bench", "--repeats", "0")
        #expect(zero.status == 64 && zero.stderr.contains("--repeats must be at least 1"), "\(zero)")
    }

    @Test("presets lists and prints the built-in specs; an unknown name lists the known ones")
    func presets() throws {
        let list = try neuromorph("presets")
        #expect(list.status == 0 && list.stdout.contains("fashion-cnn"), "\(list)")
        let one = try neuromorph("presets", "fashion-cnn")
        #expect(one.status == 0 && one.stdout.contains("type: conv2d"), "\(one)")
        let unknown = try neuromorph("presets", "no-such-preset")
        #expect(unknown.status != 0, "\(unknown)")
        #expect(unknown.stderr.contains("no preset 'no-such-preset'") && unknown.stderr.contains("fashion-cnn"), "\(unknown)")
    }

    // MARK: - Cost, mapping, chip models

    @Test("estimate: a preset alone and the demo CNN's experiment spec on a macro design")
    func estimateSucceeds() throws {
        let preset = try neuromorph("estimate", "--preset", "neurosim-validation-40nm-rram")
        #expect(preset.status == 0 && preset.stdout.contains("macro total"), "\(preset)")
        let dir = try Scratch()
        let cnn = try neuromorph("estimate", Self.example("fashion-cnn.yaml"), "--preset", "sram-7nm", "--output", dir.path("out"))
        #expect(cnn.status == 0, "\(cnn)")
        // 112,896 + 903,168 + 200,704 + 1,280 MACs (see the workload tests).
        #expect(cnn.stdout.contains("1218048"), "\(cnn)")
        #expect(cnn.stdout.contains("fashion-cnn on sram-7nm") && cnn.stdout.contains("TOPS_per_W_post_layout"), "\(cnn)")
        #expect(FileManager.default.fileExists(atPath: dir.path("out/workload.json")), "\(cnn)")
    }

    @Test("estimate: an unknown macro design and a missing argument are reported")
    func estimateErrors() throws {
        let unknown = try neuromorph("estimate", Self.example("fashion-cnn.yaml"), "--preset", "rram-1nm")
        #expect(unknown.status == 1, "\(unknown)")
        #expect(unknown.stderr.contains("preset = \"rram-1nm\": expected one of") && unknown.stderr.contains("rram12-22nm"), "\(unknown)")
        let nothing = try neuromorph("estimate")
        #expect(nothing.status == 64 && nothing.stderr.contains("give a spec file"), "\(nothing)")
    }

    @Test("map: the demo CNN's experiment spec maps onto 256x256 crossbars")
    func mapSucceeds() throws {
        let run = try neuromorph("map", Self.example("fashion-cnn.yaml"), "--crossbar", "256x256", "--batch", "2")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("workload fashion-cnn") && run.stdout.contains("cores"), "\(run)")
    }

    @Test("map: a malformed crossbar and an unknown model are reported")
    func mapErrors() throws {
        let crossbar = try neuromorph("map", Self.example("fashion-cnn.yaml"), "--crossbar", "256by256")
        #expect(crossbar.status == 1 && crossbar.stderr.contains("256by256"), "\(crossbar)")
        let model = try neuromorph("map", "lenet-9000")
        #expect(model.status == 1 && model.stderr.contains("unknown model 'lenet-9000'"), "\(model)")
        let transformer = try neuromorph("map", Self.example("fashion-transformer-pcm.yaml"))
        #expect(transformer.status == 1 && transformer.stderr.contains("cannot be mapped"), "\(transformer)")
    }

    @Test("chip: one model prints its paper comparison; an unknown name lists the models")
    func chip() throws {
        let run = try neuromorph("chip", "moneta")
        #expect(run.status == 0 && run.stdout.contains("Neuromorph"), "\(run)")
        let unknown = try neuromorph("chip", "truenorth")
        #expect(unknown.status == 64 && unknown.stderr.contains("unknown chip model 'truenorth'"), "\(unknown)")
    }

    // MARK: - Support

    /// The repository root (this file is `Tests/NeuromorphCLITests/CLITests.swift`).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func example(_ name: String) -> String { root.appendingPathComponent("examples/\(name)").path }
}

/// Tiny experiment specs.
enum Specs {
    static let blobs = """
        name: cli-blobs
        data: {dataset: blobs, train_limit: 96, test_limit: 48}
        model:
          layers:
            - {type: linear, out: 8}
            - {type: activation, function: relu}
            - {type: linear, out: 3}
        training:
          loss: cross_entropy
          optimizer: {kind: sgd, learning_rate: 0.1}
          epochs: 1
          batch_size: 16
          seed: 0
        """

    static let blobsPCM = blobs.replacingOccurrences(of: "cli-blobs", with: "cli-blobs-pcm") + """

        hardware:
          inference: {device: pcm, times: 1s, repeats: 1}
        """
}

/// A fresh temporary folder, removed when the value goes away.
final class Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("neuromorph-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ relative: String) -> String { url.appendingPathComponent(relative).path }

    /// Writes `text` as `spec-<n>.yaml` and returns its path.
    func spec(_ text: String) throws -> String {
        let file = url.appendingPathComponent("spec-\(UUID().uuidString.prefix(8)).yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}

/// The result of one `neuromorph` run.
struct CommandRun: CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String

    var description: String {
        "neuromorph \(arguments.joined(separator: " ")) → exit \(status)\nstdout: \(stdout.suffix(2000))\nstderr: \(stderr.suffix(2000))"
    }
}

/// The `neuromorph` executable built beside the test bundle (or in `.build/debug`).
func neuromorphExecutable() throws -> URL {
    let beside = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
                  URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
    let candidates = beside.map { $0.appendingPathComponent("neuromorph") }
        + [CLITests.root.appendingPathComponent(".build/debug/neuromorph")]
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw CommandFailure("no neuromorph executable in \(candidates.map(\.path)); run `swift build --build-tests` first")
    }
    return found
}

struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func neuromorph(_ arguments: String...) throws -> CommandRun { try neuromorph(arguments) }

/// Runs `neuromorph arguments` in the repository root and collects its exit status and output;
/// `environment` replaces the inherited environment when given.
func neuromorph(_ arguments: [String], environment: [String: String]? = nil) throws -> CommandRun {
    let process = Process()
    process.executableURL = try neuromorphExecutable()
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.currentDirectoryURL = CLITests.root
    // Output goes to files, so a chatty command never blocks on a full pipe.
    let scratch = try Scratch()
    let outURL = URL(fileURLWithPath: scratch.path("stdout")), errURL = URL(fileURLWithPath: scratch.path("stderr"))
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    let outData = try Data(contentsOf: outURL), errData = try Data(contentsOf: errURL)
    return CommandRun(arguments: arguments, status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}
