import Foundation
import NeuromorphData
import Testing
@testable import NeuromorphLearning

/// Fixtures: the shipped 8×8 digits, a small convergent net in Double.
enum EPFixture {
    /// Learning-rules §2.1 "bias order" setting: digits 8×8, conv 1→4→8 (3×3, pad 1, 2×2 pools),
    /// softmax readout, my_sigmoid, Double.
    static let digitsConv = EPArchitecture(
        inputShape: [1, 8, 8],
        convolutions: [.init(channels: 4, kernel: 3, padding: 1), .init(channels: 8, kernel: 3, padding: 1)],
        classes: 10, cost: .crossEntropy, activation: .mySigmoid)

    /// An MLP 64-16-10 with a squared-error output state layer.
    static let digitsMLP = EPArchitecture(inputShape: [1, 8, 8], hidden: [16], classes: 10,
                                          cost: .squaredError, activation: .mySigmoid)

    static func digits() throws -> (train: LabeledDataset, test: LabeledDataset) { try ShippedData.loadDigits() }

    static func batch(_ count: Int, offset: Int = 0) throws -> EPBatch<Double> {
        EPDataset<Double>(try digits().train).batch(offset..<(offset + count))
    }

    /// A network with the default init (optionally scaled).
    static func network(_ architecture: EPArchitecture, seed: UInt64 = 3, scale: Double = 1) throws -> EPNetwork<Double> {
        var net = try EPNetwork<Double>(architecture: architecture, seed: seed)
        net.parameters = net.parameters.scaled(scale)
        return net
    }
}

/// EP gradient estimates against each other and against BPTT (learning-rules §2.1 "EP" rows;
/// EP digest §1.3 Eq. 4–6, 12–14).
///
/// Shrunk for a fast debug build: T = 120 free steps (the residual check below shows the
/// state is converged to 1e-12 — it is exactly stationary in Double after ~100 steps — so
/// T = 500 would change nothing), K = 40 nudged steps (spec: T = K = 500; K = 200 gave the
/// same errors to 3 digits), 6 examples. The "true" gradient is BPTT through the same last K
/// steps, which is what EP(β → 0, K) equals (Eq. 6); BPTT itself is checked against central
/// finite differences of L* (the spec's reference) on sampled parameters.
@Suite("Equilibrium Propagation gradients")
struct EPGradientTests {
    static let (freeSteps, nudgedSteps) = (120, 40)

    @Test("the free phase converges: the residual of one more step is below 1e-12 after T steps")
    func freePhaseConverges() throws {
        let net = try EPFixture.network(EPFixture.digitsConv)
        let batch = try EPFixture.batch(6)
        let ctx = net.context(batch)
        let s = net.relax(net.zeroState(batch: 6), ctx, beta: 0, steps: Self.freeSteps)
        #expect(net.step(s, ctx, beta: 0).maxDifference(s) < 1e-12)
    }

    /// Learning-rules §2.1 "(∇EP(β)+∇EP(−β))/2 = ∇EP_sym(β)", 1e-12 relative, Double (EP digest
    /// §1.3 [INFERRED]: the s_* terms cancel exactly).
    @Test("symmetric estimate equals the mean of the ±β one-sided estimates (1e-12 rel)",
          arguments: [EPFixture.digitsConv, EPFixture.digitsMLP])
    func symmetricIsMeanOfOneSided(_ architecture: EPArchitecture) throws {
        let net = try EPFixture.network(architecture)
        let batch = try EPFixture.batch(6)
        let free = net.freePhase(batch, steps: Self.freeSteps)
        let beta = 0.2
        let k = 10
        let plus = try net.estimate(batch, estimator: .oneSided, beta: beta, freeSteps: 0, nudgedSteps: k, free: free)
        let minus = try net.estimate(batch, estimator: .oneSided, beta: -beta, freeSteps: 0, nudgedSteps: k, free: free)
        let sym = try net.estimate(batch, estimator: .symmetric, beta: beta, freeSteps: 0, nudgedSteps: k, free: free)
        var mean = plus.gradient
        mean.add(minus.gradient)
        mean = mean.scaled(0.5)
        let rel = EPVectorMeasure.relativeRMSE(mean.flattened, reference: sym.gradient.flattened)
        #expect(rel < 1e-12, "relative difference \(rel)")
        #expect(sym.gradient.norm > 1e-6, "the estimate is not trivially zero")
    }

