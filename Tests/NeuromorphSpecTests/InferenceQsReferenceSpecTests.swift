import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphSpec

/// `hardware.inference.qs_reference` (issue 19 item 3): the paper's Q_s(g_T) by default,
/// aihwkit's Q_s(|g_prog|) on request; a bad value names the key and the choices.
@Suite struct InferenceQsReferenceSpecTests {
    static func yaml(_ inference: String) -> String { minimalYAML + "\nhardware:\n  inference:\n" + inference }

    @Test func defaultIsThePaperAndProgrammedIsAihwkit() throws {
        let paper = try SpecLoader.parse(Self.yaml("    device: pcm\n"), format: .yaml)
        #expect(paper.hardware.inference?.noiseModel.qsReference == .target)
        let aihwkit = try SpecLoader.parse(Self.yaml("    device: pcm-reduced-noise\n    qs_reference: programmed\n"), format: .yaml)
        let model = try #require(aihwkit.hardware.inference?.noiseModel)
        #expect(model.qsReference == .programmed && model.readNoiseScale == 0.5)
        #expect(try SpecLoader.parse(try SpecLoader.yaml(aihwkit), format: .yaml) == aihwkit)
    }

    @Test func badValueNamesTheKey() {
        do {
            _ = try SpecLoader.parse(Self.yaml("    qs_reference: drifted\n"), format: .yaml)
            Issue.record("qs_reference: drifted was accepted")
        } catch {
            let message = "\(error)"
            #expect(message.contains("qs_reference") && message.contains("programmed"), "\(message)")
        }
    }
}
