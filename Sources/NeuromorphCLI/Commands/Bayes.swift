import ArgumentParser
import Foundation
import Neuromorph

/// `neuromorph bayes`: the stochastic-computing and Bayesian primitives of Bagheriye &
/// Kwisthout's review, each simulated beside its closed form.
struct Bayes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the stochastic-computing and Bayesian primitives (bitstreams, p-bits, C-element, Gibbs, …) against their closed forms.")

    @Option(help: "Bits per stochastic stream.")
    var bits = 100_000

    @Option(help: "Gibbs sweeps.")
    var sweeps = 200_000

    @Option(help: "Seed.")
    var seed: UInt64 = 0

    func validate() throws {
        if bits < 100 { throw ValidationError("--bits must be at least 100, got \(bits)") }
        if sweeps < 100 { throw ValidationError("--sweeps must be at least 100, got \(sweeps)") }
    }

    func run() throws {
        try reportingErrors {
            var g = SeededGenerator(seed: seed)
            func row(_ name: String, _ simulated: Double, _ closedForm: Double) {
                print(name.padding(toLength: 52, withPad: " ", startingAt: 0)
                      + String(format: "%8.4f   %8.4f   %+.4f", simulated, closedForm, simulated - closedForm))
            }
            print("primitive".padding(toLength: 52, withPad: " ", startingAt: 0) + "simulated  closed form  error")
            let a = try BitstreamGenerator(probability: 0.6), b = try BitstreamGenerator(probability: 0.3)
            let s = try BitstreamGenerator(probability: 0.5)
            let sa = a.stream(length: bits, using: &g), sb = b.stream(length: bits, using: &g), ss = s.stream(length: bits, using: &g)
            row("AND of independent streams 0.6 · 0.3", StochasticArithmetic.mean(StochasticArithmetic.and(sa, sb)), 0.18)
            row("MUX 0.5 · 0.6 + 0.5 · 0.3", StochasticArithmetic.mean(StochasticArithmetic.mux(select: ss, sa, sb)), 0.45)
            let (x, y) = StochasticArithmetic.sharedStreams(a, b, length: bits, using: &g)
            row("AND of streams sharing one generator (not 0.18)", StochasticArithmetic.mean(StochasticArithmetic.and(x, y)), 0.3)
            let node = try PBitNode(cpt: [0.2, 0.9])
            for (parent, p) in [(false, 0.2), (true, 0.9)] {
                let ones = (0..<bits).filter { _ in PBit.sample(input: node.input(parents: [parent]), using: &g) }.count
                row("p-bit CPT (0.2, 0.9), parent \(parent ? 1 : 0)", Double(ones) / Double(bits), p)
            }
            for (px, py) in [(0.7, 0.6), (0.9, 0.2), (0.3, 0.3), (0.95, 0.05)] {
                let zx = try BitstreamGenerator(probability: px).stream(length: bits, using: &g)
                let zy = try BitstreamGenerator(probability: py).stream(length: bits, using: &g)
                row("C-element P(X) = \(px), P(Y) = \(py) (Eq. 15)", StochasticArithmetic.mean(CElement.fuse(zx, zy)), CElement.posterior(px, py))
            }
            let net = BayesNet.sprinkler
            let exactS = net.exact(query: 1, evidence: [3: true]), exactR = net.exact(query: 2, evidence: [3: true])
            row("sprinkler P(S=1|W=1), rejection sampling", net.rejectionSample(query: 1, evidence: [3: true], accepted: bits, using: &g), exactS)
            for energyBits in [8, 12, 16] {
                let gibbs = try FixedPointGibbs(network: net, energyBits: energyBits)
                row("sprinkler P(S=1|W=1), fixed-point Gibbs \(energyBits) bits", gibbs.estimate(query: 1, evidence: [3: true], sweeps: sweeps, seed: seed &+ 1), exactS)
                row("sprinkler P(R=1|W=1), fixed-point Gibbs \(energyBits) bits", gibbs.estimate(query: 2, evidence: [3: true], sweeps: sweeps, seed: seed &+ 2), exactR)
            }
            var synapse = try CompoundSynapse(devices: 4, switchOn: 0.05, switchOff: 0.05)
            var total = 0.0
            for _ in 0..<bits {
                synapse.postsynapticSpike(input: g.nextUniformDouble() < 0.8, using: &g)
                total += synapse.normalizedWeight
            }
            row("compound synapse M = 4, π = 0.05, q = 0.8", total / Double(bits), synapse.stationaryWeight(inputProbability: 0.8))
        }
    }
}
