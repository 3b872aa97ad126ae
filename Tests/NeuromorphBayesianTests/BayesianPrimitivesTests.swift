import Foundation
import Testing
@testable import NeuromorphBayesian
@testable import NeuromorphCore

/// The stochastic-computing and Bayesian primitives of the spiking note §3 (digest
/// bayesian-hardware §1.3), each against its closed form with the note's tolerance.
@Suite struct BayesianPrimitivesTests {
    /// §1.3(f): mean of a 16-bit SBG stream within ±0.005 at 10⁵ bits.
    @Test(arguments: [0.05, 0.3, 0.5, 0.77])
    func bitstreamMeanMatchesItsProbability(p: Double) throws {
        var g = SeededGenerator(seed: 1)
        let stream = try BitstreamGenerator(probability: p, bits: 16).stream(length: 100_000, using: &g)
        #expect(abs(StochasticArithmetic.mean(stream) - p) < 0.005)
    }

    /// AND multiplies, MUX adds with scaling ([C] 0.1798 vs 0.18, 0.4492 vs 0.45); a shared
    /// generator turns AND into min(pa, pb) (SPINBIS's no-sharing rule).
    @Test func andMultipliesMuxAddsSharingBreaksIndependence() throws {
        var g = SeededGenerator(seed: 2)
        let a = try BitstreamGenerator(probability: 0.6), b = try BitstreamGenerator(probability: 0.3)
        let s = try BitstreamGenerator(probability: 0.5)
        let n = 100_000
        let sa = a.stream(length: n, using: &g), sb = b.stream(length: n, using: &g), ss = s.stream(length: n, using: &g)
        #expect(abs(StochasticArithmetic.mean(StochasticArithmetic.and(sa, sb)) - 0.18) < 0.005)
        #expect(abs(StochasticArithmetic.mean(StochasticArithmetic.mux(select: ss, sa, sb)) - 0.45) < 0.005)
        let (x, y) = StochasticArithmetic.sharedStreams(a, b, length: n, using: &g)
        #expect(abs(StochasticArithmetic.mean(StochasticArithmetic.and(x, y)) - 0.3) < 0.005)
    }

    /// §1.3(d): 4 of 10 binary digits set encode 0.4; flat-radix resolution 1/n^M.
    @Test func flatEncodingsFollowTheirDefinitions() throws {
        let flat = try FlatEncoding(digits: 10)
        #expect(try flat.value([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]) == 0.4)
        #expect(flat.resolution == 0.1)
        #expect(try flat.value(flat.encode(0.4)) == 0.4)
        #expect(abs(FlatEncoding.radixResolution(digits: 10, segments: 3) - 0.001) < 1e-15)
        #expect(throws: BayesianError.self) { try flat.value([2, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }
    }

    /// §1.3(a): a compiled one-parent CPT (0.2, 0.9) samples to within ±0.005 ([C] 0.2026 /
    /// 0.8996 at 10⁵); the bipolar p-bit at I = 0.5 gives (1 + tanh 0.5)/2 = 0.7311.
    @Test func pBitsSampleTheirCompiledCPT() throws {
        let node = try PBitNode(cpt: [0.2, 0.9])
        var g = SeededGenerator(seed: 3)
        let n = 100_000
        for (parent, expected) in [(false, 0.2), (true, 0.9)] {
            let ones = (0..<n).filter { _ in PBit.sample(input: node.input(parents: [parent]), using: &g) }.count
            #expect(abs(Double(ones) / Double(n) - expected) < 0.005)
        }
        let plus = (0..<n).filter { _ in PBit.sampleBipolar(input: 0.5, using: &g) }.count
        #expect(abs(Double(plus) / Double(n) - (1 + tanh(0.5)) / 2) < 0.005)
    }

