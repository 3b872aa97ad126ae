import Foundation
import NeuromorphCore

/// Loads image classification sets stored as four IDX files, the MNIST layout.
///
/// Reads MNIST, Fashion-MNIST (`/usr/share/datasets/fashion-mnist`), KMNIST and the
/// project's small sets (`mnist-5k`, `digits`). Each file may be gzipped (`name.gz`) or
/// raw (`name`); the dotted variant `train-images.idx3-ubyte` some mirrors use is accepted too.
public enum IDXImageFolder {
    /// The base names of the (images, labels) files for the training and test parts.
    public static let trainNames = (images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte")
    /// The base names of the test files.
    public static let testNames = (images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte")

    /// The training and test sets in `folder`, inputs shaped `[N, height, width]` and scaled by `pixelScale`.
    ///
    /// - Parameters:
    ///   - pixelScale: multiplies every pixel: `1/255` maps MNIST bytes to [0, 1]; the
    ///     8×8 digits set stores 0-16 and wants `1/16`.
    ///   - classCount: the number of classes; labels must lie in `0..<classCount`.
    ///     `nil` infers it as one more than the largest label in either part.
    /// - Throws: `DataError` when a file is missing or malformed, when image and label
    ///   counts disagree, when train and test images differ in shape, or when a label is
    ///   out of range.
    public static func load(_ folder: URL, pixelScale: Float = 1.0 / 255,
                            classCount: Int? = nil) throws -> (train: LabeledDataset, test: LabeledDataset) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw DataError(.missing, url: folder, "expected a folder holding the four IDX files, found nothing")
        }
        let train = try loadPair(images: locate(trainNames.images, in: folder),
                                 labels: locate(trainNames.labels, in: folder), pixelScale: pixelScale)
        let test = try loadPair(images: locate(testNames.images, in: folder),
                                labels: locate(testNames.labels, in: folder), pixelScale: pixelScale)
        guard train.images.featureShape == test.images.featureShape else {
            throw DataError(.inconsistent, url: test.imagesURL,
                            "expected images of shape \(train.images.featureShape) like the training images, "
                            + "found \(test.images.featureShape)")
        }
        let inferred = Swift.max(train.labels.max() ?? 0, test.labels.max() ?? 0) + 1
        let classes = classCount ?? inferred
        try checkRange(train.labels, classCount: classes, url: train.labelsURL)
        try checkRange(test.labels, classCount: classes, url: test.labelsURL)
        return (LabeledDataset(unchecked: train.images.inputs, labels: train.labels, classCount: classes),
                LabeledDataset(unchecked: test.images.inputs, labels: test.labels, classCount: classes))
    }

    /// One images file and its labels file as a dataset (`classCount` as in ``load(_:pixelScale:classCount:)``).
    public static func load(images: URL, labels: URL, pixelScale: Float = 1.0 / 255,
                            classCount: Int? = nil) throws -> LabeledDataset {
        let pair = try loadPair(images: images, labels: labels, pixelScale: pixelScale)
        let classes = classCount ?? (pair.labels.max() ?? 0) + 1
        try checkRange(pair.labels, classCount: classes, url: labels)
        return LabeledDataset(unchecked: pair.images.inputs, labels: pair.labels, classCount: classes)
    }

    // MARK: - Helpers

    private struct Pair {
        var images: (inputs: Tensor, featureShape: [Int])
        var labels: [Int]
        var imagesURL: URL
        var labelsURL: URL
    }

    private static func loadPair(images: URL, labels: URL, pixelScale: Float) throws -> Pair {
        let imageFile = try IDXFile.read(images)
        guard imageFile.dims.count >= 2 else {
            throw DataError(.format, url: images,
                            "expected images with at least 2 dimensions [count, features...], found dims \(imageFile.dims)")
        }
        let labelFile = try IDXFile.read(labels)
        guard labelFile.dims.count == 1 else {
            throw DataError(.format, url: labels, "expected 1 dimension [count] for labels, found dims \(labelFile.dims)")
        }
        guard labelFile.dims[0] == imageFile.dims[0] else {
            throw DataError(.inconsistent, url: labels,
                            "expected \(imageFile.dims[0].grouped) labels to match \(images.lastPathComponent), "
                            + "found \(labelFile.dims[0].grouped)")
        }
        let values = try labelFile.integers()
        if let bad = values.firstIndex(where: { $0 < 0 }) {
            throw DataError(.outOfRange, url: labels, "expected labels ≥ 0, found \(values[bad]) at index \(bad)")
        }
        return Pair(images: (imageFile.tensor(scale: pixelScale), Array(imageFile.dims.dropFirst())),
                    labels: values, imagesURL: images, labelsURL: labels)
    }

    private static func checkRange(_ labels: [Int], classCount: Int, url: URL) throws {
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw DataError(.outOfRange, url: url,
                            "expected labels in 0..<\(classCount), found \(labels[bad]) at index \(bad.grouped)")
        }
    }

    /// The first existing variant of `base` in `folder`: `base.gz`, `base`, then the dotted spelling.
    static func locate(_ base: String, in folder: URL) throws -> URL {
        let dotted = base.replacingOccurrences(of: "-idx", with: ".idx")
        let candidates = [base + ".gz", base, dotted + ".gz", dotted]
        for name in candidates {
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw DataError(.missing, url: folder.appendingPathComponent(base + ".gz"),
                        "no such file; expected one of \(candidates.joined(separator: ", ")) in \(folder.path)")
    }
}
