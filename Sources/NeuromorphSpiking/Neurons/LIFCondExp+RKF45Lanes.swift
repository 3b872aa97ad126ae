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

    /// A conductance obeys `g' = −g/τ`, so every Fehlberg stage value of g is `g₀` times a
    /// number that depends only on `h/τ`: the stages computed once for `g₀ = 1` (the same
    /// tableau, so the result equals GSL's up to rounding order).
    struct ConductanceStages {
        /// g at stages 1…6 for g₀ = 1.
        var stage: (Double, Double, Double, Double, Double, Double)
        /// The 5th-order solution and the error estimate for g₀ = 1.
        var next: Double
        var error: Double

        init(h: Double, tau: Double) {
            typealias R = RKF45
            let r = -1 / tau
            let y1 = 1.0, k1 = r * y1
            let y2 = 1 + h * (R.b21 * k1), k2 = r * y2
            let y3 = 1 + h * (R.b31 * k1 + R.b32 * k2), k3 = r * y3
            let y4 = 1 + h * (R.b41 * k1 + R.b42 * k2 + R.b43 * k3), k4 = r * y4
            let y5 = 1 + h * (R.b51 * k1 + R.b52 * k2 + R.b53 * k3 + R.b54 * k4), k5 = r * y5
            let y6 = 1 + h * (R.b61 * k1 + R.b62 * k2 + R.b63 * k3 + R.b64 * k4 + R.b65 * k5), k6 = r * y6
            stage = (y1, y2, y3, y4, y5, y6)
            next = 1 + h * (R.c1 * k1 + R.c3 * k3 + R.c4 * k4 + R.c5 * k5 + R.c6 * k6)
            error = h * (R.e1 * k1 + R.e3 * k3 + R.e4 * k4 + R.e5 * k5 + R.e6 * k6)
        }
    }

    /// One Fehlberg step of the full span `h` for all four lanes, with the conductance
    /// stages from `ex`/`inh`: only V's stages are evaluated.
    @inline(__always)
    static func uniformStep(_ y: Point, _ h: Double, _ f: RightHandSide, _ ex: ConductanceStages,
                            _ inh: ConductanceStages) -> (Point, Point) {
        typealias R = RKF45
        let b = f.base
        @inline(__always) func dv(_ v: Lanes, _ stageEx: Double, _ stageIn: Double) -> Lanes {
            let capped = v.replacing(with: Lanes(repeating: b.vTh), where: v .> b.vTh)
            let vv = capped.replacing(with: b.vReset, where: f.refractory)
            let ge = y.ge * stageEx, gi = y.gi * stageIn
            return ((-(b.gL * (vv - b.eL)) + f.current - ge * (vv - b.eEx) - gi * (vv - b.eIn)) * b.inverseC)
                .replacing(with: 0, where: f.refractory)
        }
        let k1 = dv(y.v, ex.stage.0, inh.stage.0)
        let k2 = dv(y.v + h * (R.b21 * k1), ex.stage.1, inh.stage.1)
        var s3 = R.b31 * k1
        s3 += R.b32 * k2
        let k3 = dv(y.v + h * s3, ex.stage.2, inh.stage.2)
        var s4 = R.b41 * k1
        s4 += R.b42 * k2
        s4 += R.b43 * k3
        let k4 = dv(y.v + h * s4, ex.stage.3, inh.stage.3)
        var s5 = R.b51 * k1
        s5 += R.b52 * k2
        s5 += R.b53 * k3
        s5 += R.b54 * k4
        let k5 = dv(y.v + h * s5, ex.stage.4, inh.stage.4)
        var s6 = R.b61 * k1
        s6 += R.b62 * k2
        s6 += R.b63 * k3
        s6 += R.b64 * k4
        s6 += R.b65 * k5
        let k6 = dv(y.v + h * s6, ex.stage.5, inh.stage.5)
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
        return (Point(v: y.v + h * sum, ge: y.ge * ex.next, gi: y.gi * inh.next),
                Point(v: h * err, ge: y.ge * ex.error, gi: y.gi * inh.error))
    }

    /// Integrates each lane from 0 to `span` as ``RKF45/evolve(_:over:stepSize:rhs:)`` does;
    /// when every lane's step covers the span (the usual case), the first try uses the
    /// precomputed conductance stages.
    @inline(__always)
    static func evolve(_ y: inout Point, over span: Double, stepSize h: inout Lanes, rhs: RightHandSide,
                       stages: (ex: ConductanceStages, inh: ConductanceStages)) {
        if all(h .>= Lanes(repeating: span)) {
            let (next, error) = uniformStep(y, span, rhs, stages.ex, stages.inh)
            let ev = error.v.replacing(with: -error.v, where: error.v .< 0)
            let ee = error.ge.replacing(with: -error.ge, where: error.ge .< 0)
            let ei = error.gi.replacing(with: -error.gi, where: error.gi .< 0)
            var largest = ev.replacing(with: ee, where: ee .> ev)
            largest = largest.replacing(with: ei, where: ei .> largest)
            let ratio = largest * (1 / RKF45.absoluteTolerance)
            if all(ratio .< 3.4012224e-5) {
                // Accepted in every lane with the full 5× growth (0.9/ratio^{1/6} ≥ 5).
                y = next
                h = Lanes(repeating: span * 5)
                return
            }
            if all(ratio .<= 1.1) {
                // Accepted in every lane: GSL's growth rule per lane.
                y = next
                h = grownSteps(ratio, span: span)
                return
            }
        }
        evolve(&y, over: span, stepSize: &h, rhs: rhs)
    }

    /// GSL's step growth after an accepted step of `span` in every lane (the uncommon case).
    @inline(never)
    static func grownSteps(_ ratio: Lanes, span: Double) -> Lanes {
        var h = Lanes.zero
        for lane in 0..<4 {
            let r = ratio[lane]
            let grow = r < 3.4012224e-5 ? 5 : (r < 0.5 ? Swift.min(5, Swift.max(1, 0.9 / RKF45.pow6th(r))) : 1)
            h[lane] = span * grow
        }
        return h
    }

    /// Integrates each lane from 0 to `span` as ``RKF45/evolve(_:over:stepSize:rhs:)`` does
    /// (the general path: a rejected step or a step shorter than the span in some lane).
    @inline(never)
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
