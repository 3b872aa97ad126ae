import ArgumentParser
import Foundation
import Neuromorph

struct Presets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the built-in experiment specs, or print one as YAML to start your own; --analog lists aihwkit's device and algorithm presets.")

    @Argument(help: "A preset name; omit to list them.")
    var name: String?

    @Flag(help: "List aihwkit's device presets (hardware.analog.device) and algorithm presets (hardware.analog.preset), one line each.")
    var analog = false

    func run() throws {
        if analog {
            if let name {
                guard let preset = AnalogPresets.named(name) else {
                    _ = try AnalogPresets.hardware(named: name, path: "hardware.analog.preset")
                    return
                }
                print("\(preset.name): \(preset.summary)")
                print(String(decoding: try SpecLoader.json(preset.hardware), as: UTF8.self))
                return
            }
            AnalogPresets.listing.forEach { print($0) }
            return
        }
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
