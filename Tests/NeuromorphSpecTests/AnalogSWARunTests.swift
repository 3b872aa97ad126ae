import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN
@testable import NeuromorphSpec

/// `neuromorph train --swa-epochs K --swa-mvms N` (`AnalogSWASettings`): analog SWA over the
/// last K epochs from the tiles' own products (Gokmen 2021 Part II, digest
/// `ttv2_gradient-decomposition_shd.md` §1.5; note `analog-training.md` §1.10).
@Suite(.exclusiveComputeThreads, .serialized) struct AnalogSWARunTests {
    static let yaml = minimalYAML + "\nhardware:\n  analog:\n    device: constant_step\n"

    static func analogWeights(_ spec: ExperimentSpec, _ checkpoint: URL) throws -> [String: Tensor] {
        var (model, _) = try ModelBuilder.build(spec.model, dataShape: [2], seed: 9, analog: spec.hardware.analog)
        try Checkpoint.load(into: &model, from: checkpoint)
        return Dictionary(uniqueKeysWithValues: model.namedProgrammedWeights().map { ($0.name, $0.value) })
    }

    static func rms(_ a: Tensor, _ b: Tensor) -> Float {
        (zip(a.scalars, b.scalars).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Float(a.count)).squareRoot()
    }

    // Window of epochs 2–3 of a 3-epoch run: the averaged weights are the mean of the epoch-2
    // and epoch-3 weights up to the read noise (out_noise 0.06, 2 × 4096 products per tile:
    // ≈ 0.06·√(3/8192) ≈ 0.001 per weight), much closer to it than to the final weights; the
    // training itself is bit-identical to a run without SWA.
    @Test func averagesTheWindowIntoADigitalCheckpoint() throws {
        ComputeThreads.set(1)
        var spec = try SpecLoader.parse(Self.yaml, format: .yaml)
        let twoEpochs = temporaryFolder(), plain = temporaryFolder(), averaged = temporaryFolder()
        defer { for f in [twoEpochs, plain, averaged] { try? FileManager.default.removeItem(at: f) } }
        spec.training.epochs = 2
        _ = try ExperimentRunner.run(spec, output: twoEpochs, log: { _ in })
        spec.training.epochs = 3
        _ = try ExperimentRunner.run(spec, output: plain, log: { _ in })
        let results = try ExperimentRunner.run(spec, output: averaged, swa: AnalogSWASettings(epochs: 2, productsPerEpoch: 4096),
                                               log: { _ in })
        let w2 = try Self.analogWeights(spec, twoEpochs.appendingPathComponent("checkpoint"))
        let w3 = try Self.analogWeights(spec, plain.appendingPathComponent("checkpoint"))
        #expect(try Self.analogWeights(spec, averaged.appendingPathComponent("checkpoint")) == w3)

        let folder = averaged.appendingPathComponent("swa-checkpoint")
        let manifest = try Checkpoint.manifest(at: folder)
        #expect(manifest.spec.hardware.analog == nil && manifest.epoch == 3)
        #expect(try SpecLoader.load(folder.appendingPathComponent("spec.yaml")) == manifest.spec)
        var (digital, _) = try ModelBuilder.build(manifest.spec.model, dataShape: [2], seed: 9)
        try Checkpoint.load(into: &digital, from: folder)
        let swa = Dictionary(uniqueKeysWithValues: digital.namedParameters().map { ($0.name, $0.parameter.value) })
        for name in ["0.weight", "2.weight"] {
            let a = try #require(w2[name]), b = try #require(w3[name]), s = try #require(swa[name])
            let mean = (a + b) * 0.5
            let moved = Self.rms(a, b)
            print("analog SWA \(name): rms(swa − mean) \(Self.rms(s, mean)), rms(swa − final) \(Self.rms(s, b)), rms(w3 − w2) \(moved)")
            #expect(Self.rms(s, mean) < 0.005 && Self.rms(s, mean) < 0.25 * Self.rms(s, b), "\(name): swa−mean \(Self.rms(s, mean)), swa−final \(Self.rms(s, b)), moved \(moved)")
        }
        let swaResult = try #require(results.analogSWA)
        #expect(swaResult.epochs == [2, 3] && swaResult.productsPerEpoch == 4096 && swaResult.checkpoint == folder.path)
        let evaluated = try ExperimentRunner.evaluate(manifest.spec, checkpoint: folder).evaluation
        #expect(evaluated.accuracy == swaResult.test.accuracy)
        let json = try String(contentsOf: averaged.appendingPathComponent("results.json"), encoding: .utf8)
        #expect(json.contains("\"analogSWA\""))
    }

