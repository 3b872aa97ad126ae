import Foundation

/// NEST's RKF45 scheme for four neurons at once: each lane keeps its own time, step size
/// and accept/reject decisions (GSL `evolve_apply` per neuron), but the Fehlberg stages are
/// computed for the four lanes together. Every lane does the same IEEE operations as the
/// scalar ``RKF45/evolve(_:over:stepSize:rhs:)``, so the results are identical.
enum RKF45Lanes {
    typealias Lanes = SIMD4<Double>

    struct Point {
        var v, ge, gi: Lanes
        @inline(__always) static func + (a: Point, b: Point) -> Point { Point(v: a.v + b.v, ge: a.ge + b.ge, gi: a.gi + b.gi) }
        @inline(__always) static func * (k: Double, a: Point) -> Point { Point(v: k * a.v, ge: k * a.ge, gi: k * a.gi) }
        @inline(__always) static func * (k: Lanes, a: Point) -> Point { Point(v: k * a.v, ge: k * a.ge, gi: k * a.gi) }
        @inline(__always) static func += (a: inout Point, b: Point) { a = a + b }
    }

    /// `iaf_cond_exp_dynamics` per lane.
    struct RightHandSide {
        let base: CondExpRightHandSide
        var refractory: SIMDMask<SIMD4<Int64>>
        var current: Lanes

        @inline(__always)
        func derivative(_ y: Point) -> Point {
            let capped = y.v.replacing(with: Lanes(repeating: base.vTh), where: y.v .> base.vTh)
            let v = capped.replacing(with: base.vReset, where: refractory)
            let iSynEx = y.ge * (v - base.eEx)
            let iSynIn = y.gi * (v - base.eIn)
            let iLeak = base.gL * (v - base.eL)
            let dv = ((-iLeak + current - iSynEx - iSynIn) * base.inverseC).replacing(with: 0, where: refractory)
            return Point(v: dv, ge: y.ge * base.minusInverseTauEx, gi: y.gi * base.minusInverseTauIn)
        }
    }

    @inline(__always)
    static func stepWithError(_ y: Point, _ h: Lanes, _ f: RightHandSide) -> (Point, Point) {
        typealias R = RKF45
        let k1 = f.derivative(y)
        let k2 = f.derivative(y + h * (R.b21 * k1))
        var s3 = R.b31 * k1
        s3 += R.b32 * k2
        let k3 = f.derivative(y + h * s3)
        var s4 = R.b41 * k1
        s4 += R.b42 * k2
        s4 += R.b43 * k3
        let k4 = f.derivative(y + h * s4)
        var s5 = R.b51 * k1
        s5 += R.b52 * k2
        s5 += R.b53 * k3
        s5 += R.b54 * k4
        let k5 = f.derivative(y + h * s5)
        var s6 = R.b61 * k1
        s6 += R.b62 * k2
        s6 += R.b63 * k3
        s6 += R.b64 * k4
        s6 += R.b65 * k5
        let k6 = f.derivative(y + h * s6)
        var sum = R.c1 * k1
        sum += R.c3 * k3
        sum += R.c4 * k4
        sum += R.c5 * k5
        sum += R.c6 * k6
        var err = R.e1 * k1
        err += R.e3 * k3
        err += R.e4 * k4
        err += R.e5 * k5
        err += R.e6 * k6
        return (y + h * sum, h * err)
    }

    /// Integrates each lane from 0 to `span` as ``RKF45/evolve(_:over:stepSize:rhs:)`` does.
    @inline(__always)
    static func evolve(_ y: inout Point, over span: Double, stepSize h: inout Lanes, rhs: RightHandSide) {
        var t = Lanes(repeating: 0)
        let spanLanes = Lanes(repeating: span)
        var rounds = 0
        while true {
            let active = t .< spanLanes
            if !any(active) { return }
            rounds += 1
            let remaining = spanLanes - t
            let finalStep = h .> remaining
            var h0 = h.replacing(with: remaining, where: finalStep)
            h0 = h0.replacing(with: 0, where: .!active)
            let (next, error) = stepWithError(y, h0, rhs)
            let ev = error.v.replacing(with: -error.v, where: error.v .< 0)
            let ee = error.ge.replacing(with: -error.ge, where: error.ge .< 0)
            let ei = error.gi.replacing(with: -error.gi, where: error.gi .< 0)
            var largest = ev.replacing(with: ee, where: ee .> ev)
            largest = largest.replacing(with: ei, where: ei .> largest)
            let ratio = largest * (1 / RKF45.absoluteTolerance)
            // The common case: every lane active, accepted, and growing by the full 5×.
            if all(active), all(ratio .< 3.4012224e-5) {
                y = next
                t = (t + h0).replacing(with: spanLanes, where: finalStep)
                h = h0 * 5
                continue
            }
            for lane in 0..<4 where active[lane] {
                let r = ratio[lane]
                if r > 1.1, rounds < 10_000 {
                    let factor = Swift.max(0.2, 0.9 / RKF45.pow5th(r))
                    let shrunk = h0[lane] * factor
                    if shrunk < h0[lane], t[lane] + shrunk != t[lane] {
                        h[lane] = shrunk
                        continue
                    }
                }
                y.v[lane] = next.v[lane]
                y.ge[lane] = next.ge[lane]
                y.gi[lane] = next.gi[lane]
                t[lane] = finalStep[lane] ? span : t[lane] + h0[lane]
                var accepted = h0[lane]
                if r < 0.5 {
                    accepted *= r < 3.4012224e-5 ? 5 : Swift.min(5, Swift.max(1, 0.9 / RKF45.pow6th(r)))
                }
                h[lane] = accepted
            }
        }
    }
}
