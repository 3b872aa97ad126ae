import Foundation
import NeuromorphCore
import NeuromorphData

/// Images prepared for the papers' spiking systems: flattened rows in [0, 1], labels, and the
/// side length (16 for μBrain's and Chundi's 256 inputs, 8 for the shipped digits).
public struct SystemImages: Sendable, Hashable {
    /// One row per image, `side · side` values in [0, 1].
    public var rows: [[Float]]
    public var labels: [Int]
    public var side: Int
    public var classCount: Int

    public init(rows: [[Float]], labels: [Int], side: Int, classCount: Int = 10) throws {
        guard rows.count == labels.count, !rows.isEmpty else {
            throw ConversionError(location: "images", "\(rows.count) images for \(labels.count) labels; need a non-empty, matching set")
        }
        guard rows.allSatisfy({ $0.count == side * side }) else {
            throw ConversionError(location: "images", "every image must have \(side)×\(side) = \(side * side) values")
        }
        self.rows = rows
        self.labels = labels
        self.side = side
        self.classCount = classCount
    }

    public var count: Int { rows.count }

    /// The first `n` images.
    public func prefix(_ n: Int) -> SystemImages {
        SystemImages(unchecked: Array(rows.prefix(n)), Array(labels.prefix(n)), side, classCount)
    }

    init(unchecked rows: [[Float]], _ labels: [Int], _ side: Int, _ classCount: Int) {
        self.rows = rows
        self.labels = labels
        self.side = side
        self.classCount = classCount
    }

    /// From a dataset of square images `[N, s, s]` (or `[N, s·s]`), downscaled to `side × side`
    /// by area averaging when `side` differs (spiking note §4.1).
    public init(_ dataset: LabeledDataset, side: Int? = nil) throws {
        let features = dataset.featureCount
        let source = Int(Double(features).squareRoot().rounded())
        guard source * source == features else {
            throw ConversionError(location: "dataset", "images of \(features) values are not square")
        }
        let target = side ?? source
        guard (1...source).contains(target) else {
            throw ConversionError(location: "side", "\(target) must be in 1...\(source)")
        }
        let scalars = dataset.inputs.scalars
        var rows: [[Float]] = []
        rows.reserveCapacity(dataset.count)
        for k in 0..<dataset.count {
            let image = Array(scalars[(k * features)..<((k + 1) * features)])
            rows.append(target == source ? image : Self.areaDownscale(image, from: source, to: target))
        }
        self.init(unchecked: rows, dataset.labels, target, dataset.classCount)
    }

    /// Area-averaging resize of an `n × n` image to `m × m` (m ≤ n): output pixel (r, c) is the
    /// mean of the source over the square `[r·n/m, (r+1)·n/m) × [c·n/m, (c+1)·n/m)`, partial
    /// pixels weighted by their covered fraction (OpenCV `INTER_AREA`; 28 → 16 covers 1.75 × 1.75
    /// source pixels per output pixel, so no padding is needed; spiking note §4.1 and the CH §3.5
    /// erratum on 2×2 pooling).
    ///
    /// ```
    /// y[r, c] = (m/n)² · Σ_{i,j} x[i, j] · |[i, i+1) ∩ [r·n/m, (r+1)·n/m)| · |[j, j+1) ∩ [c·n/m, (c+1)·n/m)|
    /// ```
    public static func areaDownscale(_ image: [Float], from n: Int, to m: Int) -> [Float] {
        precondition(image.count == n * n && m >= 1 && m <= n, "areaDownscale: \(image.count) values for \(n)×\(n) → \(m)")
        let step = Double(n) / Double(m)
        // Overlap weights of source index i with output index r, per axis.
        var weights = [[(Int, Double)]](repeating: [], count: m)
        for r in 0..<m {
            let lo = Double(r) * step, hi = Double(r + 1) * step
            for i in Int(lo.rounded(.down))..<Swift.min(n, Int(hi.rounded(.up))) {
                let overlap = Swift.min(hi, Double(i + 1)) - Swift.max(lo, Double(i))
                if overlap > 1e-12 { weights[r].append((i, overlap / step)) }
            }
        }
        var out = [Float](repeating: 0, count: m * m)
        for r in 0..<m {
            for c in 0..<m {
                var s = 0.0
                for (i, wi) in weights[r] { for (j, wj) in weights[c] { s += wi * wj * Double(image[i * n + j]) } }
                out[r * m + c] = Float(s)
            }
        }
        return out
    }

    /// Loads an IDX folder (`train-images-idx3-ubyte.gz`, …; MNIST, Fashion-MNIST) at `side`,
    /// keeping at most `trainLimit`/`testLimit` images (the first ones).
    public static func loadIDX(_ folder: URL, side: Int = 16, trainLimit: Int = .max, testLimit: Int = .max) throws
        -> (train: SystemImages, test: SystemImages) {
        let (train, test) = try IDXImageFolder.load(folder, classCount: 10)
        return (try SystemImages(train.prefix(Swift.min(trainLimit, train.count)), side: side),
                try SystemImages(test.prefix(Swift.min(testLimit, test.count)), side: side))
    }

    /// The shipped 8×8 digits (64 inputs, values in [0, 1]).
    public static func shippedDigits() throws -> (train: SystemImages, test: SystemImages) {
        let (train, test) = try ShippedData.loadDigits()
        return (try SystemImages(train), try SystemImages(test))
    }
}
