import Foundation
import NeuromorphCore
import Testing
@testable import NeuromorphData

@Suite("Feature normalization")
struct FeatureNormalizerTests {
    /// Columns: spread values, a constant, a negative range.
    let train = Tensor(rows: [[0, 5, -4], [2, 5, -2], [4, 5, 0], [10, 5, -6]])

    @Test("min-max maps the training range of each feature to [0, 1]")
    func minMax() {
        let n = FeatureNormalizer.fit(.minMax, to: train)
        let out = n.apply(train)
        #expect(n.offset == [0, 5, -6])
        for j in [0, 2] {
            let column = (0..<4).map { out[$0, j] }
            #expect(column.min() == 0 && column.max() == 1)
        }
        #expect((0..<4).allSatisfy { out[$0, 1] == 0 }, "a constant feature is shifted, not amplified")
        // Applied to unseen data the same affine map holds.
        let test = n.apply(Tensor(rows: [[5, 6, -3]]))
        #expect(test.scalars == [0.5, 1, 0.5])
    }

    @Test("standardization gives mean 0 and std 1 per feature")
    func standardize() {
        var g = SeededGenerator(seed: 3)
        let x = Tensor.randomNormal([500, 4], mean: 3, std: 2, using: &g)
        let n = FeatureNormalizer.fit(.standardize, to: x)
        let out = n.apply(x)
        for j in 0..<4 {
            let column = (0..<500).map { Double(out[$0, j]) }
            let mean = column.reduce(0, +) / 500
            let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 500
            #expect(abs(mean) < 1e-5, "feature \(j)")
            #expect(abs(variance - 1) < 1e-4, "feature \(j)")
        }
        #expect(n.invert(out).scalars.indices.allSatisfy { abs(n.invert(out).scalars[$0] - x.scalars[$0]) < 1e-4 })
    }

    @Test("a zero-variance feature keeps scale 1 so test data cannot explode")
    func zeroVariance() {
        let n = FeatureNormalizer.fit(.standardize, to: train)
        #expect(n.scale[1] == 1 && n.offset[1] == 5)
        #expect(n.apply(Tensor(rows: [[0, 6, 0]]))[0, 1] == 1)
    }

    @Test("a global normalizer uses one offset and scale over all scalars, for images too")
    func global() {
        let images = Tensor(shape: [2, 1, 2, 2], scalars: [0, 1, 2, 3, 4, 5, 6, 7])
        let n = FeatureNormalizer.fit(.minMax, to: images, perFeature: false)
        #expect(n.featureCount == 1)
        #expect(zip(n.apply(images).scalars, (0..<8).map { Float($0) / 7 }).allSatisfy { abs($0 - $1) < 1e-6 })
        let perPixel = FeatureNormalizer.fit(.minMax, to: images)
        #expect(perPixel.featureCount == 4)
        #expect(perPixel.apply(images).scalars == [0, 0, 0, 0, 1, 1, 1, 1])
        let data = LabeledDataset(inputs: images, labels: [0, 1], classCount: 2)
        #expect(FeatureNormalizer.fit(.minMax, to: data).apply(data).inputs.shape == [2, 1, 2, 2])
    }

    @Test("Codable round-trip, and corrupt JSON is rejected")
    func codable() throws {
        let n = FeatureNormalizer.fit(.standardize, to: train)
        let json = try JSONEncoder().encode(n)
        #expect(try JSONDecoder().decode(FeatureNormalizer.self, from: json) == n)
        let bad = Data(#"{"method":"minMax","offset":[0,1],"scale":[1]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FeatureNormalizer.self, from: bad) }
        let zero = Data(#"{"method":"minMax","offset":[0],"scale":[0]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FeatureNormalizer.self, from: zero) }
    }
}
