import Foundation
import NeuromorphCore
import Testing
@testable import NeuromorphData

/// Writes a tiny MNIST-layout folder: `trainCount`/`testCount` images of `side`×`side`.
private func writeImageFolder(_ folder: URL, trainCount: Int = 6, testCount: Int = 4, side: Int = 3,
                              trainLabels: [UInt8]? = nil, testLabelCount: Int? = nil,
                              compressed: Bool = true) throws {
    func pixels(_ n: Int) -> [UInt8] { (0..<(n * side * side)).map { UInt8(($0 * 37) % 256) } }
    let suffix = compressed ? ".gz" : ""
    try IDXFile(dims: [trainCount, side, side], unsignedBytes: pixels(trainCount))
        .write(to: folder.appendingPathComponent("train-images-idx3-ubyte" + suffix), compressed: compressed)
    try IDXFile(dims: [trainCount], unsignedBytes: trainLabels ?? (0..<trainCount).map { UInt8($0 % 3) })
        .write(to: folder.appendingPathComponent("train-labels-idx1-ubyte" + suffix), compressed: compressed)
    try IDXFile(dims: [testCount, side, side], unsignedBytes: pixels(testCount))
        .write(to: folder.appendingPathComponent("t10k-images-idx3-ubyte" + suffix), compressed: compressed)
    let labelCount = testLabelCount ?? testCount
    try IDXFile(dims: [labelCount], unsignedBytes: (0..<labelCount).map { UInt8($0 % 3) })
        .write(to: folder.appendingPathComponent("t10k-labels-idx1-ubyte" + suffix), compressed: compressed)
}

