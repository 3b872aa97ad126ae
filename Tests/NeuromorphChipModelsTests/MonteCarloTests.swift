import Foundation
import Testing
@testable import NeuromorphChipModels

/// Seeded Monte-Carlo checks of the optoelectronic paper's closed forms (digest
/// `imc-cnn-mapping_optoelectronic-scaling.md` §2.8 A2-5 and A2-11).
@Suite("Monte Carlo")
struct MonteCarloTests {
    @Test("MonteCarloRNG is reproducible from its seed and matches the reference sequence")
    func splitMixReproducible() {
        var a = MonteCarloRNG(seed: 1234567)
        var b = MonteCarloRNG(seed: 1234567)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        // Reference values of MonteCarloRNG seeded with 1234567 (Vigna's splitmix64.c).
        #expect(first == [6_457_827_717_110_365_317, 3_203_168_211_198_807_973,
                          9_817_491_932_198_370_423, 4_593_380_528_125_082_431,
                          16_408_922_859_458_223_821])
        var c = MonteCarloRNG(seed: 42)
        for _ in 0..<1_000 {
            let u = c.nextUnitInterval()
            #expect(u >= 0 && u < 1)
        }
    }

    @Test("Poisson sampler mean and variance within 4 standard errors (λ = 6.579, 1e5 draws)")
    func poissonMoments() {
        var rng = MonteCarloRNG(seed: 7)
        let lambda = 6.579
        let n = 100_000
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<n {
            let k = Double(rng.nextPoisson(mean: lambda))
            sum += k
            sumSq += k * k
        }
        let mean = sum / Double(n)
        let variance = sumSq / Double(n) - mean * mean
        #expect(abs(mean - lambda) < 4 * (lambda / Double(n)).squareRoot())
        // Var of the sample variance of a Poisson ≈ (μ4 − σ⁴)/n = (λ + 2λ²)/n
        #expect(abs(variance - lambda) < 4 * ((lambda + 2 * lambda * lambda) / Double(n)).squareRoot())
    }

    @Test("A2-5: simulated miss rate equals exp(−0.7 N_ph) within 3 binomial σ (Eq. 1)",
          arguments: [1.0, 3.0, 6.579])
    func photonMissRate(meanPhotons: Double) throws {
        let detection = PhotonDetection.paper
        let trials = 100_000
        var rng = MonteCarloRNG(seed: 2021)
        let simulated = try detection.monteCarloMissRate(meanPhotons: meanPhotons, trials: trials,
                                                         generator: &rng)
        let expected = try detection.missProbability(meanPhotons: meanPhotons)
        let sigma = (expected * (1 - expected) / Double(trials)).squareRoot()
        #expect(abs(simulated - expected) <= 3 * sigma,
                "N_ph = \(meanPhotons): simulated \(simulated), Eq. 1 \(expected)")
        // the same seed gives the same estimate
        var again = MonteCarloRNG(seed: 2021)
        #expect(try detection.monteCarloMissRate(meanPhotons: meanPhotons, trials: trials,
                                                 generator: &again) == simulated)
    }

    @Test("G(N, p) sampler: edge count within 4σ of N(N−1)p/2, no self loops, symmetric")
    func erdosRenyiSampler() throws {
        var rng = MonteCarloRNG(seed: 99)
        let graph = try ErdosRenyiGraph(nodes: 2_000, meanDegree: 8, generator: &rng)
        let pairs = 2_000.0 * 1_999 / 2
        let p = 8.0 / 1_999
        let sigma = (pairs * p * (1 - p)).squareRoot()
        #expect(abs(Double(graph.edgeCount) - pairs * p) < 4 * sigma)
        for v in 0..<graph.nodeCount {
            for i in graph.offsets[v]..<graph.offsets[v + 1] {
                let w = Int(graph.neighbors[i])
                #expect(w != v)
                let back = graph.neighbors[graph.offsets[w]..<graph.offsets[w + 1]]
                #expect(back.contains(Int32(v)))
            }
        }
    }

    @Test("BFS on the complete graph (p = 1): every distance is 1")
    func bfsOnCompleteGraph() throws {
        var rng = MonteCarloRNG(seed: 1)
        let complete = try ErdosRenyiGraph(nodes: 50, meanDegree: 49, generator: &rng)
        #expect(complete.edgeCount == 50 * 49 / 2)
        let d = complete.distances(from: 3)
        #expect(d[3] == 0)
        #expect(d.enumerated().allSatisfy { $0.offset == 3 || $0.element == 1 })
    }

    @Test("A2-11: BFS mean path of G(1e4, k) within 3 % of Eq. 6 (200 BFS sources)",
          arguments: [10.0, 20.0])
    func pathLengthMatchesEq6(meanDegree: Double) throws {
        var rng = MonteCarloRNG(seed: 0xE6)
        let graph = try ErdosRenyiGraph(nodes: 10_000, meanDegree: meanDegree, generator: &rng)
        let sample = try graph.sampledMeanPathLength(sources: 200, generator: &rng)
        let predicted = try ErdosRenyiPathLength.meanPathLength(nodes: 10_000, meanDegree: meanDegree)
        #expect(isClose(sample.meanPathLength, predicted, rel: 0.03),
                "k = \(meanDegree): BFS \(sample.meanPathLength), Eq. 6 \(predicted)")
        #expect(sample.reachableFraction > 0.99)
    }
}
