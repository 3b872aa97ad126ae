import CZlib
import Foundation

/// Reads and writes whole files that may be gzip-compressed.
///
/// Compression is detected from the content (the gzip magic bytes `1f 8b`), not the name,
/// so `foo.gz` and `foo` load alike. Concatenated gzip members are read as one stream, as
/// `zcat` does. Decompression runs in memory over one growing buffer (zlib `inflate` with
/// window bits 15 + 32), sized up front from the gzip trailer.
public enum CompressedFile {
    /// The bytes of the file at `url`, decompressed when it is gzip data.
    ///
    /// - Throws: `DataError` `.missing` when the file does not exist, `.unreadable` when it
    ///   cannot be read, `.compression` when it is named `*.gz` but is not gzip data, or when
    ///   the gzip stream is corrupt or truncated.
    public static func read(_ url: URL) throws -> [UInt8] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw DataError(.missing, url: url, "no such file")
        }
        guard !isFolder.boolValue else { throw DataError(.unreadable, url: url, "expected a file, found a folder") }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DataError(.unreadable, url: url, "cannot read the file (\(error.localizedDescription))")
        }
        let bytes = [UInt8](data)
        if isGzip(bytes) { return try inflate(bytes, name: url.path) }
        if url.pathExtension.lowercased() == "gz" {
            let head = bytes.prefix(2).map { hexByte($0).dropFirst(2).lowercased() }.joined(separator: " ")
            throw DataError(.compression, url: url,
                            "expected gzip data (magic bytes 1f 8b), found \(bytes.isEmpty ? "an empty file" : head)")
        }
        return bytes
    }

    /// Whether `bytes` starts with the gzip magic number.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Decompresses gzip (or zlib) data; `name` labels errors.
    public static func inflate(_ input: [UInt8], name: String) throws -> [UInt8] {
        // The gzip trailer's ISIZE (length mod 2³²) is a good first capacity guess; it is
        // capped at deflate's maximum ratio (about 1032:1) so a truncated or corrupt file,
        // whose last four bytes are arbitrary, cannot ask for gigabytes.
        var capacity = 1 << 16
        if input.count >= 18 {
            let n = input.count
            let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
            capacity = Swift.max(capacity, Swift.min(isize + 1, n * 1032))
        }
        var output = [UInt8](repeating: 0, count: capacity)
        var produced = 0

        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(.compression, file: name, "zlib could not start decompression")
        }
        defer { inflateEnd(&stream) }

        try input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while true {
                if produced == output.count { output.append(contentsOf: repeatElement(0, count: output.count)) }
                let status: Int32 = output.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress! + produced
                    stream.avail_out = UInt32(Swift.min(target.count - produced, Int(UInt32.max)))
                    let before = Int(stream.avail_out)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced += before - Int(stream.avail_out)
                    return status
                }
                switch status {
                case Z_STREAM_END:
                    let remaining = Int(stream.avail_in)
                    guard remaining > 0 else { return }
                    let offset = source.count - remaining
                    // Another gzip member follows (as `cat a.gz b.gz` makes); anything else is junk.
                    guard remaining >= 2 && source[offset] == 0x1f && source[offset + 1] == 0x8b else {
                        throw DataError(.compression, file: name,
                                        "expected end of file after the gzip stream, found \(remaining.grouped) more bytes")
                    }
                    guard inflateReset(&stream) == Z_OK else {
                        throw DataError(.compression, file: name, "zlib could not restart for the next gzip member")
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw DataError(.compression, file: name,
                                    "truncated gzip stream: input ended after \(source.count.grouped) compressed bytes "
                                    + "(\(produced.grouped) bytes decompressed)")
                case Z_BUF_ERROR:
                    continue  // output buffer full; it grows on the next turn
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw DataError(.compression, file: name, "corrupt gzip data (\(reason))")
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Compresses `bytes` into a single gzip member (for exporting data and for tests).
    public static func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let started = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                    zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(started == Z_OK, "gzip: zlib deflateInit2 failed (\(started))")
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        var produced = 0
        bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "gzip: deflate did not finish (\(status))")
                produced = target.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}