@Suite("IDX image folders")
struct IDXImageFolderTests {
    @Test("a written folder loads back, gzipped or raw", arguments: [true, false])
    func roundTrip(compressed: Bool) throws {
        try withTemporaryFolder { folder in
            try writeImageFolder(folder, compressed: compressed)
            let (train, test) = try IDXImageFolder.load(folder)
            #expect(train.count == 6 && test.count == 4)
            #expect(train.inputs.shape == [6, 3, 3])
            #expect(train.classCount == 3)
            #expect(train.labels == [0, 1, 2, 0, 1, 2])
            #expect(train.inputs.scalars[1] == Float(37) / 255)
            #expect(train.inputs.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }

    @Test("image and label counts must agree")
    func countMismatch() throws {
        try withTemporaryFolder { folder in
            try writeImageFolder(folder, testLabelCount: 5)
            let error = try #require(dataError { _ = try IDXImageFolder.load(folder) })
            #expect(error.kind == .inconsistent)
            #expect(error.description.contains("t10k-labels-idx1-ubyte.gz"))
            #expect(error.description.contains("expected 4 labels to match t10k-images-idx3-ubyte.gz, found 5"))
        }
    }

    @Test("a label outside the class count names the file, the value and its index")
    func labelOutOfRange() throws {
        try withTemporaryFolder { folder in
            try writeImageFolder(folder, trainLabels: [0, 1, 2, 12, 1, 0])
            let error = try #require(dataError { _ = try IDXImageFolder.load(folder, classCount: 10) })
            #expect(error.kind == .outOfRange)
            #expect(error.description == folder.appendingPathComponent("train-labels-idx1-ubyte.gz").path
                    + ": expected labels in 0..<10, found 12 at index 3")
            // Without an explicit count the classes are inferred.
            #expect(try IDXImageFolder.load(folder).train.classCount == 13)
        }
    }

    @Test("a missing file lists the names tried")
    func missingFile() throws {
        try withTemporaryFolder { folder in
            try writeImageFolder(folder)
            try FileManager.default.removeItem(at: folder.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
            let error = try #require(dataError { _ = try IDXImageFolder.load(folder) })
            #expect(error.kind == .missing)
            #expect(error.description.contains("t10k-images-idx3-ubyte.gz"))
            #expect(error.description.contains("t10k-images.idx3-ubyte"))
            let none = dataError { _ = try IDXImageFolder.load(folder.appendingPathComponent("nope")) }
            #expect(none?.kind == .missing)
        }
    }

    @Test("labels stored as images are rejected by shape")
    func labelsWithWrongRank() throws {
        try withTemporaryFolder { folder in
            let images = folder.appendingPathComponent("i.idx")
            try IDXFile(dims: [2, 2, 2], unsignedBytes: Array(repeating: 1, count: 8)).write(to: images, compressed: false)
            let error = try #require(dataError { _ = try IDXImageFolder.load(images: images, labels: images) })
            #expect(error.description == images.path + ": expected 1 dimension [count] for labels, found dims [2, 2, 2]")
        }
    }

    @Test("train and test images must have the same shape")
    func shapeMismatch() throws {
        try withTemporaryFolder { folder in
            try writeImageFolder(folder)
            try IDXFile(dims: [4, 2, 2], unsignedBytes: Array(repeating: 0, count: 16))
                .write(to: folder.appendingPathComponent("t10k-images-idx3-ubyte.gz"), compressed: true)
            let error = try #require(dataError { _ = try IDXImageFolder.load(folder) })
            #expect(error.kind == .inconsistent)
            #expect(error.description.contains("expected images of shape [3, 3]"))
        }
    }

    @Test("MNIST 5k subset: 4,000/1,000 images of 28×28, 400 per class in train",
          .enabled(if: SharedData.exists(SharedData.mnist5k), "/work/shared/data/mnist-5k is not on this machine"))
    func mnist5k() throws {
        let (train, test) = try IDXImageFolder.load(SharedData.mnist5k, classCount: 10)
        #expect(train.inputs.shape == [4000, 28, 28])
        #expect(test.inputs.shape == [1000, 28, 28])
        #expect(train.classCounts == Array(repeating: 400, count: 10))
        #expect(test.classCounts == Array(repeating: 100, count: 10))
        #expect(train.inputs.scalars.min() == 0 && train.inputs.scalars.max() == 1)
        let images = train.reshapedImages(channels: 1, height: 28, width: 28)
        #expect(images.inputs.shape == [4000, 1, 28, 28])
        #expect(train.flattened().inputs.shape == [4000, 784])
    }

    @Test("digits: 1,437/360 images of 8×8 with pixel values 0-16",
          .enabled(if: SharedData.exists(SharedData.digits), "/work/shared/data/digits is not on this machine"))
    func digits() throws {
        let (train, test) = try IDXImageFolder.load(SharedData.digits, pixelScale: 1.0 / 16)
        #expect(train.inputs.shape == [1437, 8, 8])
        #expect(test.inputs.shape == [360, 8, 8])
        #expect(train.classCount == 10)
        #expect(train.inputs.scalars.max() == 1)
        let raw = try IDXImageFolder.load(SharedData.digits, pixelScale: 1)
        #expect(raw.train.inputs.scalars.max() == 16)
    }

    @Test("the shipped digits copy loads and equals the shared one")
    func shippedDigits() throws {
        let (train, test) = try ShippedData.loadDigits()
        #expect(train.count == 1437 && test.count == 360)
        #expect(train.featureShape == [8, 8])
        #expect(train.classCounts.allSatisfy { $0 > 120 })
        if SharedData.exists(SharedData.digits) {
            #expect(try IDXImageFolder.load(SharedData.digits, pixelScale: 1.0 / 16).train == train)
        }
        let explicit = try ShippedData.digitsFolder(repositoryRoot: ShippedData.digitsFolder()
            .deletingLastPathComponent().deletingLastPathComponent())
        #expect(explicit.lastPathComponent == "digits")
        let error = dataError { _ = try ShippedData.digitsFolder(repositoryRoot: URL(fileURLWithPath: "/nonexistent")) }
        #expect(error?.kind == .missing)
        #expect(error?.description.contains("/nonexistent/data/digits") == true)
    }

    @Test("Fashion-MNIST: 60,000/10,000 images, 6,000 per class",
          .enabled(if: SharedData.exists(SharedData.fashionMNIST), "Fashion-MNIST is not installed"))
    func fashionMNIST() throws {
        let (train, test) = try IDXImageFolder.load(SharedData.fashionMNIST, classCount: 10)
        #expect(train.inputs.shape == [60000, 28, 28])
        #expect(test.count == 10000)
        #expect(train.classCounts == Array(repeating: 6000, count: 10))
    }
}
