import ArgumentParser
import Foundation
import Neuromorph
import Synchronization

/// `neuromorph sweep SPEC --set KEY=V1,V2 …`: expands a grid over spec keys, validates every
/// point before anything runs, and runs each point into a folder named by the hash of its
/// resolved spec (completed points are skipped on restart): in this process, in `--jobs N`
/// parallel processes, one `--shard i/n` slice (any job-array scheduler), or as a Slurm array.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an experiment spec over a grid of key values (locally, sharded, or as a Slurm job array).")

    @Argument(help: "The experiment spec file (YAML or JSON).")
    var spec: String

    @Option(name: .customLong("set"), help: "KEY=V1,V2,… : a dotted spec key and its values (repeatable; the grid is their product).")
    var sets: [String] = []

    @Option(help: "The sweep folder (default: results/sweep-<spec name>).")
    var output: String?

    @Option(help: "Runs at once, each in its own process (default 1: one after another in this process).")
    var jobs: Int = 1

    @Option(help: "Run only slice i of n (i/n: the points whose index ≡ i mod n), e.g. $SLURM_ARRAY_TASK_ID/12.")
    var shard: String?

    @Option(help: "Compute threads per run (default: all cores / jobs).")
    var threads: Int?

    @Flag(help: "Write a Slurm array script (one task per point) and submit it with sbatch when sbatch is installed.")
    var slurm = false

    @Option(help: "Slurm partition (with --slurm).")
    var partition: String?

    @Option(help: "Slurm time limit per task, e.g. 00:30:00 (with --slurm).")
    var time: String?

    @Option(help: "Slurm CPUs per task (with --slurm; also the runs' thread count there).")
    var cpus: Int?

    @Flag(help: "List the grid and exit without running.")
    var list = false

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let cpus, cpus < 1 { throw ValidationError("--cpus must be at least 1, got \(cpus)") }
        if !slurm && (partition != nil || time != nil || cpus != nil) {
            throw ValidationError("--partition, --time and --cpus apply only with --slurm")
        }
        if slurm && (shard != nil || jobs != 1) { throw ValidationError("--slurm runs one array task per point: drop --shard and --jobs") }
        if let time, time.contains(where: { !($0.isNumber || $0 == ":" || $0 == "-") }) {
            throw ValidationError("--time \(time): expected a Slurm time such as 30, 00:30:00 or 1-00:00:00")
        }
        if let partition, partition.isEmpty || partition.contains(where: { $0.isWhitespace }) {
            throw ValidationError("--partition must be one word, got '\(partition)'")
        }
    }

    func run() throws {
        try reportingErrors(spec: spec) {
            let url = URL(fileURLWithPath: spec)
            let text: String
            do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                throw SweepError("\(spec): cannot read the spec (\(error.localizedDescription))")
            }
            let format: SpecLoader.Format = url.pathExtension.lowercased() == "json" ? .json : .yaml
            let axes = try sets.map(SweepAxis.init(parsing:))
            let points = try SweepGrid.expand(base: text, format: format, file: spec, axes: axes)
            let shard = try shard.map(SweepShard.init(parsing:)) ?? .all
            let folder = URL(fileURLWithPath: output ?? "results/sweep-\(points[0].spec.name)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let manifest = SweepManifest(spec: url.standardizedFileURL.path, axes: axes, points: points)
            let manifestURL = folder.appendingPathComponent("sweep.json")
            if FileManager.default.fileExists(atPath: manifestURL.path),
               let existing = try? SpecLoader.decode(SweepManifest.self, from: manifestURL), existing != manifest {
                throw SweepError("--output \(folder.path) holds a different sweep (\(existing.spec) over "
                                 + existing.axes.map(\.key).joined(separator: ", ") + "); choose another --output")
            }
            try AtomicFile.write(try SpecLoader.json(manifest), to: folder.appendingPathComponent("sweep.json"))
            say("neuromorph sweep \(spec): \(points.count) point(s) over \(axes.map(\.key).joined(separator: ", ")) → \(folder.path)")
            if list {
                for point in points { say("  \(point.index)  \(point.hash)  " + point.assignments.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) }
                return
            }
            if slurm { return try submitSlurm(points: points, folder: folder) }
            try runLocally(points.filter { shard.contains($0.index) }, folder: folder)
        }
    }

    /// Runs the selected points that have no `results.json` yet.
    func runLocally(_ points: [SweepPoint], folder: URL) throws {
        let pending = points.filter {
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent($0.hash).appendingPathComponent("results.json").path)
        }
        say("  \(points.count - pending.count) of \(points.count) selected point(s) already complete; running \(pending.count)")
        for point in pending {
            let dir = folder.appendingPathComponent(point.hash)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try AtomicFile.write(point.yaml, to: dir.appendingPathComponent("spec.yaml"))
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let perRun = threads ?? max(1, cores / jobs)
        var failures: [String] = []
        if jobs == 1 {
            ComputeThreads.set(perRun)
            for point in pending {
                let dir = folder.appendingPathComponent(point.hash)
                say("[\(point.index)] \(label(point)) → \(point.hash)")
                do {
                    let results = try ExperimentRunner.run(point.spec, output: dir, log: { say("[\(point.index)] " + $0) })
                    say("[\(point.index)] final test \(results.finalTest.headline)")
                } catch {
                    failures.append("point \(point.index) (\(label(point))): \(error)")
                }
            }
        } else {
            failures = try runInProcesses(pending, folder: folder, threads: perRun)
        }
        if !failures.isEmpty {
            throw CommandFailure(description: "\(failures.count) sweep point(s) failed:\n  " + failures.joined(separator: "\n  "))
        }
    }

    /// `jobs` child processes of this executable at a time, each `neuromorph train` on one
    /// point's folder, its output in `log.txt` there.
    func runInProcesses(_ points: [SweepPoint], folder: URL, threads: Int) throws -> [String] {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        let slots = DispatchSemaphore(value: jobs)
        let group = DispatchGroup()
        let failures = Mutex<[String]>([])
        for point in points {
            slots.wait()
            let dir = folder.appendingPathComponent(point.hash)
            let name = "point \(point.index) (\(label(point)))"
            let process = Process()
            process.executableURL = executable
            process.arguments = ["train", dir.appendingPathComponent("spec.yaml").path, "--output", dir.path,
                                 "--threads", String(threads)]
            FileManager.default.createFile(atPath: dir.appendingPathComponent("log.txt").path, contents: nil)
            let log = try FileHandle(forWritingTo: dir.appendingPathComponent("log.txt"))
            process.standardOutput = log
            process.standardError = log
            group.enter()
            process.terminationHandler = { finished in
                try? log.close()
                if finished.terminationStatus != 0 {
                    failures.withLock { $0.append("\(name): exit \(finished.terminationStatus), see \(dir.path)/log.txt") }
                } else {
                    say("done \(name)")
                }
                slots.signal()
                group.leave()
            }
            say("[\(point.index)] \(label(point)) → \(point.hash)")
            do { try process.run() } catch {
                failures.withLock { $0.append("\(name): cannot start \(executable.path): \(error)") }
                slots.signal()
                group.leave()
            }
        }
        group.wait()
        return failures.withLock { $0 }
    }

    /// Writes `sweep.sbatch` (one array task per point, each running its shard) and submits it
    /// when `sbatch` is on the PATH; prints it otherwise.
    func submitSlurm(points: [SweepPoint], folder: URL) throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let specPath = URL(fileURLWithPath: spec).standardizedFileURL.path
        let folderPath = folder.standardizedFileURL.path
        func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        var lines = ["#!/bin/bash",
                     "#SBATCH --job-name=neuromorph-sweep",
                     "#SBATCH --array=0-\(points.count - 1)",
                     "#SBATCH --output=\(folderPath)/slurm-%A_%a.out"]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        if let cpus { lines.append("#SBATCH --cpus-per-task=\(cpus)") }
        let command = [quoted(executable), "sweep", quoted(specPath)] + sets.flatMap { ["--set", quoted($0)] }
            + ["--output", quoted(folderPath), "--shard", "\"${SLURM_ARRAY_TASK_ID}/\(points.count)\"", "--threads", String(cpus ?? 1)]
        lines += ["set -euo pipefail", "cd \(quoted(FileManager.default.currentDirectoryPath))", "exec " + command.joined(separator: " ")]
        let script = folder.appendingPathComponent("sweep.sbatch")
        try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: script)
        guard let sbatch = Self.which("sbatch") else {
            say("sbatch is not installed here; the array script is \(script.path):")
            say(lines.joined(separator: "\n"))
            return
        }
        let process = Process()
        process.executableURL = sbatch
        process.arguments = ["--parsable", script.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let jobID = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            throw CommandFailure(description: "sbatch \(script.path) failed with status \(process.terminationStatus)")
        }
        say("submitted Slurm array job \(jobID) (\(points.count) tasks); `neuromorph collect \(folder.path)` when done")
    }

    static func which(_ name: String) -> URL? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let url = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    func label(_ point: SweepPoint) -> String {
        point.assignments.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}

