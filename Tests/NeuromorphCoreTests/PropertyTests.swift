import Foundation
import PropertyBased
import Testing
@testable import NeuromorphCore

/// Invariants over random valid inputs (x-sheep/swift-property-based; a failure prints the
/// input and a `.fixedSeed(…)` to reproduce it).
@Suite("Core properties")
struct CorePropertyTests {
    /// A `.npy` written by `NumpyArray.encode` reads back equal, bit for bit, for any rank-0…4
    /// shape (including zero extents) and any finite or non-finite scalars.
    @Test func npyRoundTrips() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...4).array(of: 0...4), Gen.int(in: 0...Int(UInt32.max))) { shape, seed in
            var g = SeededGenerator(seed: UInt64(seed))
            let count = shape.reduce(1, *)
            let specials: [Float] = [.infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
            let scalars = (0..<count).map { i in i % 7 == 3 ? specials[i % specials.count] : Float.random(in: -1e6...1e6, using: &g) }
            let tensor = Tensor(shape: shape, scalars: scalars)
            let back = try NumpyArray.decode(NumpyArray.encode(tensor), file: "property.npy")
            #expect(back.shape == shape)
            #expect(back.scalars.map(\.bitPattern) == scalars.map(\.bitPattern), "shape \(shape)")
        }
    }
}

/// Inputs that trapped before (integer overflow on sizes from files); each must throw.
@Suite("Reader regressions")
struct ReaderRegressionTests {
    @Test func npyShapeWhoseProductOverflowsThrows() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Regression/shape-overflow.npy")
        #expect(throws: NumpyFormatError.self) { try NumpyArray.decode(try Data(contentsOf: url), file: url.path) }
    }

    @Test func tensorStateWithAMismatchedShapeThrows() {
        let json = #"{"shape": [3, 2], "scalars": [1, 2, 3]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Tensor.self, from: Data(json.utf8)) }
        let overflow = #"{"shape": [4611686018427387904, 4], "scalars": []}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Tensor.self, from: Data(overflow.utf8)) }
        let good = #"{"shape": [1, 2], "scalars": [1, 2]}"#
        #expect((try? JSONDecoder().decode(Tensor.self, from: Data(good.utf8))) == Tensor(shape: [1, 2], scalars: [1, 2]))
    }
}
