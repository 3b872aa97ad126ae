import Foundation
import Testing

/// `neuromorph sparserec`, `fm` and `s2m` (learning-rules spec §1.2, §1.3): tiny runs that
/// write their JSON result, and bad flags.
@Suite("neuromorph sparserec / fm / s2m")
struct BiasMatchingCLITests {
    static let mnist5k = "/work/shared/data/mnist-5k"

    /// A tiny `u.data` with 12 users × 10 items.
    static func ratingsFile(in dir: Scratch) throws -> String {
        var lines: [String] = []
        for u in 1...12 { for i in 1...10 where (u * 7 + i * 3) % 4 != 0 { lines.append("\(u)\t\(i)\t\((u + i) % 5 + 1)\t0") } }
        let path = dir.path("u.data")
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("fm: two batch sizes train and the JSON result names them")
    func fmTiny() throws {
        let dir = try Scratch()
        let run = try neuromorph("fm", "--data", try Self.ratingsFile(in: dir), "--batch-size", "1", "8", "--epochs", "2",
                                 "--factors", "3", "--output", dir.path("fm.json"))
        #expect(run.status == 0, "\(run)")
        let json = try String(contentsOfFile: dir.path("fm.json"), encoding: .utf8)
        #expect(json.contains("\"batchSize\" : 8") && json.contains("meanTestRMSE"), "\(json.prefix(300))")
    }

    @Test("fm: --batch-size 0 is a usage error naming the flag")
    func fmBadBatch() throws {
        let run = try neuromorph("fm", "--batch-size", "0")
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains("--batch-size"), "\(run)")
    }

    @Test("fm: a missing ratings file is named")
    func fmMissingData() throws {
        let run = try neuromorph("fm", "--data", "/nonexistent/u.data", "--epochs", "1")
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("/nonexistent/u.data"), "\(run)")
    }

    @Test("sparserec autorec-ml100k: a tiny sparseRec AutoRec runs a few L-BFGS iterations and writes JSON")
    func autoRecTiny() throws {
        let dir = try Scratch()
        let run = try neuromorph("sparserec", "--preset", "autorec-ml100k", "--data", try Self.ratingsFile(in: dir),
                                 "--units", "8", "--k", "3", "--iterations", "3", "--l2", "0.1", "--threads", "1",
                                 "--output", dir.path("autorec.json"))
        #expect(run.status == 0, "\(run)")
        #expect(try String(contentsOfFile: dir.path("autorec.json"), encoding: .utf8).contains("test_rmse"))
    }

    @Test("sparserec: --k larger than --units is a usage error")
    func sparseRecBadK() throws {
        let run = try neuromorph("sparserec", "--preset", "mnist", "--units", "16", "--k", "32")
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains("--k must lie in 1...16"), "\(run)")
    }

    @Test("sparserec mnist and s2m: one tiny epoch on mnist-5k",
          .enabled(if: FileManager.default.fileExists(atPath: BiasMatchingCLITests.mnist5k), "/work/shared/data/mnist-5k is not on this machine"))
    func mnistTiny() throws {
        let dir = try Scratch()
        let sparse = try neuromorph("sparserec", "--preset", "mnist", "--data", Self.mnist5k, "--units", "32", "--k", "8",
                                    "--epochs", "1", "--train-limit", "300", "--threads", "1", "--output", dir.path("mnist.json"))
        #expect(sparse.status == 0, "\(sparse)")
        #expect(sparse.stdout.contains("test accuracy"), "\(sparse)")
        let s2m = try neuromorph("s2m", "--data", Self.mnist5k, "--hidden", "16", "16", "--epochs", "2", "--samples", "1",
                                 "--probe-images", "50", "--train-limit", "200", "--threads", "1", "--output", dir.path("s2m.json"))
        #expect(s2m.status == 0, "\(s2m)")
        // Stability probes (spec §2.3): epochs 0…2 in the JSON, the summary line on stdout.
        #expect(s2m.stdout.contains("probes: percentile jitter"), "\(s2m)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path("s2m.json")))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect((runs.first?["probes"] as? [[String: Any]])?.count == 3)
    }

    @Test("s2m: a negative --probe-images is a usage error naming the flag")
    func s2mBadProbeImages() throws {
        let run = try neuromorph("s2m", "--probe-images=-1")
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains("--probe-images must be 0 or more"), "\(run)")
    }

    @Test("s2m: an unknown --model is a usage error")
    func s2mBadModel() throws {
        let run = try neuromorph("s2m", "--model", "dense")
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains("--model"), "\(run)")
    }
}
