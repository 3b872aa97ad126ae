import Foundation
import Testing
import NeuromorphAnalog
import NeuromorphCore
import NeuromorphData
import NeuromorphLearning
@testable import NeuromorphSpec

/// EP on the analog tiles of a spec's `hardware.analog` section (issue 14 item 1, "runs on tiles
/// too … any unit cell"; learning-rules spec §4 "EP on analog tiles"; docs/learning-rules-ep.md
/// "EP on tiles from the spec").
@Suite("Equilibrium Propagation on the spec's analog tiles")
struct EquilibriumPropagationAnalogSpecTests {
    /// `tinyEPYAML` (400 digits, 64-32-10 squared error, symmetric EP, β 0.5, T 20, K 6) with
    /// momentum 0 (the tiles apply pulsed SGD) and the given `hardware.analog` section.
    static func yaml(_ analog: String) -> String {
        tinyEPYAML.replacingOccurrences(of: "momentum: 0.5", with: "momentum: 0")
            .replacingOccurrences(of: "learning_rates: [0.2, 0.1]", with: "learning_rates: [0.6, 0.3]")
            + "\nhardware:\n  analog:\n" + analog
    }

    /// `yaml(analog)` with a conv state layer (1→8, 3×3, pad 1, 2×2 max-pool) before the
    /// squared-error output layer: conv EP on tiles.
    static func convYAML(_ analog: String) -> String {
        yaml(analog).replacingOccurrences(of: """
            model:
              layers:
                - {type: linear, out: 32}
            """, with: """
            model:
              input_shape: [1, 8, 8]
              layers:
                - {type: conv2d, out: 8, kernel: 3, padding: 1}
                - {type: pool, kind: max, window: 2}
                - {type: flatten}
            """)
    }

    static func settings(_ spec: ExperimentSpec) throws -> EPTrainingSettings {
        try #require(spec.training.procedure.equilibriumPropagation).settings(spec, featureCount: 64, classes: 10)
    }