    /// BPTT (the reference the other tests use) against central finite differences of L*
    /// (the spec's "finite differences"), on 12 sampled scalars of every tensor kind.
    @Test("BPTT through the last K steps matches finite differences of L* (1e-6 rel per scalar)")
    func bpttMatchesFiniteDifferences() throws {
        let net = try EPFixture.network(EPFixture.digitsConv)
        let batch = try EPFixture.batch(4)
        // K = T: backpropagation through the whole relaxation is the exact gradient of L_T.
        let t = 60
        let bptt = net.bpttGradient(batch, freeSteps: t, truncation: t).gradient
        for tensor in net.parameters.tensors.indices {
            for element in [0, net.parameters.tensors[tensor].count / 2] {
                let fd = net.finiteDifference(batch, tensor: tensor, element: element, epsilon: 1e-5, freeSteps: t)
                let b = bptt.tensors[tensor][element]
                #expect(abs(fd - b) <= 1e-6 * max(abs(b), 1e-4), "tensor \(tensor)[\(element)]: FD \(fd), BPTT \(b)")
            }
        }
    }

    /// Learning-rules §2.1 "EP(β,t) ≈ BPTT(t), t ≤ K", β = 1e-3, relative RMSE < 1e-2 and no
    /// sign errors (Eq. 6; the reference code's RMSE metric). Checked at t = 1, 5 and K for the
    /// conv net (cross-entropy readout) and the MLP (squared-error output state).
    @Test("EP(β=1e-3, t) matches BPTT(t) for t = 1, 5, K: relative RMSE < 1e-2",
          arguments: [EPFixture.digitsConv, EPFixture.digitsMLP])
    func epMatchesBPTT(_ architecture: EPArchitecture) throws {
        let net = try EPFixture.network(architecture)
        let batch = try EPFixture.batch(6)
        let free = net.freePhase(batch, steps: Self.freeSteps)
        for t in [1, 5, Self.nudgedSteps] {
            let ep = try net.estimate(batch, estimator: .oneSided, beta: 1e-3, freeSteps: 0, nudgedSteps: t, free: free).gradient
            let bptt = net.bpttGradient(batch, freeSteps: Self.freeSteps, truncation: t).gradient
            // The readout gradient is the same formula in both; compare the Φ parameters only.
            let dynamic = (0..<(2 * net.stateLayerCount)).flatMap { ep.tensors[$0] }
            let reference = (0..<(2 * net.stateLayerCount)).flatMap { bptt.tensors[$0] }
            let rel = EPVectorMeasure.relativeRMSE(dynamic, reference: reference)
            #expect(rel < 1e-2, "t = \(t): relative RMSE \(rel)")
            let large = reference.map(abs).max()! * 1e-2
            let signErrors = zip(dynamic, reference).filter { abs($1) > large && ($0 > 0) != ($1 > 0) }.count
            #expect(signErrors == 0, "t = \(t): \(signErrors) sign errors")
        }
    }

    /// Learning-rules §2.1 "bias order: e(β)/e(β/2) ≈ 2 one-sided, ≈ 4 symmetric; e_sym < e_one"
    /// (Eq. 13–14: one-sided error O(β), symmetric O(β²)), ratios in [1.6, 2.5] and [3.0, 5.0].
    /// β pairs 0.05/0.025 and 0.025/0.0125 (measured ratios 2.00 and 4.00). At β = 0.1–0.2 this
    /// net is out of the asymptotic regime (e(0.2) > e(0.4): the nudged states cross max-pool
    /// argmax switches, where Φ is not smooth), so the spec's β range is used from its low end.
    @Test("bias order: e(β)/e(β/2) ≈ 2 one-sided, ≈ 4 symmetric; symmetric error is smaller")
    func biasOrder() throws {
        let net = try EPFixture.network(EPFixture.digitsConv)
        let batch = try EPFixture.batch(6)
        let free = net.freePhase(batch, steps: Self.freeSteps)
        let k = Self.nudgedSteps
        let truth = net.bpttGradient(batch, freeSteps: Self.freeSteps, truncation: k).gradient.flattened
        func error(_ estimator: EPEstimator, _ beta: Double) throws -> Double {
            let g = try net.estimate(batch, estimator: estimator, beta: beta, freeSteps: 0, nudgedSteps: k, free: free)
            return EPVectorMeasure.distance(g.gradient.flattened, truth)
        }
        for beta in [0.05, 0.025] {
            let (one, oneHalf) = (try error(.oneSided, beta), try error(.oneSided, beta / 2))
            let (sym, symHalf) = (try error(.symmetric, beta), try error(.symmetric, beta / 2))
            #expect((1.6...2.5).contains(one / oneHalf), "β = \(beta): one-sided ratio \(one / oneHalf)")
            #expect((3.0...5.0).contains(sym / symHalf), "β = \(beta): symmetric ratio \(sym / symHalf)")
            #expect(sym < one, "β = \(beta): e_sym \(sym) ≥ e_one \(one)")
        }
    }

