import Foundation
import Testing

/// `neuromorph ep` (issue 14, item 1; learning-rules §1.1).
@Suite("neuromorph ep")
struct EPCommandTests {
    @Test("a tiny digits run prints per-epoch accuracy and writes ep-result.json")
    func tinyRun() throws {
        let dir = try Scratch()
        let run = try neuromorph("ep", "--preset", "digits-mlp", "--epochs", "2", "--train-limit", "200",
                                 "--test-limit", "100", "--threads", "1", "--output", dir.path("out"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("epoch   2"), "\(run)")
        #expect(run.stdout.contains("final test accuracy"), "\(run)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path("out/ep-result.json")))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let accuracy = try #require(json?["finalTestAccuracy"] as? Double)
        #expect(accuracy > 0.3, "200 examples, 2 epochs: \(accuracy)")
        let runObject = try #require(json?["run"] as? [String: Any])
        #expect((runObject["epochs"] as? [Any])?.count == 2)
    }

    @Test("kp-vf switches to backward weights and prints the alignment angle")
    func kpvfPrintsAngles() throws {
        let run = try neuromorph("ep", "--preset", "digits-conv", "--estimator", "kp-vf", "--epochs", "1",
                                 "--train-limit", "64", "--test-limit", "32", "--threads", "1")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("backward weights"), "\(run)")
        #expect(run.stdout.contains("angles"), "\(run)")
    }

    @Test("bad flags are usage errors (exit 64) naming the flag", arguments: [
        (["--preset", "digits-mlp", "--beta", "0"], "--beta"),
        (["--preset", "digits-mlp", "--estimator", "two-sided"], "estimator"),
        (["--preset", "no-such-preset"], "preset"),
        (["--preset", "digits-mlp", "--epochs", "-1"], "--epochs"),
    ])
    func badFlags(_ arguments: [String], _ flag: String) throws {
        let run = try neuromorph(["ep"] + arguments)
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains(flag), "\(run)")
    }

    @Test("a data folder without the files is a one-line error naming it (exit 1)")
    func missingData() throws {
        let dir = try Scratch()
        let run = try neuromorph("ep", "--preset", "mnist-mlp", "--data", dir.path("nothing"), "--epochs", "1")
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains(dir.path("nothing")), "\(run)")
        let cifar = try neuromorph("ep", "--preset", "cifar10-conv", "--data", dir.path("nothing"))
        #expect(cifar.status == 1, "\(cifar)")
        #expect(cifar.stderr.contains("data_batch_1.bin"), "\(cifar)")
    }
}
