import NeuromorphBayesian
import NeuromorphCore
import Foundation

/// Hardware for Bayesian-network inference (Bagheriye & Kwisthout 2021): the sprinkler network's
/// posteriors (CPTs from Murphy's BNT, the digest's [EXTERNAL] choice), stochastic bitstream
/// arithmetic, p-bits and C-element fusion. Digest `bayesian-hardware_bcpnn-memristor_moneta.md`
/// §1.3, acceptance-test candidates §1.6.
enum BayesianReviewResults: PaperResultGroup {
    static let paper = Paper(key: "bagheriye2021", citation: "Bagheriye & Kwisthout 2021, Bayesian-inference hardware review",
                             digest: "bayesian-hardware_bcpnn-memristor_moneta.md")

    static var results: [PaperResult] {
        let net = BayesNet.sprinkler
        return [
            result("sprinkler-p-wet", "§1.6", "P(W = 1) by enumeration", paper: 0.6471, tolerance: .absolute(1e-4)) {
                net.exact(query: 3, evidence: [:])
            },
            result("sprinkler-p-s-given-w", "§1.6", "P(S = 1 | W = 1) by enumeration", paper: 0.4298,
                   tolerance: .absolute(1e-4)) { net.exact(query: 1, evidence: [3: true]) },
            result("sprinkler-p-r-given-w", "§1.6", "P(R = 1 | W = 1) by enumeration", paper: 0.7079,
                   tolerance: .absolute(1e-4)) { net.exact(query: 2, evidence: [3: true]) },
            result("sprinkler-rejection", "§1.6", "P(S = 1 | W = 1) by rejection sampling, 160,000 accepted",
                   paper: 0.4298, tolerance: .absolute(0.005), quick: false) {
                var g = SeededGenerator(seed: 5)
                return net.rejectionSample(query: 1, evidence: [3: true], accepted: 160_000, using: &g)
            },
            result("sprinkler-gibbs", "§1.3(h), §1.6", "P(R = 1 | W = 1) by the fixed-point Gibbs kernel, 50,000 sweeps",
                   paper: 0.7079, tolerance: .absolute(0.01), quick: false) {
                try FixedPointGibbs(network: net).estimate(query: 2, evidence: [3: true], sweeps: 50_000, seed: 8)
            },
            result("bitstream-and", "§1.3(f)", "AND of independent streams p = 0.6, 0.3 (10⁵ bits)", paper: 0.18,
                   tolerance: .absolute(0.005)) {
                var g = SeededGenerator(seed: 2)
                let a = try BitstreamGenerator(probability: 0.6).stream(length: 100_000, using: &g)
                let b = try BitstreamGenerator(probability: 0.3).stream(length: 100_000, using: &g)
                return StochasticArithmetic.mean(StochasticArithmetic.and(a, b))
            },
            result("bitstream-mux", "§1.3(f)", "MUX with select 0.5 of p = 0.6, 0.3 (scaled add)", paper: 0.45,
                   tolerance: .absolute(0.005)) {
                var g = SeededGenerator(seed: 3)
                let a = try BitstreamGenerator(probability: 0.6).stream(length: 100_000, using: &g)
                let b = try BitstreamGenerator(probability: 0.3).stream(length: 100_000, using: &g)
                let s = try BitstreamGenerator(probability: 0.5).stream(length: 100_000, using: &g)
                return StochasticArithmetic.mean(StochasticArithmetic.mux(select: s, a, b))
            },
            result("pbit-bipolar", "§1.3(a)", "bipolar p-bit at I = 0.5: (1 + tanh 0.5)/2 (10⁵ samples)",
                   paper: 0.7311, tolerance: .absolute(0.005)) {
                var g = SeededGenerator(seed: 3)
                let n = 100_000
                var ones = 0
                for _ in 0..<n where PBit.sampleBipolar(input: 0.5, using: &g) { ones += 1 }
                return Double(ones) / Double(n)
            },
            result("c-element-fusion", "§1.3(i) Eq. 15", "C-element fusion of p = 0.7 and 0.6 (2·10⁵ bits)",
                   paper: 0.7778, tolerance: .absolute(0.005)) {
                var g = SeededGenerator(seed: 4)
                let x = try BitstreamGenerator(probability: 0.7).stream(length: 200_000, using: &g)
                let y = try BitstreamGenerator(probability: 0.6).stream(length: 200_000, using: &g)
                return StochasticArithmetic.mean(CElement.fuse(x, y))
            },
        ]
    }
}
