import Foundation
import NeuromorphCore
import Testing
@testable import NeuromorphLearning

/// The kernels and dynamics of the convergent network (learning-rules §1.1 "Library needs").
@Suite("Equilibrium Propagation network")
struct EPNetworkTests {
    static let geometry = EPConvGeometry(inputChannels: 2, height: 6, width: 5, outputChannels: 3, kernel: 3, padding: 1)

    static func random(_ count: Int, seed: UInt64) -> [Double] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in g.nextNormalDouble() }
    }

    @Test("transposed convolution is the adjoint of convolution: ⟨w⋆x, y⟩ = ⟨x, w̃⋆y⟩ (1e-12)")
    func convolutionAdjoint() {
        let g = Self.geometry
        let batch = 2
        let x = Self.random(g.inputChannels * batch * g.height * g.width, seed: 1)
        let y = Self.random(g.outputChannels * batch * g.prePixels, seed: 2)
        let w = Self.random(g.weightCount, seed: 3)
        let wx = EPKernels.convolve(w, cols: EPKernels.im2col(x, g, batch: batch), g, batch: batch)
        var wty = [Double](repeating: 0, count: x.count)
        EPKernels.convolveTransposedAdd(w, y, g, batch: batch, into: &wty)
        let lhs = zip(wx, y).map(*).reduce(0, +), rhs = zip(x, wty).map(*).reduce(0, +)
        #expect(abs(lhs - rhs) < 1e-12 * max(1, abs(lhs)))
        // One output pixel by hand: channel 1, example 1, (y, x) = (2, 3).
        var direct = 0.0
        for c in 0..<g.inputChannels { for i in 0..<3 { for j in 0..<3 {
            let (iy, ix) = (2 + i - 1, 3 + j - 1)
            guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
            direct += w[(1 * g.inputChannels + c) * 9 + i * 3 + j] * x[((c * batch + 1) * g.height + iy) * g.width + ix]
        } } }
        #expect(abs(wx[((1 * batch + 1) * g.preHeight + 2) * g.preWidth + 3] - direct) < 1e-12)
    }

    @Test("max-pool keeps the first maximum on ties; unpool and gather are adjoint")
    func poolingAndUnpooling() {
        let input: [Double] = [1, 3, 3, 0,
                               2, 0, 1, 3,
                               5, 5, 0, 0,
                               5, 1, 0, 0]
        let (values, argmax) = EPKernels.maxPool(input, planes: 1, height: 4, width: 4)
        #expect(values == [3, 3, 5, 0])
        #expect(argmax == [1, 2, 8, 10])
        let up = EPKernels.unpool([1.0, 2, 3, 4], argmax: argmax, count: 16)
        #expect(up == [0, 1, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0])
        let z = Self.random(16, seed: 4), v = Self.random(4, seed: 5)
        let lhs = zip(EPKernels.unpool(v, argmax: argmax, count: 16), z).map(*).reduce(0, +)
        let rhs = zip(v, EPKernels.gather(z, argmax: argmax)).map(*).reduce(0, +)
        #expect(abs(lhs - rhs) < 1e-14)
    }

    @Test("activations: my_sigmoid(0.5) = 0.5, hard_sigmoid = clamp(x,0,1), my_hard_sig = clamp(x/2,0,1)")
    func activations() {
        #expect(EPActivation.mySigmoid.value(0.5) == 0.5)
        #expect(abs(EPActivation.mySigmoid.derivative(0.5) - 1.0) < 1e-15)
        #expect(EPActivation.hardSigmoid.value(0.7) == 0.7 && EPActivation.hardSigmoid.value(1.5) == 1.0)
        #expect(EPActivation.myHardSig.value(1.0) == 0.5 && EPActivation.myHardSig.value(-1.0) == 0.0)
        #expect(EPActivation.myHardSig.derivative(1.0) == 0.5 && EPActivation.myHardSig.derivative(3.0) == 0.0)
    }

    @Test("states stay in [0, 1]; Float and Double relax to the same free state (1e-4)")
    func floatMatchesDouble() throws {
        let a = EPFixture.digitsConv
        let d = try EPNetwork<Double>(architecture: a, seed: 9)
        var f = try EPNetwork<Float>(architecture: a, seed: 9)
        f.parameters = EPParameters(tensors: d.parameters.tensors.map { $0.map(Float.init) })
        let bd = try EPFixture.batch(3)
        let bf = EPBatch<Float>(inputs: bd.inputs.map(Float.init), labels: bd.labels)
        let sd = d.freePhase(bd, steps: 40), sf = f.freePhase(bf, steps: 40)
        for l in sd.layers.indices {
            #expect(sd.layers[l].allSatisfy { $0 >= 0 && $0 <= 1 })
            for k in sd.layers[l].indices { #expect(abs(Double(sf.layers[l][k]) - sd.layers[l][k]) < 1e-4) }
        }
    }

    @Test("architecture errors name the field: a kernel larger than its input, too few classes")
    func rejectsBadArchitectures() {
        var a = EPFixture.digitsConv
        a.convolutions[1].kernel = 9
        #expect(throws: LearningRuleParameterError.self) { try a.validate() }
        do {
            var b = EPFixture.digitsMLP
            b.classes = 1
            try b.validate()
            Issue.record("1 class should throw")
        } catch let error as LearningRuleParameterError {
            #expect(error.field == "classes")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test("training a digits MLP (symmetric EP, 2 epochs on 400 examples) beats chance by far")
    func trainsDigits() throws {
        let (train, test) = try EPFixture.digits()
        let settings = EPTrainingSettings(architecture: EPArchitecture(inputShape: [1, 8, 8], hidden: [32], classes: 10,
                                                                       cost: .squaredError, activation: .mySigmoid),
                                          estimator: .symmetric, beta: 0.5, freeSteps: 20, nudgedSteps: 6, batchSize: 20,
                                          epochs: 2, learningRates: [0.2, 0.1], momentum: 0.5, seed: 1)
        var trainer = try EPTrainer<Double>(settings: settings)
        let data = EPDataset<Double>(train.prefix(400)), held = EPDataset<Double>(test.prefix(200))
        let before = trainer.accuracy(held)
        for e in 0..<2 { _ = try trainer.trainEpoch(data, epoch: e) }
        let after = trainer.accuracy(held)
        #expect(after > 0.6, "accuracy \(before) → \(after)")
    }

    /// Random sign (learning-rules §1.1; EP digest §1.3): the one-sided estimate with β's sign drawn
    /// once per batch from the stream `ep/sign`, so a run is reproducible from its seed.
    @Test("random-sign steps equal one-sided steps at the sign drawn from stream ep/sign; both signs occur")
    func randomSignIsSeededOneSided() throws {
        let settings = EPTrainingSettings(architecture: EPFixture.digitsMLP, estimator: .randomSign, beta: 0.5, freeSteps: 15,
                                          nudgedSteps: 5, batchSize: 4, epochs: 1, learningRates: [0.1, 0.05], seed: 11)
        var trainer = try EPTrainer<Double>(settings: settings)
        var manual = try EPNetwork<Double>(architecture: EPFixture.digitsMLP, seed: 11)
        var sgd = try EPSGD<Double>(learningRates: [0.1, 0.05], momentum: 0, weightDecay: 0, schedule: nil,
                                    groups: manual.learningRateGroups)
        var signs = SeededGenerator(seed: 11, key: StreamKey("ep", "sign"))
        var seen = Set<Bool>()
        for b in 0..<8 {
            let batch = try EPFixture.batch(4, offset: 4 * b)
            let negative = signs.nextBernoulli(0.5)
            seen.insert(negative)
            let g = try manual.estimate(batch, estimator: .oneSided, beta: negative ? -0.5 : 0.5, freeSteps: 15, nudgedSteps: 5)
            sgd.step(&manual.parameters, gradient: g.gradient, epoch: 0)
            _ = try trainer.step(batch, epoch: 0)
        }
        #expect(trainer.network.parameters == manual.parameters)
        #expect(seen.count == 2, "8 draws gave only \(seen)")
    }
}
