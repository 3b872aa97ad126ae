import Testing
import NeuromorphCore
@testable import NeuromorphCost

/// `NetworkLayer(_:)` and `CIMEstimateSpec(workload:preset:)` on hand-built workloads.
@Suite("Workload adapter")
struct WorkloadAdapterTests {
    /// A small CNN: conv 3→8 (3×3, pad 1) on 16×16, 2×2 pool, flatten, FC 512→10.
    static func workload() throws -> Workload {
        let conv = try WorkloadLayer.conv2d(path: "0", inputShape: [3, 16, 16], outChannels: 8, kernel: 3, stride: 1,
                                            padding: 1, bias: true)
        let pool = WorkloadLayer(kind: .pool, path: "1", operation: "max 2×2", inputShape: [8, 16, 16],
                                 outputShape: [8, 8, 8], kernel: 2, stride: 2)
        let flat = WorkloadLayer(kind: .reshape, path: "2", operation: "flatten", inputShape: [8, 8, 8], outputShape: [512])
        let fc = try WorkloadLayer.linear(path: "3", inputShape: [512], outputFeatures: 10, bias: true)
        return Workload(name: "small", inputShape: [3, 16, 16], layers: [conv, pool, flat, fc])
    }

    @Test("conv and linear layers keep their geometry and MACs")
    func layers() throws {
        let w = try Self.workload()
        let layers = try NetworkLayer.layers(of: w)
        #expect(layers.map(\.name) == ["0", "3"])
        #expect(layers[0] == NetworkLayer(name: "0", inputHeight: 16, inputWidth: 16, inputChannels: 3, kernelSize: 3,
                                          outputChannels: 8, stride: 1, padding: 1))
        #expect(layers[1] == .fc("3", 512, 10))
        #expect(zip(layers, w.weightLayers).allSatisfy { $0.macs == $1.macs })
        #expect(layers[0].macs == 16 * 16 * 27 * 8)
    }

    @Test("explicit padding gives the model's output size; nil keeps NeuroSim's same padding")
    func padding() throws {
        let valid = try WorkloadLayer.conv2d(path: "v", inputShape: [4, 10, 10], outChannels: 2, kernel: 3, stride: 1,
                                             padding: 0, bias: false)
        let layer = try NetworkLayer(valid)
        #expect(layer.outputPixels == 8 * 8 && layer.macs == valid.macs)
        var same = layer
        same.padding = nil
        #expect(same.outputPixels == 10 * 10)
        try layer.validate(field: "layers[0]")
        var negative = layer
        negative.padding = -1
        #expect(throws: CIMEstimateError.invalidParameter(field: "layers[0].padding", value: "-1", expected: "an integer >= 0")) {
            try negative.validate(field: "layers[0]")
        }
    }

    @Test("a linear layer on tokens runs once per token")
    func tokens() throws {
        let layer = try NetworkLayer(try WorkloadLayer.linear(path: "q", inputShape: [49, 64], outputFeatures: 64, bias: true))
        #expect(layer.outputPixels == 49 && layer.weightRows == 64 && layer.macs == 49 * 64 * 64)
    }

    @Test("layers without stationary weights are rejected with their path")
    func unmappable() throws {
        let qk = WorkloadLayer(kind: .attentionMatmul, path: "0.attention.scores", operation: "QKᵀ", inputShape: [4, 16, 4],
                               outputShape: [4, 16, 16], operandShape: [4, 4, 16], macs: 4096)
        let error = #expect(throws: CIMEstimateError.self) { try NetworkLayer(qk) }
        #expect(error?.description.contains("\"0.attention.scores\"") == true)
        #expect(error?.description.contains("expected a linear or conv2d layer") == true)
    }

    @Test("a workload estimate on a Table 7 design costs exactly its weight-layer MACs")
    func estimate() throws {
        let w = try Self.workload()
        let spec = try CIMEstimateSpec(workload: w, preset: "sram-7nm")
        #expect(spec.name == "small on sram-7nm" && spec.modelZoo == nil && spec.layers?.count == 2)
        let report = try CIMEstimator.estimate(spec)
        #expect(report.totals?.operations == 2 * Double(w.macs))
        #expect(report.layers.map(\.macs) == w.weightLayers.map(\.macs))
        // A full preset name gives the same macro as its design.
        #expect(try CIMEstimateSpec(workload: w, preset: "vgg8-sram-7nm").macro == spec.macro)
        #expect(try CIMEstimateSpec(workload: w).name == "small on \(CIMEstimateSpec.defaultWorkloadPreset)")
    }

    @Test("an unknown design lists the accepted names; a workload without weights is rejected")
    func errors() throws {
        let w = try Self.workload()
        let unknown = #expect(throws: CIMEstimateError.self) { try CIMEstimateSpec(workload: w, preset: "rram-1nm") }
        #expect(unknown?.description.hasPrefix("preset = \"rram-1nm\": expected one of neurosim-validation-40nm-rram, sram-7nm") == true)
        let empty = Workload(name: "relu", inputShape: [4],
                             layers: [.elementwise(.activation, path: "0", operation: "relu", shape: [4])])
        #expect(throws: CIMEstimateError.self) { try CIMEstimateSpec(workload: empty) }
    }
}
