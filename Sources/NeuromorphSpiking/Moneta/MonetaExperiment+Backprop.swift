import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN

extension MonetaExperiment {
    /// What the backprop-trained comparison network measured.
    public struct BackpropReport: Sendable, Hashable {
        public var trainAccuracy: Double
        /// The ReLU ANN on the test images.
        public var testAccuracy: Double
        /// The same network converted to rate-coded IF neurons (``RateConvertedConvolutionalNetwork``,
        /// periodic input, `steps` steps, membrane readout).
        public var convertedAccuracy: Double
        public var steps: Int
        /// Input + emitted spikes and synaptic operations per test image of the converted network.
        public var spikesPerImage: Double
        public var synapticOperationsPerImage: Double
        public var seconds: Double
    }

    /// The comparison network of the issue ("vs the same network trained by backprop"; digest
    /// MO §3): MONETA's topology 28×28 → CONV 3×3×`filters1` s2 → CONV 3×3×`filters2` s2 →
    /// linear readout (the softmax readout of the STDP network, here trained jointly), ReLU
    /// instead of LIF, convolutions without bias (MONETA's neurons have none), trained end to
    /// end by SGD (momentum 0.9, batch 32, cross-entropy) on the same `trainImages` and
    /// evaluated on the same `testImages`; then converted to integrate-and-fire
    /// (Rueckauer et al. 2017, 99.9th-percentile normalisation on 100 training images) and
    /// run for `configuration.steps` steps with periodic input.
    public static func backpropBaseline(data: URL, configuration c: Configuration, epochs: Int = 30,
                                        learningRate: Float = 0.02) throws -> BackpropReport {
        let start = Date()
        guard c.trainImages > 0, c.testImages > 0, c.steps > 0, epochs >= 1, learningRate > 0 else {
            throw SpikingParameterError(type: "MonetaExperiment", field: "trainImages/testImages/steps/epochs/learningRate",
                                        value: "\(c.trainImages)/\(c.testImages)/\(c.steps)/\(epochs)/\(learningRate)",
                                        expected: "counts ≥ 1 and a learning rate > 0")
        }
        let (trainSet, testSet) = try IDXImageFolder.load(data, classCount: 10)
        guard trainSet.featureCount == 784 else {
            throw SpikingParameterError(type: "MonetaExperiment", field: "data", value: "\(trainSet.featureShape)", expected: "28×28 images")
        }
        let train = trainSet.prefix(Swift.min(c.trainImages, trainSet.count)).flattened()
        let test = testSet.prefix(Swift.min(c.testImages, testSet.count)).flattened()
        let network = try trainBackpropNetwork(train, configuration: c, epochs: epochs, learningRate: learningRate)
        func rows(_ d: LabeledDataset) -> [[Float]] { (0..<d.count).map { Array(d.inputs.scalars[($0 * 784)..<(($0 + 1) * 784)]) } }
        let trainX = rows(train), testX = rows(test)
        func accuracy(_ x: [[Float]], _ labels: [Int], _ predict: ([Float]) -> Int) -> Double {
            Double(zip(x, labels).filter { predict($0) == $1 }.count) / Double(Swift.max(x.count, 1))
        }
        let converted = try RateConvertedConvolutionalNetwork(network, calibration: Array(trainX.prefix(100)), statistic: .percentile(99.9))
        var counters = EventCounters()
        var right = 0
        for (x, y) in zip(testX, test.labels) {
            let run = converted.run(x, steps: c.steps, input: .periodic)
            counters += run.counters
            if (Readout.membraneArgmax(run.outputPotential) ?? 0) == y { right += 1 }
        }
        let n = Double(testX.count)
        return BackpropReport(trainAccuracy: accuracy(trainX, train.labels, network.predict),
                              testAccuracy: accuracy(testX, test.labels, network.predict),
                              convertedAccuracy: Double(right) / n, steps: c.steps,
                              spikesPerImage: Double(counters.inputSpikes + counters.emittedSpikes) / n,
                              synapticOperationsPerImage: Double(counters.synapticOperations) / n,
                              seconds: Date().timeIntervalSince(start))
    }

    /// Trains MONETA's topology end to end by backprop (the network of ``backpropBaseline``):
    /// 28×28 → CONV 3×3×`filters1` s2 → ReLU → CONV 3×3×`filters2` s2 → ReLU → linear(10),
    /// no convolution bias, SGD (momentum 0.9, batch 32, cross-entropy, shuffle seed
    /// `configuration.seed`). `block` selects the initialisation stream (block 0 is the
    /// baseline's; Type 3 trains a second block from stream `init/block1`).
    static func trainBackpropNetwork(_ train: LabeledDataset, configuration c: Configuration, epochs: Int,
                                     learningRate: Float, block: Int = 0) throws -> ConvolutionalReLUNetwork {
        let key = StreamKey("moneta", "backprop", "init")
        var g = SeededGenerator(seed: c.seed, key: block == 0 ? key : key / "block\(block)")
        var model = Sequential([
            Reshape([1, 28, 28]),
            Conv2d(1, c.filters1, kernelSize: 3, stride: 2, padding: 1, bias: false, generator: &g), Activation(.relu),
            Conv2d(c.filters1, c.filters2, kernelSize: 3, stride: 2, padding: 1, bias: false, generator: &g), Activation(.relu),
            Flatten(), Linear(c.filters2 * 49, 10, generator: &g), LogSoftmax(),
        ])
        var optimizer = SGD(learningRate: learningRate, momentum: 0.9)
        _ = try Trainer.fit(&model, optimizer: &optimizer, loss: NLLLoss(),
                            train: LabeledTensors(inputs: train.inputs, labels: train.labels),
                            configuration: TrainingConfiguration(epochs: epochs, batchSize: 32, seed: c.seed, showProgress: false))
        return try ConvolutionalReLUNetwork(model, inputShape: [784])
    }
}
