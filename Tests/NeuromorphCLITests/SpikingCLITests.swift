import Foundation
import Testing

/// `neuromorph snn` and `neuromorph coba` (issue 12, item 10).
@Suite("neuromorph snn and coba")
struct SpikingCLITests {
    static let tiny = """
    name: tiny
    spiking:
      duration: 30
      energy: chundi
      populations:
        - {name: kick, size: 4, model: poisson_generator, params: {rate: 500}}
        - {name: cells, size: 4, model: iaf_cond_exp, preset: pynn, integrator: exponential_euler}
      projections:
        - {pre: kick, post: cells, connector: {rule: one_to_one}, weight: 300, delay: 0.5}
    """

    @Test("snn: a tiny network runs, prints its table and energy, and writes its results")
    func snnRuns() throws {
        let dir = try Scratch()
        let run = try neuromorph("snn", dir.spec(Self.tiny), "--output", dir.path("out"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("cells"), "\(run)")
        #expect(run.stdout.contains("energy (Chundi"), "\(run)")
        let summary = try String(contentsOfFile: dir.path("out/summary.json"), encoding: .utf8)
        #expect(summary.contains("\"synapticOperations\""))
        #expect(FileManager.default.fileExists(atPath: dir.path("out/spikes.csv")))
    }

    @Test("snn: an unknown population and a delay that is not a whole step name the key path", arguments: [
        ("pre: kick", "pre: kik", "spiking.projections[0].pre"),
        ("delay: 0.5", "delay: 0.05", "spiking.projections[0].delay"),
    ])
    func snnRejectsBadNetworks(_ original: String, _ replacement: String, _ path: String) throws {
        let dir = try Scratch()
        let file = try dir.spec(Self.tiny.replacingOccurrences(of: original, with: replacement))
        let run = try neuromorph("snn", file)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains(path), "\(run)")
        #expect(run.stderr.contains(file), "\(run)")
    }

    @Test("coba: a short run prints spikes and a median; --threads 0 is a usage error")
    func cobaRuns() throws {
        let run = try neuromorph("coba", "--duration", "5", "--integrator", "exponential_euler")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("median"), "\(run)")
        let bad = try neuromorph("coba", "--threads", "0")
        #expect(bad.status == 64, "\(bad)")
    }
}

@Suite("neuromorph bayes")
struct BayesCLITests {
    @Test("bayes prints every primitive beside its closed form; --bits 1 is a usage error")
    func bayesRuns() throws {
        let run = try neuromorph("bayes", "--bits", "2000", "--sweeps", "2000")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("C-element"), "\(run)")
        #expect(run.stdout.contains("fixed-point Gibbs 16 bits"), "\(run)")
        let bad = try neuromorph("bayes", "--bits", "1")
        #expect(bad.status == 64, "\(bad)")
    }
}

@Suite("neuromorph snn --preset")
struct SpikingPresetCLITests {
    @Test("bcpnn-traces prints Table 2 metrics and writes the trace plots")
    func bcpnnTraces() throws {
        let dir = try Scratch()
        let run = try neuromorph("snn", "--preset", "bcpnn-traces", "--output", dir.path("out"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("correlated-bursts"), "\(run)")
        let svg = try String(contentsOfFile: dir.path("out/bcpnn-dense.svg"), encoding: .utf8)
        #expect(svg.contains("<polyline"))
    }

    @Test("ubrain-digits runs the μBrain system on the shipped digits")
    func ubrainDigits() throws {
        let run = try neuromorph("snn", "--preset", "ubrain-digits", "--images", "10")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("SNN accuracy, first ISI"), "\(run)")
    }

    @Test("a missing data folder, and neither spec nor preset, are usage errors naming what is wrong")
    func presetErrors() throws {
        let missing = try neuromorph("snn", "--preset", "ubrain-mnist16", "--data", "/nonexistent/mnist")
        #expect(missing.status != 0, "\(missing)")
        #expect(missing.stderr.contains("/nonexistent/mnist"), "\(missing)")
        let neither = try neuromorph("snn")
        #expect(neither.status == 64, "\(neither)")
        #expect(neither.stderr.contains("--preset"), "\(neither)")
    }