    /// Two parents: the sigmoid form needs l11 = l10 + l01 − l00; otherwise the auxiliary
    /// node's coupling supplies the missing parameter and reproduces the CPT exactly.
    @Test func twoParentCPTsNeedAnAuxiliaryNodeUnlessAdditiveInLogits() throws {
        let general = [0.1, 0.6, 0.7, 0.95]
        let node = try PBitNode(cpt: general)
        #expect(node.auxiliaryCoupling != nil)
        for k in 0..<4 {
            let p = 1 / (1 + exp(-node.input(parents: [k & 1 != 0, k & 2 != 0])))
            #expect(abs(p - general[k]) < 1e-12)
        }
        let l = [0.1, 0.6, 0.7].map(PBit.logit)
        let additive = 1 / (1 + exp(-(l[1] + l[2] - l[0])))
        #expect(try PBitNode(cpt: [0.1, 0.6, 0.7, additive]).auxiliaryCoupling == nil)
        #expect(throws: BayesianError.self) { try PBitNode(cpt: BayesNet.sprinkler.nodes[3].cpt) }
    }

    /// §1.3(i), Eq. 15 ([C] 0.7778, 0.6923, 0.1552, 0.5): ±0.005 at 2·10⁵ bits, ±0.01 at the
    /// opposing extremes (0.95, 0.05) where the error is larger.
    @Test(arguments: [(0.7, 0.6, 0.005), (0.9, 0.2, 0.005), (0.3, 0.3, 0.005), (0.95, 0.05, 0.01)])
    func cElementFusesLikeBayesRule(px: Double, py: Double, tolerance: Double) throws {
        var g = SeededGenerator(seed: 4)
        let n = 200_000
        let x = try BitstreamGenerator(probability: px).stream(length: n, using: &g)
        let y = try BitstreamGenerator(probability: py).stream(length: n, using: &g)
        let z = CElement.fuse(x, y)
        #expect(abs(StochasticArithmetic.mean(z) - CElement.posterior(px, py)) < tolerance)
        #expect(abs(CElement.switchingRate(0.5) - 0.5) < 1e-15)
    }

    /// The sprinkler network with BNT's CPTs: exact P(W) = 0.6471, P(S=1|W=1) = 0.4298,
    /// P(R=1|W=1) = 0.7079 (note §3 [C]).
    @Test func sprinklerPosteriorsByEnumeration() {
        let net = BayesNet.sprinkler
        #expect(abs(net.exact(query: 3, evidence: [:]) - 0.6471) < 1e-4)
        #expect(abs(net.exact(query: 1, evidence: [3: true]) - 0.4298) < 1e-4)
        #expect(abs(net.exact(query: 2, evidence: [3: true]) - 0.7079) < 1e-4)
    }

    /// Rejection sampling ±0.005; the fixed-point Gibbs kernel ±0.01 at 16 energy bits, and
    /// its error does not grow as the energy format widens 8 → 12 → 16 bits (note §3 [I]).
    @Test func samplersAgreeWithEnumeration() throws {
        let net = BayesNet.sprinkler
        var g = SeededGenerator(seed: 5)
        let exactS = net.exact(query: 1, evidence: [3: true])
        #expect(abs(net.rejectionSample(query: 1, evidence: [3: true], accepted: 160_000, using: &g) - exactS) < 0.005)
        var errors: [Double] = []
        for bits in [8, 12, 16] {
            let gibbs = try FixedPointGibbs(network: net, energyBits: bits)
            errors.append(abs(gibbs.estimate(query: 1, evidence: [3: true], sweeps: 50_000, seed: 7) - exactS))
        }
        #expect(errors[2] < 0.01, "\(errors)")
        #expect(errors[1] <= errors[0] + 0.005 && errors[2] <= errors[1] + 0.005, "\(errors)")
        let rain = try FixedPointGibbs(network: net).estimate(query: 2, evidence: [3: true], sweeps: 50_000, seed: 8)
        #expect(abs(rain - 0.7079) < 0.01)
    }

