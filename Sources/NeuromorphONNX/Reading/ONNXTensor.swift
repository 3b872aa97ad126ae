import Foundation
import NeuromorphCore

/// `TensorProto.DataType` values Neuromorph reads (onnx.proto, `enum DataType`).
enum ONNXDataType {
    static let float: Int32 = 1
    static let int32: Int32 = 6
    static let int64: Int32 = 7
    static let double: Int32 = 11

    static func name(_ code: Int32) -> String {
        switch code {
        case 1: "FLOAT"
        case 2: "UINT8"
        case 3: "INT8"
        case 6: "INT32"
        case 7: "INT64"
        case 9: "BOOL"
        case 10: "FLOAT16"
        case 11: "DOUBLE"
        case 16: "BFLOAT16"
        default: "data type \(code)"
        }
    }
}

/// Reading the values of an initializer or `Constant` (`TensorProto`): little-endian
/// `raw_data` or the typed repeated fields, checked against `dims`.
extension Onnx_TensorProto {
    /// The dimensions, checked to be non-negative.
    func checkedShape(_ fail: (String) -> ONNXImportError) throws -> [Int] {
        // Each size non-negative and the element count below 2³¹ (no overflow on damaged files).
        var count: Int64 = 1
        for d in dims {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard d >= 0, !overflow, product < Int64(Int32.max) else {
                throw fail("initializer '\(name)' has invalid dims \(dims); the file is damaged")
            }
            count = product
        }
        return dims.map(Int.init)
    }

    /// The values as `Float` (FLOAT, DOUBLE, INT32 or INT64 data), with the tensor's shape.
    func floatTensor(_ fail: (String) -> ONNXImportError) throws -> Tensor {
        let shape = try checkedShape(fail)
        let count = shape.reduce(1, *)
        let values: [Float]
        if dataLocation == .external {
            throw fail("initializer '\(name)' keeps its data in an external file; save the model with its weights inside "
                       + "(onnx.save_model(model, path, save_as_external_data=False))")
        }
        switch dataType {
        case ONNXDataType.float:
            values = rawData.isEmpty ? floatData : Self.littleEndian(rawData, as: UInt32.self).map(Float.init(bitPattern:))
        case ONNXDataType.double:
            values = (rawData.isEmpty ? doubleData : Self.littleEndian(rawData, as: UInt64.self).map(Double.init(bitPattern:)))
                .map(Float.init)
        case ONNXDataType.int64:
            values = try int64Values(fail).map(Float.init)
        case ONNXDataType.int32:
            values = (rawData.isEmpty ? int32Data : Self.littleEndian(rawData, as: UInt32.self).map { Int32(bitPattern: $0) })
                .map(Float.init)
        default:
            throw fail("initializer '\(name)' has \(ONNXDataType.name(dataType)) data; Neuromorph reads FLOAT, DOUBLE, INT32 and INT64")
        }
        guard values.count == count, rawData.isEmpty || rawData.count % elementSize == 0 else {
            throw fail("initializer '\(name)' has dims \(shape) (\(count) values) but its data holds "
                       + "\(rawData.isEmpty ? values.count : rawData.count / max(elementSize, 1)) values; the file is damaged")
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// The values of an INT64 tensor (shapes, axes).
    func int64Values(_ fail: (String) -> ONNXImportError) throws -> [Int64] {
        guard dataType == ONNXDataType.int64 else {
            throw fail("'\(name)' has \(ONNXDataType.name(dataType)) data; expected INT64")
        }
        let values = rawData.isEmpty ? int64Data : Self.littleEndian(rawData, as: UInt64.self).map { Int64(bitPattern: $0) }
        let count = try checkedShape(fail).reduce(1, *)
        guard values.count == count, rawData.count % 8 == 0 else {
            throw fail("'\(name)' has dims \(dims) but its data holds \(values.count) values; the file is damaged")
        }
        return values
    }

    private var elementSize: Int {
        switch dataType {
        case ONNXDataType.double, ONNXDataType.int64: 8
        default: 4
        }
    }

    /// Little-endian words of `data` (a trailing partial word is ignored; callers check the count).
    static func littleEndian<W: FixedWidthInteger>(_ data: Data, as: W.Type) -> [W] {
        let size = MemoryLayout<W>.size
        let n = data.count / size
        var words = [W](repeating: 0, count: n)
        data.withUnsafeBytes { raw in
            for i in 0..<n { words[i] = W(littleEndian: raw.loadUnaligned(fromByteOffset: i * size, as: W.self)) }
        }
        return words
    }

    /// A FLOAT tensor with `raw_data` (as PyTorch's exporter writes initializers).
    init(name: String, float tensor: Tensor, shape: [Int]? = nil) {
        self.init()
        self.name = name
        self.dataType = ONNXDataType.float
        self.dims = (shape ?? tensor.shape).map(Int64.init)
        var data = Data(capacity: tensor.count * 4)
        for v in tensor.scalars { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        self.rawData = data
    }

    /// An INT64 tensor (Reshape shapes).
    init(name: String, int64 values: [Int64]) {
        self.init()
        self.name = name
        self.dataType = ONNXDataType.int64
        self.dims = [Int64(values.count)]
        self.int64Data = values
    }
}

/// Attribute access by name with defaults (onnx.proto `AttributeProto`).
extension Onnx_NodeProto {
    func attribute(_ key: String) -> Onnx_AttributeProto? { attribute.first { $0.name == key } }
    func int(_ key: String, default value: Int) -> Int { attribute(key).map { Int($0.i) } ?? value }
    func float(_ key: String, default value: Float) -> Float { attribute(key).map { $0.f } ?? value }
    func ints(_ key: String) -> [Int]? { attribute(key).map { $0.ints.map(Int.init) } }
    func string(_ key: String) -> String? { attribute(key).map { String(decoding: $0.s, as: UTF8.self) } }
}
