import Foundation
import Testing
@testable import NeuromorphLearning

/// KP-VF (Laborieux et al. Eq. 20–21; learning-rules §1.1 "KP-VF", §2.1 "KP-VF: ‖θ_f−θ_b‖ follows
/// (1−ηλ)ⁿ (plain SGD), or e←μe+λd, d←d−ηe (momentum)", 1e-10 rel).
@Suite("Equilibrium Propagation KP-VF")
struct EPKPVFTests {
    /// Conv 1→4→8 then a dense 16 layer and a readout: backward weights on a conv and a dense connection.
    static let architecture = EPArchitecture(
        inputShape: [1, 8, 8],
        convolutions: [.init(channels: 4, kernel: 3, padding: 1), .init(channels: 8, kernel: 3, padding: 1)],
        hidden: [16], classes: 10, cost: .crossEntropy, activation: .mySigmoid, unidirectional: true)

    /// Runs `steps` training steps and returns, per forward/backward pair, the distances ‖θ_f − θ_b‖
    /// after each step (index 0 = before training) and the pair's learning rate.
    static func distances(estimator: EPEstimator, momentum: Double, steps: Int) throws -> [(rate: Double, d: [Double])] {
        let settings = EPTrainingSettings(architecture: architecture, estimator: estimator, beta: 0.5, freeSteps: 30,
                                          nudgedSteps: 8, batchSize: 8, epochs: 1, learningRates: [0.05, 0.04, 0.03, 0.02],
                                          momentum: momentum, weightDecay: 0.01)
        var trainer = try EPTrainer<Double>(settings: settings)
        let data = EPDataset<Double>(try EPFixture.digits().train)
        let pairs = trainer.network.forwardBackwardPairs
        func current() -> [Double] {
            pairs.map { EPVectorMeasure.distance(trainer.network.parameters.tensors[$0.forward],
                                                 trainer.network.parameters.tensors[$0.backward]) }
        }
        var history = [current()]
        for s in 0..<steps {
            _ = try trainer.step(data.batch((s * 8)..<(s * 8 + 8)), epoch: 0)
            history.append(current())
        }
        let groups = trainer.network.learningRateGroups
        return pairs.indices.map { p in (settings.learningRates[groups[pairs[p].forward]], history.map { $0[p] }) }
    }

    @Test("plain SGD: ‖θ_f − θ_b‖ shrinks by exactly (1 − ηλ) per step (1e-10 rel)")
    func plainSGDClosedForm() throws {
        let lambda = 0.01
        for (rate, d) in try Self.distances(estimator: .kpvf, momentum: 0, steps: 12) {
            for n in d.indices {
                let expected = d[0] * pow(1 - rate * lambda, Double(n))
                #expect(abs(d[n] - expected) <= 1e-10 * expected, "η \(rate), step \(n): \(d[n]) vs \(expected)")
            }
        }
    }

    @Test("momentum: ‖θ_f − θ_b‖ follows e ← μe + λd, d ← d − ηe (1e-10 rel)")
    func momentumClosedForm() throws {
        let (lambda, mu) = (0.01, 0.9)
        for (rate, d) in try Self.distances(estimator: .kpvf, momentum: mu, steps: 12) {
            var (c, e) = (1.0, 0.0)   // d_n = c_n d_0 for the whole tensor
            for n in d.indices {
                if n > 0 {
                    e = mu * e + lambda * c
                    c -= rate * e
                }
                #expect(abs(d[n] - abs(c) * d[0]) <= 1e-10 * abs(c) * d[0], "η \(rate), step \(n)")
            }
        }
    }

    @Test("VF (no common update) does not follow the closed form: the check can fail")
    func vfDoesNotFollowClosedForm() throws {
        let lambda = 0.01
        let result = try Self.distances(estimator: .vf, momentum: 0, steps: 6)
        let deviation = result.map { rate, d in abs(d[6] - d[0] * pow(1 - rate * lambda, 6)) / d[0] }.max()!
        #expect(deviation > 1e-6, "VF deviation \(deviation)")
    }

    @Test("KP-VF gives each forward weight and its backward twin the same non-zero common update ½(∇̄VF_f + ∇̄VF_b)")
    func commonUpdateIsShared() throws {
        let net = try EPNetwork<Double>(architecture: Self.architecture, seed: 5)
        let g = try net.estimate(try EPFixture.batch(4), estimator: .kpvf, beta: 0.3, freeSteps: 30, nudgedSteps: 8).gradient
        for (f, b) in net.forwardBackwardPairs {
            #expect(g.tensors[f] == g.tensors[b])
            #expect(g.tensors[f].contains { $0 != 0 })
        }
    }
}

/// The optimizer and the schedule of Table 1 (learning-rules §1.1).
@Suite("Equilibrium Propagation optimizer")
struct EPOptimizerTests {
    @Test("cosine schedule: η_0 at epoch 0, the midpoint at T_max/2, η_min from T_max on (consistency check of the formula)")
    func cosineSchedule() {
        let s = EPCosineSchedule(periodEpochs: 100, minimumRate: 1e-5)
        #expect(s.rate(initial: 0.25, epoch: 0) == 0.25)
        #expect(abs(s.rate(initial: 0.25, epoch: 50) - (0.25 + 1e-5) / 2) < 1e-15)
        #expect(s.rate(initial: 0.25, epoch: 100) == 1e-5)
        #expect(s.rate(initial: 0.25, epoch: 119) == 1e-5)
    }

    @Test("PyTorch SGD: v = d on the first step, then v ← μv + d with d = g + λθ; per-group rates")
    func sgdMatchesPyTorch() throws {
        var sgd = try EPSGD<Double>(learningRates: [0.1, 0.01], momentum: 0.9, weightDecay: 0.5, schedule: nil, groups: [0, 1])
        var p = EPParameters<Double>(tensors: [[1.0], [2.0]])
        let g = EPParameters<Double>(tensors: [[0.2], [0.4]])
        sgd.step(&p, gradient: g, epoch: 0)
        // d = 0.2 + 0.5·1 = 0.7 → θ = 1 − 0.07; d = 0.4 + 1 = 1.4 → θ = 2 − 0.014
        #expect(abs(p.tensors[0][0] - 0.93) < 1e-15 && abs(p.tensors[1][0] - 1.986) < 1e-15)
        sgd.step(&p, gradient: g, epoch: 0)
        // v = 0.9·0.7 + (0.2 + 0.5·0.93) = 1.295 → θ = 0.93 − 0.1295
        #expect(abs(p.tensors[0][0] - (0.93 - 0.1295)) < 1e-14)
    }

    @Test("bad rates, momentum and group counts are rejected, naming the field")
    func rejectsBadSettings() {
        #expect(throws: LearningRuleParameterError.self) {
            _ = try EPSGD<Float>(learningRates: [0.1], momentum: 0, weightDecay: 0, schedule: nil, groups: [0, 1])
        }
        do {
            _ = try EPSGD<Float>(learningRates: [0.1], momentum: 1.5, weightDecay: 0, schedule: nil, groups: [0])
            Issue.record("momentum 1.5 should throw")
        } catch let error as LearningRuleParameterError {
            #expect(error.field == "momentum")
        } catch { Issue.record("unexpected \(error)") }
    }
}