    @Test("constant-step tiles from hardware.analog (aihwkit defaults, default periphery): 2 epochs on 400 digits reach > 30 % (chance 10 %)")
    func constantStepSpecTrains() throws {
        let spec = try SpecLoader.parse(Self.yaml("    device: constant_step\n"), format: .yaml)
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var lines: [String] = []
        let results = try ExperimentRunner.run(spec, output: folder, log: { lines.append($0) })
        let accuracy = try #require(results.finalTest.accuracy)
        #expect(accuracy > 0.3, "test accuracy \(accuracy)")
        #expect(results.model.contains("on analog tiles"), "\(results.model)")
        #expect(lines.contains { $0.contains("on analog tiles: constant_step") }, "\(lines.prefix(2))")
        for file in ["spec.yaml", "metrics.csv", "results.json", "report.html", "ep-result.json"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file) missing")
        }
        #expect(try SpecLoader.load(folder.appendingPathComponent("spec.yaml")) == spec)
    }

    @Test("conv EP on constant-step tiles from hardware.analog: 6 epochs on 400 digits reach > 40 % (chance 10 %; 57.0 % measured), kernels on [8, 9] and [10, 128] tiles")
    func convSpecTrains() throws {
        let spec = try SpecLoader.parse(Self.convYAML("    device: constant_step\n").replacingOccurrences(of: "epochs: 2", with: "epochs: 6"),
                                        format: .yaml)
        let model = try #require(try spec.hardware.analog!.equilibriumPropagationModel(try Self.settings(spec))
            as? AnalogEquilibriumPropagationModel<SingleDevice<ConstantStepDevice.DeviceArray>>)
        #expect(model.network.tiles.map { [$0.rows, $0.columns] } == [[8, 9], [10, 128]])
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try ExperimentRunner.run(spec, output: folder, log: { _ in })
        let accuracy = try #require(results.finalTest.accuracy)
        #expect(accuracy > 0.4, "test accuracy \(accuracy)")
        #expect(results.model.contains("on analog tiles: conv [8]"), "\(results.model)")
    }

    @Test("the spec's device and pulsed overrides are what the tiles use (dense and conv): one step equals EPAnalogNetwork built with them, and differs with the default dw_min",
          arguments: [false, true])
    func specDeviceIsUsed(conv: Bool) throws {
        let analog = "    device: constant_step\n    pulsed: {dw_min: 0.01}\n"
        let spec = try SpecLoader.parse(conv ? Self.convYAML(analog) : Self.yaml(analog), format: .yaml)
        let settings = try Self.settings(spec)
        let model = try #require(try spec.hardware.analog!.equilibriumPropagationModel(settings)
            as? AnalogEquilibriumPropagationModel<SingleDevice<ConstantStepDevice.DeviceArray>>)
        var fromSpec = model.network
        var pulsed = PulsedDeviceParameters()
        pulsed.dwMin = 0.01
        var direct = try EPAnalogNetwork(architecture: settings.architecture, device: ConstantStepDevice(pulsed: pulsed), seed: settings.seed)
        var defaults = try EPAnalogNetwork(architecture: settings.architecture, device: ConstantStepDevice(), seed: settings.seed)
        let batch = EPDataset<Float>(try ShippedData.loadDigits().train).batch(0..<20)
        for network in [0, 1, 2] {
            switch network {
            case 0: try fromSpec.trainStep(batch, beta: 0.5, freeSteps: 20, nudgedSteps: 6, learningRates: [0.6, 0.3])
            case 1: try direct.trainStep(batch, beta: 0.5, freeSteps: 20, nudgedSteps: 6, learningRates: [0.6, 0.3])
            default: try defaults.trainStep(batch, beta: 0.5, freeSteps: 20, nudgedSteps: 6, learningRates: [0.6, 0.3])
            }
        }
        #expect(fromSpec.parameters == direct.parameters)
        #expect(fromSpec.parameters != defaults.parameters)
    }

    @Test("the unit cell and device come from the spec too: reference_pair gives ReferencePair tiles, ideal IdealPulsedDevice ones")
    func unitCellAndDevice() throws {
        let pair = try SpecLoader.parse(Self.yaml("    device: constant_step\n    unit_cell: reference_pair\n"), format: .yaml)
        let pairModel = try pair.hardware.analog!.equilibriumPropagationModel(try Self.settings(pair))
        #expect(pairModel is AnalogEquilibriumPropagationModel<ReferencePair<ConstantStepDevice.DeviceArray, ConstantStepDevice.DeviceArray>>,
                "\(type(of: pairModel))")
        let ideal = try SpecLoader.parse(Self.yaml("    device: ideal\n"), format: .yaml)
        let idealModel = try ideal.hardware.analog!.equilibriumPropagationModel(try Self.settings(ideal))
        #expect(idealModel is AnalogEquilibriumPropagationModel<SingleDevice<IdealPulsedDevice.DeviceArray>>, "\(type(of: idealModel))")
    }

    @Test("what EP on tiles cannot honour is rejected naming the key", arguments: [
        ("    estimator: symmetric", "    estimator: one-sided", "    device: constant_step\n", "training.procedure.estimator", ["symmetric"]),
        ("  loss: mse", "  loss: cross_entropy", "    device: constant_step\n", "training.loss", ["mse"]),
        ("  seed: 1", "  seed: 1", "    device: constant_step\n    layers: [0]\n", "hardware.analog.layers", ["every layer"]),
        ("  seed: 1", "  seed: 1", "    device: constant_step\n    max_tile_size: 16\n", "hardware.analog.max_tile_size", ["32×64"]),
    ])
    func rejectsUnsupported(_ c: (String, String, String, String, [String])) throws {
        let (old, new, analog, path, fragments) = c
        let spec = try SpecLoader.parse(Self.yaml(analog).replacingOccurrences(of: old, with: new), format: .yaml)
        try expectRunRejected(spec, path: path, fragments: fragments)
    }

    @Test("conv EP on tiles: a readout, another estimator and a kernel tile over max_tile_size are still rejected naming the key", arguments: [
        ("  loss: mse", "  loss: cross_entropy", "    device: constant_step\n", "training.loss", ["mse"]),
        ("    estimator: symmetric", "    estimator: kp-vf", "    device: constant_step\n", "training.procedure.estimator", ["symmetric"]),
        ("  seed: 1", "  seed: 1", "    device: constant_step\n    max_tile_size: 64\n", "hardware.analog.max_tile_size", ["state layer 2", "10×128"]),
    ])
    func convRejections(_ c: (String, String, String, String, [String])) throws {
        let (old, new, analog, path, fragments) = c
        let spec = try SpecLoader.parse(Self.convYAML(analog).replacingOccurrences(of: old, with: new), format: .yaml)
        try expectRunRejected(spec, path: path, fragments: fragments)
    }

    @Test("momentum on tiles is rejected at load time (pulsed SGD)")
    func rejectsMomentum() {
        expectSpecError(Self.yaml("    device: constant_step\n").replacingOccurrences(of: "momentum: 0", with: "momentum: 0.5"),
                        path: "training.optimizer.momentum", mentions: ["AnalogSGD"])
    }
}
