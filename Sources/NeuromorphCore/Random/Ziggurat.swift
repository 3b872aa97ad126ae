import RealModule

/// Standard-normal draws by the Ziggurat method (Marsaglia & Tsang 2000, "The Ziggurat
/// Method for Generating Random Variables", 128 layers), for per-event noise in hot loops
/// (one cycle-to-cycle draw per device pulse). About 99 % of draws take the fast path: one
/// 64-bit draw, a table lookup, a multiply and a compare. The layer index comes from the
/// low 7 bits and the value from the high 32 bits of the same 64-bit word, so index and
/// value are independent (the classic RNOR reuses bits for both). The tail beyond
/// r = 3.442620 is sampled exactly (Marsaglia 1964), so the distribution is exact up to
/// float rounding.
public enum Ziggurat {
    /// The layer tables, allocated once and never freed: raw pointers, so the hot path does
    /// no reference counting and no bounds checks (indices are `bits & 127`).
    @usableFromInline
    struct Tables: @unchecked Sendable {
        @usableFromInline let k: UnsafeMutablePointer<UInt32>   // |hz| < k[i] ⇒ fast accept
        @usableFromInline let w: UnsafeMutablePointer<Float>    // value scale of layer i
        @usableFromInline let f: UnsafeMutablePointer<Float>    // density at the layer edge

        init() {
            let m1 = 2_147_483_648.0
            var dn = 3.442_619_855_899, tn = dn
            let vn = 9.912_563_035_262_17e-3
            var k = [UInt32](repeating: 0, count: 128)
            var w = [Float](repeating: 0, count: 128)
            var f = [Float](repeating: 0, count: 128)
            let q = vn / Double.exp(-0.5 * dn * dn)
            k[0] = UInt32((dn / q) * m1)
            k[1] = 0
            w[0] = Float(q / m1)
            w[127] = Float(dn / m1)
            f[0] = 1
            f[127] = Float(Double.exp(-0.5 * dn * dn))
            for i in stride(from: 126, through: 1, by: -1) {
                dn = (-2 * Double.log(vn / dn + Double.exp(-0.5 * dn * dn))).squareRoot()
                k[i + 1] = UInt32((dn / tn) * m1)
                tn = dn
                f[i] = Float(Double.exp(-0.5 * dn * dn))
                w[i] = Float(dn / m1)
            }
            self.k = .allocate(capacity: 128)
            self.w = .allocate(capacity: 128)
            self.f = .allocate(capacity: 128)
            self.k.initialize(from: k, count: 128)
            self.w.initialize(from: w, count: 128)
            self.f.initialize(from: f, count: 128)
        }
    }

    @usableFromInline static let tables = Tables()

    /// The layer tables for kernels outside Swift (the C pulse kernels): fast-accept
    /// thresholds `k`, value scales `w`, edge densities `f`, 128 entries each, valid for the
    /// life of the process.
    public static var tablePointers: (k: UnsafePointer<UInt32>, w: UnsafePointer<Float>, f: UnsafePointer<Float>) {
        let t = tables
        return (UnsafePointer(t.k), UnsafePointer(t.w), UnsafePointer(t.f))
    }
    @usableFromInline static let tailStart: Float = 3.442_62

    /// One N(0, 1) draw.
    @inlinable @inline(__always)
    public static func next(_ generator: inout SeededGenerator) -> Float {
        let bits = generator.next()
        let hz = Int32(truncatingIfNeeded: bits >> 32)
        let iz = Int(bits & 127)
        let t = tables
        if hz.magnitude < t.k[iz] { return Float(hz) * t.w[iz] }
        return slowPath(hz: hz, iz: iz, generator: &generator)
    }

    /// The tables fetched once, for hot loops in other modules: every access to the
    /// `static let` ``tables`` from outside this module goes through its lazy-initialization
    /// check (`swift_once`), once per draw in ``next(_:)``. A loop holds one `Sampler` and
    /// calls ``Sampler/next(_:)``: the same draws as ``Ziggurat/next(_:)``, bit for bit.
    public struct Sampler: Sendable {
        @usableFromInline let t: Tables

        @inlinable public init() { t = Ziggurat.tables }

        /// One N(0, 1) draw (``Ziggurat/next(_:)``).
        @inlinable @inline(__always)
        public func next(_ generator: inout SeededGenerator) -> Float {
            let bits = generator.next()
            let hz = Int32(truncatingIfNeeded: bits >> 32)
            let iz = Int(bits & 127)
            if hz.magnitude < t.k[iz] { return Float(hz) * t.w[iz] }
            return Ziggurat.slowPath(hz: hz, iz: iz, generator: &generator)
        }

        /// One N(0, 1) draw that is a pure function of `key` (a well-mixed 64-bit hash, e.g.
        /// of a device index and its write count): the fast path uses `key` as the 64-bit
        /// draw; the wedges and the tail continue with a generator seeded from `key`.
        @inlinable @inline(__always)
        public func next(key: UInt64) -> Float {
            let hz = Int32(truncatingIfNeeded: key >> 32)
            let iz = Int(key & 127)
            if hz.magnitude < t.k[iz] { return Float(hz) * t.w[iz] }
            var generator = SeededGenerator(seed: key)
            return Ziggurat.slowPath(hz: hz, iz: iz, generator: &generator)
        }
    }

    /// The wedges and the tail (about 1 % of draws).
    @usableFromInline
    static func slowPath(hz: Int32, iz: Int, generator: inout SeededGenerator) -> Float {
        var hz = hz, iz = iz
        let t = tables
        while true {
            if iz == 0 {
                // Tail beyond r: x = −ln(u₁)/r accepted when −2 ln(u₂) > x².
                var x: Float, y: Float
                repeat {
                    x = -Float.log(1 - generator.nextUniform()) / tailStart
                    y = -Float.log(1 - generator.nextUniform())
                } while y + y < x * x
                return hz > 0 ? tailStart + x : -(tailStart + x)
            }
            let x = Float(hz) * t.w[iz]
            if t.f[iz] + generator.nextUniform() * (t.f[iz - 1] - t.f[iz]) < Float.exp(-0.5 * x * x) { return x }
            let bits = generator.next()
            hz = Int32(truncatingIfNeeded: bits >> 32)
            iz = Int(bits & 127)
            if hz.magnitude < t.k[iz] { return Float(hz) * t.w[iz] }
        }
    }
}
