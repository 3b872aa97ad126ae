import Testing
import NeuromorphCore
@testable import NeuromorphMapping

/// `IMCNetwork(workload:)` and the Digital Processor pooling it introduces.
@Suite("Workload adapter")
struct WorkloadAdapterTests {
    /// The demo CNN's workload, built by hand (flat 784 input reshaped to 1×28×28).
    static func demoCNN() throws -> Workload {
        func pool(_ path: String, _ c: Int, _ h: Int) -> WorkloadLayer {
            WorkloadLayer(kind: .pool, path: path, operation: "max 2×2", inputShape: [c, h, h], outputShape: [c, h / 2, h / 2],
                          kernel: 2, stride: 2)
        }
        func relu(_ path: String, _ shape: [Int]) -> WorkloadLayer {
            .elementwise(.activation, path: path, operation: "relu", shape: shape)
        }
        return Workload(name: "cnn", inputShape: [784], layers: [
            WorkloadLayer(kind: .reshape, path: "0", operation: "reshape", inputShape: [784], outputShape: [1, 28, 28]),
            try .conv2d(path: "1", inputShape: [1, 28, 28], outChannels: 16, kernel: 3, stride: 1, padding: 1, bias: true),
            relu("2", [16, 28, 28]), pool("3", 16, 28),
            try .conv2d(path: "4", inputShape: [16, 14, 14], outChannels: 32, kernel: 3, stride: 1, padding: 1, bias: true),
            relu("5", [32, 14, 14]), pool("6", 32, 14),
            WorkloadLayer(kind: .reshape, path: "7", operation: "flatten", inputShape: [32, 7, 7], outputShape: [1568]),
            try .linear(path: "8", inputShape: [1568], outputFeatures: 128, bias: true), relu("9", [128]),
            try .linear(path: "10", inputShape: [128], outputFeatures: 10, bias: true),
        ])
    }

    @Test("the demo CNN becomes four IMC layers with pooling in the Digital Processor")
    func demoCNN() throws {
        let network = try IMCNetwork(workload: Self.demoCNN())
        #expect((network.inputHeight, network.inputWidth, network.inputChannels) == (28, 28, 1))
        #expect(network.layers.map(\.name) == ["1", "4", "8", "10"])
        #expect(network.layers.map(\.kind) == [.conv, .conv, .conv, .fullyConnected])
        #expect(network.layers.map(\.source) == ["input", "1", "4", "8"])
        #expect(network.layers.map(\.inputPooling) == [nil, 2, 2, nil])
        let fc1 = network.layers[2]
        // Flatten + linear = a 7×7 kernel covering the pooled map: 7·7·32 = 1568 rows, 1 output pixel.
        #expect(fc1.kernel == 7 && fc1.inputHeight == 7 && fc1.kernelMatrixRows == 1568)
        #expect(fc1.outputHeight == 1 && fc1.outputWidth == 1)
        #expect(network.layers[1].inputHeight == 14 && network.layers[3].inChannels == 128)
        let report = try IMCMapper.map(network: network, crossbar: CrossbarShape(rows: 256, columns: 256), batch: 2)
        #expect(report.layers.map(\.name) == ["1", "4", "8", "10"])
        // 1568 rows need ⌈1568/256⌉ = 7 row splits of 256-row crossbars.
        #expect(report.layers[2].rowSplits == 7)
        // Each layer starts after its producer has produced something.
        let first = report.layers.map(\.firstTimestep)
        #expect(zip(first, first.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("an MLP on a flat input maps to fully connected layers on a 1×1 pixel")
    func mlp() throws {
        let w = Workload(name: "mlp", inputShape: [64], layers: [
            try .linear(path: "0", inputShape: [64], outputFeatures: 32, bias: true),
            .elementwise(.activation, path: "1", operation: "relu", shape: [32]),
            try .linear(path: "2", inputShape: [32], outputFeatures: 10, bias: true),
        ])
        let network = try IMCNetwork(workload: w)
        #expect(network.layers.map(\.kind) == [.fullyConnected, .fullyConnected])
        #expect(network.layers.map(\.inChannels) == [64, 32])
        #expect((network.inputHeight, network.inputWidth, network.inputChannels) == (1, 1, 64))
    }

    @Test("attention batch-matmuls and overlapping pooling are reported with their path")
    func unmappable() throws {
        let qk = Workload(name: "attention", inputShape: [128], layers: [
            WorkloadLayer(kind: .attentionMatmul, path: "0.scores", operation: "QKᵀ", inputShape: [2, 16, 4],
                          outputShape: [2, 16, 16], operandShape: [2, 4, 16], macs: 2048),
        ])
        let error = #expect(throws: IMCMappingError.self) { try IMCNetwork(workload: qk) }
        #expect(error?.description.contains("'0.scores' cannot be mapped") == true)
        var cnn = try Self.demoCNN()
        cnn.layers[3].stride = 1
        let overlapping = #expect(throws: IMCMappingError.self) { try IMCNetwork(workload: cnn) }
        #expect(overlapping?.description.contains("expected stride = window") == true)
    }

    @Test("a grouped convolution's groups (each on a slice of the channels) are reported, not streamed as a chain")
    func groupedConvolution() throws {
        let grouped = Workload(name: "depthwise", inputShape: [2, 8, 8], layers: [
            try .conv2d(path: "0.0", inputShape: [1, 8, 8], outChannels: 1, kernel: 3, stride: 1, padding: 1, bias: true),
            try .conv2d(path: "0.1", inputShape: [1, 8, 8], outChannels: 1, kernel: 3, stride: 1, padding: 1, bias: true),
            WorkloadLayer(kind: .reshape, path: "0", operation: "concatenate 2 groups", inputShape: [1, 8, 8], outputShape: [2, 8, 8]),
        ])
        let error = #expect(throws: IMCMappingError.self) { try IMCNetwork(workload: grouped) }
        #expect(error?.description.contains("'0.0'") == true && error?.description.contains("grouped convolution") == true)
    }

    @Test("a pooled pixel arrives with the last producer pixel of its window")
    func pooledArrival() {
        // A 4×4 producer map, column-major, pixel k arrives at timestep k.
        let pooled = PipelineSimulator.pooledArrival(Array(0..<16), producerHeight: 4, window: 2, height: 2, width: 2)
        // Window (rows 0-1, columns 0-1) ends with pixel (1, 1) = 1·4 + 1 = 5; (rows 2-3, columns 2-3) with 15.
        #expect(pooled == [5, 7, 13, 15])
    }

    @Test("validation checks pooled sizes against the producer")
    func pooledValidation() throws {
        var network = try IMCNetwork(workload: Self.demoCNN())
        network.layers[1].inputPooling = nil
        #expect(throws: IMCMappingError.shapeMismatch(layer: "4", field: "inputHeight", expected: 28, got: 14)) {
            try network.validate()
        }
        network.layers[1].inputPooling = 0
        #expect(throws: IMCMappingError.invalidField(owner: "layer '4'", field: "inputPooling", value: 0,
                                                     expected: "a positive integer")) {
            try network.validate()
        }
    }
}
