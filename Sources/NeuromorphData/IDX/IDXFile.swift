import Foundation
import NeuromorphCore

/// A file in the IDX format used by MNIST, Fashion-MNIST, KMNIST and EMNIST.
///
/// Layout (all integers big-endian):
/// ```
/// 0x00 0x00 <type code> <dimension count d>
/// d × UInt32 dimension sizes, outermost first
/// product(dims) elements of the type, row-major
/// ```
/// Type codes: `0x08` unsigned byte, `0x09` signed byte, `0x0B` Int16, `0x0C` Int32,
/// `0x0D` Float32, `0x0E` Float64. The file may be gzip-compressed.
public struct IDXFile: Sendable, Equatable {
    /// The element type named by the third byte of the magic number.
    public enum ElementType: UInt8, Sendable, CaseIterable, Codable {
        case uint8 = 0x08
        case int8 = 0x09
        case int16 = 0x0B
        case int32 = 0x0C
        case float32 = 0x0D
        case float64 = 0x0E

        /// Bytes per element.
        public var byteWidth: Int {
            switch self {
            case .uint8, .int8: 1
            case .int16: 2
            case .int32, .float32: 4
            case .float64: 8
            }
        }

        /// Whether the elements are integers.
        public var isInteger: Bool { self != .float32 && self != .float64 }

        /// `0x08 ubyte` and so on, as written in the IDX documentation.
        public var label: String {
            let names: [ElementType: String] = [.uint8: "ubyte", .int8: "byte", .int16: "short",
                                                .int32: "int", .float32: "float", .float64: "double"]
            return "\(hexByte(rawValue)) \(names[self]!)"
        }
    }

    /// The element type.
    public let elementType: ElementType
    /// The extent of each dimension, outermost first (`[60000, 28, 28]` for MNIST images).
    public let dims: [Int]
    /// The file the data came from, for error messages (`"<memory>"` when built in code).
    public let name: String
    /// The whole file content: header followed by the big-endian elements.
    @usableFromInline let bytes: [UInt8]
    /// Where the elements start in `bytes`.
    @usableFromInline let dataOffset: Int

    /// Number of elements, `dims.product`.
    public var count: Int { dims.reduce(1, *) }

    // MARK: - Reading

    /// Reads and validates the IDX file at `url`, gzip-compressed or raw.
    ///
    /// - Throws: `DataError` when the file is missing, unreadable, not gzip despite its
    ///   `.gz` name, corrupt, has a wrong magic number, or holds a different number of
    ///   bytes than its header promises.
    public static func read(_ url: URL) throws -> IDXFile {
        try IDXFile(parsing: CompressedFile.read(url), name: url.path)
    }

