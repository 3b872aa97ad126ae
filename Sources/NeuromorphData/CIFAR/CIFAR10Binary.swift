import Foundation
import NeuromorphCore

/// Reads CIFAR-10 in its binary distribution format (`cifar-10-batches-bin/`), from a folder the
/// user downloaded (the data set is not shipped; learning-rules §3).
///
/// Each file is a sequence of 3,073-byte records: 1 label byte (0…9), then 3,072 pixel bytes,
/// the 1,024 red, then green, then blue values of a 32×32 image in row-major order, so a
/// record is already one CHW image. `data_batch_1.bin` … `data_batch_5.bin` hold the 50,000
/// training images, `test_batch.bin` the 10,000 test images. Files may be gzipped.
public enum CIFAR10Binary {
    /// Bytes per record: 1 label + 3 × 32 × 32 pixels.
    public static let recordSize = 1 + imageBytes
    /// Pixel bytes per image.
    public static let imageBytes = 3 * 32 * 32
    /// The training files in order.
    public static let trainFiles = (1...5).map { "data_batch_\($0).bin" }
    /// The test file.
    public static let testFile = "test_batch.bin"
    /// The class names, by label (`batches.meta.txt`).
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer",
                                    "dog", "frog", "horse", "ship", "truck"]

    /// One binary batch file as a dataset with inputs `[N, 3, 32, 32]` scaled by `pixelScale`.
    ///
    /// - Parameter limit: read at most this many records (the first ones).
    /// - Throws: `DataError` `.missing`/`.unreadable` for the file, `.sizeMismatch` when its size
    ///   is not a positive multiple of 3,073 bytes, `.outOfRange` for a label byte above 9.
    public static func read(_ url: URL, pixelScale: Float = 1.0 / 255, limit: Int? = nil) throws -> LabeledDataset {
        let bytes = try CompressedFile.read(url)
        guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
            throw DataError(.sizeMismatch, url: url,
                            "expected CIFAR-10 binary records of \(recordSize.grouped) bytes (1 label byte + 3,072 pixel bytes), "
                            + "found \(bytes.count.grouped) bytes, "
                            + (bytes.isEmpty ? "an empty file" : "\(bytes.count / recordSize) records and \(bytes.count % recordSize) bytes left over"))
        }
        let available = bytes.count / recordSize
        let count = Swift.min(available, Swift.max(0, limit ?? available))
        var labels = [Int](repeating: 0, count: count)
        var pixels = [Float](repeating: 0, count: count * imageBytes)
        try bytes.withUnsafeBufferPointer { src in
            try pixels.withUnsafeMutableBufferPointer { dst in
                for r in 0..<count {
                    let base = r * recordSize
                    let label = Int(src[base])
                    guard label < classNames.count else {
                        throw DataError(.outOfRange, url: url,
                                        "expected a label byte in 0…9 at the start of record \(r) (byte offset \(base.grouped)), found \(label)")
                    }
                    labels[r] = label
                    let out = r * imageBytes
                    for k in 0..<imageBytes { dst[out + k] = Float(src[base + 1 + k]) * pixelScale }
                }
            }
        }
        return LabeledDataset(unchecked: Tensor(shape: [count, 3, 32, 32], scalars: pixels), labels: labels, classCount: 10)
    }

    /// The training set (the five `data_batch_*.bin` files, concatenated) and the test set from
    /// `folder`, each optionally cut to its first `trainLimit` / `testLimit` images.
    ///
    /// - Throws: `DataError` `.missing` naming the folder and the expected file names when one is absent.
    public static func load(_ folder: URL, pixelScale: Float = 1.0 / 255, trainLimit: Int? = nil,
                            testLimit: Int? = nil) throws -> (train: LabeledDataset, test: LabeledDataset) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw DataError(.missing, url: folder,
                            "expected a folder holding \(trainFiles.joined(separator: ", ")) and \(testFile) (CIFAR-10 binary version)")
        }
        var parts: [LabeledDataset] = []
        var remaining = trainLimit ?? Int.max
        for name in trainFiles where remaining > 0 {
            let part = try read(try locate(name, in: folder), pixelScale: pixelScale, limit: remaining)
            remaining -= part.count
            parts.append(part)
        }
        let train = LabeledDataset(unchecked: Tensor(shape: [parts.map(\.count).reduce(0, +), 3, 32, 32],
                                                     scalars: parts.flatMap(\.inputs.scalars)),
                                   labels: parts.flatMap(\.labels), classCount: 10)
        let test = try read(try locate(testFile, in: folder), pixelScale: pixelScale, limit: testLimit)
        return (train, test)
    }

    /// `name` or `name.gz` in `folder`.
    static func locate(_ name: String, in folder: URL) throws -> URL {
        for candidate in [name, name + ".gz"] {
            let url = folder.appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw DataError(.missing, url: folder.appendingPathComponent(name),
                        "no such file; expected \(name) (or \(name).gz) in \(folder.path), the CIFAR-10 binary layout "
                        + "(\(trainFiles.joined(separator: ", ")), \(testFile))")
    }
}
