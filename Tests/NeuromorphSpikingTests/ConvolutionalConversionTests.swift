import Testing
import NeuromorphCore
import NeuromorphData
import NeuromorphNN
@testable import NeuromorphSpiking

/// A small CNN on the shipped 8×8 digits, trained once: conv 3×3×8 → ReLU → max pool 2 →
/// conv 3×3×16 → ReLU → average pool 2 → linear 64 → 10 (with biases).
struct DigitsCNNFixture: Sendable {
    let model: Sequential
    let network: ConvolutionalReLUNetwork
    let train: [[Float]]
    let test: [[Float]]
    let testLabels: [Int]

    static let shared: Result<DigitsCNNFixture, any Error> = Result { try DigitsCNNFixture() }

    static func layers(_ g: inout SeededGenerator) -> [any Layer] {
        [Reshape([1, 8, 8]), Conv2d(1, 8, kernelSize: 3, padding: 1, generator: &g), Activation(.relu), Pool2d(.max, window: 2),
         Conv2d(8, 16, kernelSize: 3, padding: 1, generator: &g), Activation(.relu), Pool2d(.average, window: 2),
         Flatten(), Linear(64, 10, generator: &g), LogSoftmax()]
    }

    init() throws {
        let (trainSet, testSet) = try ShippedData.loadDigits()
        let train = trainSet.flattened(), test = testSet.flattened()
        var g = SeededGenerator(seed: 5, key: StreamKey("cnn-conversion-test", "init"))
        var model = Sequential(Self.layers(&g))
        var optimizer = SGD(learningRate: 0.05, momentum: 0.9)
        _ = try Trainer.fit(&model, optimizer: &optimizer, loss: NLLLoss(),
                            train: LabeledTensors(inputs: train.inputs, labels: train.labels),
                            configuration: TrainingConfiguration(epochs: 15, batchSize: 32, seed: 3, showProgress: false))
        self.model = model
        network = try ConvolutionalReLUNetwork(model, inputShape: [64])
        func rows(_ d: LabeledDataset) -> [[Float]] { (0..<d.count).map { Array(d.inputs.scalars[($0 * 64)..<(($0 + 1) * 64)]) } }
        self.train = rows(train)
        self.test = rows(test)
        testLabels = test.labels
    }
}

