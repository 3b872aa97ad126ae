import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN
@testable import NeuromorphSpec

/// `neuromorph extract` (`ExtractedCheckpoint`): least-squares extraction of an analog
/// training checkpoint into a digital checkpoint (Gokmen 2021 Part II, digest §1.5; note §1.10).
@Suite(.exclusiveComputeThreads, .serialized) struct ExtractedCheckpointTests {
    @Test func extractsIntoALoadableDigitalCheckpoint() throws {
        ComputeThreads.set(1)
        var spec = try SpecLoader.parse(minimalYAML + "\nhardware:\n  analog:\n    preset: TTv2IdealizedPreset\n", format: .yaml)
        spec.training.epochs = 1
        let run = temporaryFolder(), out = temporaryFolder()
        defer { for f in [run, out] { try? FileManager.default.removeItem(at: f) } }
        _ = try ExperimentRunner.run(spec, output: run, log: { _ in })
        let checkpoint = run.appendingPathComponent("checkpoint")
        let target = out.appendingPathComponent("digital")
        let uniform = try ExtractedCheckpoint.write(from: checkpoint, to: target, inputs: .uniform(count: 4096))
        #expect(uniform.map(\.name) == ["0.weight", "2.weight"])
        // G4 ordering (digest §1.5): one-hot×1 is far worse than uniform at ~the same budget.
        let oneHot = try ExtractedCheckpoint.write(from: checkpoint, to: out.appendingPathComponent("one-hot"), inputs: .oneHot(repeats: 1))
        for (u, o) in zip(uniform, oneHot) {
            #expect(u.rmsError < 0.2 * u.rmsWeight && o.rmsError > 3 * u.rmsError, "\(u) vs \(o)")
        }
        // The digital checkpoint loads into the model without hardware.analog and holds the extracted weights.
        let manifest = try Checkpoint.manifest(at: target)
        #expect(manifest.spec.hardware.analog == nil && manifest.spec.model == spec.model)
        var (digital, _) = try ModelBuilder.build(manifest.spec.model, dataShape: [2], seed: 9)
        try Checkpoint.load(into: &digital, from: target)
        let saved = try SpecLoader.load(target.appendingPathComponent("spec.yaml"))
        #expect(saved == manifest.spec)
        var (analog, _) = try ModelBuilder.build(spec.model, dataShape: [2], seed: 9, analog: spec.hardware.analog)
        try Checkpoint.load(into: &analog, from: checkpoint)
        let exact = analog.namedProgrammedWeights().first { $0.name == "0.weight" }!.value
        let extracted = digital.namedParameters().first { $0.name == "0.weight" }!.parameter.value
        let rms = (zip(exact.scalars, extracted.scalars).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Float(exact.count)).squareRoot()
        #expect(abs(rms - uniform[0].rmsError) < 1e-6)
        #expect(digital.namedParameters().first { $0.name == "0.bias" }!.parameter.value
                == analog.namedParameters().first { $0.name == "0.bias" }!.parameter.value)
    }

    @Test func badInputsAreNamed() throws {
        ComputeThreads.set(1)
        var spec = try SpecLoader.parse(minimalYAML, format: .yaml)
        spec.training.epochs = 0
        let run = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: run) }
        _ = try ExperimentRunner.run(spec, output: run, log: { _ in })
        let checkpoint = run.appendingPathComponent("checkpoint")
        #expect { try ExtractedCheckpoint.write(from: checkpoint, to: run.appendingPathComponent("x"), inputs: .uniform(count: 100)) }
            throws: { ($0 as? SpecError)?.path == "spec.hardware.analog" }
        #expect { try ExtractedCheckpoint.write(from: checkpoint, to: checkpoint, inputs: .uniform(count: 100)) }
            throws: { $0 is SpecError }
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("x").path))
        #expect(throws: SpecError.self) {
            try ExtractedCheckpoint.write(from: run.appendingPathComponent("none"), to: run.appendingPathComponent("y"), inputs: .uniform(count: 100))
        }
    }
}
