import Foundation

/// Errors reading NumPy `.npy` files; each names the file and what was expected.
public struct NumpyFormatError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let problem: String
    public var description: String { "\(file): not a readable .npy float32 array: \(problem)" }
}

/// Reads and writes NumPy `.npy` (format 1.0) arrays of little-endian `float32`, so weights
/// move to and from PyTorch/aihwkit (`numpy.load`, `torch.from_numpy`).
public enum NumpyArray {
    private static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// The `.npy` bytes of `tensor` (C order, `<f4`).
    public static func encode(_ tensor: Tensor) -> Data {
        let shapeText = tensor.shape.isEmpty ? "()"
            : tensor.shape.count == 1 ? "(\(tensor.shape[0]),)"
            : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = magic.count + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic)
        data.append(contentsOf: [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        tensor.scalars.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// Writes `tensor` to `url` atomically.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        try AtomicFile.write(encode(tensor), to: url)
    }

    /// Reads a `<f4` C-order array from `url`.
    public static func read(_ url: URL) throws -> Tensor {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw NumpyFormatError(file: url.path, problem: "cannot read file (\(error.localizedDescription))")
        }
        return try decode(data, file: url.path)
    }

    /// Parses `.npy` bytes; `file` names the source in errors.
    public static func decode(_ data: Data, file: String) throws -> Tensor {
        let bytes = [UInt8](data)
        func fail(_ problem: String) -> NumpyFormatError { NumpyFormatError(file: file, problem: problem) }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("missing the \\x93NUMPY magic string")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("unsupported format version \(major) (expected 1, 2 or 3)")
        }
        guard bytes.count >= headerStart + headerLength else { throw fail("truncated header") }
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw fail("header is not text")
        }
        guard header.contains("'descr': '<f4'") else {
            throw fail("dtype must be '<f4' (float32, little-endian); header is \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard header.contains("'fortran_order': False") else { throw fail("Fortran order is not supported; save with C order") }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw fail("header has no shape tuple")
        }
        let shapeText = header[open.upperBound..<close]
        var shape: [Int] = []
        for part in shapeText.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let extent = Int(trimmed), extent >= 0 else { throw fail("bad shape entry '\(trimmed)'") }
            shape.append(extent)
        }
        let payload = headerStart + headerLength
        let byteCount = Tensor.elementCount(shape).flatMap { count in
            count.multipliedReportingOverflow(by: 4).overflow ? nil : count * 4
        }
        guard let byteCount, bytes.count - payload == byteCount else {
            throw fail("shape \(shape) needs \(byteCount.map(String.init) ?? "more than Int.max") data bytes, file has \(bytes.count - payload)")
        }
        let count = byteCount / 4
        var scalars = [Float](repeating: 0, count: count)
        scalars.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBytes { src in
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[payload..<(payload + count * 4)]))
            }
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}