    /// Validates and wraps the (already decompressed) bytes of an IDX file; `name` labels errors.
    public init(parsing bytes: [UInt8], name: String) throws {
        guard bytes.count >= 4 else {
            throw DataError(.format, file: name,
                            "expected an IDX header of at least 4 bytes, found \(bytes.count.grouped) bytes")
        }
        let magic = bytes[0..<4].map { hexByte($0).dropFirst(2) }.joined()
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw DataError(.format, file: name,
                            "expected an IDX magic number 0x0000TTDD (two zero bytes, type code, dimension count), "
                            + "found 0x\(magic)")
        }
        guard let type = ElementType(rawValue: bytes[2]) else {
            let known = ElementType.allCases.map(\.label).joined(separator: ", ")
            throw DataError(.format, file: name,
                            "expected an IDX type code (\(known)), found \(hexByte(bytes[2])) in magic number 0x\(magic)")
        }
        let rank = Int(bytes[3])
        guard rank >= 1 else {
            throw DataError(.format, file: name, "expected at least one dimension, found 0 in magic number 0x\(magic)")
        }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DataError(.format, file: name,
                            "expected a \(headerSize)-byte IDX header for \(rank) dimensions, "
                            + "found only \(bytes.count.grouped) bytes")
        }
        var dims: [Int] = []
        var elements = 1
        var overflow = false
        for d in 0..<rank {
            let o = 4 + 4 * d
            let extent = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            dims.append(extent)
            let (product, over) = elements.multipliedReportingOverflow(by: extent)
            elements = product
            overflow = overflow || over
        }
        let (expected, over) = elements.multipliedReportingOverflow(by: type.byteWidth)
        let found = bytes.count - headerSize
        guard !overflow, !over, expected == found else {
            let expectation = overflow || over ? "an impossible amount of" : "\(expected.grouped)"
            throw DataError(.sizeMismatch, file: name,
                            "expected \(expectation) data bytes for dims \(dims) of type \(type.label), "
                            + "found \(found.grouped)")
        }
        self.elementType = type
        self.dims = dims
        self.name = name
        self.bytes = bytes
        self.dataOffset = headerSize
    }

    // MARK: - Building

    /// An IDX file holding `values` (row-major) with the given dims and element type.
    ///
    /// Values are rounded to the nearest integer for integer types and must fit the type.
    public init(dims: [Int], elementType: ElementType, values: [Double], name: String = "<memory>") {
        precondition(!dims.isEmpty && dims.count <= 255, "IDXFile: need 1...255 dimensions, got \(dims.count)")
        precondition(dims.allSatisfy { $0 >= 0 && $0 <= Int(UInt32.max) }, "IDXFile: dims \(dims) out of range")
        precondition(dims.reduce(1, *) == values.count,
                     "IDXFile: dims \(dims) need \(dims.reduce(1, *)) values, got \(values.count)")
        var out: [UInt8] = [0, 0, elementType.rawValue, UInt8(dims.count)]
        out.reserveCapacity(4 + 4 * dims.count + values.count * elementType.byteWidth)
        for d in dims { Self.appendBigEndian(UInt32(d), to: &out) }
        for v in values {
            switch elementType {
            case .uint8:
                precondition(v.rounded() >= 0 && v.rounded() <= 255, "IDXFile: \(v) does not fit ubyte")
                out.append(UInt8(v.rounded()))
            case .int8:
                precondition(v.rounded() >= -128 && v.rounded() <= 127, "IDXFile: \(v) does not fit byte")
                out.append(UInt8(bitPattern: Int8(v.rounded())))
            case .int16:
                precondition(v.rounded() >= -32768 && v.rounded() <= 32767, "IDXFile: \(v) does not fit short")
                Self.appendBigEndian(UInt16(bitPattern: Int16(v.rounded())), to: &out)
            case .int32:
                precondition(v.rounded() >= -2147483648 && v.rounded() <= 2147483647, "IDXFile: \(v) does not fit int")
                Self.appendBigEndian(UInt32(bitPattern: Int32(v.rounded())), to: &out)
            case .float32:
                Self.appendBigEndian(Float(v).bitPattern, to: &out)
            case .float64:
                Self.appendBigEndian(v.bitPattern, to: &out)
            }
        }
        self.elementType = elementType
        self.dims = dims
        self.name = name
        self.bytes = out
        self.dataOffset = 4 + 4 * dims.count
    }

    /// An unsigned-byte IDX file (the MNIST image and label type).
    public init(dims: [Int], unsignedBytes: [UInt8], name: String = "<memory>") {
        precondition(!dims.isEmpty && dims.count <= 255, "IDXFile: need 1...255 dimensions, got \(dims.count)")
        precondition(dims.reduce(1, *) == unsignedBytes.count,
                     "IDXFile: dims \(dims) need \(dims.reduce(1, *)) bytes, got \(unsignedBytes.count)")
        var out: [UInt8] = [0, 0, ElementType.uint8.rawValue, UInt8(dims.count)]
        for d in dims { Self.appendBigEndian(UInt32(d), to: &out) }
        out.append(contentsOf: unsignedBytes)
        self.elementType = .uint8
        self.dims = dims
        self.name = name
        self.bytes = out
        self.dataOffset = 4 + 4 * dims.count
    }

    /// The complete file content (header and data), uncompressed.
    public var encoded: [UInt8] { bytes }

    /// Writes the file atomically to `url`, gzip-compressed when `compressed` is true.
    public func write(to url: URL, compressed: Bool) throws {
        try AtomicFile.write(Data(compressed ? CompressedFile.gzip(bytes) : bytes), to: url)
    }

    private static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }
}

