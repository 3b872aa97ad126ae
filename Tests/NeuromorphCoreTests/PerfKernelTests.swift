import Testing
@testable import NeuromorphCore

/// The batched convolution kernels (`[C·kh·kw, N·P]` column layout), the layout changes
/// around the GEMM, pooling's planes in parallel, and the resident-memory probe. References
/// are the per-image row-layout `im2col`/`col2im` that the tests in TensorTests check against
/// a direct convolution.
@Suite("Performance kernels", PerfExclusiveThreads(), .serialized)
struct PerfKernelTests {
    static let geometries = [
        ConvolutionGeometry(channels: 3, height: 7, width: 6, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1),
        ConvolutionGeometry(channels: 2, height: 8, width: 9, kernelHeight: 3, kernelWidth: 2, stride: 2, padding: 1),
        ConvolutionGeometry(channels: 1, height: 5, width: 5, kernelHeight: 5, kernelWidth: 5, stride: 1, padding: 2),
        ConvolutionGeometry(channels: 2, height: 6, width: 6, kernelHeight: 2, kernelWidth: 2, stride: 3, padding: 0),
    ]

    /// Row-layout patches of every image: `[N·P, K]`.
    static func rowPatches(_ x: Tensor, batch: Int, _ g: ConvolutionGeometry) -> [Float] {
        let imageSize = g.channels * g.height * g.width
        var patches = [Float](repeating: 0, count: batch * g.outputPixels * g.patchSize)
        x.scalars.withUnsafeBufferPointer { src in
            patches.withUnsafeMutableBufferPointer { dst in
                for n in 0..<batch {
                    let slice = UnsafeMutableBufferPointer(rebasing: dst[(n * g.outputPixels * g.patchSize)...])
                    Tensor.im2col(src, imageOffset: n * imageSize, geometry: g, into: slice)
                }
            }
        }
        return patches
    }

