import Foundation
import Testing
@testable import NeuromorphCore
@testable import NeuromorphNN
@testable import NeuromorphSpec

func temporaryFolder() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("neuromorph-test-\(UUID().uuidString)")
}

@Suite(.exclusiveComputeThreads, .serialized) struct ExperimentRunTests {
    @Test func endToEndOnBlobsWritesTheResultsFolder() throws {
        ComputeThreads.set(1)
        let spec = try SpecLoader.parse(minimalYAML, format: .yaml)
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try ExperimentRunner.run(spec, output: folder, log: { _ in })
        #expect(results.epochs.count == 2)
        #expect((results.finalTest.accuracy ?? 0) > 0.9)
        for file in ["spec.yaml", "metrics.csv", "results.json", "checkpoint/manifest.json", "checkpoint/0.weight.npy"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }
        let csv = try String(contentsOf: folder.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 3)
        #expect(try SpecLoader.load(folder.appendingPathComponent("spec.yaml")) == spec)
        // The checkpoint reproduces the final test accuracy exactly.
        let (evaluation, _) = try ExperimentRunner.evaluate(spec, checkpoint: folder.appendingPathComponent("checkpoint"))
        #expect(evaluation == results.finalTest)
    }

    @Test func sameSeedSameWeightsDifferentSeedDifferent() throws {
        ComputeThreads.set(1)
        var spec = try SpecLoader.parse(minimalYAML, format: .yaml)
        func weights(_ spec: ExperimentSpec) throws -> Data {
            let folder = temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            _ = try ExperimentRunner.run(spec, output: folder, log: { _ in })
            return try Data(contentsOf: folder.appendingPathComponent("checkpoint/2.weight.npy"))
        }
        let first = try weights(spec)
        #expect(try weights(spec) == first)
        spec.training.seed = 1
        #expect(try weights(spec) != first)
    }

    @Test func checkpointLoadRejectsWrongShapes() throws {
        var g = SeededGenerator(seed: 1)
        var model = Sequential([Linear(3, 2, generator: &g)])
        let spec = try SpecLoader.parse(minimalYAML, format: .yaml)
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Checkpoint.save(model, spec: spec, epoch: 1, to: folder)
        try Checkpoint.save(model, spec: spec, epoch: 2, to: folder)   // replaces the old one atomically
        #expect(try Checkpoint.manifest(at: folder).epoch == 2)
        var other = Sequential([Linear(4, 2, generator: &g)])
        #expect(throws: SpecError.self) { try Checkpoint.load(into: &other, from: folder) }
        var same = Sequential([Linear(3, 2, generator: &g)])
        try Checkpoint.load(into: &same, from: folder)
        #expect(same.namedParameters().map(\.parameter.value) == model.namedParameters().map(\.parameter.value))
        #expect(throws: SpecError.self) { try Checkpoint.manifest(at: folder.appendingPathComponent("missing")) }
        // A manifest that names a parameter twice is an error, not a trap (issue 10).
        let url = folder.appendingPathComponent("manifest.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let parameters = try #require(json["parameters"] as? [[String: Any]])
        json["parameters"] = parameters + [parameters[0]]
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        do {
            try Checkpoint.load(into: &same, from: folder)
            Issue.record("a duplicated parameter was accepted")
        } catch let error as SpecError {
            #expect(error.description.contains("twice"), "\(error)")
        }
    }
}

@Suite(.exclusiveComputeThreads, .serialized) struct ResumeTests {
    @Test func resumingFromACheckpointContinuesBitIdentically() throws {
        ComputeThreads.set(1)
        var spec = try SpecLoader.parse(minimalYAML, format: .yaml)
        spec.model.layers.insert(.dropout(0.1), at: 2)   // a layer with random state
        spec.training.epochs = 3
        let straight = temporaryFolder(), first = temporaryFolder(), resumed = temporaryFolder()
        defer { for f in [straight, first, resumed] { try? FileManager.default.removeItem(at: f) } }
        _ = try ExperimentRunner.run(spec, output: straight, log: { _ in })
        var short = spec
        short.training.epochs = 1
        _ = try ExperimentRunner.run(short, output: first, log: { _ in })
        _ = try ExperimentRunner.run(spec, output: resumed, resume: first.appendingPathComponent("checkpoint"), log: { _ in })
        for file in ["0.weight.npy", "3.weight.npy", "3.bias.npy", "2.state.bin"] {
            let a = try Data(contentsOf: straight.appendingPathComponent("checkpoint/\(file)"))
            let b = try Data(contentsOf: resumed.appendingPathComponent("checkpoint/\(file)"))
            #expect(a == b, "\(file) differs after resume")
        }
        #expect(try Checkpoint.manifest(at: resumed.appendingPathComponent("checkpoint")).epoch == 3)
    }
}

@Suite(.exclusiveComputeThreads, .serialized) struct AnalogRunTests {
    @Test func analogTrainingRunsEndToEndAndResumesExactly() throws {
        ComputeThreads.set(1)
        var spec = try SpecLoader.parse(minimalYAML, format: .yaml)
        spec.hardware.analog = AnalogHardwareSpec(device: .constantStep)
        spec.training.epochs = 2
        let straight = temporaryFolder(), first = temporaryFolder(), resumed = temporaryFolder()
        defer { for f in [straight, first, resumed] { try? FileManager.default.removeItem(at: f) } }
        let results = try ExperimentRunner.run(spec, output: straight, log: { _ in })
        #expect(results.model.contains("AnalogLinear"))
        let counts = try NumpyArray.read(straight.appendingPathComponent("checkpoint/devices/0.tile0_0.device0.pulse_counts.npy"))
        #expect(counts.shape == [8, 2] && counts.sum() > 0)     // per-device pulse counts, readable in NumPy
        // Whole counts, not UInt32 bit patterns read as Float (`map(Float.init)` picked `init(bitPattern:)`).
        #expect(counts.sum() >= 16 && counts.scalars.allSatisfy { $0 >= 0 && $0 == $0.rounded() }, "\(counts.scalars)")
        #expect((results.finalTest.accuracy ?? 0) > 0.8, "analog accuracy \(String(describing: results.finalTest.accuracy))")
        var short = spec
        short.training.epochs = 1
        _ = try ExperimentRunner.run(short, output: first, log: { _ in })
        _ = try ExperimentRunner.run(spec, output: resumed, resume: first.appendingPathComponent("checkpoint"), log: { _ in })
        for file in ["0.state.bin", "2.state.bin", "0.weight.npy", "devices/0.tile0_0.device0.weights.npy", "2.bias.npy"] {
            let a = try Data(contentsOf: straight.appendingPathComponent("checkpoint/\(file)"))
            let b = try Data(contentsOf: resumed.appendingPathComponent("checkpoint/\(file)"))
            #expect(a == b, "\(file) differs after resume")
        }
        let (evaluation, _) = try ExperimentRunner.evaluate(spec, checkpoint: straight.appendingPathComponent("checkpoint"))
        #expect(abs((evaluation.accuracy ?? 0) - (results.finalTest.accuracy ?? 1)) < 0.05)   // forward noise differs per read
    }
}
