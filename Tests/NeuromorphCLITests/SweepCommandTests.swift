import Foundation
import Testing

/// `neuromorph sweep` and `collect` (issue 17 item 4). The Slurm path runs for real in CI
/// (`scripts/slurm-ci.sh`); here its script is written without `sbatch` on the PATH.
@Suite("neuromorph sweep")
struct SweepCommandTests {
    static let spec = """
    name: sweep-tiny
    data: {dataset: blobs}
    model:
      layers:
        - {type: linear, out: 8}
        - {type: activation, function: tanh}
        - {type: linear, out: 3}
    training:
      optimizer: {kind: sgd, learning_rate: 0.1}
      epochs: 2
      batch_size: 16
    """

    @Test("sweep: in-process and --jobs 2 give identical results per point; collect merges; restarts skip")
    func jobsAgreeAndCollectMerges() throws {
        let dir = try Scratch()
        let spec = dir.path("tiny.yaml")
        try Self.spec.write(toFile: spec, atomically: true, encoding: .utf8)
        let sets = ["--set", "training.optimizer.learning_rate=0.01,0.1", "--set", "training.seed=0,1"]
        let one = try neuromorph(["sweep", spec] + sets + ["--output", dir.path("one")])
        #expect(one.status == 0, "\(one)")
        let two = try neuromorph(["sweep", spec] + sets + ["--output", dir.path("two"), "--jobs", "2"])
        #expect(two.status == 0, "\(two)")
        for folder in ["one", "two"] {
            let collect = try neuromorph("collect", dir.path(folder))
            #expect(collect.status == 0, "\(collect)")
            #expect(collect.stdout.contains("best: point") && collect.stdout.contains("test acc % by training.seed"), "\(collect)")
        }
        func rows(_ folder: String) throws -> [String] {
            try String(contentsOfFile: dir.path("\(folder)/collect.csv"), encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(7).joined(separator: ",") }
        }
        #expect(try rows("one").count == 5)
        #expect(try rows("one") == rows("two"))
        let html = try String(contentsOfFile: dir.path("one/collect.html"), encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("data-key=\"training.seed\"") && html.contains("<rect"))
        // A restart finds every point complete; another grid in the same folder is refused.
        let again = try neuromorph(["sweep", spec] + sets + ["--output", dir.path("one")])
        #expect(again.stdout.contains("4 of 4 selected point(s) already complete; running 0"), "\(again)")
        let other = try neuromorph(["sweep", spec, "--set", "training.seed=5", "--output", dir.path("one")])
        #expect(other.status == 1 && other.stderr.contains("holds a different sweep"), "\(other)")
        // A shard runs its slice only.
        let shard = try neuromorph(["sweep", spec] + sets + ["--output", dir.path("shard"), "--shard", "1/4"])
        #expect(shard.status == 0 && shard.stdout.contains("running 1"), "\(shard)")
        let partial = try neuromorph("collect", dir.path("shard"))
        #expect(partial.status == 1 && partial.stderr.contains("3 of 4 point(s) have no results.json yet"), "\(partial)")
    }

    @Test("sweep --slurm writes an array script with one task per point (no sbatch on the PATH)")
    func slurmScript() throws {
        let dir = try Scratch()
        let spec = dir.path("tiny.yaml")
        try Self.spec.write(toFile: spec, atomically: true, encoding: .utf8)
        let run = try neuromorph(["sweep", spec, "--set", "training.seed=0,1,2", "--slurm", "--partition", "debug",
                                  "--time", "00:05:00", "--cpus", "2", "--output", dir.path("s")],
                                 environment: ["PATH": "/nonexistent"])
        #expect(run.status == 0, "\(run)")
        let script = try String(contentsOfFile: dir.path("s/sweep.sbatch"), encoding: .utf8)
        for line in ["#SBATCH --array=0-2", "#SBATCH --partition=debug", "#SBATCH --time=00:05:00", "#SBATCH --cpus-per-task=2",
                     "--shard \"${SLURM_ARRAY_TASK_ID}/3\"", "--threads 2"] {
            #expect(script.contains(line), "missing \(line) in\n\(script)")
        }
    }

    @Test("sweep: bad flags name the flag")
    func badFlags() throws {
        let dir = try Scratch()
        let spec = dir.path("tiny.yaml")
        try Self.spec.write(toFile: spec, atomically: true, encoding: .utf8)
        for (args, status, message) in [(["--jobs", "0"], Int32(64), "--jobs must be at least 1"),
                                        (["--shard", "4/4"], 1, "--shard 4/4: expected i/n"),
                                        (["--set", "training.sed=1"], 1, "unknown key 'sed'"),
                                        (["--partition", "p"], 64, "apply only with --slurm"),
                                        (["--slurm", "--time", "soon"], 64, "--time soon")] {
            let run = try neuromorph(["sweep", spec, "--output", dir.path("x")] + args)
            #expect(run.status == status && run.stderr.contains(message), "\(run)")
        }
        let missing = try neuromorph("collect", dir.path("nothing"))
        #expect(missing.status == 1 && missing.stderr.contains("no sweep.json"), "\(missing)")
    }
}
