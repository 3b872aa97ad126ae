import Foundation

/// Data sets that ship inside the repository, so demos and tests run on any machine.
///
/// Only redistributable data lives here: the 8×8 digits set (scikit-learn's copy of the
/// UCI optical digits, BSD licence; see `data/digits/README.md`). MovieLens is never shipped.
public enum ShippedData {
    /// The digits folder relative to the repository root.
    public static let digitsRelativePath = "data/digits"

    /// The scale that maps the digits' pixel values 0-16 to [0, 1].
    public static let digitsPixelScale: Float = 1.0 / 16

    /// The folder holding the shipped digits set.
    ///
    /// Looks in `repositoryRoot` when given; otherwise in the current directory and its
    /// parents, then beside the running executable and its parents (`.build/debug/neuromorph`
    /// sits three levels below the root), and last at the repository this source file was
    /// compiled from.
    ///
    /// - Throws: `DataError` `.missing` listing every place searched.
    public static func digitsFolder(repositoryRoot: URL? = nil) throws -> URL {
        let candidates = searchRoots(repositoryRoot).map { $0.appendingPathComponent(digitsRelativePath) }
        for folder in candidates where holdsDigits(folder) { return folder }
        throw DataError(.missing, file: digitsRelativePath,
                        "expected the shipped digits set (\(IDXImageFolder.trainNames.images).gz and friends) in one of "
                        + candidates.map(\.path).joined(separator: ", "))
    }

    /// The shipped digits set: 1,437 training and 360 test images, inputs `[N, 8, 8]` in [0, 1], 10 classes.
    public static func loadDigits(repositoryRoot: URL? = nil) throws -> (train: LabeledDataset, test: LabeledDataset) {
        try IDXImageFolder.load(digitsFolder(repositoryRoot: repositoryRoot), pixelScale: digitsPixelScale,
                                classCount: 10)
    }

    // MARK: - Search

    static func searchRoots(_ explicit: URL?) -> [URL] {
        if let explicit { return [explicit] }
        var roots: [URL] = []
        roots += selfAndParents(URL(fileURLWithPath: FileManager.default.currentDirectoryPath), levels: 4)
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            roots += selfAndParents(executable.deletingLastPathComponent(), levels: 5)
        }
        // Sources/NeuromorphData/Shipped/ShippedData.swift → four levels up is the root.
        var source = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<4 { source.deleteLastPathComponent() }
        roots.append(source)
        var seen = Set<String>()
        return roots.filter { seen.insert($0.standardizedFileURL.path).inserted }
    }

    private static func selfAndParents(_ url: URL, levels: Int) -> [URL] {
        var out = [url]
        var current = url
        for _ in 0..<levels where current.path != "/" {
            current.deleteLastPathComponent()
            out.append(current)
        }
        return out
    }

    private static func holdsDigits(_ folder: URL) -> Bool {
        let probe = folder.appendingPathComponent(IDXImageFolder.trainNames.images + ".gz")
        return FileManager.default.fileExists(atPath: probe.path)
    }
}
