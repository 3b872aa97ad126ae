import Foundation
import NeuromorphCore
import NeuromorphLearning
import NeuromorphNN

/// Neftci et al. 2016, stochastic synapses (Synaptic Sampling Machine). Digest
/// `bias-matching_stochastic-synapses_truenorth-kernels.md` §2; note `learning-rules.md` §2.3.
/// The PI-MNIST error rates (1,000 epochs) stay reference values (docs/learning-rules-s2m.md
/// has the scaled run).
enum NeftciS2MResults: PaperResultGroup {
    static let paper = Paper(key: "neftci2016", citation: "Neftci et al. 2016, stochastic synapses (S2M)",
                             digest: "bias-matching_stochastic-synapses_truenorth-kernels.md")

    /// Mean over 12 neurons of |P̂(z = 1) − ½(1 + erf(β ŵ·z))|: blank-out synapses with p = 0.5,
    /// fan-in 300, 10⁴ sampled evaluations of one input (Eq. 3, the Gaussian limit).
    static func erfLimitDeviation() -> Double {
        var g = SeededGenerator(seed: 21)
        let fanIn = 300, neurons = 12, draws = 10_000
        var layer = StochasticSynapseLinear(fanIn, neurons, probability: 0.5, generator: &g,
                                            maskGenerator: SeededGenerator(seed: 21, key: StreamKey("reproduce", "masks")))
        layer.mode = .sampled
        layer.gain.value = Tensor((0..<neurons).map { 0.2 + 0.3 * Float($0) })
        let z = Tensor(shape: [1, fanIn], scalars: (0..<fanIn).map { _ in g.nextBernoulli(0.5) ? 1 : -1 })
        let batch = Tensor(shape: [draws, fanIn], scalars: Array((0..<draws).map { _ in z.scalars }.joined()))
        let u = layer.forward(batch, mode: .inference)
        var analytic = layer
        analytic.mode = .analytic
        let v = analytic.forward(z, mode: .inference)
        var total = 0.0
        for i in 0..<neurons {
            let fired = (0..<draws).filter { u[$0, i] >= 0 }.count
            total += abs(Double(fired) / Double(draws) - 0.5 * (1 + erf(Double(v.scalars[i]))))
        }
        return total / Double(neurons)
    }

    static var results: [PaperResult] {
        [
            result("erf-limit", "§2 Eq. 3; note §2.3",
                   "sampled P(z = 1) vs ½(1 + erf(β ŵ·z)): mean abs difference (note tolerance 0.02)",
                   paper: 0, tolerance: .absolute(0.02)) {
                erfLimitDeviation()
            },
        ]
    }
}
