import Foundation
import Testing
import NeuromorphCore
import NeuromorphNN
import NeuromorphLearning
@testable import NeuromorphSpec

/// `training.procedure: {kind: equilibrium_propagation, …}` (issue 14 item 7; docs/learning-rules-ep.md
/// "In experiment specs").
let tinyEPYAML = """
name: ep-tiny
data: {dataset: digits, train_limit: 400, test_limit: 200}
model:
  layers:
    - {type: linear, out: 32}
    - {type: linear, out: 10}
training:
  loss: mse
  optimizer: {kind: sgd, learning_rate: 0.1, momentum: 0.5}
  epochs: 2
  batch_size: 20
  seed: 1
  procedure:
    kind: equilibrium_propagation
    estimator: symmetric
    beta: 0.5
    T: 20
    K: 6
    learning_rates: [0.2, 0.1]
    activation: my_sigmoid
"""

@Suite("Equilibrium Propagation in experiment specs")
struct EquilibriumPropagationSpecTests {
    @Test("a tiny EP spec trains above chance on the shipped digits (2 epochs, 400 examples) and writes the results folder")
    func tinySpecTrains() throws {
        let spec = try SpecLoader.parse(tinyEPYAML, format: .yaml)
        #expect(spec.training.procedure.equilibriumPropagation?.freeSteps == 20)
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try ExperimentRunner.run(spec, output: folder, log: { _ in })
        let accuracy = try #require(results.finalTest.accuracy)
        // Chance is 10 %; the same settings through `neuromorph ep --preset digits-mlp` reach ≈ 80 %.
        #expect(accuracy > 0.5, "test accuracy \(accuracy)")
        #expect(results.epochs.count == 2)
        for file in ["spec.yaml", "metrics.csv", "results.json", "report.html", "ep-result.json"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file) missing")
        }
        // The written spec reads back as the same spec (EP settings included).
        #expect(try SpecLoader.load(folder.appendingPathComponent("spec.yaml")) == spec)
    }

    @Test("the EP settings come from the spec: architecture, Table 1 names, optimizer and cosine schedule")
    func settingsFromSpec() throws {
        var spec = ExperimentPresets.all["ep-digits-conv"]!
        let ep = try #require(spec.training.procedure.equilibriumPropagation)
        let s = try ep.settings(spec, featureCount: 64, classes: 10)
        #expect(s.architecture.inputShape == [1, 8, 8])
        #expect(s.architecture.convolutions == [.init(channels: 8, kernel: 3, padding: 1), .init(channels: 16, kernel: 3, padding: 1)])
        #expect(s.architecture.hidden.isEmpty && s.architecture.cost == .crossEntropy && s.architecture.activation == .myHardSig)
        #expect(s.beta == 1 && s.freeSteps == 40 && s.nudgedSteps == 10 && s.learningRates == [0.25, 0.15, 0.05])
        #expect(s.momentum == 0.9 && s.weightDecay == 3e-4 && s.schedule == EPCosineSchedule(periodEpochs: 10, minimumRate: 1e-5))
        // The preset is `neuromorph ep --preset digits-conv`.
        #expect(s == EPPreset.digitsConv.settings)
        spec.training.procedure = ProcedureSpec(equilibriumPropagation: EquilibriumPropagationSpec(estimator: .kpvf))
        #expect(try spec.training.procedure.equilibriumPropagation!.settings(spec, featureCount: 64, classes: 10).architecture.unidirectional)
    }

    @Test("every ep-* preset gives the settings of neuromorph ep --preset, and the string form takes the defaults")
    func presetsBuild() throws {
        for (name, spec) in ExperimentPresets.all where name.hasPrefix("ep-") {
            let ep = try #require(spec.training.procedure.equilibriumPropagation, "\(name)")
            let features = (spec.model.inputShape ?? [spec.data.dataset == .digits ? 64 : 784]).reduce(1, *)
            let settings = try ep.settings(spec, featureCount: features, classes: 10)
            // Each preset is `neuromorph ep --preset …`'s run (ep-digits-conv-kp-vf: `--estimator kp-vf --weight-decay 0.01`).
            let cli = name == "ep-digits-conv-kp-vf"
                ? EPPreset.digitsConv.settings(estimator: .kpvf, epochs: nil, beta: nil, seed: nil, weightDecay: 0.01)
                : try #require(EPPreset(rawValue: String(name.dropFirst(3))), "\(name)").settings
            #expect(settings == cli, "\(name)")
        }
        let text = tinyEPYAML.replacingOccurrences(of: """
          procedure:
            kind: equilibrium_propagation
            estimator: symmetric
            beta: 0.5
            T: 20
            K: 6
            learning_rates: [0.2, 0.1]
            activation: my_sigmoid
        """, with: "  procedure: equilibrium_propagation")
        #expect(try SpecLoader.parse(text, format: .yaml).training.procedure.equilibriumPropagation == EquilibriumPropagationSpec())
    }

    @Test("bad procedure keys and values are rejected with the key path", arguments: [
        ("    T: 20", "    T: 20\n    gamma: 2", "training.procedure.gamma", ["unknown key 'gamma'", "beta", "learning_rates"]),
        ("    beta: 0.5", "    beta: -1", "training.procedure.beta", ["positive nudging strength"]),
        ("    T: 20", "    T: 0", "training.procedure.T", ["free-phase steps"]),
        ("    K: 6", "    K: 2.5", "training.procedure.K", []),
        ("    estimator: symmetric", "    estimator: backprop", "training.procedure.estimator", ["one-sided", "kp-vf"]),
        ("    activation: my_sigmoid", "    activation: relu", "training.procedure.activation", ["my_hard_sig"]),
        ("    learning_rates: [0.2, 0.1]", "    learning_rates: [0.2, -0.1]", "training.procedure.learning_rates[1]", ["positive"]),
        ("    kind: equilibrium_propagation", "    kind: equilibrium", "training.procedure.kind", ["equilibrium_propagation", "backpropagation"]),
    ])
    func rejectsBadKeys(_ replacement: (String, String, String, [String])) {
        let (old, new, path, fragments) = replacement
        expectSpecError(tinyEPYAML.replacingOccurrences(of: old, with: new), path: path, mentions: fragments)
    }

    @Test("a backpropagation procedure rejects EP keys")
    func backpropagationRejectsEPKeys() {
        let text = minimalYAML.replacingOccurrences(of: "  epochs: 2", with: "  epochs: 2\n  procedure: {kind: backpropagation, beta: 1}")
        expectSpecError(text, path: "training.procedure.beta", mentions: ["unknown key 'beta'"])
    }

    @Test("models, losses, optimizers and schedules EP cannot run are rejected naming the key", arguments: [
        ("    - {type: linear, out: 32}", "    - {type: linear, out: 32}\n    - {type: activation, function: relu}", "model.layers[1]", ["activation"]),
        ("  loss: mse", "  loss: nll", "training.loss", ["cross_entropy", "mse"]),
        ("  optimizer: {kind: sgd, learning_rate: 0.1, momentum: 0.5}", "  optimizer: {kind: adam, learning_rate: 0.1}", "training.optimizer.kind", ["sgd"]),
        ("  seed: 1", "  seed: 1\n  schedule: {kind: step, step_size: 1}", "training.schedule.kind", ["cosine"]),
        ("    learning_rates: [0.2, 0.1]", "    learning_rates: [0.2]", "training.procedure.learning_rates", ["2 learning-rate groups"]),
        ("    - {type: linear, out: 10}", "    - {type: linear, out: 5}", "model.layers[1]", ["10 classes"]),
    ])
    func rejectsUnrunnableSpecs(_ replacement: (String, String, String, [String])) throws {
        let (old, new, path, fragments) = replacement
        let spec = try SpecLoader.parse(tinyEPYAML.replacingOccurrences(of: old, with: new), format: .yaml)
        try expectRunRejected(spec, path: path, fragments: fragments)
    }
}

/// Runs `spec` and expects a `SpecError` at `path` whose message contains every fragment.
func expectRunRejected(_ spec: ExperimentSpec, path: String, fragments: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
    do {
        _ = try ExperimentRunner.run(spec, output: nil, log: { _ in })
        Issue.record("spec ran", sourceLocation: sourceLocation)
    } catch let error as SpecError {
        #expect(error.path == path, "\(error)", sourceLocation: sourceLocation)
        for f in fragments { #expect(error.description.contains(f), "\(error) lacks '\(f)'", sourceLocation: sourceLocation) }
    }
}
