import ArgumentParser
import Foundation
import Neuromorph

struct Estimate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "NeuroSim-style area, energy and latency of a compute-in-memory macro or chip (Lu et al. 2021).",
        discussion: "Give a spec file (YAML or JSON, a CIMEstimateSpec) or --preset NAME; --list-presets shows the names.")

    @Argument(help: "A CIM estimate spec (YAML or JSON).")
    var spec: String?

    @Option(help: "Use a built-in preset instead of a spec file.")
    var preset: String?

    @Flag(help: "List the built-in presets.")
    var listPresets = false

    @Option(help: "Folder for report.json and report.csv.")
    var output: String?

    func validate() throws {
        if !listPresets && (spec == nil) == (preset == nil) {
            throw ValidationError("give either a spec file or --preset NAME (see --list-presets)")
        }
    }

    func run() throws {
        if listPresets {
            CIMEstimateSpec.presetNames.forEach { print($0) }
            return
        }
        try reportingCostErrors {
            let estimateSpec = try preset.map { try CIMEstimateSpec.preset(named: $0) }
                ?? SpecLoader.decode(CIMEstimateSpec.self, from: URL(fileURLWithPath: spec!))
            let report = try CIMEstimator.estimate(estimateSpec)
            print(report.table())
            if let output {
                let folder = URL(fileURLWithPath: output)
                try AtomicFile.write(try SpecLoader.json(report), to: folder.appendingPathComponent("report.json"))
                try AtomicFile.write(report.csv(), to: folder.appendingPathComponent("report.csv"))
                print("wrote \(folder.path)/report.json and report.csv")
            }
        }
    }
}

struct Map: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Map a CNN onto in-memory-computing cores and simulate the pipeline (Dazzi et al. 2021).",
        discussion: "MODEL is a model-zoo name (\(IMCModelZoo.names.joined(separator: ", "))) or a JSON layer list.")

    @Argument(help: "Model-zoo name or a JSON network file.")
    var model: String

    @Option(help: "Crossbar rows×columns, e.g. 256x256.")
    var crossbar = "256x256"

    @Flag(help: "Use the speed-up dataflow (replicated early layers).")
    var speedup = false

    @Option(help: "Images streamed for the throughput figure.")
    var batch = 100

    @Option(help: "Duration of one pipeline timestep in nanoseconds.")
    var timestepNs = 100.0

    @Option(help: "Folder for mapping.json and curves.csv (pixels computed per layer vs timestep).")
    var output: String?

    func run() throws {
        try reportingCostErrors {
            let shape = try CrossbarShape(parsing: crossbar)
            let report: IMCMappingReport
            if FileManager.default.fileExists(atPath: model) {
                let network = try IMCMapper.network(fromJSON: try Data(contentsOf: URL(fileURLWithPath: model)))
                report = try IMCMapper.map(network: network, crossbar: shape, speedup: speedup, batch: batch,
                                           timestepSeconds: timestepNs * 1e-9)
            } else {
                report = try IMCMapper.map(model: model, crossbar: shape, speedup: speedup, batch: batch,
                                           timestepSeconds: timestepNs * 1e-9)
            }
            print(report.table())
            if let output {
                let folder = URL(fileURLWithPath: output)
                try AtomicFile.write(try SpecLoader.json(report), to: folder.appendingPathComponent("mapping.json"))
                try AtomicFile.write(report.curvesCSV(), to: folder.appendingPathComponent("curves.csv"))
                print("wrote \(folder.path)/mapping.json and curves.csv")
            }
        }
    }
}

struct Chip: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The seed papers' analytic chip models: paper value vs Neuromorph value for each headline number.")

    @Argument(help: "One of: \(ChipModelName.allCases.map(\.rawValue).joined(separator: ", ")); omit for all.")
    var model: String?

    func run() throws {
        let models: [ChipModelName]
        if let model {
            guard let name = ChipModelName(rawValue: model) else {
                throw ValidationError("unknown chip model '\(model)'; expected one of: \(ChipModelName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            models = [name]
        } else {
            models = ChipModelName.allCases
        }
        for name in models { print(ChipModelReport.table(for: name)) }
    }
}

/// Turns cost-model errors into one-line messages.
func reportingCostErrors(_ body: () throws -> Void) throws {
    do { try body() } catch let error as CIMEstimateError {
        throw CommandFailure(description: error.description)
    } catch let error as IMCMappingError {
        throw CommandFailure(description: error.description)
    } catch let error as SpecError {
        throw CommandFailure(description: error.description)
    }
}
