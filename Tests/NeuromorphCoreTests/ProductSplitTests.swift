import Testing
@testable import NeuromorphCore

/// Matrix products cut into blocks on Neuromorph's own threads (`ProductSplit`,
/// `ChunkPool`): the right cut for the shapes that matter, the right numbers on every cut
/// and transpose, and the same bits for any thread count.
@Suite("Product split and chunk pool", PerfExclusiveThreads(), .serialized)
struct ProductSplitTests {
    @Test("the cut follows the cost model: columns for the MLP layer, inner for a conv weight gradient, none when small")
    func cutChoices() {
        // W1 MLP first layer forward, 64×784 · 784×256: packing A twice is the 12.5 % budget.
        let mlp = ProductSplit(m: 64, n: 256, k: 784)
        #expect(mlp.axis == .columns && mlp.blocks == 2)
        // Demo CNN second conv's weight gradient, [32, 12544] · [12544, 144]: cut the inner sum.
        let weightGradient = ProductSplit(m: 32, n: 144, k: 12_544)
        #expect(weightGradient.axis == .inner && weightGradient.blocks == 16)
        // A tall output with a short row: cut rows.
        let tall = ProductSplit(m: 784, n: 64, k: 256)
        #expect(tall.axis == .rows && tall.blocks == 4)
        // Too little work for two blocks of 2^20 multiply-adds.
        #expect(ProductSplit(m: 64, n: 128, k: 64).blocks == 1)
        #expect(ProductSplit(m: 0, n: 0, k: 0).blocks == 1)
    }

    @Test("block ranges tile the cut dimension in order, aligned to 16, with no gap or overlap",
          arguments: [(64, 256, 784), (32, 144, 12_544), (784, 64, 256), (16, 50_176, 9), (100, 1_000, 999)])
    func rangesTile(shape: (Int, Int, Int)) {
        let split = ProductSplit(m: shape.0, n: shape.1, k: shape.2)
        var next = 0
        for block in 0..<split.blocks {
            let range = split.range(of: block)
            #expect(range.lowerBound == next)
            #expect(range.count > 0)
            if block < split.blocks - 1 { #expect(range.upperBound % ProductSplit.alignment == 0) }
            next = range.upperBound
        }
        #expect(next == split.length)
    }

    /// `alpha · op(A) · op(B) + beta · C` in double precision.
    static func reference(_ a: [Float], _ transA: Transpose, _ b: [Float], _ transB: Transpose, m: Int, n: Int, k: Int,
                          alpha: Float, beta: Float, c: [Float]) -> [Double] {
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var total = 0.0
                for p in 0..<k {
                    let av = transA == .none ? a[i * k + p] : a[p * m + i]
                    let bv = transB == .none ? b[p * n + j] : b[j * k + p]
                    total += Double(av) * Double(bv)
                }
                out[i * n + j] = Double(alpha) * total + Double(beta) * Double(c[i * n + j])
            }
        }
        return out
    }

    @Test("every cut and transpose gives the product (1e-5 of the scale) and the same bits on 1, 2 and 3 threads",
          arguments: [(32, 512, 256, ProductSplit.Axis.columns), (512, 32, 256, .rows), (16, 32, 8_192, .inner)])
    func cutProductsAreExactAndThreadIndependent(shape: (Int, Int, Int, ProductSplit.Axis)) {
        let (m, n, k, axis) = shape
        #expect(ProductSplit(m: m, n: n, k: k).axis == axis)
        #expect(ProductSplit(m: m, n: n, k: k).blocks > 1)
        var generator = SeededGenerator(seed: 5)
        let a = Tensor.randomNormal([m * k], using: &generator).scalars
        let b = Tensor.randomNormal([k * n], using: &generator).scalars
        let c0 = Tensor.randomNormal([m * n], using: &generator).scalars
        for (transA, transB) in [(Transpose.none, Transpose.none), (.transposed, .none), (.none, .transposed), (.transposed, .transposed)] {
            let product = Self.reference(a, transA, b, transB, m: m, n: n, k: k, alpha: 1, beta: 0, c: c0)
            for (alpha, beta) in [(Float(1), Float(0)), (0.5, -2)] {
                let expected = zip(product, c0).map { Double(alpha) * $0 + Double(beta) * Double($1) }
                var results: [[Float]] = []
                for threads in [1, 2, 3] {
                    ComputeThreads.set(threads)
                    var c = beta == 0 ? [Float](repeating: .nan, count: m * n) : c0
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            c.withUnsafeMutableBufferPointer { pc in
                                BLASKernels.sgemm(transA, transB, m: m, n: n, k: k, alpha: alpha,
                                                  pa.baseAddress!, lda: transA == .none ? k : m,
                                                  pb.baseAddress!, ldb: transB == .none ? n : k,
                                                  beta: beta, pc.baseAddress!, ldc: n)
                            }
                        }
                    }
                    results.append(c)
                }
                ComputeThreads.set(1)
                let scale = (Double(k)).squareRoot() * Double(abs(alpha)) + 2 * Double(abs(beta))
                let worst = zip(results[0], expected).map { abs(Double($0) - $1) }.max() ?? 0
                #expect(worst <= 1e-5 * scale, "\(axis) \(transA) \(transB) alpha \(alpha) beta \(beta): max error \(worst)")
                #expect(results[1] == results[0] && results[2] == results[0], "\(axis) \(transA) \(transB): bits differ across thread counts")
            }
        }
    }

    @Test("gemv cut by rows matches the unsplit product on 1 and 2 threads, bit for bit")
    func gemvRows() {
        var generator = SeededGenerator(seed: 9)
        let a = Tensor.randomNormal([4_096, 1_024], using: &generator)
        let x = Tensor.randomNormal([1_024], using: &generator)
        let xt = Tensor.randomNormal([4_096], using: &generator)
        var outputs: [[Float]] = []
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            var y = Tensor.zeros([0]), yt = Tensor.zeros([0])
            Tensor.gemv(a, x, into: &y)
            Tensor.gemv(a, transpose: .transposed, xt, into: &yt)
            outputs.append(y.scalars + yt.scalars)
        }
        ComputeThreads.set(1)
        #expect(outputs[0] == outputs[1])
        let direct = Tensor.matmul(a, Tensor(shape: [1_024, 1], scalars: x.scalars))
        let worst = zip(outputs[0].prefix(4_096), direct.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-3)
    }

    @Test("a parallel loop inside a chunk runs on its caller and still visits every index once")
    func nestedLoops() {
        ComputeThreads.set(2)
        defer { ComputeThreads.set(1) }
        var counts = [Int](repeating: 0, count: 64 * 32)
        counts.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            ComputeThreads.forEachChunk(64) { outer in
                ComputeThreads.forEachChunk(32) { inner in base[outer * 32 + inner] += 1 }
            }
        }
        #expect(counts.allSatisfy { $0 == 1 })
        // Many small jobs back to back: every chunk runs exactly once in each.
        var totals = [Int](repeating: 0, count: 8)
        for _ in 0..<2_000 {
            totals.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress!
                ComputeThreads.forEachChunk(8) { base[$0] += 1 }
            }
        }
        #expect(totals == [Int](repeating: 2_000, count: 8))
    }
}
