import Foundation
import NeuromorphCore
import NeuromorphNN
import NeuromorphONNX
import NeuromorphSpec

/// ONNX models (`neuromorph import`, `predict MODEL.onnx`): `ONNXImporter` on the bytes. An
/// imported model is built, exported and imported again (the steps must be equal: export →
/// import is exact), and run on one zero sample when every layer's output is small.
enum FuzzONNX {
    static func run(_ bytes: [UInt8]) {
        guard let imported = try? ONNXImporter(file: "fuzz.onnx").importModel(Data(bytes)) else { return }
        guard let model = try? imported.build() else { return }
        if let data = try? ONNXExporter.serialized(model, spec: imported.modelSpec, dataShape: imported.inputShape) {
            let again = try? ONNXImporter(file: "fuzz-export.onnx").importModel(data)
            precondition(again?.steps == imported.steps, "ONNX export → import changed the model")
        }
        // The forward pass only where no activation is large (shapes come from the file).
        let limit = 1 << 16
        guard let shapes = try? ModelBuilder.shapes(imported.modelSpec, dataShape: imported.inputShape),
              imported.inputShape.reduce(1, { $0.multipliedReportingOverflow(by: $1).overflow ? limit + 1 : $0 * $1 }) <= limit,
              shapes.allSatisfy({ $0.reduce(1, { $0.multipliedReportingOverflow(by: $1).overflow ? limit + 1 : $0 * $1 }) <= limit })
        else { return }
        _ = try? imported.predict(Tensor.zeros([1] + imported.inputShape))
    }
}
