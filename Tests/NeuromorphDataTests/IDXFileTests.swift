import Foundation
import NeuromorphCore
import Testing
@testable import NeuromorphData

@Suite("IDX files")
struct IDXFileTests {
    @Test("every element type round-trips through raw and gzipped files",
          arguments: IDXFile.ElementType.allCases, [false, true])
    func roundTrip(type: IDXFile.ElementType, compressed: Bool) throws {
        let values: [Double] = switch type {
        case .uint8: [0, 1, 127, 128, 200, 255]
        case .int8: [-128, -1, 0, 1, 64, 127]
        case .int16: [-32768, -300, 0, 7, 1000, 32767]
        case .int32: [-2_000_000_000, -5, 0, 9, 65536, 2_000_000_000]
        case .float32: [-1.5, 0, 0.25, 3.75, 1e-3, 12345.5]
        case .float64: [-2.5, 0, 0.125, 1e10, -7, 42]
        }
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent(compressed ? "x.idx.gz" : "x.idx")
            try IDXFile(dims: [2, 3], elementType: type, values: values).write(to: url, compressed: compressed)
            let raw = try Data(contentsOf: url)
            #expect(CompressedFile.isGzip([UInt8](raw)) == compressed)
            let file = try IDXFile.read(url)
            #expect(file.elementType == type)
            #expect(file.dims == [2, 3])
            #expect(file.floats() == values.map { Float($0) }, "type \(type.label)")
            #expect(file.floats(scale: 0.5) == values.map { Float($0) * 0.5 })
            #expect(file.tensor().shape == [2, 3])
            if type.isInteger {
                #expect(try file.integers() == values.map { Int($0) })
            } else {
                let error = dataError { _ = try file.integers() }
                #expect(error?.kind == .format)
            }
        }
    }

    @Test("the header layout is big-endian as the IDX specification says")
    func headerBytes() {
        let file = IDXFile(dims: [2, 1], elementType: .int16, values: [1, -2])
        #expect(file.encoded == [0, 0, 0x0B, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 1, 0xFF, 0xFE])
    }

    @Test("a wrong magic number names the file and the expected form")
    func wrongMagic() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("images.idx")
            try Data([0x12, 0x34, 0x08, 0x01, 0, 0, 0, 0]).write(to: url)
            let error = try #require(dataError { _ = try IDXFile.read(url) })
            #expect(error.kind == .format)
            #expect(error.description.contains("images.idx"))
            #expect(error.description.contains("magic number"))
            #expect(error.description.contains("0x12340801"))
        }
    }

    @Test("an unknown type code is rejected")
    func unknownType() {
        let error = dataError { _ = try IDXFile(parsing: [0, 0, 0x07, 1, 0, 0, 0, 0], name: "odd.idx") }
        #expect(error?.kind == .format)
        #expect(error?.description.hasPrefix("odd.idx: expected an IDX type code") == true)
        #expect(error?.description.contains("found 0x07") == true)
    }

    @Test("a truncated header is rejected")
    func truncatedHeader() {
        let short = dataError { _ = try IDXFile(parsing: [0, 0], name: "a.idx") }
        #expect(short?.kind == .format)
        let header = dataError { _ = try IDXFile(parsing: [0, 0, 0x08, 3, 0, 0, 0, 1], name: "b.idx") }
        #expect(header?.description == "b.idx: expected a 16-byte IDX header for 3 dimensions, found only 8 bytes")
    }

    @Test("a data section of the wrong size states both sizes with thousands separators")
    func sizeMismatch() throws {
        try withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("train-images-idx3-ubyte.gz")
            var bytes: [UInt8] = [0, 0, 0x08, 3]
            for d in [60000, 28, 28] { bytes += withUnsafeBytes(of: UInt32(d).bigEndian) { Array($0) } }
            bytes += [UInt8](repeating: 7, count: 1000)
            try Data(CompressedFile.gzip(bytes)).write(to: url)
            let error = try #require(dataError { _ = try IDXFile.read(url) })
            #expect(error.kind == .sizeMismatch)
            #expect(error.description == url.path
                    + ": expected 47,040,000 data bytes for dims [60000, 28, 28] of type 0x08 ubyte, found 1,000")
        }
    }

    @Test("extra trailing bytes are a size mismatch too")
    func trailingBytes() {
        let bytes = IDXFile(dims: [3], unsignedBytes: [1, 2, 3]).encoded + [9]
        let error = dataError { _ = try IDXFile(parsing: bytes, name: "l.idx") }
        #expect(error?.kind == .sizeMismatch)
        #expect(error?.description.contains("expected 3 data bytes for dims [3]") == true)
    }

    @Test("truncated and corrupt gzip streams are reported, not decoded into garbage")
    func brokenGzip() throws {
        try withTemporaryFolder { folder in
            let original = IDXFile(dims: [50, 20], unsignedBytes: (0..<1000).map { UInt8($0 % 251) }).encoded
            let gz = CompressedFile.gzip(original)

            let truncated = folder.appendingPathComponent("cut.idx.gz")
            try Data(gz.prefix(gz.count / 2)).write(to: truncated)
            let cut = try #require(dataError { _ = try IDXFile.read(truncated) })
            #expect(cut.kind == .compression)
            #expect(cut.description.contains("cut.idx.gz"))
            #expect(cut.description.contains("truncated gzip"))

            var damaged = gz
            for i in 12..<40 { damaged[i] ^= 0xA5 }
            let corrupt = folder.appendingPathComponent("bad.idx.gz")
            try Data(damaged).write(to: corrupt)
            let bad = try #require(dataError { _ = try IDXFile.read(corrupt) })
            #expect(bad.kind == .compression)
            #expect(bad.description.contains("bad.idx.gz"))

            let notGzip = folder.appendingPathComponent("plain.gz")
            try Data(original).write(to: notGzip)
            let plain = try #require(dataError { _ = try IDXFile.read(notGzip) })
            #expect(plain.description == notGzip.path + ": expected gzip data (magic bytes 1f 8b), found 00 00")

            let missing = try #require(dataError { _ = try IDXFile.read(folder.appendingPathComponent("none.gz")) })
            #expect(missing.kind == .missing)
            #expect(missing.description.contains("none.gz"))
        }
    }

    @Test("concatenated gzip members read as one stream")
    func multiMember() throws {
        let first: [UInt8] = Array(repeating: 1, count: 300)
        let second: [UInt8] = (0..<200).map { UInt8($0) }
        let joined = CompressedFile.gzip(first) + CompressedFile.gzip(second)
        #expect(try CompressedFile.inflate(joined, name: "j.gz") == first + second)
    }

    @Test("large outputs grow past the size hint")
    func largeInflate() throws {
        let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 3) }
        // The size hint comes from the last member's trailer, so a small last member makes the buffer grow.
        let gz = CompressedFile.gzip(big) + CompressedFile.gzip([1, 2, 3])
        #expect(try CompressedFile.inflate(gz, name: "big.gz") == big + [1, 2, 3])
    }
}