/// `neuromorph collect DIR`: one table of every sweep point's final test metrics, the best
/// configuration, the metric against each swept key, and `collect.csv` / `collect.html`.
struct Collect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Merge the runs of a sweep folder into one table, CSV and HTML report.")

    @Argument(help: "The sweep folder (holds sweep.json).")
    var folder: String

    func run() throws {
        try reportingErrors {
            let dir = URL(fileURLWithPath: folder)
            let manifestURL = dir.appendingPathComponent("sweep.json")
            guard FileManager.default.fileExists(atPath: manifestURL.path) else {
                throw SweepError("\(folder): no sweep.json here (run `neuromorph sweep` with --output \(folder) first)")
            }
            let manifest = try SpecLoader.decode(SweepManifest.self, from: manifestURL)
            let table = try SweepTable(manifest: manifest, folder: dir)
            for line in table.lines() { say(line) }
            try AtomicFile.write(table.csv(), to: dir.appendingPathComponent("collect.csv"))
            try AtomicFile.write(table.html(), to: dir.appendingPathComponent("collect.html"))
            say("wrote \(dir.appendingPathComponent("collect.csv").path) and collect.html")
            if table.completed.count < manifest.points.count {
                throw CommandFailure(description: "\(manifest.points.count - table.completed.count) of \(manifest.points.count) point(s) have no results.json yet")
            }
        }
    }
}

/// `neuromorph report DIR`: (re)writes the self-contained HTML report of a results folder.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write report.html (inline SVG plots) for a results folder of train, infer or compare.")

    @Argument(help: "The results folder (holds results.json, or comparison.json for compare).")
    var folder: String

    @Option(help: "Where to write the HTML (default: FOLDER/report.html).")
    var output: String?

    func run() throws {
        try reportingErrors {
            let dir = URL(fileURLWithPath: folder)
            let html = ComparisonReport.isComparisonFolder(dir) ? try ComparisonReport(folder: dir).html() : try RunReport(folder: dir).html()
            let target = output.map(URL.init(fileURLWithPath:)) ?? dir.appendingPathComponent("report.html")
            try AtomicFile.write(html, to: target)
            say("wrote \(target.path)")
        }
    }
}