// MARK: - Decoding elements

extension IDXFile {
    /// All elements converted to `Float` and multiplied by `scale`, in row-major order.
    ///
    /// For unsigned bytes this is one pass over the contiguous buffer (47 M pixels of
    /// Fashion-MNIST in a few tens of milliseconds in release builds).
    public func floats(scale: Float = 1) -> [Float] {
        let n = count
        let type = elementType
        return bytes.withUnsafeBufferPointer { whole in
            let src = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(whole)[dataOffset...])
            return [Float](unsafeUninitializedCapacity: n) { dst, initialized in
                switch type {
                case .uint8:
                    let p = src.assumingMemoryBound(to: UInt8.self)
                    for i in 0..<n { dst[i] = Float(p[i]) * scale }
                case .int8:
                    let p = src.assumingMemoryBound(to: UInt8.self)
                    for i in 0..<n { dst[i] = Float(Int8(bitPattern: p[i])) * scale }
                case .int16:
                    for i in 0..<n { dst[i] = Float(Int16(bitPattern: Self.load(UInt16.self, src, i))) * scale }
                case .int32:
                    for i in 0..<n { dst[i] = Float(Int32(bitPattern: Self.load(UInt32.self, src, i))) * scale }
                case .float32:
                    for i in 0..<n { dst[i] = Float(bitPattern: Self.load(UInt32.self, src, i)) * scale }
                case .float64:
                    for i in 0..<n { dst[i] = Float(Double(bitPattern: Self.load(UInt64.self, src, i))) * scale }
                }
                initialized = n
            }
        }
    }

    /// All elements as a tensor of shape `dims`, multiplied by `scale`.
    public func tensor(scale: Float = 1) -> Tensor {
        Tensor(shape: dims, scalars: floats(scale: scale))
    }

    /// All elements as integers (for label files).
    ///
    /// - Throws: `DataError` `.format` when the element type is a floating-point type.
    public func integers() throws -> [Int] {
        guard elementType.isInteger else {
            throw DataError(.format, file: name,
                            "expected integer elements (type 0x08, 0x09, 0x0B or 0x0C), found \(elementType.label)")
        }
        return integerValues()
    }

    private func integerValues() -> [Int] {
        let n = count
        let type = elementType
        return bytes.withUnsafeBufferPointer { whole in
            let src = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(whole)[dataOffset...])
            return [Int](unsafeUninitializedCapacity: n) { dst, initialized in
                switch type {
                case .uint8: for i in 0..<n { dst[i] = Int(src[i]) }
                case .int8: for i in 0..<n { dst[i] = Int(Int8(bitPattern: src[i])) }
                case .int16: for i in 0..<n { dst[i] = Int(Int16(bitPattern: Self.load(UInt16.self, src, i))) }
                case .int32: for i in 0..<n { dst[i] = Int(Int32(bitPattern: Self.load(UInt32.self, src, i))) }
                case .float32, .float64: for i in 0..<n { dst[i] = 0 }
                }
                initialized = n
            }
        }
    }

    /// Element `i` of width `T` read big-endian from an unaligned buffer.
    @inline(__always)
    private static func load<T: FixedWidthInteger>(_: T.Type, _ src: UnsafeRawBufferPointer, _ i: Int) -> T {
        T(bigEndian: src.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
    }
}
