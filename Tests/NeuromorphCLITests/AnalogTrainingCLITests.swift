import Foundation
import Testing

/// `neuromorph train --swa-epochs/--swa-mvms` (analog SWA) and the vector-cell presets in
/// `neuromorph presets --analog` (docs/analog-training.md).
@Suite("neuromorph analog training flags")
struct AnalogTrainingCLITests {
    static let analogBlobs = Specs.blobs.replacingOccurrences(of: "epochs: 1", with: "epochs: 2") + """

        hardware:
          analog: {preset: Idealized2Preset}
        """

    @Test("train --swa-epochs writes swa-checkpoint beside checkpoint, and eval reads it")
    func swaWritesADigitalCheckpoint() throws {
        let dir = try Scratch()
        let spec = try dir.spec(Self.analogBlobs)
        let run = try neuromorph("train", spec, "--threads", "1", "--output", dir.path("run"), "--swa-epochs", "2", "--swa-mvms", "64")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("analog SWA (epochs 1,2): test accuracy"), "\(run)")
        #expect(FileManager.default.fileExists(atPath: dir.path("run/swa-checkpoint/spec.yaml")), "\(run)")
        let eval = try neuromorph("eval", dir.path("run/swa-checkpoint/spec.yaml"), "--threads", "1",
                                  "--checkpoint", dir.path("run/swa-checkpoint"))
        #expect(eval.status == 0 && eval.stdout.contains("test accuracy"), "\(eval)")
    }

    @Test("train --swa-*: bad values name the flag")
    func swaErrorsNameTheFlag() throws {
        let dir = try Scratch()
        let spec = try dir.spec(Self.analogBlobs)
        let zero = try neuromorph("train", spec, "--output", dir.path("d"), "--swa-epochs", "0")
        #expect(zero.status == 64 && zero.stderr.contains("--swa-epochs must be at least 1"), "\(zero)")
        let long = try neuromorph("train", spec, "--threads", "1", "--output", dir.path("a"), "--swa-epochs", "3")
        #expect(long.status == 1 && long.stderr.contains("--swa-epochs: 3 exceeds the run's 2 epochs"), "\(long)")
        let few = try neuromorph("train", spec, "--threads", "1", "--output", dir.path("b"), "--swa-epochs", "1", "--swa-mvms", "1")
        #expect(few.status == 1 && few.stderr.contains("--swa-mvms"), "\(few)")
        let digital = try neuromorph("train", try dir.spec(Specs.blobs), "--threads", "1", "--output", dir.path("c"), "--swa-epochs", "1")
        #expect(digital.status == 1 && digital.stderr.contains("hardware.analog"), "\(digital)")
    }

    @Test("presets --analog lists the VectorUnitCell presets")
    func vectorPresetsAreListed() throws {
        let list = try neuromorph("presets", "--analog")
        #expect(list.status == 0, "\(list)")
        for name in ["ReRamES2Preset", "Idealized4Preset"] {
            #expect(list.stdout.contains("  \(name)  vector_unit_cell"), "\(name): \(list)")
        }
        #expect(list.stdout.contains("  PCMPreset  one_sided_unit_cell of 2 × pcm"), "\(list)")
        #expect(list.stdout.contains("  MixedPrecisionPCMPreset  mixed_precision"), "\(list)")
        #expect(list.stdout.contains("  pcm = PCMPresetDevice"), "\(list)")
    }
}
