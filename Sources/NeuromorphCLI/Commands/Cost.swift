import ArgumentParser
import Foundation
import Neuromorph

struct Estimate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "NeuroSim-style area, energy and latency of a compute-in-memory macro or chip (Lu et al. 2021).",
        discussion: """
            SPEC is a CIM estimate spec (YAML or JSON, a CIMEstimateSpec) or an experiment spec (it has \
            `model:` and `data:` keys): its network's weight layers are costed on the macro of --preset \
            (default \(CIMEstimateSpec.defaultWorkloadPreset)). Without SPEC, --preset names a full \
            estimate preset. --list-presets shows the names.
            """)

    @Argument(help: "A CIM estimate spec or an experiment spec (YAML or JSON).")
    var spec: String?

    @Option(help: "A built-in estimate preset; with an experiment spec, the macro design (e.g. sram-7nm, rram12-22nm).")
    var preset: String?

    @Flag(help: "List the built-in presets.")
    var listPresets = false

    @Option(help: "Folder for report.json and report.csv (and workload.json for an experiment spec).")
    var output: String?

    @Option(help: "Input bit density (fraction of 1 bits) for a NeuroSim-mode spec (one with `neuroSim:`, e.g. --preset neurosim-vgg8-rram22).")
    var inputDensity: Double?

    @Option(help: "A NeuroSim network CSV (H,W,C,K,K,N,pool,stride per layer) replacing the spec's network.")
    var networkCsv: String?

    func validate() throws {
        if !listPresets && spec == nil && preset == nil {
            throw ValidationError("give a spec file, --preset NAME, or both (an experiment spec with a macro design); see --list-presets")
        }
    }

    func run() throws {
        if listPresets {
            print("estimate presets (alone):")
            CIMEstimateSpec.presetNames.forEach { print("  \($0)") }
            print("macro designs (with an experiment spec):")
            CIMEstimateSpec.macroPresetNames.forEach { print("  \($0)") }
            return
        }
        try reportingErrors(spec: spec) {
            var workload: Workload?
            let estimateSpec: CIMEstimateSpec
            if let spec {
                let url = URL(fileURLWithPath: spec)
                if try SpecLoader.isExperimentSpec(url) {
                    let described = try SpecLoader.load(url).workload()
                    print(described.table())
                    estimateSpec = try CIMEstimateSpec(workload: described,
                                                       preset: preset ?? CIMEstimateSpec.defaultWorkloadPreset)
                    workload = described
                } else {
                    guard preset == nil else {
                        throw CommandFailure(description: "--preset applies alone or with an experiment spec; \(spec) is a CIM estimate spec, which names its own macro")
                    }
                    estimateSpec = try SpecLoader.decode(CIMEstimateSpec.self, from: url)
                }
            } else {
                estimateSpec = try CIMEstimateSpec.preset(named: preset!)
            }
            var adjusted = estimateSpec
            if let networkCsv {
                let rows = try NeuroSimNetworkCSV.load(URL(fileURLWithPath: networkCsv))
                adjusted.modelZoo = nil
                adjusted.layers = rows.map(\.layer)
                if adjusted.neuroSim != nil { adjusted.neuroSim?.poolingAfter = rows.map(\.poolingAfter) }
                if let d = adjusted.neuroSim?.inputBitDensity, d.count > 1 { adjusted.neuroSim?.inputBitDensity = [d[0]] }
            }
            if let inputDensity {
                guard adjusted.neuroSim != nil else {
                    throw CommandFailure(description: "--input-density applies to a NeuroSim-mode spec (one with a `neuroSim:` section, e.g. --preset neurosim-vgg8-rram22)")
                }
                guard inputDensity.isFinite, (0...1).contains(inputDensity) else {
                    throw CommandFailure(description: "--input-density must be a fraction in 0...1, got \(inputDensity)")
                }
                adjusted.neuroSim?.inputBitDensity = [inputDensity]
            }
            let report = try CIMEstimator.estimate(adjusted)
            print(report.table())
            if let output {
                let folder = URL(fileURLWithPath: output)
                try AtomicFile.write(try SpecLoader.json(report), to: folder.appendingPathComponent("report.json"))
                try AtomicFile.write(report.csv(), to: folder.appendingPathComponent("report.csv"))
                if let workload {
                    try AtomicFile.write(try SpecLoader.json(workload), to: folder.appendingPathComponent("workload.json"))
                }
                print("wrote \(folder.path)/report.json and report.csv\(workload == nil ? "" : " and workload.json")")
            }
        }
    }
}

struct Map: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Map a CNN onto in-memory-computing cores and simulate the pipeline (Dazzi et al. 2021).",
        discussion: """
            MODEL is a model-zoo name (\(IMCModelZoo.names.joined(separator: ", "))), a JSON layer list \
            (an IMCNetwork), or an experiment spec (YAML or JSON with `model:` and `data:` keys) whose \
            CNN or MLP is mapped layer by layer (pooling runs in the Digital Processor).
            """)

    @Argument(help: "Model-zoo name, a JSON network file, or an experiment spec.")
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

    func validate() throws {
        if batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch)") }
        if !(timestepNs > 0) || !timestepNs.isFinite { throw ValidationError("--timestep-ns must be a number > 0, got \(timestepNs)") }
    }

    func run() throws {
        try reportingErrors(spec: model) {
            let shape = try CrossbarShape(parsing: crossbar)
            let network: IMCNetwork
            if FileManager.default.fileExists(atPath: model) {
                let url = URL(fileURLWithPath: model)
                if try SpecLoader.isExperimentSpec(url) {
                    let workload = try SpecLoader.load(url).workload()
                    print(workload.table())
                    network = try IMCNetwork(workload: workload)
                } else {
                    network = try IMCMapper.network(fromJSON: try Data(contentsOf: url), file: model)
                }
            } else {
                network = try IMCModelZoo.network(named: model)
            }
            let report = try IMCMapper.map(network: network, crossbar: shape, speedup: speedup, batch: batch,
                                           timestepSeconds: timestepNs * 1e-9)
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

    func validate() throws {
        if let model, ChipModelName(rawValue: model) == nil {
            throw ValidationError("unknown chip model '\(model)'; expected one of: \(ChipModelName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let models = model.map { [ChipModelName(rawValue: $0)!] } ?? ChipModelName.allCases
        try reportingErrors {
            for name in models { print(try ChipModelReport.table(for: name)) }
        }
    }
}
