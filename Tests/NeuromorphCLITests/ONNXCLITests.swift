import Foundation
import Testing

/// `neuromorph import`, `predict` and `export` on the ONNX golden models
/// (Tests/NeuromorphONNXTests/Golden, written by benchmarks/onnx/export_goldens.py).
@Suite("neuromorph import / predict / export (ONNX)")
struct ONNXCLITests {
    static let golden = CLITests.root.appendingPathComponent("Tests/NeuromorphONNXTests/Golden")

    static func golden(_ file: String) -> String { golden.appendingPathComponent(file).path }

    @Test("import → predict on the checkpoint = predict on the .onnx; export → predict gives the same bytes")
    func importPredictExport() throws {
        let dir = try Scratch()
        let imported = try neuromorph("import", Self.golden("cnn.onnx"), "--output", dir.path("cnn.yaml"))
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout.contains("opset 13"), "\(imported)")
        #expect(FileManager.default.fileExists(atPath: dir.path("cnn.checkpoint/manifest.json")), "\(imported)")

        let input = Self.golden("cnn.input.npy")
        let direct = try neuromorph("predict", Self.golden("cnn.onnx"), "--input", input, "--output", dir.path("a.npy"), "--threads", "1")
        #expect(direct.status == 0, "\(direct)")
        let viaCheckpoint = try neuromorph("predict", dir.path("cnn.checkpoint"), "--input", input, "--output", dir.path("b.npy"),
                                           "--threads", "1")
        #expect(viaCheckpoint.status == 0, "\(viaCheckpoint)")
        let a = try Data(contentsOf: URL(fileURLWithPath: dir.path("a.npy")))
        #expect(a == (try Data(contentsOf: URL(fileURLWithPath: dir.path("b.npy")))))

        let exported = try neuromorph("export", dir.path("cnn.checkpoint"), "--onnx", dir.path("cnn2.onnx"))
        #expect(exported.status == 0, "\(exported)")
        let again = try neuromorph("predict", dir.path("cnn2.onnx"), "--input", input, "--output", dir.path("c.npy"), "--threads", "1")
        #expect(again.status == 0, "\(again)")
        #expect(a == (try Data(contentsOf: URL(fileURLWithPath: dir.path("c.npy")))))
    }

    @Test("import of a truncated file fails naming the file and writes nothing")
    func truncatedImport() throws {
        let dir = try Scratch()
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.golden("cnn.onnx")))
        try data.prefix(1000).write(to: URL(fileURLWithPath: dir.path("bad.onnx")))
        let run = try neuromorph("import", dir.path("bad.onnx"), "--output", dir.path("bad.yaml"))
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains(dir.path("bad.onnx")) && run.stderr.contains("truncated"), "\(run)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("bad.yaml")))
        #expect(!FileManager.default.fileExists(atPath: dir.path("bad.checkpoint")))
    }

    @Test("predict with an input of the wrong size says what it expected")
    func predictWrongInput() throws {
        let dir = try Scratch()
        let run = try neuromorph("predict", Self.golden("convbn.onnx"), "--input", Self.golden("cnn.input.npy"),
                                 "--output", dir.path("y.npy"))
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("[2, 8, 8]"), "\(run)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("y.npy")))
    }

    @Test("predict --hardware with a hardware.analog spec runs the transformer on tiles, seeded; --time is refused for it")
    func predictOnAnalogTiles() throws {
        let dir = try Scratch()
        let spec = CLITests.root.appendingPathComponent("examples/fashion-mlp-w2-constant-step.yaml").path
        let input = Self.golden("transformer.input.npy")
        func run(_ out: String, _ extra: String...) throws -> (status: Int32, stdout: String, stderr: String) {
            let r = try neuromorph(["predict", Self.golden("transformer.onnx"), "--input", input, "--output", dir.path(out),
                                    "--hardware", spec, "--threads", "1"] + extra)
            return (r.status, r.stdout, r.stderr)
        }
        let first = try run("a.npy", "--seed", "3")
        #expect(first.status == 0 && first.stdout.contains("on analog tiles (constant_step), seed 3"), "\(first)")
        #expect(try run("b.npy", "--seed", "3").status == 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: dir.path("a.npy")))
        #expect(a == (try Data(contentsOf: URL(fileURLWithPath: dir.path("b.npy")))))
        let refused = try run("c.npy", "--time", "1d")
        #expect(refused.status == 1 && refused.stderr.contains("--time") && refused.stderr.contains("hardware.analog"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("c.npy")))
    }
}