    @Test("ubrain-digits --relay-first-layer counts the relay layer's spikes and prints both readings of 11,500")
    func ubrainRelay() throws {
        let run = try neuromorph("snn", "--preset", "ubrain-digits", "--images", "5", "--relay-first-layer", "--relay-scale", "8")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("relay / hidden / output") && run.stdout.contains("w·s = 7·8"), "\(run)")
        #expect(run.stdout.contains("stimuli counted") && run.stdout.contains("chip only"), "\(run)")
    }

    @Test("ubrain-digits --input-phase aligned prints the phases it ran; random is the default")
    func ubrainPhases() throws {
        let aligned = try neuromorph("snn", "--preset", "ubrain-digits", "--images", "5", "--input-phase", "aligned")
        #expect(aligned.status == 0 && aligned.stdout.contains("aligned phases"), "\(aligned)")
        let plain = try neuromorph("snn", "--preset", "ubrain-digits", "--images", "5")
        #expect(plain.status == 0 && plain.stdout.contains("random phases") && plain.stdout.contains("tied shortest ISI"), "\(plain)")
    }

    @Test("a system flag with the wrong preset or out of range is a usage error naming the flag", arguments: [
        (["--preset", "ubrain-mnist16", "--theta-plus", "50"], "--theta-plus"),
        (["--preset", "moneta-mnist", "--theta-plus", "50"], "--table-competition"),
        (["--preset", "moneta-mnist", "--table-competition", "--theta-plus", "-1"], "--theta-plus"),
        (["--preset", "moneta-mnist", "--table-competition", "--theta-decay", "1.5"], "--theta-decay"),
        (["--preset", "moneta-mnist", "--theta-decay", "0.9"], "--table-competition"),
        (["--preset", "moneta-mnist", "--training", "type1", "--table-competition"], "--table-competition"),
        (["--preset", "moneta-mnist", "--training", "type6"], "--training"),
        (["--preset", "moneta-mnist", "--training", "hybrid"], "--training"),
        (["--preset", "moneta-mnist", "--training", "type4", "--table-competition"], "--table-competition"),
        (["--preset", "chundi-mnist", "--training", "type5"], "--training"),
        (["--preset", "ubrain-digits", "--relay-weight", "7"], "--relay-first-layer"),
        (["--preset", "ubrain-digits", "--relay-first-layer", "--relay-weight", "9"], "--relay-weight"),
        (["--preset", "ubrain-digits", "--relay-first-layer", "--relay-scale", "65"], "--relay-scale"),
        (["--preset", "chundi-mnist", "--input-levels", "0"], "--input-levels"),
        (["--preset", "moneta-mnist", "--input-levels", "24"], "--input-levels"),
        (["--preset", "chundi-mnist", "--first-thresholds", "8", "0"], "--first-thresholds"),
        (["--preset", "ubrain-digits", "--train-images", "100"], "--train-images"),
        (["--preset", "moneta-mnist", "--train-images", "0"], "--train-images"),
        (["--preset", "ubrain-digits", "--input-phase", "diagonal"], "--input-phase"),
        (["--preset", "chundi-mnist", "--input-phase", "random"], "--input-phase"),
        (["--preset", "ubrain-digits", "--coding", "poisson", "--input-phase", "random"], "--input-phase"),
        (["--preset", "ubrain-digits", "--weight-scales", "2"], "--weight-scales"),
        (["--preset", "ubrain-digits", "--weight-scales", "2", "65"], "--weight-scales"),
        (["--preset", "ubrain-digits", "--weight-clip-percentile", "0"], "--weight-clip-percentile"),
        (["--preset", "chundi-mnist", "--weight-clip-percentile", "99"], "--weight-clip-percentile"),
        (["--preset", "chundi-mnist", "--retrigger", "later"], "--retrigger"),
        (["--preset", "ubrain-digits", "--retrigger", "drop"], "--retrigger"),
        (["--preset", "chundi-mnist", "--hidden-thresholds", "24", "16"], "--hidden-thresholds"),
        (["--preset", "chundi-mnist", "--hidden-thresholds", "24", "16", "0"], "--hidden-thresholds"),
        (["--preset", "chundi-mnist", "--arbiter-clock", "0"], "--arbiter-clock"),
        (["--preset", "chundi-mnist", "--hidden-arbiter-clock", "0"], "--hidden-arbiter-clock"),
        (["--preset", "ubrain-digits", "--hidden-arbiter-clock", "4000"], "--hidden-arbiter-clock"),
    ])
    func systemFlagErrors(_ arguments: [String], _ flag: String) throws {
        let run = try neuromorph(["snn"] + arguments)
        #expect(run.status == 64, "\(run)")
        #expect(run.stderr.contains(flag), "\(run)")
    }
}

@Suite("neuromorph presets --analog")
struct AnalogPresetsCLITests {
    @Test("lists the aihwkit device and algorithm presets; one prints as JSON")
    func listsAnalogPresets() throws {
        let list = try neuromorph("presets", "--analog")
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.contains("TikiTakaIdealizedPreset"), "\(list)")
        let one = try neuromorph("presets", "--analog", "MixedPrecisionEcRamPreset")
        #expect(one.status == 0, "\(one)")
        #expect(one.stdout.contains("mixed_precision"), "\(one)")
    }
}

@Suite("neuromorph w1")
struct W1CLITests {
    @Test("w1 times aihwkit's MLP step with a preset; an unknown preset lists the known ones")
    func w1Runs() throws {
        let run = try neuromorph("w1", "--preset", "IdealizedPreset", "--steps", "1")
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("ms/step"), "\(run)")
        let bad = try neuromorph("w1", "--preset", "NoSuchPreset")
        #expect(bad.status == 1, "\(bad)")
        #expect(bad.stderr.contains("--preset") && bad.stderr.contains("TikiTakaEcRamPreset"), "\(bad)")
    }
}

@Suite("neuromorph snn --preset ubrain-bits")
struct MuBrainBitsCLITests {
    @Test("the bit sweep prints five rows and writes its plot")
    func bitSweep() throws {
        let dir = try Scratch()
        let run = try neuromorph("snn", "--preset", "ubrain-bits", "--data", "digits", "--images", "10", "--output", dir.path("out"))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("   8  "), "\(run)")
        let svg = try String(contentsOfFile: dir.path("out/ubrain-bits.svg"), encoding: .utf8)
        #expect(svg.components(separatedBy: "<polyline").count == 4)
    }
}
