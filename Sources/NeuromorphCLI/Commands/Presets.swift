import ArgumentParser
import Foundation
import Neuromorph

struct Presets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the built-in experiment specs, or print one as YAML to start your own.")

    @Argument(help: "A preset name; omit to list them.")
    var name: String?

    func run() throws {
        guard let name else {
            for (key, spec) in ExperimentPresets.all.sorted(by: { $0.key < $1.key }) {
                print("\(key)  (\(spec.data.dataset.rawValue), \(spec.model.layers.count) layers, \(spec.training.epochs) epochs)")
            }
            return
        }
        guard let spec = ExperimentPresets.all[name] else {
            throw ValidationError("no preset '\(name)'; expected one of: \(ExperimentPresets.all.keys.sorted().joined(separator: ", "))")
        }
        print(try SpecLoader.yaml(spec), terminator: "")
    }
}
