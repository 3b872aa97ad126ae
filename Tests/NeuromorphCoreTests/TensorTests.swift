import Foundation
import Testing
@testable import NeuromorphCore

/// Plain triple-loop reference product for checking the BLAS path.
func referenceMatmul(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Float] {
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m { for j in 0..<n { var s: Double = 0; for p in 0..<k { s += Double(a[i * k + p]) * Double(b[p * n + j]) }; c[i * n + j] = Float(s) } }
    return c
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct TensorTests {
    @Test(arguments: [(1, 1, 1), (3, 5, 2), (17, 33, 9), (64, 128, 31)])
    func gemmMatchesReference(shape: (Int, Int, Int)) {
        let (m, k, n) = shape
        var g = SeededGenerator(seed: 7)
        let a = Tensor.randomNormal([m, k], using: &g), b = Tensor.randomNormal([k, n], using: &g)
        let expected = referenceMatmul(a.scalars, b.scalars, m: m, k: k, n: n)
        #expect(maxAbsDifference(Tensor.matmul(a, b).scalars, expected) < 1e-4)
        // Transposed operands give the same product.
        let viaTransposes = Tensor.matmul(a.transposed(), .transposed, b.transposed(), .transposed)
        #expect(maxAbsDifference(viaTransposes.scalars, expected) < 1e-4, "m=\(m) k=\(k) n=\(n)")
    }

    @Test func gemvAndOuterProduct() {
        var g = SeededGenerator(seed: 3)
        let a = Tensor.randomNormal([6, 4], using: &g), x = Tensor.randomNormal([4], using: &g)
        var y = Tensor.zeros([6])
        Tensor.gemv(a, x, into: &y)
        #expect(maxAbsDifference(y.scalars, referenceMatmul(a.scalars, x.scalars, m: 6, k: 4, n: 1)) < 1e-5)
        var yt = Tensor.zeros([4])
        Tensor.gemv(a, transpose: .transposed, y, into: &yt)
        #expect(maxAbsDifference(yt.scalars, Tensor.matmul(a, .transposed, y.reshaped([6, 1]), .none).scalars) < 1e-4)
        let o = Tensor.outer(Tensor([1, 2]), Tensor([3, 4, 5]))
        #expect(o.scalars == [3, 4, 5, 6, 8, 10])
    }

    @Test func reshapeAndIndexing() {
        var t = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t[1, 2] == 6)
        t[0, 1] = 9
        #expect(t.scalars[1] == 9)
        #expect(t.reshaped([3, -1]).shape == [3, 2])
        #expect(t.transposed().scalars == [1, 4, 9, 5, 3, 6])
        #expect(t.sumRows().scalars == [5, 14, 9])
        #expect(t.argmaxRows() == [1, 2])
        #expect(t.gatherRows([1, 1, 0]).scalars == [4, 5, 6, 4, 5, 6, 1, 9, 3])
    }

    @Test func softmaxRowsSumToOneAndLogSoftmaxAgrees() {
        var g = SeededGenerator(seed: 11)
        let x = Tensor.randomNormal([5, 7], std: 10, using: &g)
        let s = x.softmaxRows(), l = x.logSoftmaxRows()
        for r in 0..<5 {
            #expect(abs(s.row(r).sum() - 1) < 1e-5)
            #expect(maxAbsDifference(l.row(r).map { exp($0) }.scalars, s.row(r).scalars) < 1e-5)
        }
    }

    @Test func fastExpIsAccurate() {
        var worst: Float = 0
        for i in -8700...8800 {
            let x = Float(i) / 100
            worst = max(worst, abs(FastMath.exp(x) - Foundation.exp(x)) / Foundation.exp(x))
        }
        #expect(worst < 5e-7)
    }

    @Test func im2colConvolutionMatchesDirectConvolution() {
        var g = SeededGenerator(seed: 5)
        let geometry = ConvolutionGeometry(channels: 2, height: 5, width: 6, kernelHeight: 3, kernelWidth: 3, stride: 2, padding: 1)
        let image = Tensor.randomNormal([2, 5, 6], using: &g)
        let kernel = Tensor.randomNormal([geometry.patchSize], using: &g)
        var patches = [Float](repeating: 0, count: geometry.outputPixels * geometry.patchSize)
        image.scalars.withUnsafeBufferPointer { src in
            patches.withUnsafeMutableBufferPointer { Tensor.im2col(src, imageOffset: 0, geometry: geometry, into: $0) }
        }
        for oy in 0..<geometry.outputHeight {
            for ox in 0..<geometry.outputWidth {
                var direct: Float = 0
                for c in 0..<2 { for ky in 0..<3 { for kx in 0..<3 {
                    let y = oy * 2 - 1 + ky, x = ox * 2 - 1 + kx
                    if y >= 0 && y < 5 && x >= 0 && x < 6 { direct += image[c, y, x] * kernel[(c * 3 + ky) * 3 + kx] }
                } } }
                let p = oy * geometry.outputWidth + ox
                let viaPatches = (0..<geometry.patchSize).reduce(Float(0)) { $0 + patches[p * geometry.patchSize + $1] * kernel.scalars[$1] }
                #expect(abs(direct - viaPatches) < 1e-5)
            }
        }
    }

    @Test func col2imIsTheAdjointOfIm2col() {
        // <im2col(x), y> == <x, col2im(y)> for random x, y.
        var g = SeededGenerator(seed: 9)
        let geometry = ConvolutionGeometry(channels: 3, height: 6, width: 5, kernelHeight: 3, kernelWidth: 2, stride: 1, padding: 1)
        let x = Tensor.randomNormal([3 * 6 * 5], using: &g)
        let y = Tensor.randomNormal([geometry.outputPixels * geometry.patchSize], using: &g)
        var cols = [Float](repeating: 0, count: y.count)
        var back = [Float](repeating: 0, count: x.count)
        x.scalars.withUnsafeBufferPointer { src in cols.withUnsafeMutableBufferPointer { Tensor.im2col(src, imageOffset: 0, geometry: geometry, into: $0) } }
        y.scalars.withUnsafeBufferPointer { src in back.withUnsafeMutableBufferPointer { Tensor.col2im(src, geometry: geometry, into: $0, imageOffset: 0) } }
        let lhs = zip(cols, y.scalars).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        let rhs = zip(x.scalars, back).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        #expect(abs(lhs - rhs) < 1e-3)
    }

    @Test func poolingForwardValues() {
        let x = Tensor(shape: [1, 1, 2, 4], scalars: [1, 5, 2, 0, 3, 4, -1, 8])
        #expect(Pooling2D(kind: .max, window: 2).forward(x).output.scalars == [5, 8])
        #expect(Pooling2D(kind: .average, window: 2).forward(x).output.scalars == [3.25, 2.25])
    }

    @Test func npyRoundTripAndErrors() throws {
        var g = SeededGenerator(seed: 1)
        let t = Tensor.randomNormal([3, 4, 2], using: &g)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("neuromorph-\(UUID()).npy")
        try NumpyArray.write(t, to: url)
        #expect(try NumpyArray.read(url) == t)
        let data = NumpyArray.encode(t)
        #expect(data.count % 64 == (3 * 4 * 2 * 4) % 64)   // header padded to 64 bytes
        do {
            _ = try NumpyArray.decode(data.prefix(data.count - 4), file: "w.npy")
            Issue.record("truncated data accepted")
        } catch let error as NumpyFormatError {
            #expect(error.description.contains("w.npy") && error.description.contains("data bytes"))
        }
        #expect(throws: NumpyFormatError.self) { try NumpyArray.decode(Data([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), file: "x.npy") }
    }
}