    @Test func badSettingsNameTheFlag() throws {
        ComputeThreads.set(1)
        let spec = try SpecLoader.parse(Self.yaml, format: .yaml)   // 2 epochs; tiles of 2 and 8 inputs
        func flag(_ settings: AnalogSWASettings, _ spec: ExperimentSpec) -> String? {
            do { _ = try ExperimentRunner.run(spec, output: nil, swa: settings, log: { _ in }); return nil } catch let error as ExtractionError {
                return error.field
            } catch { return "\(error)" }
        }
        #expect(flag(AnalogSWASettings(epochs: 3, productsPerEpoch: 100), spec) == "--swa-epochs")
        #expect(flag(AnalogSWASettings(epochs: 1, productsPerEpoch: 7), spec) == "--swa-mvms")
        #expect(flag(AnalogSWASettings(epochs: 0, productsPerEpoch: 100), spec) == "--swa-epochs")
        #expect(flag(AnalogSWASettings(epochs: 1, productsPerEpoch: 100), try SpecLoader.parse(minimalYAML, format: .yaml)) == "--swa-epochs")
        #expect(flag(AnalogSWASettings(epochs: 2, productsPerEpoch: 4), spec) == nil)   // 2 × 4 = 8 inputs: enough
    }

    // The averagers are checkpointed (analog-swa.state.bin): a 2-epoch run averaging epoch 2
    // (--swa-epochs 1), resumed to 3 epochs with --swa-epochs 2 (window 2–3, the same start),
    // writes the same averaged checkpoint byte for byte as the uninterrupted 3-epoch run, and
    // its last checkpoint holds the same averager state. Resuming with other --swa-mvms, or
    // from a checkpoint inside the window that has no averagers, is refused naming the flag.
    @Test func resumeInsideTheWindowAveragesAsAnUninterruptedRun() throws {
        ComputeThreads.set(1)
        var spec = try SpecLoader.parse(Self.yaml, format: .yaml)
        spec.training.epochs = 3
        let straight = temporaryFolder(), first = temporaryFolder(), resumed = temporaryFolder()
        let bare = temporaryFolder(), refused = temporaryFolder()
        defer { for f in [straight, first, resumed, bare, refused] { try? FileManager.default.removeItem(at: f) } }
        let window = AnalogSWASettings(epochs: 2, productsPerEpoch: 256)
        let full = try ExperimentRunner.run(spec, output: straight, swa: window, log: { _ in })
        _ = try ExperimentRunner.run(spec.withEpochs(2), output: first, swa: AnalogSWASettings(epochs: 1, productsPerEpoch: 256),
                                     log: { _ in })
        let checkpoint = first.appendingPathComponent("checkpoint")
        let saved = try #require(try Checkpoint.analogSWAState(at: checkpoint))
        #expect(saved.recorded == [2] && saved.averagers.count == 2 && saved.averagers.values.allSatisfy { $0.allSatisfy { $0.count == 256 } })
        let continued = try ExperimentRunner.run(spec, output: resumed, resume: checkpoint, swa: window, log: { _ in })
        #expect(continued.analogSWA?.epochs == [2, 3] && continued.analogSWA?.test == full.analogSWA?.test)
        let files = try FileManager.default.contentsOfDirectory(atPath: straight.appendingPathComponent("swa-checkpoint").path)
            .filter { $0.hasSuffix(".npy") }.sorted()
        #expect(files.count == 4, "\(files)")
        for file in files {
            let a = try Data(contentsOf: straight.appendingPathComponent("swa-checkpoint/\(file)"))
            let b = try Data(contentsOf: resumed.appendingPathComponent("swa-checkpoint/\(file)"))
            #expect(a == b, "swa-checkpoint/\(file) differs after resume")
        }
        let a = try Data(contentsOf: straight.appendingPathComponent("checkpoint/\(AnalogSWAState.file)"))
        let b = try Data(contentsOf: resumed.appendingPathComponent("checkpoint/\(AnalogSWAState.file)"))
        #expect(a == b)

        func field(_ settings: AnalogSWASettings, from folder: URL) -> String? {
            do {
                _ = try ExperimentRunner.run(spec, output: refused, resume: folder.appendingPathComponent("checkpoint"), swa: settings,
                                             log: { _ in })
                return nil
            } catch let error as ExtractionError {
                return error.field + ": " + error.message
            } catch { return "\(error)" }
        }
        let otherProducts = field(AnalogSWASettings(epochs: 2, productsPerEpoch: 128), from: first)
        #expect(otherProducts?.hasPrefix("--swa-epochs") == true && otherProducts?.contains("--swa-mvms 256") == true, "\(otherProducts ?? "accepted")")
        _ = try ExperimentRunner.run(spec.withEpochs(2), output: bare, log: { _ in })
        let noAveragers = field(window, from: bare)
        #expect(noAveragers?.hasPrefix("--swa-epochs") == true && noAveragers?.contains("holds no averagers") == true, "\(noAveragers ?? "accepted")")
        // A window after the checkpoint needs no averagers.
        #expect(field(AnalogSWASettings(epochs: 1, productsPerEpoch: 256), from: bare) == nil)
        // A state that does not fit the model (an averager dropped, or resized) is an error
        // naming the file, not a failed assertion.
        var edited = saved
        edited.averagers["2"] = [RunningAverager(inputs: 3, outputs: 3)]
        try edited.encoded().write(to: checkpoint.appendingPathComponent(AnalogSWAState.file))
        let misfit = field(window, from: first)
        #expect(misfit?.hasPrefix("--resume") == true && misfit?.contains("does not fit this model") == true, "\(misfit ?? "accepted")")
        edited.averagers["2"] = nil
        try edited.encoded().write(to: checkpoint.appendingPathComponent(AnalogSWAState.file))
        #expect(field(window, from: first)?.contains("does not fit this model") == true)
    }
}