    /// Learning-rules §2.1 "symmetric beats one-sided": cos(ĝ, true gradient) at β = 0.5 and 1.0
    /// (Table 2, qualitative), over all tensors and per layer (conv 1, conv 2, readout weights).
    /// Measured: β 1 total 0.995 vs 0.874, per layer 0.986 / 0.965 / 0.998 vs 0.875 / 0.728 / 0.900;
    /// β 0.5 total 0.979 vs 0.919, per layer 0.941 / 0.888 / 1.000 vs 0.892 / 0.784 / 0.970.
    @Test("cosine with the true gradient is higher for the symmetric estimate at β = 0.5 and 1, in total and per layer",
          arguments: [0.5, 1.0])
    func symmetricHasHigherCosine(_ beta: Double) throws {
        let net = try EPFixture.network(EPFixture.digitsConv)
        let batch = try EPFixture.batch(6)
        let free = net.freePhase(batch, steps: Self.freeSteps)
        let truth = net.bpttGradient(batch, freeSteps: Self.freeSteps, truncation: Self.nudgedSteps).gradient
        let one = try net.estimate(batch, estimator: .oneSided, beta: beta, freeSteps: 0, nudgedSteps: Self.nudgedSteps, free: free)
        let sym = try net.estimate(batch, estimator: .symmetric, beta: beta, freeSteps: 0, nudgedSteps: Self.nudgedSteps, free: free)
        let (aOne, aSym) = (net.alignment(of: one.gradient, with: truth), net.alignment(of: sym.gradient, with: truth))
        #expect(aSym.totalCosine > aOne.totalCosine, "β = \(beta): cos_sym \(aSym.totalCosine), cos_one \(aOne.totalCosine)")
        for l in aSym.weightCosines.indices {
            #expect(aSym.weightCosines[l] > aOne.weightCosines[l],
                    "β = \(beta), weight \(l): cos_sym \(aSym.weightCosines[l]), cos_one \(aOne.weightCosines[l])")
        }
    }

    /// ``EPGradientAlignment`` identities (consistency checks of the measure): a gradient against
    /// itself has cosines 1 and norm ratios 1, twice it ratio 2, its negation cosines −1; one entry
    /// per state layer plus the readout.
    @Test("alignment: cos 1 and ratio 1 against itself, ratio 2 for twice it, cos −1 for its negation")
    func alignmentIdentities() throws {
        let net = try EPFixture.network(EPFixture.digitsConv)
        let batch = try EPFixture.batch(4)
        let g = net.bpttGradient(batch, freeSteps: 30, truncation: 10).gradient
        let same = net.alignment(of: g, with: g), twice = net.alignment(of: g.scaled(2), with: g)
        let negated = net.alignment(of: g.scaled(-1), with: g)
        #expect(same.weightCosines.count == 3 && same.weightNormRatios.count == 3)
        for l in 0..<3 {
            #expect(abs(same.weightCosines[l] - 1) < 1e-12 && abs(same.weightNormRatios[l] - 1) < 1e-12, "layer \(l)")
            #expect(abs(twice.weightCosines[l] - 1) < 1e-12 && abs(twice.weightNormRatios[l] - 2) < 1e-12, "layer \(l)")
            #expect(abs(negated.weightCosines[l] + 1) < 1e-12, "layer \(l)")
        }
        #expect(abs(same.totalCosine - 1) < 1e-12 && abs(negated.totalCosine + 1) < 1e-12)
    }

    @Test("a zero or non-finite β and a VF estimator on a bidirectional net are rejected, naming the field")
    func rejectsBadSettings() throws {
        let net = try EPFixture.network(EPFixture.digitsMLP)
        let batch = try EPFixture.batch(2)
        #expect(throws: LearningRuleParameterError.self) {
            _ = try net.estimate(batch, estimator: .symmetric, beta: 0, freeSteps: 2, nudgedSteps: 2)
        }
        do {
            _ = try net.estimate(batch, estimator: .kpvf, beta: 0.1, freeSteps: 2, nudgedSteps: 2)
            Issue.record("kp-vf on a bidirectional net should throw")
        } catch let error as LearningRuleParameterError {
            #expect(error.field == "estimator")
            #expect(error.description.contains("unidirectional"))
        }
    }
}
