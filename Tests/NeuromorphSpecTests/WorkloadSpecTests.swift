import Foundation
import Testing
import NeuromorphCore
import NeuromorphData
@testable import NeuromorphSpec

/// `DataSpec.sampleShape()`, `ExperimentSpec.workload()` and `SpecLoader.isExperimentSpec`.
@Suite("Workload of a spec")
struct WorkloadSpecTests {
    @Test("sample shapes of the built-in data sets, without loading them",
          arguments: [(DataSpec.Dataset.fashionMNIST, [784]), (.digits, [64]), (.blobs, [2])])
    func sampleShapes(dataset: DataSpec.Dataset, shape: [Int]) throws {
        #expect(try DataSpec(dataset: dataset).sampleShape() == shape)
    }

    @Test("an IDX folder's sample shape comes from its train-images header (raw and gzip)", arguments: [false, true])
    func idxHeader(compressed: Bool) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("neuromorph-idx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let images = IDXFile(dims: [3, 5, 7], unsignedBytes: [UInt8](repeating: 1, count: 105))
        try images.write(to: folder.appendingPathComponent("train-images-idx3-ubyte" + (compressed ? ".gz" : "")),
                         compressed: compressed)
        #expect(try DataSpec(dataset: .idx, path: folder.path).sampleShape() == [35])
        #expect(try DataSpec(dataset: .digits, path: folder.path).sampleShape() == [35])
    }

    @Test("a folder without train images names the file it expected")
    func idxMissing() throws {
        let error = #expect(throws: DataError.self) { try DataSpec(dataset: .idx, path: "/nonexistent/mnist").sampleShape() }
        #expect(error?.kind == .missing && error?.file.hasPrefix("/nonexistent/mnist/train-images-idx3-ubyte") == true)
    }

    @Test("the fashion-cnn preset's workload: the demo CNN on a flat 784 sample")
    func fashionCNN() throws {
        let w = try ExperimentPresets.fashionCNN.workload()
        #expect(w.name == "fashion-cnn" && w.inputShape == [784])
        #expect(w.macs == 28 * 28 * 9 * 16 + 14 * 14 * 144 * 32 + 1568 * 128 + 128 * 10)
        #expect(w.parameterCount == 206_922)
        #expect(w.layers.first?.kind == .reshape && w.layers.first?.outputShape == [1, 28, 28])
    }

    @Test("experiment specs are told apart from other YAML and JSON files")
    func detection() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("neuromorph-kind-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let experiment = folder.appendingPathComponent("e.yaml"), cost = folder.appendingPathComponent("c.json")
        try minimalYAML.write(to: experiment, atomically: true, encoding: .utf8)
        try #"{"name": "x", "macro": {}, "layers": []}"#.write(to: cost, atomically: true, encoding: .utf8)
        #expect(try SpecLoader.isExperimentSpec(experiment))
        #expect(try !SpecLoader.isExperimentSpec(cost))
        #expect(throws: SpecError.self) { try SpecLoader.isExperimentSpec(folder.appendingPathComponent("missing.yaml")) }
    }
}
