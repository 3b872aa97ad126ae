import Foundation
import Testing
@testable import NeuromorphCore
@testable import NeuromorphNN

/// Golden parity with PyTorch (issue 19, "the digital stack against PyTorch").
/// `benchmarks/golden/pytorch_parity.py` ran PyTorch once and wrote
/// `Tests/Golden/pytorch_parity.json`; these tests run Neuromorph on the same inputs.
@Suite struct PyTorchGoldenParityTests {
    static let golden: PyTorchGolden? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Golden/pytorch_parity.json").standardized
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(PyTorchGolden.self, from: data)
    }()

    static func load() throws -> PyTorchGolden {
        try #require(golden, "Tests/Golden/pytorch_parity.json is missing or unreadable")
    }

    /// Values and derivatives of tanh (full relative accuracy near 0), sigmoid, ReLU, PyTorch's
    /// Hardsigmoid (`hard_sigmoid_torch`) and leaky ReLU (slope 0.01), including the kinks.
    @Test func activationsMatchPyTorch() throws {
        let golden = try Self.load()
        let kinds: [String: ActivationKind] = ["tanh": .tanh, "sigmoid": .sigmoid, "relu": .relu,
                                               "hard_sigmoid_torch": .hardSigmoidTorch, "leaky_relu": .leakyReLU]
        #expect(golden.activations.count == kinds.count)
        for (name, reference) in golden.activations {
            let kind = try #require(kinds[name], "\(name)")
            var layer = Activation(kind)
            let x = Tensor(shape: [1, reference.x.count], scalars: reference.x)
            let y = layer.forward(x, mode: .training)
            let dy = layer.backward(Tensor(shape: [1, reference.x.count], scalars: [Float](repeating: 1, count: reference.x.count)))
            for i in reference.x.indices {
                let scale = max(abs(reference.y[i]), 1e-30)
                #expect(abs(y.scalars[i] - reference.y[i]) <= 2e-7 * max(scale, 1) && abs(y.scalars[i] - reference.y[i]) / scale < 1e-6,
                        "\(name)(\(reference.x[i])) = \(y.scalars[i]), torch \(reference.y[i])")
                // torch's derivative at a kink is its own convention: ReLU'(0) = 0, Hardsigmoid'(±3) = 0
                // (open interval), leaky ReLU'(0) = 0.01.
                #expect(abs(dy.scalars[i] - reference.dy[i]) < 1e-6, "\(name)'(\(reference.x[i])) = \(dy.scalars[i]), torch \(reference.dy[i])")
            }
        }
    }

    /// Softmax cross-entropy (mean reduction): value by log-sum-exp (exact for logit gaps of
    /// 90, 120 and 400, where the softmax underflows) and gradient.
    @Test func crossEntropyMatchesPyTorch() throws {
        for c in try Self.load().crossEntropy {
            let z = Tensor(shape: [c.rows, c.columns], scalars: c.logits)
            let (value, gradient) = SoftmaxCrossEntropy().evaluate(z, .classes(c.labels))
            #expect(abs(value - c.loss) <= 1e-6 * max(abs(c.loss), 1), "loss \(value), torch \(c.loss)")
            #expect(zip(gradient.scalars, c.gradient).allSatisfy { abs($0 - $1) < 1e-6 }, "gradient \(gradient.scalars), torch \(c.gradient)")
        }
    }

    /// 20 steps of SGD (+ Nesterov momentum), Adam (L2), AdamW (decoupled) and RMSprop with
    /// weight decay on a Linear(3 → 2) + MSE, from PyTorch's initial weights. PyTorch decays
    /// biases too, so Neuromorph runs with `decay_biases: true`.
    @Test func optimizerTrajectoriesMatchPyTorch() throws {
        let golden = try Self.load().optimizers
        let x = Tensor(shape: [4, 3], scalars: golden.x)
        let target = Tensor(shape: [4, 2], scalars: golden.target)
        func run<O: Optimizer>(_ optimizer: O) -> (weight: [Float], bias: [Float], losses: [Float]) {
            var optimizer = optimizer
            var g = SeededGenerator(seed: 0)
            var layer = Linear(3, 2, generator: &g)
            layer.weight.value = Tensor(shape: [2, 3], scalars: golden.weight0)
            layer.bias?.value = Tensor(shape: [2], scalars: golden.bias0)
            var losses: [Float] = []
            for _ in 0..<20 {
                let y = layer.forward(x, mode: .training)
                let (loss, gradient) = MeanSquaredError().evaluate(y, .values(target))
                _ = layer.backward(gradient)
                var slot = 0
                layer.update(with: &optimizer, slot: &slot)
                optimizer.finishStep()
                losses.append(loss)
            }
            return (layer.weight.value.scalars, layer.bias?.value.scalars ?? [], losses)
        }
        for reference in golden.runs {
            let result: (weight: [Float], bias: [Float], losses: [Float])
            switch reference.name {
            case "sgd_momentum_nesterov_wd":
                var o = SGD(learningRate: 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true); o.decayBiases = true
                result = run(o)
            case "sgd_wd":
                var o = SGD(learningRate: 0.1, weightDecay: 0.05); o.decayBiases = true
                result = run(o)
            case "adam_wd":
                var o = Adam(learningRate: 0.01, weightDecay: 0.01); o.decayBiases = true
                result = run(o)
            case "adamw":
                var o = Adam(learningRate: 0.01, weightDecay: 0.01, decoupledWeightDecay: true); o.decayBiases = true
                result = run(o)
            case "rmsprop_wd":
                var o = RMSprop(learningRate: 0.01, rho: 0.99, epsilon: 1e-8, weightDecay: 0.01); o.decayBiases = true
                result = run(o)
            default:
                Issue.record("unknown optimizer run \(reference.name)")
                continue
            }
            let worst = zip(result.weight + result.bias, reference.weight + reference.bias).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst < 2e-5, "\(reference.name): max |Δθ| \(worst) after 20 steps")
            let lossGap = zip(result.losses, reference.losses).map { abs($0 - $1) / max(abs($1), 1e-6) }.max() ?? .infinity
            #expect(lossGap < 1e-4, "\(reference.name): loss trajectories differ by \(lossGap) (relative)")
        }
    }

    /// `CosineAnnealingLR(T_max 10, eta_min 1e-3)` over its horizon equals the cosine schedule.
    @Test func cosineScheduleMatchesPyTorchWithinItsHorizon() throws {
        let c = try Self.load().cosine
        let schedule = LearningRateSchedule.cosine(epochs: c.epochs, minimum: c.minimum)
        for (epoch, rate) in c.rates.enumerated() {
            #expect(abs(Double(schedule.rate(epoch: epoch, base: c.base)) - rate) < 1e-7, "epoch \(epoch)")
        }
    }
}

/// The JSON written by `benchmarks/golden/pytorch_parity.py`.
struct PyTorchGolden: Decodable {
    struct ActivationValues: Decodable {
        let x: [Float]
        let y: [Float]
        let dy: [Float]
    }
    struct CrossEntropy: Decodable {
        let logits: [Float]
        let rows: Int
        let columns: Int
        let labels: [Int]
        let loss: Float
        let gradient: [Float]
    }
    struct Run: Decodable {
        let name: String
        let weight: [Float]
        let bias: [Float]
        let losses: [Float]
    }
    struct Optimizers: Decodable {
        let weight0: [Float]
        let bias0: [Float]
        let x: [Float]
        let target: [Float]
        let runs: [Run]
    }
    struct Cosine: Decodable {
        let base: Float
        let epochs: Int
        let minimum: Float
        let rates: [Double]
    }
    let activations: [String: ActivationValues]
    let crossEntropy: [CrossEntropy]
    let optimizers: Optimizers
    let cosine: Cosine

    enum CodingKeys: String, CodingKey {
        case activations, optimizers, cosine
        case crossEntropy = "cross_entropy"
    }
}
