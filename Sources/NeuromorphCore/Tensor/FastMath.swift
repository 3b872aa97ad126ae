import RealModule

/// Vectorizable elementary functions for activation hot loops.
///
/// `fastExp` is a Cephes-style range reduction `exp(x) = 2ⁿ · exp(r)`, |r| ≤ ln2/2, with a
/// degree-6 polynomial for `exp(r)`; relative error below 2e-7 over [-87, 88] (checked
/// against `Float.exp` in the tests). Written without calls so the optimizer can vectorize
/// loops that use it (a libm call per element would not).
public enum FastMath {
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        let clamped = Swift.min(Swift.max(x, -87.3), 88.7)
        // Round to nearest by the 1.5·2²³ magic constant: its low mantissa bits then hold n,
        // which keeps the loop free of float→int conversions (which would not vectorize).
        let shifted = Relaxed.multiplyAdd(clamped, 1.442_695_04, 12_582_912)
        let n = shifted - 12_582_912
        let r = Relaxed.multiplyAdd(n, -0.693_359_375, clamped)
        let r2 = Relaxed.multiplyAdd(n, 2.121_944_4e-4, r)
        var p: Float = 1.987_569_1e-4
        p = Relaxed.multiplyAdd(p, r2, 1.398_199_9e-3)
        p = Relaxed.multiplyAdd(p, r2, 8.333_452e-3)
        p = Relaxed.multiplyAdd(p, r2, 4.166_579_6e-2)
        p = Relaxed.multiplyAdd(p, r2, 0.166_666_65)
        p = Relaxed.multiplyAdd(p, r2, 0.5)
        p = Relaxed.multiplyAdd(p, r2 * r2, r2 + 1)
        let bits = (shifted.bitPattern &- 0x4B40_0000 &+ 127) << 23
        return p * Float(bitPattern: bits)
    }

    /// The logistic sigmoid 1 / (1 + e⁻ˣ).
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    /// tanh(x) = 2σ(2x) − 1, with its odd Taylor series for |x| < 1/8, where the
    /// subtraction would cancel: `x − x³/3 + 2x⁵/15 − 17x⁷/315` (truncation below 2⁻²⁴
    /// relative there), so small activations keep full relative accuracy. Branch-free (a
    /// select), so loops over it still vectorize.
    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float {
        let large = 2 / (1 + exp(-2 * x)) - 1
        let x2 = x * x
        var p: Float = -17.0 / 315
        p = Relaxed.multiplyAdd(p, x2, 2.0 / 15)
        p = Relaxed.multiplyAdd(p, x2, -1.0 / 3)
        let small = Relaxed.multiplyAdd(x * x2, p, x)
        return Swift.abs(x) < 0.125 ? small : large
    }
}
