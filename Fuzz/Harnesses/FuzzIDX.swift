import NeuromorphData

/// IDX files (MNIST format), raw and gzip-compressed (`CompressedFile.inflate`).
enum FuzzIDX {
    static func raw(_ bytes: [UInt8]) {
        _ = try? IDXFile(parsing: bytes, name: "fuzz.idx")
    }

    static func gzip(_ bytes: [UInt8]) {
        guard CompressedFile.isGzip(bytes), let inflated = try? CompressedFile.inflate(bytes, name: "fuzz.gz") else { return }
        _ = try? IDXFile(parsing: inflated, name: "fuzz.gz")
    }
}
