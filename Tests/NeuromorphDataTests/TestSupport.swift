import Foundation
@testable import NeuromorphData

/// The project's shared small data sets, when this machine has them.
enum SharedData {
    static let root = URL(fileURLWithPath: "/work/shared/data")
    static let mnist5k = root.appendingPathComponent("mnist-5k")
    static let digits = root.appendingPathComponent("digits")
    static let movieLens100k = root.appendingPathComponent("ml-100k/u.data")
    static let fashionMNIST = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }
}

/// A fresh temporary folder, removed when `body` returns.
func withTemporaryFolder<T>(_ body: (URL) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("neuromorph-data-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
}

/// Writes `text` to `name` in `folder` and returns its URL.
func writeText(_ text: String, named name: String, in folder: URL) throws -> URL {
    let url = folder.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url
}

/// Runs `body`, expecting a `DataError`, and returns it (nil when none or another error was thrown).
func dataError(_ body: () throws -> Void) -> DataError? {
    do {
        try body()
        return nil
    } catch let error as DataError {
        return error
    } catch {
        return nil
    }
}
