import RealModule

/// Bulk standard-normal draws for noise hot loops (analog periphery, PCM reads): Box–Muller on
/// 64 random bits per pair, with call-free polynomial `log`, `sin` and `cos` so the
/// transform vectorizes (a libm call per element would not).
///
/// ```
/// u₁ = 2 − 1.m₁  ∈ (0, 1]        (m₁: 23 random bits)
/// θ  = q·π/2 + (f − ½)·π/2        (q: 2 random bits, f ∈ [0, 1): 23 random bits)
/// z₀ = √(−2 ln u₁) · cos θ,   z₁ = √(−2 ln u₁) · sin θ
/// ```
///
/// θ is uniform on a full turn (an offset of the angle does not change the distribution),
/// and `sin`/`cos` are evaluated on `[−π/4, π/4)` then rotated by the quadrant `q`. The
/// polynomials are Cephes' `logf`, `sinf`, `cosf` (relative error ≈ 1e-7). With 23-bit
/// `u₁` the largest draw is √(−2 ln 2⁻²³) = 5.65σ (the tail beyond holds 1.6e-8 of the
/// mass): ample for device noise, not for rare-event studies. The stream position after a
/// fill depends only on the count (`⌈count / 2⌉` calls of `next()`), so results are
/// reproducible for a given seed.
///
/// The core `SeededGenerator.fillNormal` (polar method in `Double`) is the exact reference;
/// this sampler is about 5× faster.
public enum FastNormalSampler {
    /// Pairs produced per block; bounded so the scratch bits live on the stack.
    @usableFromInline static let blockPairs = 256

    /// Fills `buffer` with independent N(0, 1) draws.
    public static func fill(_ buffer: UnsafeMutableBufferPointer<Float>, generator: inout SeededGenerator) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let n = buffer.count
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * blockPairs) { bits in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * blockPairs) { tail in
                let lo = bits.baseAddress!, hi = lo + blockPairs
                var start = 0
                while start < n {
                    let m = Swift.min(2 * blockPairs, n - start)
                    let pairs = (m + 1) / 2
                    for i in 0..<pairs {
                        let word = generator.next()
                        lo[i] = UInt32(truncatingIfNeeded: word)
                        hi[i] = UInt32(truncatingIfNeeded: word >> 32)
                    }
                    if m == 2 * pairs {
                        transform(lo, hi, pairs, base + start, base + start + pairs)
                    } else {
                        // Odd final block: transform into scratch, keep the first `m` draws.
                        let t = tail.baseAddress!
                        transform(lo, hi, pairs, t, t + pairs)
                        for i in 0..<m { base[start + i] = t[i] }
                    }
                    start += m
                }
            }
        }
    }

    /// Box–Muller on `count` pairs of 32-bit words; writes `z₀` to `out0`, `z₁` to `out1`.
    /// Kept out of line: as a flat pointer loop it vectorizes.
    @inline(never)
    @usableFromInline static func transform(_ lo: UnsafePointer<UInt32>, _ hi: UnsafePointer<UInt32>, _ count: Int,
                          _ out0: UnsafeMutablePointer<Float>, _ out1: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            let a = lo[i], b = hi[i]
            let u1 = 2 - Float(bitPattern: 0x3F80_0000 | (a >> 9))            // (0, 1]
            let radius = squareRoot(-2 * logUnit(u1))
            let f = Float(bitPattern: 0x3F80_0000 | (b >> 9)) - 1              // [0, 1)
            let angle = (f - 0.5) * (Float.pi / 2)                             // [−π/4, π/4)
            let z = angle * angle
            var s = Relaxed.multiplyAdd(-1.951_529_589_1e-4, z, 8.332_160_873_6e-3)
            s = Relaxed.multiplyAdd(s, z, -1.666_665_461_1e-1)
            let sine = Relaxed.multiplyAdd(s * z, angle, angle)
            var c = Relaxed.multiplyAdd(2.443_315_711_809_948e-5, z, -1.388_731_625_493_765e-3)
            c = Relaxed.multiplyAdd(c, z, 4.166_664_568_298_827e-2)
            let cosine = Relaxed.multiplyAdd(c * z, z, Relaxed.multiplyAdd(-0.5, z, 1))
            // Rotate by the quadrant q = b & 3: q odd swaps (cos, sin) → (−sin, cos); q ≥ 2 negates.
            let swap = 0 &- (b & 1)
            let x = (cosine.bitPattern & ~swap) | ((-sine).bitPattern & swap)
            let y = (sine.bitPattern & ~swap) | (cosine.bitPattern & swap)
            let flip = (b & 2) << 30
            out0[i] = radius * Float(bitPattern: x ^ flip)
            out1[i] = radius * Float(bitPattern: y ^ flip)
        }
    }

    /// √x for finite x ≥ 0 without a libm call: Swift's `squareRoot()` keeps a `sqrtf`
    /// fallback for negative inputs (errno), which stops the loop vectorizer. Inverse-sqrt
    /// bit guess plus three Newton steps (relative error ≈ 1e-7); exactly 0 at x = 0.
    @inline(__always)
    public static func squareRoot(_ x: Float) -> Float {
        var y = Float(bitPattern: 0x5F37_59DF &- (x.bitPattern >> 1))
        let half = 0.5 * x
        y = y * (1.5 - half * y * y)
        y = y * (1.5 - half * y * y)
        y = y * (1.5 - half * y * y)
        return x * y
    }

    /// Natural log of a positive normal `Float` (Cephes `logf`, no calls, vectorizable).
    @inline(__always)
    public static func logUnit(_ x: Float) -> Float {
        let bits = x.bitPattern
        // x = m · 2^e with m ∈ [0.5, 1); the exponent is read through a magic float (exact).
        var e = Float(bitPattern: 0x4B00_0000 | (bits >> 23)) - (8_388_608 + 126)
        var m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F00_0000)
        let small = m < 0.707_106_77
        e = small ? e - 1 : e
        m = small ? m + m - 1 : m - 1
        let z = m * m
        var p: Float = 7.037_683_629_2e-2
        p = Relaxed.multiplyAdd(p, m, -1.151_461_031_0e-1)
        p = Relaxed.multiplyAdd(p, m, 1.167_699_874_0e-1)
        p = Relaxed.multiplyAdd(p, m, -1.242_014_084_6e-1)
        p = Relaxed.multiplyAdd(p, m, 1.424_932_278_7e-1)
        p = Relaxed.multiplyAdd(p, m, -1.666_805_766_5e-1)
        p = Relaxed.multiplyAdd(p, m, 2.000_071_476_5e-1)
        p = Relaxed.multiplyAdd(p, m, -2.499_999_399_3e-1)
        p = Relaxed.multiplyAdd(p, m, 3.333_333_117_4e-1)
        var y = p * m * z
        y = Relaxed.multiplyAdd(e, -2.121_944_40e-4, y)
        y = Relaxed.multiplyAdd(-0.5, z, y)
        return Relaxed.multiplyAdd(e, 0.693_359_375, m + y)
    }
}
