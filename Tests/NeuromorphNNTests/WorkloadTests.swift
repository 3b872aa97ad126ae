import Foundation
import Testing
import NeuromorphCore
@testable import NeuromorphNN

/// `describeWorkload` of the demo models, with MACs and parameter counts worked out by hand.
@Suite("Workload")
struct WorkloadTests {
    /// The demo CNN of `neuromorph demo` (two conv + max-pool blocks, FC 128, FC 10).
    static func demoCNN() -> Sequential {
        var g = SeededGenerator(seed: 0)
        return Sequential([Reshape([1, 28, 28]),
                           Conv2d(1, 16, kernelSize: 3, padding: 1, generator: &g), Activation(.relu), Pool2d(.max, window: 2),
                           Conv2d(16, 32, kernelSize: 3, padding: 1, generator: &g), Activation(.relu), Pool2d(.max, window: 2),
                           Flatten(), Linear(32 * 7 * 7, 128, generator: &g), Activation(.relu),
                           Linear(128, 10, generator: &g)])
    }

    @Test("demo CNN: per-layer shapes, MACs and parameters")
    func demoCNNWorkload() throws {
        let model = Self.demoCNN()
        let w = try model.describeWorkload(inputShape: [784], name: "cnn")
        #expect(w.layers.map(\.kind) == [.reshape, .conv2d, .activation, .pool, .conv2d, .activation, .pool, .reshape,
                                         .linear, .activation, .linear])
        #expect(w.layers.map(\.path) == (0..<11).map(String.init))
        let conv1 = w.layers[1], conv2 = w.layers[4], fc1 = w.layers[8], fc2 = w.layers[10]
        // conv1: 28·28 outputs × (1·3·3) × 16 filters; weights 16·1·3·3 + 16 biases.
        #expect(conv1.macs == 28 * 28 * 9 * 16 && conv1.parameters == 144 + 16)
        #expect(conv1.weightShape == [16, 1, 3, 3] && conv1.outputShape == [16, 28, 28])
        #expect(conv1.kernel == 3 && conv1.stride == 1 && conv1.padding == 1)
        // conv2 on the pooled 14×14 map: 14·14 × (16·9) × 32; weights 32·16·9 + 32.
        #expect(conv2.inputShape == [16, 14, 14] && conv2.macs == 14 * 14 * 144 * 32 && conv2.parameters == 4608 + 32)
        #expect(w.layers[6].outputShape == [32, 7, 7] && w.layers[7].outputShape == [1568])
        #expect(fc1.macs == 1568 * 128 && fc1.parameters == 1568 * 128 + 128 && fc1.weightShape == [128, 1568])
        #expect(fc2.macs == 1280 && fc2.parameters == 1290)
        #expect(w.macs == 112_896 + 903_168 + 200_704 + 1_280)
        #expect(w.parameterCount == 206_922)
        #expect(w.parameterCount == model.parameterCount())
        #expect(w.outputShape == [10])
        #expect(w.layers[3].activations == 16 * 14 * 14)
        #expect(w.weightLayers.map(\.path) == ["1", "4", "8", "10"])
    }

    @Test("MLP 784-256-128-10: MACs and parameters")
    func mlpWorkload() throws {
        var g = SeededGenerator(seed: 1)
        let model = Sequential([Linear(784, 256, generator: &g), Activation(.sigmoid), Dropout(rate: 0.1, generator: g),
                                Linear(256, 128, generator: &g), Activation(.sigmoid),
                                Linear(128, 10, bias: false, generator: &g), LogSoftmax()])
        let w = try model.describeWorkload(inputShape: [784])
        #expect(w.macs == 784 * 256 + 256 * 128 + 128 * 10)
        #expect(w.parameterCount == (784 * 256 + 256) + (256 * 128 + 128) + 128 * 10)
        #expect(w.parameterCount == model.parameterCount())
        #expect(w.layers.map(\.kind) == [.linear, .activation, .dropout, .linear, .activation, .linear, .softmax])
        #expect(w.layers[1].operation == "sigmoid" && w.layers[6].operation == "log_softmax")
    }

    @Test("transformer: projections, attention batch-matmuls and parameters", arguments: [nil, 8] as [Int?])
    func transformerWorkload(bits: Int?) throws {
        var g = SeededGenerator(seed: 2)
        let config = TransformerConfiguration(imageHeight: 8, imageWidth: 8, channels: 1, tokenization: .patches(2),
                                              modelDimension: 16, heads: 4, mlpDimension: 32, blocks: 2, classes: 10,
                                              attentionBits: bits)
        let model = Sequential([TransformerClassifier(config, generator: &g)])
        let w = try model.describeWorkload(inputShape: [64])
        let (t, d, h, dh, m, f) = (16, 16, 4, 4, 32, 4)   // 16 tokens of 2×2 = 4 features
        let perBlock = 4 * t * d * d + 2 * h * t * t * dh + t * d * m + t * m * d
        #expect(w.macs == t * f * d + 2 * perBlock + d * 10)
        #expect(w.parameterCount == model.parameterCount())
        let scores = w.layers.filter { $0.kind == .attentionMatmul }
        #expect(scores.map(\.path) == ["0.blocks.0.attention.scores", "0.blocks.0.attention.mix",
                                       "0.blocks.1.attention.scores", "0.blocks.1.attention.mix"])
        #expect(scores[0].inputShape == [h, t, dh] && scores[0].outputShape == [h, t, t] && scores[0].operandShape == [h, dh, t])
        #expect(scores[1].outputShape == [h, t, dh] && scores.allSatisfy { $0.macs == h * t * t * dh && !$0.hasStationaryWeights })
        #expect(w.layers.filter { $0.kind == .normalization }.count == 5)
        #expect(w.layers.contains { $0.kind == .activation && $0.operation == "gelu" })
        #expect(w.layers.first { $0.kind == .embedding }?.parameters == t * d)
        #expect(w.outputShape == [10])
    }

    @Test("a shape that does not fit names the layer and the shapes")
    func shapeMismatch() throws {
        var g = SeededGenerator(seed: 3)
        let model = Sequential([Linear(10, 5, generator: &g), Linear(6, 2, generator: &g)])
        #expect(throws: WorkloadError(path: "1", "Linear(6 → 2) needs an input ending in 6 features, got [5]")) {
            try model.describeWorkload(inputShape: [10])
        }
        let conv = Sequential([Conv2d(3, 4, kernelSize: 3, generator: &g)])
        let error = #expect(throws: WorkloadError.self) { try conv.describeWorkload(inputShape: [1, 8, 8]) }
        #expect(error?.description.contains("'0'") == true && error?.description.contains("[3, height, width]") == true)
    }

    @Test("a layer that does not describe its work is named with its path and type")
    func undescribedLayer() throws {
        var g = SeededGenerator(seed: 4)
        let model = Sequential([Linear(4, 4, generator: &g), WrappedLinear(4, 2, generator: &g)])
        let error = #expect(throws: WorkloadError.self) { try model.describeWorkload(inputShape: [4]) }
        #expect(error?.path == "1")
        #expect(error?.message.contains("WrappedLinear") == true)
    }

    @Test("a workload round-trips through JSON and prints a table with its totals")
    func codableAndTable() throws {
        let w = try Self.demoCNN().describeWorkload(inputShape: [784], name: "cnn")
        let decoded = try JSONDecoder().decode(Workload.self, from: JSONEncoder().encode(w))
        #expect(decoded == w)
        let table = w.table()
        #expect(table.hasPrefix("workload cnn: 11 layers"))
        let total = table.split(separator: "\n").last!
        #expect(total.hasPrefix("total") && total.contains("1218048") && total.contains("206922"))
    }
}
