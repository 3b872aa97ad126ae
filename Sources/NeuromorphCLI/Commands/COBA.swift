import ArgumentParser
import Foundation
import Neuromorph

extension LIFCondExp.Integrator: ExpressibleByArgument {}

/// `neuromorph coba`: the Brette 2007 COBA benchmark (spiking note §5, W1), timed.
struct COBA: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Brette et al. 2007 COBA network (4,000 iaf_cond_exp neurons, 1 s at 0.1 ms) and time it.",
        discussion: "Prints one line per repeat: simulation seconds (network build excluded), spikes, mean rate, synaptic events per second and neuron-steps per second, as NEST's coba.py and Brian2's example report them.")

    @Option(help: "Integrator: \(LIFCondExp.Integrator.allCases.map(\.rawValue).joined(separator: ", ")).")
    var integrator: LIFCondExp.Integrator = .euler

    @Option(help: "Biological time to simulate (ms).")
    var duration: Double = 1000

    @Option(help: "Repeats (the median is printed last).")
    var repeats = 1

    @Option(help: "Seed of the connections and the Poisson kick.")
    var seed: UInt64 = 1

    @Option(help: "Compute threads (results do not depend on it).")
    var threads = 1

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        if !(duration.isFinite && duration > 0) { throw ValidationError("--duration must be a positive number of ms, got \(duration)") }
    }

    func run() throws {
        ComputeThreads.set(threads)
        var times: [Double] = []
        for r in 0..<repeats {
            let result = try Brette2007COBA(integrator: integrator, seed: seed).run(duration: duration)
            times.append(result.seconds)
            let perBio = result.seconds / (duration / 1000)
            print(String(format: "coba %@ threads \(threads) run %d: sim %.3f s (%.3f s per biological second) spikes %d rate %.2f Hz events/s %.3e neuron-steps/s %.3e",
                         integrator.rawValue, r + 1, result.seconds, perBio, result.spikes, result.rate,
                         Double(result.counters.synapticOperations) / result.seconds,
                         Double(result.counters.neuronUpdates) / result.seconds))
        }
        let median = times.sorted()[times.count / 2]
        print(String(format: "coba %@ median: %.3f s per biological second", integrator.rawValue, median / (duration / 1000)))
    }
}
