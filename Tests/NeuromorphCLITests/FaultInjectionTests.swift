import Foundation
import Testing

/// `neuromorph train` killed with SIGKILL at 20 seeded random moments: each time the results
/// folder holds either no checkpoint or a complete one, `--resume` from it finishes, and the
/// final weights equal those of an uninterrupted run bit for bit (issue 10, fault injection).
@Suite("kill -9 during training", .serialized)
struct FaultInjectionTests {
    /// Momentum (optimizer state) and dropout (a layer's random stream) so that a resume that
    /// lost any state would differ; enough epochs that a kill lands mid-run.
    static let spec = """
        name: kill-test
        data: {dataset: blobs}
        model:
          layers:
            - {type: linear, out: 32}
            - {type: activation, function: tanh}
            - {type: dropout, rate: 0.1}
            - {type: linear, out: 3}
        training:
          optimizer: {kind: sgd, learning_rate: 0.05, momentum: 0.9}
          epochs: 12
          batch_size: 8
          seed: 3
        """
    static let compared = ["0.weight.npy", "0.bias.npy", "3.weight.npy", "3.bias.npy", "2.state.bin", "optimizer.state.bin"]

    /// SplitMix64, for the kill moments (the test's own seeded stream).
    struct Moments {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    /// Whether `folder` holds a complete checkpoint (a manifest whose every file exists),
    /// under its own name or as the `.previous` copy of an interrupted swap.
    static func completeCheckpoint(in output: URL) -> Bool? {
        let fm = FileManager.default
        for name in ["checkpoint", ".checkpoint.previous"] {
            let folder = output.appendingPathComponent(name)
            guard fm.fileExists(atPath: folder.path) else { continue }
            guard let data = try? Data(contentsOf: folder.appendingPathComponent("manifest.json")),
                  let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
            var files = ((manifest["parameters"] as? [[String: Any]]) ?? []).compactMap { $0["file"] as? String }
            files += (manifest["states"] as? [String]) ?? []
            if let optimizer = manifest["optimizer"] as? String { files.append(optimizer) }
            return !files.isEmpty && files.allSatisfy { fm.fileExists(atPath: folder.appendingPathComponent($0).path) }
        }
        return nil
    }

    /// What the kills of one command did.
    struct KillCounts {
        var interrupted = 0
        var withCheckpoint = 0
    }

    /// Runs `command spec` once uninterrupted, then `trials` times killed with SIGKILL at a
    /// seeded moment within the clean run's duration, checks the checkpoint left behind,
    /// resumes (or restarts) the run and compares `files` with the uninterrupted run's;
    /// `check` sees each resumed folder.
    static func killAndResume(_ command: String, spec: String, in dir: Scratch, trials: Int, seed: UInt64, files: [String],
                              check: (Int, URL) throws -> Void = { _, _ in }) throws -> (KillCounts, TimeInterval) {
        let reference = URL(fileURLWithPath: dir.path("reference-\(command)"))
        let started = Date()
        let clean = try neuromorph(command, spec, "--threads", "1", "--output", reference.path)
        let duration = Date().timeIntervalSince(started)
        try #require(clean.status == 0, "\(clean)")
        var moments = Moments(state: seed)
        var counts = KillCounts()
        for trial in 0..<trials {
            let output = URL(fileURLWithPath: dir.path("\(command)-\(trial)"))
            let arguments = [command, spec, "--threads", "1", "--output", output.path]
            let process = Process()
            process.executableURL = try neuromorphExecutable()
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: moments.next() * duration)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { counts.interrupted += 1 }
            let state = completeCheckpoint(in: output)
            #expect(state != false, "\(command) trial \(trial): an incomplete checkpoint was left behind")
            var again = arguments
            if state == true {
                counts.withCheckpoint += 1
                again += ["--resume", output.appendingPathComponent("checkpoint").path]
            }
            let resumed = try neuromorph(again)
            try #require(resumed.status == 0, "\(command) trial \(trial): \(resumed)")
            for file in files {
                let a = try Data(contentsOf: reference.appendingPathComponent(file))
                let b = try Data(contentsOf: output.appendingPathComponent(file))
                #expect(a == b, "\(command) trial \(trial): \(file) differs from the uninterrupted run")
            }
            try check(trial, output)
            try? FileManager.default.removeItem(at: output)
        }
        return (counts, duration)
    }

    @Test func twentyKillsResumeToBitIdenticalWeights() throws {
        let dir = try Scratch()
        let (counts, duration) = try Self.killAndResume("train", spec: try dir.spec(Self.spec), in: dir, trials: 20, seed: 20_261_203,
                                                        files: Self.compared.map { "checkpoint/\($0)" }) { trial, output in
            // Every epoch's metrics are in the resumed folder's metrics.csv, once.
            let metrics = try String(contentsOf: output.appendingPathComponent("metrics.csv"), encoding: .utf8)
            let epochs = metrics.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").first.flatMap { Int($0) } }
            #expect(epochs == Array(1...12), "trial \(trial): metrics.csv holds epochs \(epochs)")
        }
        print("kill -9: \(counts.interrupted)/20 runs interrupted, \(counts.withCheckpoint) resumed from a checkpoint, all bit-identical")
        // The moments are spread over the run: most kills interrupt it, many after a checkpoint.
        #expect(counts.interrupted >= 10, "only \(counts.interrupted) of 20 kills interrupted the run (run took \(duration) s)")
        #expect(counts.withCheckpoint >= 5, "only \(counts.withCheckpoint) of 20 kills found a checkpoint")
    }

    /// The same for `neuromorph infer`: HWA training on PCM periphery, then programming and a
    /// drift sweep; a killed run resumes (or restarts when no checkpoint was written) to the
    /// same checkpoint and the same `inference.csv`.
    @Test func tenKillsOfInferResumeToTheSameSweep() throws {
        let dir = try Scratch()
        let spec = try dir.spec(Self.spec.replacingOccurrences(of: "kill-test", with: "kill-infer")
            .replacingOccurrences(of: "    - {type: dropout, rate: 0.1}\n", with: "")
            .replacingOccurrences(of: "epochs: 12", with: "epochs: 25")
            + "\nhardware:\n  inference: {device: pcm, hwa_noise: 0.02, times: '1s,1h,1d', repeats: 5}\n")
        let (counts, duration) = try Self.killAndResume(
            "infer", spec: spec, in: dir, trials: 10, seed: 20_261_204,
            files: ["checkpoint/0.weight.npy", "checkpoint/2.weight.npy", "checkpoint/2.state.bin", "inference.csv"])
        print("kill -9 infer: \(counts.interrupted)/10 runs interrupted, all resumed to the same checkpoint and sweep")
        #expect(counts.interrupted >= 5, "only \(counts.interrupted) of 10 kills interrupted the run (run took \(duration) s)")
    }
}
