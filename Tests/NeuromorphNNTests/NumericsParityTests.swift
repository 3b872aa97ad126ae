import Foundation
import Testing
@testable import NeuromorphCore
@testable import NeuromorphNN

/// Values a PyTorch user compares with (issue 19, "the digital stack against PyTorch").
@Suite struct NumericsParityTests {
    @Test(arguments: [Float(1e-7), 1e-5, 1e-3, 0.05, 0.124, 0.126, 0.5, 1, 3, -1e-6, -0.1, -2])
    func tanhHasFullRelativeAccuracy(x: Float) {
        let exact = Foundation.tanh(Double(x))
        let error = abs(Double(FastMath.tanh(x)) - exact) / abs(exact)
        #expect(error < 1e-6, "tanh(\(x)): relative error \(error)")   // 2σ(2x) − 1 alone: 19 % at 1e-7
    }

    @Test func crossEntropyValueIsExactForLargeLogitGaps() {
        // Softmax underflows at these gaps; the log-sum-exp gives torch's values 90 and 120.
        let logits = Tensor(shape: [2, 2], scalars: [0, 90, 120, 0])
        let (value, gradient) = SoftmaxCrossEntropy().evaluate(logits, .classes([0, 1]))
        #expect(abs(value - (90 + 120) / 2) < 1e-3, "loss \(value)")
        #expect(gradient.scalars == [-0.5, 0.5, 0.5, -0.5])
        // Ordinary logits: the closed form −log softmax.
        let z = Tensor(shape: [1, 3], scalars: [1, 2, 3])
        let expected = -log(exp(2.0) / (exp(1.0) + exp(2.0) + exp(3.0)))
        #expect(abs(Double(SoftmaxCrossEntropy().evaluate(z, .classes([1])).value) - expected) < 1e-6)
    }
}

@Suite struct DecayBiasesTests {
    @Test(arguments: [false, true])
    func weightDecayReachesBiasesOnlyWhenAsked(decayBiases: Bool) {
        var bias = Parameter(name: "bias", value: Tensor(shape: [2], scalars: [1, -1]), decays: false)
        var sgd = SGD(learningRate: 0.1, weightDecay: 0.5)
        sgd.decayBiases = decayBiases
        sgd.update(&bias, slot: 0)   // zero gradient: only the decay acts
        let expected: [Float] = decayBiases ? [0.95, -0.95] : [1, -1]   // w ← w (1 − η λ)
        #expect(bias.value.scalars == expected)
    }

    @Test func specKeyNeedsWeightDecay() throws {
        let ok = try JSONDecoder().decode(OptimizerSpec.self, from: Data(#"{"kind": "adam", "learning_rate": 0.01, "weight_decay": 0.01, "decay_biases": true}"#.utf8))
        #expect((ok.blueprint as? AdamBlueprint)?.settings.decayBiases == true)
        #expect(throws: SpecError.self) {
            try JSONDecoder().decode(OptimizerSpec.self, from: Data(#"{"kind": "sgd", "learning_rate": 0.1, "decay_biases": true}"#.utf8))
        }
    }
}

@Suite struct HardSigmoidTests {
    @Test func kerasAndTorchHardSigmoidsAreDistinct() {
        let x = Tensor(shape: [1, 5], scalars: [-4, -1, 0, 1.5, 4])
        var keras = Activation(.hardSigmoid), torch = Activation(.hardSigmoidTorch)
        #expect(keras(x).scalars == [0, 0.3, 0.5, 0.8, 1])
        let t = torch(x).scalars
        let expected: [Float] = [0, 1.0 / 3, 0.5, 0.75, 1]   // clamp(x/6 + 1/2, 0, 1)
        #expect(zip(t, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(t)")
    }
}

/// A state file that made Foundation's binary-plist reader trap (fuzz target `state`):
/// states are JSON now, and every reader throws on it.
@Suite struct StateRegressionTests {
    @Test func aMalformedStateFileThrows() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Regression/state-bplist-trap.bin")
        let data = try Data(contentsOf: url)
        var dropout = Dropout(rate: 0.5, generator: SeededGenerator(seed: 1))
        #expect(throws: (any Error).self) { try dropout.restoreState(from: data) }
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        #expect(throws: (any Error).self) { try sgd.restoreState(from: data) }
        var adam = Adam()
        #expect(throws: (any Error).self) { try adam.restoreState(from: data) }
        var rmsprop = RMSprop()
        #expect(throws: (any Error).self) { try rmsprop.restoreState(from: data) }
    }
}
