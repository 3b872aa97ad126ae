import Foundation
import NeuromorphData
import Testing

/// The CIFAR-10 binary reader on generated files (learning-rules §3: CIFAR-10 is not on the
/// machine; read `data_batch_{1..5}.bin`/`test_batch.bin` from a user path, tested on a generated file).
@Suite("CIFAR-10 binary reader")
struct CIFAR10BinaryTests {
    /// `count` records whose label is `(start + r) % 10` and whose pixel k is `(r + k) % 256`.
    static func records(_ count: Int, start: Int = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        for r in 0..<count {
            bytes.append(UInt8((start + r) % 10))
            for k in 0..<3072 { bytes.append(UInt8((r + k) % 256)) }
        }
        return bytes
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cifar-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("records decode to [N, 3, 32, 32] in CHW order with their labels")
    func readsRecords() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("test_batch.bin")
        try Data(Self.records(3, start: 7)).write(to: file)
        let data = try CIFAR10Binary.read(file)
        #expect(data.inputs.shape == [3, 3, 32, 32])
        #expect(data.labels == [7, 8, 9])
        // Record 1, green channel (offset 1024), row 2, column 5: byte (1 + 1024 + 2·32 + 5) % 256.
        let k = 1024 + 2 * 32 + 5
        #expect(data.inputs.scalars[1 * 3072 + k] == Float((1 + k) % 256) / 255)
        #expect(try CIFAR10Binary.read(file, limit: 2).count == 2)
    }

    @Test("a folder with the five training files and the test file loads in order, with limits")
    func loadsFolder() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (i, name) in CIFAR10Binary.trainFiles.enumerated() {
            try Data(Self.records(2, start: 2 * i)).write(to: dir.appendingPathComponent(name))
        }
        try Data(Self.records(4, start: 3)).write(to: dir.appendingPathComponent(CIFAR10Binary.testFile))
        let (train, test) = try CIFAR10Binary.load(dir)
        #expect(train.count == 10 && test.count == 4)
        #expect(train.labels == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        let (small, _) = try CIFAR10Binary.load(dir, trainLimit: 3, testLimit: 1)
        #expect(small.labels == [0, 1, 2])
    }

    @Test("a truncated file, a label byte of 10 and a missing file throw errors naming the file and the expected form")
    func rejectsBadFiles() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let truncated = dir.appendingPathComponent("data_batch_1.bin")
        try Data(Self.records(2).dropLast(100)).write(to: truncated)
        do {
            _ = try CIFAR10Binary.read(truncated)
            Issue.record("a truncated file should throw")
        } catch let error as DataError {
            #expect(error.kind == .sizeMismatch)
            #expect(error.description.contains("data_batch_1.bin") && error.description.contains("3,073"))
        }
        var badLabel = Self.records(2)
        badLabel[3073] = 10
        let labelled = dir.appendingPathComponent("test_batch.bin")
        try Data(badLabel).write(to: labelled)
        do {
            _ = try CIFAR10Binary.read(labelled)
            Issue.record("label 10 should throw")
        } catch let error as DataError {
            #expect(error.kind == .outOfRange)
            #expect(error.description.contains("record 1"))
        }
        do {
            _ = try CIFAR10Binary.load(dir)
            Issue.record("missing data_batch_2.bin should throw")
        } catch let error as DataError {
            // data_batch_1.bin is truncated: that is found first.
            #expect(error.kind == .sizeMismatch)
        }
        try Data(Self.records(1)).write(to: truncated)
        do {
            _ = try CIFAR10Binary.load(dir)
            Issue.record("missing data_batch_2.bin should throw")
        } catch let error as DataError {
            #expect(error.kind == .missing)
            #expect(error.description.contains("data_batch_2.bin"))
        }
    }
}
