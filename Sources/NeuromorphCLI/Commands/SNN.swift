import ArgumentParser
import Foundation
import Neuromorph

/// `neuromorph snn SPEC`: build the `spiking` network of a spec, run it, report spikes,
/// rates and event counts.
struct SNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate the spiking network of a spec (its `spiking` section) and report spikes, rates and events.",
        discussion: """
        See examples/snn-coba.yaml. With --output, writes summary.json and spikes.csv (population, neuron, step) there.
        --preset runs one of the papers' systems instead of a spec: \(SpikingSystemPreset.allCases.map(\.rawValue).joined(separator: ", ")).
        """)

    @Argument(help: "A YAML or JSON spec with a `spiking` section.")
    var spec: String?

    @Option(help: "Run a paper system instead of a spec: \(SpikingSystemPreset.allCases.map(\.rawValue).joined(separator: ", ")).")
    var preset: SpikingSystemPreset?

    @Option(help: "IDX data folder for the MNIST presets.")
    var data = "../shared/data/mnist-5k"

    @Option(help: "Test images for the presets (default: all).")
    var images: Int?

    @OptionGroup(title: "Paper-system settings (with --preset)")
    var system: SpikingSystemOptions

    func validate() throws {
        if (spec == nil) == (preset == nil) { throw ValidationError("give a spec file or --preset NAME (one of them)") }
        try system.validate(for: preset)
        if let images, images < 1 { throw ValidationError("--images must be at least 1, got \(images)") }
    }

    @Option(help: "Folder for summary.json and spikes.csv.")
    var output: String?

    @Option(help: "Seed (overrides spiking.seed).")
    var seed: UInt64?

    /// What a run reports.
    struct Summary: Encodable {
        struct Population: Encodable { var name: String; var size: Int; var spikes: Int?; var rateHz: Double? }
        var name: String
        var dtMs: Double
        var durationMs: Double
        var seed: UInt64
        var buildSeconds: Double
        var simulationSeconds: Double
        var populations: [Population]
        var counters: EventCounters
        var energyTable: String?
        var energyJoules: Double?
    }

    func run() throws {
        if let preset {
            try reportingErrors { try preset.run(data: data, images: images, seed: seed ?? 1, output: output, options: system) }
            return
        }
        guard let spec else { return }
        try reportingErrors(spec: spec) {
            let file = try SpecLoader.decode(SpikingSpecFile.self, from: URL(fileURLWithPath: spec))
            var spiking = file.spiking
            if let seed { spiking.seed = seed }
            let clock = ContinuousClock()
            let buildStart = clock.now
            let (network, ids, _) = try spiking.network()
            let simulator = try Simulator(network, dt: spiking.dt, seed: spiking.seed, activeSet: spiking.activeSet)
            let built = clock.now
            simulator.run(duration: spiking.duration)
            let done = clock.now
            func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
            let recorded = Set(spiking.record ?? spiking.populations.map(\.name))
            let populations = zip(spiking.populations, ids).map { spec, id in
                guard recorded.contains(spec.name) else { return Summary.Population(name: spec.name, size: spec.size, spikes: nil, rateHz: nil) }
                let n = simulator.spikes(of: id).count
                return Summary.Population(name: spec.name, size: spec.size, spikes: n,
                                          rateHz: Double(n) / Double(spec.size) / (spiking.duration / 1000))
            }
            var summary = Summary(name: file.name, dtMs: spiking.dt, durationMs: spiking.duration, seed: spiking.seed,
                                  buildSeconds: seconds(built - buildStart), simulationSeconds: seconds(done - built),
                                  populations: populations, counters: simulator.counters)
            var report: EnergyReport?
            if let table = spiking.energy {
                report = try table.report(simulator.counters, durationSeconds: spiking.duration / 1000)
                summary.energyTable = table.name
                summary.energyJoules = report?.totalJ
            }
            print("\(file.name): \(spiking.duration) ms at dt \(spiking.dt) ms, seed \(spiking.seed)")
            print("population".padding(toLength: 16, withPad: " ", startingAt: 0) + "size".padding(toLength: 10, withPad: " ", startingAt: 0)
                  + "spikes".padding(toLength: 12, withPad: " ", startingAt: 0) + "rate (Hz)")
            for p in populations {
                print(p.name.padding(toLength: 16, withPad: " ", startingAt: 0) + "\(p.size)".padding(toLength: 10, withPad: " ", startingAt: 0)
                      + (p.spikes.map { "\($0)" } ?? "not recorded").padding(toLength: 14, withPad: " ", startingAt: 0)
                      + (p.rateHz.map { String(format: "%.2f", $0) } ?? ""))
            }
            let c = simulator.counters
            print("synaptic events \(c.synapticOperations), neuron updates \(c.neuronUpdates), plasticity updates \(c.plasticityUpdates)")
            print(String(format: "build %.3f s, simulation %.3f s", summary.buildSeconds, summary.simulationSeconds))
            if let report { print(report) }
            if let output {
                let folder = URL(fileURLWithPath: output)
                try AtomicFile.write(try SpecLoader.json(summary), to: folder.appendingPathComponent("summary.json"))
                var csv = "population,neuron,step\n"
                for (spec, id) in zip(spiking.populations, ids) {
                    for s in simulator.spikes(of: id) { csv += "\(spec.name),\(s.neuron),\(s.step)\n" }
                }
                try AtomicFile.write(csv, to: folder.appendingPathComponent("spikes.csv"))
                print("wrote \(folder.path)/summary.json and spikes.csv")
            }
        }
    }
}
