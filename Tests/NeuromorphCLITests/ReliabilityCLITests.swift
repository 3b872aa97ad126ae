import Foundation
import Testing

/// The inputs issue 10 found crashing or lying: each is now a one-line error naming the file
/// or flag, the key and the expected form, with a non-zero exit and no trap.
@Suite("command line: bad inputs are errors, not traps")
struct ReliabilityCLITests {
    static func expectError(_ run: CommandRun, mentions fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 1, "\(run)", sourceLocation: sourceLocation)
        let text = run.stdout + run.stderr
        for fragment in fragments {
            #expect(text.contains(fragment), "\(run) lacks '\(fragment)'", sourceLocation: sourceLocation)
        }
    }

    @Test("a transformer whose heads do not divide the default dim", arguments: ["{type: transformer, heads: 3}", "{type: transformer, dim: 30}"])
    func transformerSizes(layer: String) throws {
        let dir = try Scratch()
        let spec = try dir.spec(Specs.blobs.replacingOccurrences(of: "{type: linear, out: 8}", with: layer))
        Self.expectError(try neuromorph("train", spec, "--output", dir.path("run")), mentions: ["model.layers[0]", "heads do not divide dim"])
    }

    @Test("an empty spec file says so")
    func emptySpec() throws {
        let dir = try Scratch()
        let spec = try dir.spec("")
        Self.expectError(try neuromorph("train", spec, "--output", dir.path("run")), mentions: [spec, "empty"])
    }

    @Test("an error found while building the model names the spec file")
    func buildErrorsNameTheFile() throws {
        let dir = try Scratch()
        let spec = try dir.spec(Specs.blobs.replacingOccurrences(of: "{type: linear, out: 8}", with: "{type: factorization_machine, factors: 2}"))
        Self.expectError(try neuromorph("train", spec, "--output", dir.path("run")), mentions: [spec, "model.layers[0]", "categorical"])
    }

    @Test("a non-finite learning rate is rejected when the spec is read")
    func infiniteLearningRate() throws {
        let dir = try Scratch()
        let spec = try dir.spec(Specs.blobs.replacingOccurrences(of: "learning_rate: 0.1", with: "learning_rate: .inf"))
        Self.expectError(try neuromorph("train", spec, "--output", dir.path("run")),
                         mentions: ["training.optimizer.learning_rate", "finite"])
        #expect(!FileManager.default.fileExists(atPath: dir.path("run/results.json")))
    }

    @Test("a diverging run stops naming epoch and batch, keeping the finished epochs")
    func divergence() throws {
        let dir = try Scratch()
        let spec = try dir.spec(Specs.blobs
            .replacingOccurrences(of: "learning_rate: 0.1", with: "learning_rate: 1.0e+30")
            .replacingOccurrences(of: "epochs: 1", with: "epochs: 3"))
        Self.expectError(try neuromorph("train", spec, "--output", dir.path("run")), mentions: ["training diverged", "epoch", "batch"])
    }

    @Test("infer on a model with nothing to program onto PCM")
    func inferWithoutWeights() throws {
        let dir = try Scratch()
        let spec = try dir.spec("""
            name: flat
            data: {dataset: blobs, train_limit: 32, test_limit: 16}
            model: {layers: [{type: flatten}]}
            training: {optimizer: {kind: sgd, learning_rate: 0.1}, epochs: 1, batch_size: 16}
            hardware:
              inference: {device: pcm, times: 1s, repeats: 1}
            """)
        let run = try neuromorph("infer", spec, "--output", dir.path("run"))
        #expect(run.status != 0 && run.status < 128, "\(run)")   // an error, not a signal
        #expect((run.stdout + run.stderr).contains("model"), "\(run)")
    }

    @Test("resume with an edited hardware section is refused, naming what differs")
    func resumeWithChangedSpec() throws {
        let dir = try Scratch()
        let spec = try dir.spec(Specs.blobs)
        let first = try neuromorph("train", spec, "--threads", "1", "--output", dir.path("run"))
        try #require(first.status == 0, "\(first)")
        let edited = try dir.spec(Specs.blobs + "\nhardware:\n  analog: {device: constant_step}\n")
        Self.expectError(try neuromorph("train", edited, "--resume", dir.path("run/checkpoint"), "--output", dir.path("again")),
                         mentions: ["manifest.json", "hardware", "differ"])
    }
}

@Suite("command line: unwritable results folders")
struct ResultsFolderCLITests {
    @Test("an output folder that cannot be created or written is named before training starts")
    func unwritableOutput() throws {
        let dir = try Scratch()
        let spec = try dir.spec(Specs.blobs)
        let run = try neuromorph("train", spec, "--output", "/proc/neuromorph-cannot-exist/run")
        ReliabilityCLITests.expectError(run, mentions: ["cannot write /proc/neuromorph-cannot-exist/run", "--output"])
        #expect(!run.stdout.contains("epoch"), "\(run)")
    }
}