/// ANN→SNN conversion of convolutional networks (Rueckauer et al. 2017; spiking note §1.8;
/// issue 17: `neuromorph compare` runs the spiking substrate on CNNs).
@Suite struct ConvolutionalConversionTests {
    /// The conversion's ANN side computes the model's own logits (same layers, read back).
    @Test func readBackNetworkComputesTheModelsLogits() throws {
        let f = try DigitsCNNFixture.shared.get()
        var model = f.model
        let batch = Array(f.test.prefix(20))
        let logits = model.forward(Tensor(rows: batch), mode: .inference)
        var correct = 0
        for (k, x) in batch.enumerated() {
            let ours = f.network.activations(x).last ?? []
            let theirs = Array(logits.scalars[(k * 10)..<((k + 1) * 10)])
            // LogSoftmax shifts every logit by the same amount: compare differences to logit 0.
            for c in 1..<10 { #expect(abs((ours[c] - ours[0]) - (theirs[c] - theirs[0])) < 1e-3, "sample \(k) class \(c)") }
        }
        for (x, y) in zip(f.test, f.testLabels) where f.network.predict(x) == y { correct += 1 }
        let accuracy = Double(correct) / Double(f.test.count)
        print("digits CNN test accuracy \(accuracy)")
        #expect(accuracy > 0.85)   // measured 0.889
    }

    /// The task's check: the converted CNN (max pool as Rueckauer's spike gate, average pool
    /// exact) gives the ANN's class on ≥ 95 % of 180 test images at 200 steps, with input
    /// currents and with periodic input spikes; fewer steps agree less.
    @Test func convertedCNNAgreesWithTheANN() throws {
        let f = try DigitsCNNFixture.shared.get()
        let snn = try RateConvertedConvolutionalNetwork(f.network, calibration: Array(f.train.prefix(200)), statistic: .percentile(99.9))
        let images = f.test.prefix(180)   // half the test set keeps the debug run short
        func agreement(steps: Int, input: ConversionInput) -> Double {
            var same = 0
            for x in images where snn.predict(x, steps: steps, input: input) == f.network.predict(x) { same += 1 }
            return Double(same) / Double(images.count)
        }
        let current = agreement(steps: 200, input: .current)
        let periodic = agreement(steps: 200, input: .periodic)
        let short = agreement(steps: 8, input: .periodic)
        print("CNN conversion agreement on \(images.count) images: current T=200 \(current), periodic T=200 \(periodic), periodic T=8 \(short)")
        #expect(current >= 0.95)
        #expect(periodic >= 0.95)
        #expect(short < periodic)
    }

    /// For a dense network the convolutional conversion is the dense one, bit for bit.
    @Test func denseNetworksConvertExactlyAsBefore() throws {
        let f = try DigitsFixture.shared.get()
        let calibration = Array(f.train.prefix(300))
        let dense = try RateConvertedNetwork(f.network, calibration: calibration, statistic: .percentile(99.9))
        let layers = f.network.layers.map {
            ReLUWeightLayer(synapses: SourceMajorSynapses(dense: $0.weight, inputs: $0.inputs, outputs: $0.outputs), bias: $0.bias,
                            pooling: nil, storedWeights: $0.weight.count, summary: "linear")
        }
        let general = try RateConvertedConvolutionalNetwork(try ConvolutionalReLUNetwork(inputCount: 64, layers: layers),
                                                            calibration: calibration, statistic: .percentile(99.9))
        #expect(general.scales == dense.scales)
        for x in f.test.prefix(20) {
            #expect(general.run(x, steps: 40, input: .periodic) == dense.run(x, steps: 40, input: .periodic))
        }
    }

    /// A convolution's synapses by source equal im2col: every output is Σ w·x over its patch.
    @Test func convolutionSynapsesMatchTheDirectSum() {
        var g = SeededGenerator(seed: 9)
        let (c, h, w, o, k, s, p) = (2, 5, 6, 3, 3, 2, 1)
        let weight = (0..<(o * c * k * k)).map { _ in Float(g.nextUniform()) - 0.5 }
        let x = (0..<(c * h * w)).map { _ in Float(g.nextUniform()) }
        let synapses = SourceMajorSynapses(convolution: weight, outChannels: o, inChannels: c, height: h, width: w,
                                           kernel: k, stride: s, padding: p)
        let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
        let y = synapses.apply(x)
        #expect(y.count == o * oh * ow)
        for oc in 0..<o { for oy in 0..<oh { for ox in 0..<ow {
            var sum: Float = 0
            for ic in 0..<c { for ky in 0..<k { for kx in 0..<k {
                let iy = oy * s - p + ky, ix = ox * s - p + kx
                if iy >= 0 && iy < h && ix >= 0 && ix < w { sum += weight[oc * c * k * k + (ic * k + ky) * k + kx] * x[(ic * h + iy) * w + ix] }
            } } }
            #expect(abs(y[(oc * oh + oy) * ow + ox] - sum) < 1e-5)
        } } }
    }

    /// Rueckauer's max-pool gate: only the spikes of the window's most active neuron so far
    /// pass (ties → first neuron), so the pooled rate is the largest rate in the window.
    @Test func maxPoolGatePassesTheMostActiveNeuron() {
        let pool = SpikePooling(kind: .max, maxPool: .gate, channels: 1, height: 2, width: 2, window: 2, stride: 2)
        var counts = [Int32](repeating: 0, count: 4)
        var events: [(Int32, Float)] = []
        var passed = 0
        // Neuron 3 fires every step, neuron 1 every other step: after the first step only 3 passes.
        for t in 0..<10 {
            pool.forward(t % 2 == 0 ? [1, 3] : [3], counts: &counts, into: &events)
            passed += events.count
            #expect(events.allSatisfy { $0.0 == 0 && $0.1 == 1 })
        }
        #expect(passed == 10)
        #expect(counts == [0, 5, 0, 10])
        let average = SpikePooling(kind: .max, maxPool: .average, channels: 1, height: 2, width: 2, window: 2, stride: 2)
        average.forward([1, 3], counts: &counts, into: &events)
        #expect(events.count == 2 && events.allSatisfy { $0.1 == 0.25 })
        #expect(average.pool([1, 2, 3, 6]) == [3])
        #expect(pool.pool([1, 2, 3, 6]) == [6])
    }

    /// Models the conversion cannot read name the layer and say what is expected.
    @Test func unsupportedModelsNameTheLayer() throws {
        var g = SeededGenerator(seed: 1)
        let flatConv = Sequential([Conv2d(1, 4, kernelSize: 3, generator: &g), Activation(.relu), Flatten(), Linear(144, 10, generator: &g)])
        #expect { try ConvolutionalReLUNetwork(flatConv, inputShape: [64]) } throws: { error in
            "\(error)".contains("model.layers.0") && "\(error)".contains("[1, H, W]")
        }
        let poolFirst = Sequential([Reshape([1, 8, 8]), Pool2d(.max, window: 2), Flatten(), Linear(16, 10, generator: &g)])
        #expect { try ConvolutionalReLUNetwork(poolFirst, inputShape: [64]) } throws: { error in "\(error)".contains("model.layers.1") }
        let gelu = Sequential([Linear(64, 10, generator: &g), Activation(.tanh), Linear(10, 10, generator: &g)])
        #expect { try ConvolutionalReLUNetwork(gelu, inputShape: [64]) } throws: { error in "\(error)".contains("model.layers.1") }
    }
}