    /// §1.3(k): Eq. 18 (products) and Eq. 19 (−log crossbar) pick the same class.
    @Test func naiveBayesCrossbarEqualsTheProductRule() throws {
        var g = SeededGenerator(seed: 9)
        for _ in 0..<200 {
            func distribution(_ n: Int) -> [Double] {
                let raw = (0..<n).map { _ in 0.05 + g.nextUniformDouble() }
                let total = raw.reduce(0, +)
                return raw.map { $0 / total }
            }
            let classes = 3
            let prior = distribution(classes)
            // likelihood[f][value][c], values sum to 1 for each class.
            let likelihood: [[[Double]]] = (0..<2).map { _ in
                let columns = (0..<classes).map { _ in distribution(3) }
                return (0..<3).map { v in (0..<classes).map { columns[$0][v] } }
            }
            let weights = [0.5 + g.nextUniformDouble(), 0.5 + g.nextUniformDouble()]
            let model = try NaiveBayesCrossbar(prior: prior, likelihood: likelihood, weights: weights)
            let x = [g.nextInt(below: 3), g.nextInt(below: 3)]
            #expect(model.classifyByProduct(x) == model.classifyByCrossbar(x))
        }
    }

    /// §1.3(m), Eq. 22: Monte-Carlo mean Σxμ and variance Σx²σ² within 1 %.
    @Test func gaussianWeightSamplingHasTheRightMoments() throws {
        let crossbar = try GaussianWeightCrossbar(mean: [[0.5, -0.2, 0.1]], deviation: [[0.3, 0.1, 0.2]])
        let x = [1.0, 2.0, -1.5]
        var g = SeededGenerator(seed: 10)
        let n = 200_000
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<n {
            let y = crossbar.sample(x, using: &g)[0]
            sum += y
            sumSquares += y * y
        }
        let mean = sum / Double(n), variance = sumSquares / Double(n) - mean * mean
        let expectedMean = 0.5 - 0.4 - 0.15, expectedVariance = 0.09 + 0.04 + 0.09
        #expect(abs(mean - expectedMean) < 0.01 * sqrt(expectedVariance))
        #expect(abs(variance / expectedVariance - 1) < 0.01)
    }

    /// §1.3(p): the compound synapse's stationary m/M = qπ_up/(qπ_up + (1−q)π_down) ±0.01
    /// ([C] 0.1989, 0.5050, 0.8018 at M = 4, π = 0.05).
    @Test(arguments: [(0.2, 0.05, 0.05), (0.5, 0.05, 0.05), (0.8, 0.05, 0.05), (0.5, 0.08, 0.02)])
    func compoundSynapseConvergesToItsStationaryWeight(q: Double, up: Double, down: Double) throws {
        var synapse = try CompoundSynapse(devices: 4, switchOn: up, switchOff: down)
        var g = SeededGenerator(seed: 11)
        var sum = 0.0
        let burnIn = 2_000, n = 200_000
        for t in 0..<(burnIn + n) {
            synapse.postsynapticSpike(input: g.nextUniformDouble() < q, using: &g)
            if t >= burnIn { sum += synapse.normalizedWeight }
        }
        #expect(abs(sum / Double(n) - synapse.stationaryWeight(inputProbability: q)) < 0.01)
    }

    /// §1.3(g), Eq. 9–11: the filter equals enumeration over hidden paths.
    @Test func hmmFilterEqualsEnumeration() throws {
        let hmm = try HMMFilter(transition: [[0.8, 0.15, 0.05], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]],
                                emission: [[0.7, 0.3], [0.4, 0.6], [0.1, 0.9]], initial: [0.5, 0.3, 0.2])
        let y = [0, 1, 1, 0, 1, 1, 1]
        let filtered = hmm.filter(y)
        for t in 1...y.count {
            let reference = hmm.enumeratedPosterior(Array(y[..<t]))
            for (a, b) in zip(filtered[t - 1], reference) { #expect(abs(a - b) < 1e-12) }
        }
    }
}
