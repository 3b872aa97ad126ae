import NeuromorphCore
import NeuromorphData

extension MonetaExperiment {
    /// The spike-count features of one backprop-trained block of a hybrid network, and the
    /// synaptic operations it spent on the test images.
    struct BackpropBlockFeatures {
        var train: [[Float]]
        var test: [[Float]]
        var testSynapticOperations: Int
    }

    /// One "BP block" of MONETA's hybrid ConvSNN (digest §3.5, Table 1 and Fig. 6C, read as
    /// two parallel stacks whose OFMs are concatenated into the FC layer [I]):
    ///
    /// ```
    /// BP block  = CONV 3×3×filters1 s2 → CONV 3×3×filters2 s2, trained off-line, then fixed
    /// features  = spike counts of its last CONV layer / steps          (filters2 · 7 · 7)
    /// ```
    /// The block is trained with its own linear head by ``trainBackpropNetwork`` (the
    /// ``backpropBaseline`` network, SGD on the ReLU ANN; the paper trains its BP layers by
    /// BPTT with a surrogate gradient, 20 epochs), the head is dropped, and the two CONV
    /// layers are converted to integrate-and-fire (``RateConvertedConvolutionalNetwork``,
    /// 99.9th-percentile normalisation on 100 training images, periodic input) and run for
    /// `steps` steps; the last layer's spike counts are the features.
    static func backpropBlockFeatures(train: LabeledDataset, test: LabeledDataset, configuration c: Configuration,
                                      block: Int) throws -> BackpropBlockFeatures {
        let trainRows = train.flattened(), testRows = test.flattened()
        let network = try trainBackpropNetwork(trainRows, configuration: c, epochs: c.backpropEpochs,
                                               learningRate: c.backpropLearningRate, block: block)
        let convolutions = try ConvolutionalReLUNetwork(inputCount: network.inputCount, layers: Array(network.layers.prefix(2)))
        func rows(_ d: LabeledDataset) -> [[Float]] { (0..<d.count).map { Array(d.inputs.scalars[($0 * 784)..<(($0 + 1) * 784)]) } }
        let trainX = rows(trainRows), testX = rows(testRows)
        let converted = try RateConvertedConvolutionalNetwork(convolutions, calibration: Array(trainX.prefix(100)),
                                                              statistic: .percentile(99.9))
        var operations = 0
        func features(_ x: [Float], count: Bool) -> [Float] {
            let run = converted.run(x, steps: c.steps, input: .periodic)
            if count { operations += run.counters.synapticOperations }
            return run.outputCounts.map { Float($0) / Float(c.steps) }
        }
        let trainFeatures = trainX.map { features($0, count: false) }
        let testFeatures = testX.map { features($0, count: true) }
        return BackpropBlockFeatures(train: trainFeatures, test: testFeatures, testSynapticOperations: operations)
    }
}