    @Test("im2colColumns is the transpose of the per-image row patches, exactly, on 1 and 2 threads",
          arguments: geometries)
    func columnsMatchRowPatches(g: ConvolutionGeometry) {
        let batch = 3
        var generator = SeededGenerator(seed: 7)
        let x = Tensor.randomNormal([batch, g.channels, g.height, g.width], using: &generator)
        let rows = Self.rowPatches(x, batch: batch, g)
        let width = batch * g.outputPixels
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            var columns = [Float](repeating: .nan, count: g.patchSize * width)
            x.scalars.withUnsafeBufferPointer { src in
                columns.withUnsafeMutableBufferPointer { Tensor.im2colColumns(src.baseAddress!, batch: batch, geometry: g, into: $0.baseAddress!) }
            }
            var mismatches = 0
            for k in 0..<g.patchSize {
                for q in 0..<width where columns[k * width + q] != rows[q * g.patchSize + k] { mismatches += 1 }
            }
            #expect(mismatches == 0, "geometry \(g), threads \(threads)")
        }
        ComputeThreads.set(1)
    }

    @Test("col2imColumns is the adjoint of im2colColumns: <im2col(x), y> = <x, col2im(y)>", arguments: geometries)
    func col2imColumnsIsAdjoint(g: ConvolutionGeometry) {
        let batch = 2
        var generator = SeededGenerator(seed: 11)
        let x = Tensor.randomNormal([batch, g.channels, g.height, g.width], using: &generator)
        let y = Tensor.randomNormal([g.patchSize, batch * g.outputPixels], using: &generator)
        var columns = [Float](repeating: 0, count: y.count)
        var back = [Float](repeating: 0, count: x.count)
        x.scalars.withUnsafeBufferPointer { src in
            columns.withUnsafeMutableBufferPointer { Tensor.im2colColumns(src.baseAddress!, batch: batch, geometry: g, into: $0.baseAddress!) }
        }
        y.scalars.withUnsafeBufferPointer { src in
            back.withUnsafeMutableBufferPointer { Tensor.col2imColumns(src.baseAddress!, batch: batch, geometry: g, into: $0.baseAddress!) }
        }
        let left = zip(columns, y.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let right = zip(x.scalars, back).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        // Float products summed in double: the two sides agree to rounding of the inputs.
        #expect(abs(left - right) <= 1e-4 * max(1, abs(left)), "geometry \(g): \(left) vs \(right)")
    }

    @Test("channel-major ↔ NCHW round trip adds the bias and returns the per-channel sums")
    func layoutChanges() {
        let (batch, channels, pixels) = (3, 4, 5)
        var generator = SeededGenerator(seed: 3)
        let y = Tensor.randomNormal([channels, batch * pixels], using: &generator)
        let bias: [Float] = [1, -2, 0.5, 3]
        var images = [Float](repeating: 0, count: y.count)
        var back = [Float](repeating: 0, count: y.count)
        var sums = [Float](repeating: 0, count: channels)
        y.scalars.withUnsafeBufferPointer { src in
            images.withUnsafeMutableBufferPointer { Tensor.channelMajorToImages(src.baseAddress!, batch: batch, channels: channels, pixels: pixels, bias: bias, into: $0.baseAddress!) }
        }
        for n in 0..<batch {
            for c in 0..<channels {
                for p in 0..<pixels {
                    #expect(images[(n * channels + c) * pixels + p] == y.scalars[c * batch * pixels + n * pixels + p] + bias[c])
                }
            }
        }
        images.withUnsafeBufferPointer { src in
            back.withUnsafeMutableBufferPointer { dst in
                sums.withUnsafeMutableBufferPointer { Tensor.imagesToChannelMajor(src.baseAddress!, batch: batch, channels: channels, pixels: pixels, into: dst.baseAddress!, channelSums: $0.baseAddress!) }
            }
        }
        for c in 0..<channels {
            var expected: Float = 0
            for q in 0..<(batch * pixels) {
                #expect(back[c * batch * pixels + q] == y.scalars[c * batch * pixels + q] + bias[c])
                expected += back[c * batch * pixels + q]
            }
            #expect(abs(sums[c] - expected) <= 1e-5 * max(1, abs(expected)), "channel \(c)")
        }
    }

    @Test("max and average pooling: the same outputs and gradients on 1 and 2 threads, the 2×2 path equal to the general one",
          arguments: [(PoolingKind.max, 2, 2), (.max, 3, 2), (.average, 2, 2), (.max, 2, 1)])
    func poolingThreads(kind: PoolingKind, window: Int, stride: Int) {
        var generator = SeededGenerator(seed: 5)
        // Enough planes for several parallel chunks.
        let x = Tensor.randomNormal([8, 40, 12, 12], using: &generator)
        let pool = Pooling2D(kind: kind, window: window, stride: stride)
        var results: [([Float], [Int32], [Float])] = []
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            let (y, argmax) = pool.forward(x)
            let g = Tensor.randomNormal(y.shape, using: &generator)
            let dx = pool.backward(g, inputShape: x.shape, argmax: argmax)
            results.append((y.scalars, argmax, dx.scalars))
            generator = SeededGenerator(seed: 5)
            _ = Tensor.randomNormal([8, 40, 12, 12], using: &generator)
        }
        ComputeThreads.set(1)
        #expect(results[0].0 == results[1].0 && results[0].1 == results[1].1 && results[0].2 == results[1].2)
        // Reference: the window maximum / mean computed directly.
        let oh = pool.outputExtent(12), ow = oh
        var mismatches = 0
        for plane in 0..<(8 * 40) {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var values: [Float] = []
                    for ky in 0..<window { for kx in 0..<window { values.append(x.scalars[plane * 144 + (oy * stride + ky) * 12 + ox * stride + kx]) } }
                    let expected = kind == .max ? values.max()! : values.reduce(0, +) / Float(values.count)
                    let got = results[0].0[(plane * oh + oy) * ow + ox]
                    if kind == .max ? got != expected : abs(got - expected) > 1e-6 { mismatches += 1 }
                }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("2×2 max-pool forward and backward equal the direct reference bit for bit (even and odd planes, −0 gradients included)",
          arguments: [12, 13])
    func maxPoolReference(side: Int) {
        var generator = SeededGenerator(seed: 9)
        var x = Tensor.randomNormal([3, 5, side, side], using: &generator)
        for i in stride(from: 0, to: x.count, by: 3) { x.scalars[i] = 0.25 }   // ties inside windows
        let pool = Pooling2D(kind: .max, window: 2, stride: 2)
        let (y, argmax) = pool.forward(x)
        // Forward: the first maximum of each window in row-major order, value and flat index.
        let oh = pool.outputExtent(side)
        var forwardMismatches = 0
        for plane in 0..<15 {
            for oy in 0..<oh {
                for ox in 0..<oh {
                    var best = -Float.infinity, index = 0
                    for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                        let i = plane * side * side + (2 * oy + dy) * side + 2 * ox + dx
                        if x.scalars[i] > best { best = x.scalars[i]; index = i }
                        if dy == 0 && dx == 0 { index = i }
                    }
                    let o = (plane * oh + oy) * oh + ox
                    if y.scalars[o].bitPattern != best.bitPattern || Int(argmax[o]) != index { forwardMismatches += 1 }
                }
            }
        }
        #expect(forwardMismatches == 0, "side \(side)")
        var g = Tensor.randomNormal(y.shape, using: &generator)
        for i in stride(from: 0, to: g.count, by: 7) { g.scalars[i] = -0.0 }
        let dx = pool.backward(g, inputShape: x.shape, argmax: argmax)
        var reference = [Float](repeating: 0, count: x.count)
        for o in 0..<g.count { reference[Int(argmax[o])] += g.scalars[o] }
        #expect(dx.scalars.map(\.bitPattern) == reference.map(\.bitPattern), "side \(side)")
    }

    @Test("ResidentMemory: with 64 MiB touched, the resident size is at least 64 MiB and the peak at least that")
    func residentMemory() throws {
        let count = 16 * 1_048_576
        var buffer = [Float](repeating: 1, count: count)
        buffer[count - 1] = 2
        // Other suites run concurrently in this process, so only bounds that hold whatever
        // they allocate or free are checked.
        let current = try #require(ResidentMemory.currentBytes())
        let peak = try #require(ResidentMemory.peakBytes())
        #expect(current >= count * 4, "resident \(current) bytes")
        #expect(peak >= current, "peak \(peak) < resident \(current)")
        #expect(buffer[count - 1] == 2)
    }
}

/// Holds `ComputeThreads.exclusive` for the suite (the trait the other test targets call
/// `.exclusiveComputeThreads`), starting from 1 thread.
struct PerfExclusiveThreads: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await ComputeThreads.exclusive(1) { try await function() }
    }
}
