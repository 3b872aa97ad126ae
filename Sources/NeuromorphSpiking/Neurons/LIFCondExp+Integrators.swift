import Foundation
import NeuromorphCore

// MARK: - Forward Euler and exponential Euler

extension LIFCondExp {
    /// Forward Euler from the start-of-step values (Brian2 `method='euler'`):
    /// ```
    /// V  ← V + dt·(g_L(E_L−V) + g_ex(E_ex−V) + g_in(E_in−V) + I_e)/C_m   (not refractory)
    /// g_x ← g_x − dt·g_x/τ_x
    /// ```
    func advanceEuler(_ state: inout State, range: Range<Int>, step: Int, dt: Double,
                      spikes: UnsafeMutablePointer<Int32>) -> Int {
        let p = parameters
        let membrane = EulerMembrane(gL: Float(p.g_L), EL: Float(p.E_L), Eex: Float(p.E_ex), Ein: Float(p.E_in),
                                     dtOverC: Float(dt / p.C_m))
        return sweep(&state, range: range, step: step, dt: dt, spikes: spikes, membrane: membrane,
                     decayEx: Float(1 - dt / p.tau_syn_ex), decayIn: Float(1 - dt / p.tau_syn_in))
    }

    /// Exponential Euler: conductances decay exactly; with conductances frozen over the
    /// step, V relaxes exactly towards `V∞ = (g_L E_L + g_ex E_ex + g_in E_in + I_e)/G`,
    /// `G = g_L + g_ex + g_in`, with time constant `C_m/G`.
    func advanceExponentialEuler(_ state: inout State, range: Range<Int>, step: Int, dt: Double,
                                 spikes: UnsafeMutablePointer<Int32>) -> Int {
        let p = parameters
        let membrane = ExponentialEulerMembrane(gL: Float(p.g_L), gLEL: Float(p.g_L * p.E_L), Eex: Float(p.E_ex),
                                                Ein: Float(p.E_in), minusDtOverC: Float(-dt / p.C_m))
        return sweep(&state, range: range, step: step, dt: dt, spikes: spikes, membrane: membrane,
                     decayEx: Float(Foundation.exp(-dt / p.tau_syn_ex)), decayIn: Float(Foundation.exp(-dt / p.tau_syn_in)))
    }

    /// The shared loop: membrane update (held at V_reset while refractory) and conductance
    /// decay in one branch-free pass that vectorizes, then threshold and reset.
    private func sweep<M: MembraneStep>(_ state: inout State, range: Range<Int>, step: Int, dt: Double,
                                        spikes: UnsafeMutablePointer<Int32>, membrane: M,
                                        decayEx: Float, decayIn: Float) -> Int {
        let now = Int32(clamping: step)
        let hold = refractorySteps(dt: dt)
        let strict = comparison == .greater
        let vTh = Float(parameters.V_th), vReset = Float(parameters.V_reset)
        var fired = 0
        state.V_m.withUnsafeMutableBufferPointer { v in
        state.g_ex.withUnsafeMutableBufferPointer { ge in
        state.g_in.withUnsafeMutableBufferPointer { gi in
        state.I_e.withUnsafeBufferPointer { ie in
        state.refractoryEnd.withUnsafeMutableBufferPointer { refractoryEnd in
            let start = range.lowerBound, n = range.count
            integrate(v.baseAddress! + start, ge.baseAddress! + start, gi.baseAddress! + start, ie.baseAddress! + start,
                      refractoryEnd.baseAddress! + start, n, now: now, vReset: vReset, decayEx: decayEx, decayIn: decayIn,
                      membrane: membrane)
            // Threshold and reset (a refractory neuron sits at V_reset < V_th), eight at a
            // time: `v > V_th` is `v ≥ V_th.nextUp` in floating point.
            let threshold = strict ? vTh.nextUp : vTh
            let vector = SIMD8<Float>(repeating: threshold)
            let raw = UnsafeRawPointer(v.baseAddress!)
            var i = range.lowerBound
            func fire(_ k: Int) {
                v[k] = vReset
                refractoryEnd[k] = now &+ hold
                spikes[fired] = Int32(truncatingIfNeeded: k)
                fired += 1
            }
            while i + 8 <= range.upperBound {
                if any(raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) .>= vector) {
                    for k in i..<(i + 8) where v[k] >= threshold { fire(k) }
                }
                i += 8
            }
            while i < range.upperBound {
                if v[i] >= threshold { fire(i) }
                i += 1
            }
        }}}}}
        return fired
    }
}

/// One membrane update with conductances frozen over the step.
protocol MembraneStep {
    func next(_ v: Float, _ ge: Float, _ gi: Float, _ ie: Float) -> Float
}

struct EulerMembrane: MembraneStep {
    let gL, EL, Eex, Ein, dtOverC: Float
    @inline(__always)
    func next(_ v: Float, _ ge: Float, _ gi: Float, _ ie: Float) -> Float {
        v + dtOverC * (gL * (EL - v) + ge * (Eex - v) + gi * (Ein - v) + ie)
    }
}

struct ExponentialEulerMembrane: MembraneStep {
    let gL, gLEL, Eex, Ein, minusDtOverC: Float
    @inline(__always)
    func next(_ v: Float, _ ge: Float, _ gi: Float, _ ie: Float) -> Float {
        let g = gL + ge + gi
        let vInf = (gLEL + ge * Eex + gi * Ein + ie) / g
        return vInf + (v - vInf) * FastMath.exp(minusDtOverC * g)
    }
}

/// The branch-free pass over raw pointers (so the loop vectorizes).
@inline(__always)
private func integrate<M: MembraneStep>(_ v: UnsafeMutablePointer<Float>, _ ge: UnsafeMutablePointer<Float>,
                                        _ gi: UnsafeMutablePointer<Float>, _ ie: UnsafePointer<Float>,
                                        _ refractoryEnd: UnsafePointer<Int32>, _ n: Int, now: Int32, vReset: Float,
                                        decayEx: Float, decayIn: Float, membrane: M) {
    for i in 0..<n {
        let refractory = now <= refractoryEnd[i]
        let vi = v[i], gei = ge[i], gii = gi[i]
        let updated = membrane.next(vi, gei, gii, ie[i])
        v[i] = refractory ? vReset : updated
        ge[i] = gei * decayEx
        gi[i] = gii * decayIn
    }
}

// MARK: - RKF45 (NEST parity)

extension LIFCondExp {
    /// NEST's scheme: GSL `gsl_odeiv_evolve_apply` with the `rkf45` stepper and the
    /// standard control `y_new(1e-3, 0)` (absolute error 1e-3 on V, g_ex, g_in), the step
    /// size kept per neuron between steps; inside the right-hand side V is capped at V_th
    /// (held at V_reset while refractory); after the step a refractory neuron is set to
    /// V_reset, otherwise `V ≥ V_th` fires (`iaf_cond_exp::update`).
    func advanceRKF45(_ state: inout State, range: Range<Int>, step: Int, dt: Double,
                      spikes: UnsafeMutablePointer<Int32>) -> Int {
        let p = parameters
        let now = Int32(clamping: step)
        let hold = refractorySteps(dt: dt)
        let rhs = CondExpRightHandSide(p: p, refractory: false, current: 0)
        let stages = (ex: RKF45Lanes.ConductanceStages(h: dt, tau: p.tau_syn_ex),
                      inh: RKF45Lanes.ConductanceStages(h: dt, tau: p.tau_syn_in))
        let vReset = Float(p.V_reset)
        let comparison = comparison
        var fired = 0
        state.V_m.withUnsafeMutableBufferPointer { vm in
        state.g_ex.withUnsafeMutableBufferPointer { gex in
        state.g_in.withUnsafeMutableBufferPointer { gin in
        state.I_e.withUnsafeBufferPointer { ie in
        state.refractoryEnd.withUnsafeMutableBufferPointer { refractoryEnd in
        state.integrationStep.withUnsafeMutableBufferPointer { stepSize in
            // Neurons in groups of four lanes (a partial group is padded with copies of its
            // last neuron and the copies discarded), so every neuron takes the same path
            // whatever the range or chunk it is advanced in.
            func kernel(_ sub: Range<Int>, _ out: UnsafeMutablePointer<Int32>) -> Int {
                var lanes = RKF45Lanes.RightHandSide(base: rhs, refractory: .init(repeating: false), current: .init(repeating: 0))
                var count = 0
                var i = sub.lowerBound
                let vThreshold = SIMD4<Double>(repeating: p.V_th)
                let vm32 = UnsafeMutableRawPointer(vm.baseAddress!), gex32 = UnsafeMutableRawPointer(gex.baseAddress!)
                let gin32 = UnsafeMutableRawPointer(gin.baseAddress!), ie32 = UnsafeRawPointer(ie.baseAddress!)
                let ref32 = UnsafeRawPointer(refractoryEnd.baseAddress!), step64 = UnsafeMutableRawPointer(stepSize.baseAddress!)
                while i < sub.upperBound {
                    var y = RKF45Lanes.Point(v: .zero, ge: .zero, gi: .zero)
                    var h = SIMD4<Double>.zero
                    let full = i + 4 <= sub.upperBound
                    if full {
                        // Four neurons at once: Float32 state widened to Double lanes.
                        y.v = SIMD4<Double>(vm32.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Float>.self))
                        y.ge = SIMD4<Double>(gex32.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Float>.self))
                        y.gi = SIMD4<Double>(gin32.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Float>.self))
                        let stored = step64.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self)
                        h = stored.replacing(with: dt, where: stored .<= 0)
                        let ends = ref32.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Int32>.self)
                        lanes.refractory = SIMD4<Int64>(truncatingIfNeeded: ends) .>= SIMD4<Int64>(repeating: Int64(now))
                        lanes.current = SIMD4<Double>(ie32.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Float>.self))
                    } else {
                        for lane in 0..<4 {
                            let k = Swift.min(i + lane, sub.upperBound - 1)
                            y.v[lane] = Double(vm[k])
                            y.ge[lane] = Double(gex[k])
                            y.gi[lane] = Double(gin[k])
                            h[lane] = stepSize[k] > 0 ? stepSize[k] : dt
                            lanes.refractory[lane] = now <= refractoryEnd[k]
                            lanes.current[lane] = Double(ie[k])
                        }
                    }
                    RKF45Lanes.evolve(&y, over: dt, stepSize: &h, rhs: lanes, stages: stages)
                    // After integration: hold, fire or keep (`iaf_cond_exp::update`).
                    let crossed = comparison == .greater ? y.v .> vThreshold : y.v .>= vThreshold
                    if full && !any(crossed .& .!lanes.refractory) {
                        step64.storeBytes(of: h, toByteOffset: i * 8, as: SIMD4<Double>.self)
                        gex32.storeBytes(of: SIMD4<Float>(y.ge), toByteOffset: i * 4, as: SIMD4<Float>.self)
                        gin32.storeBytes(of: SIMD4<Float>(y.gi), toByteOffset: i * 4, as: SIMD4<Float>.self)
                        let v = SIMD4<Float>(y.v.replacing(with: p.V_reset, where: lanes.refractory))
                        vm32.storeBytes(of: v, toByteOffset: i * 4, as: SIMD4<Float>.self)
                        i += 4
                        continue
                    }
                    for lane in 0..<Swift.min(4, sub.upperBound - i) {
                        let k = i + lane
                        stepSize[k] = h[lane]
                        gex[k] = Float(y.ge[lane])
                        gin[k] = Float(y.gi[lane])
                        if lanes.refractory[lane] {
                            vm[k] = vReset
                        } else if crossed[lane] {
                            vm[k] = vReset
                            refractoryEnd[k] = now &+ hold
                            out[count] = Int32(truncatingIfNeeded: k)
                            count += 1
                        } else {
                            vm[k] = Float(y.v[lane])
                        }
                    }
                    i += 4
                }
                return count
            }
            fired = ParallelRanges.run(range, chunk: 2048, minimum: 16_384, spikes: spikes, kernel)
        }}}}}}
        return fired
    }
}

/// `iaf_cond_exp_dynamics` of NEST 3, with the divisions by C_m and τ precomputed.
struct CondExpRightHandSide: RKF45.System {
    let vReset, vTh, eEx, eIn, gL, eL, inverseC: Double
    let minusInverseTauEx, minusInverseTauIn: Double
    var refractory: Bool
    var current: Double

    init(p: LIFCondExp.Parameters, refractory: Bool, current: Double) {
        vReset = p.V_reset; vTh = p.V_th; eEx = p.E_ex; eIn = p.E_in; gL = p.g_L; eL = p.E_L
        inverseC = 1 / p.C_m
        minusInverseTauEx = -1 / p.tau_syn_ex
        minusInverseTauIn = -1 / p.tau_syn_in
        self.refractory = refractory
        self.current = current
    }

    @inline(__always)
    func derivative(_ y: RKF45.Point) -> RKF45.Point {
        let v = refractory ? vReset : Swift.min(y.v, vTh)
        let iSynEx = y.ge * (v - eEx)
        let iSynIn = y.gi * (v - eIn)
        let iLeak = gL * (v - eL)
        let dv = refractory ? 0 : (-iLeak + current - iSynEx - iSynIn) * inverseC
        return RKF45.Point(v: dv, ge: y.ge * minusInverseTauEx, gi: y.gi * minusInverseTauIn)
    }
}

/// GSL's Runge–Kutta–Fehlberg 4(5) stepper (`rkf45.c`, Fehlberg's coefficients, 5th-order
/// solution) driven by `gsl_odeiv_evolve_apply` with the standard step control
/// (`eps_abs = 1e-3`, `eps_rel = 0`, safety 0.9, shrink ≥ 0.2×, grow ≤ 5×, order 5).
enum RKF45 {
    protocol System {
        func derivative(_ y: Point) -> Point
    }

    /// A state (V, g_ex, g_in) or its derivative, in Double as NEST integrates.
    struct Point {
        var v, ge, gi: Double

        @inline(__always) static func + (a: Point, b: Point) -> Point { Point(v: a.v + b.v, ge: a.ge + b.ge, gi: a.gi + b.gi) }
        @inline(__always) static func * (k: Double, a: Point) -> Point { Point(v: k * a.v, ge: k * a.ge, gi: k * a.gi) }
        @inline(__always) static func += (a: inout Point, b: Point) { a = a + b }
    }

    static let absoluteTolerance = 1e-3

    /// Integrates from 0 to `span`, starting with (and returning the suggested) step `h`.
    @inline(__always)
    static func evolve<S: System>(_ y: inout Point, over span: Double, stepSize h: inout Double, rhs: S) {
        var t = 0.0
        var attempts = 0
        while t < span {
            let y0 = y
            var h0 = h
            var accepted = false
            while !accepted {
                attempts += 1
                let finalStep = h0 > span - t
                if finalStep { h0 = span - t }
                let (next, error) = stepWithError(y0, h0, rhs)
                // Standard control with a_y = 1, a_dydt = 0, eps_rel = 0: D = eps_abs.
                let ratio = Swift.max(Swift.abs(error.v), Swift.abs(error.ge), Swift.abs(error.gi)) / absoluteTolerance
                let tNext = finalStep ? span : t + h0
                if ratio > 1.1, attempts < 10_000 {
                    let factor = Swift.max(0.2, 0.9 / pow5th(ratio))
                    let shrunk = h0 * factor
                    if shrunk < h0, t + shrunk != t {
                        h0 = shrunk
                        continue
                    }
                }
                y = next
                t = tNext
                if ratio < 0.5 {
                    // 0.9/ratio^(1/6) ≥ 5 below (0.9/5)^6: skip the pow there.
                    let grow = ratio < 3.4012224e-5 ? 5 : Swift.min(5, Swift.max(1, 0.9 / pow6th(ratio)))
                    h0 *= grow
                }
                h = h0
                accepted = true
            }
        }
    }

    @inline(__always) static func pow5th(_ x: Double) -> Double { Foundation.pow(x, 1.0 / 5.0) }
    @inline(__always) static func pow6th(_ x: Double) -> Double { Foundation.pow(x, 1.0 / 6.0) }

    // Fehlberg's tableau as GSL's rkf45.c states it.
    static let b21: Double = 1.0 / 4
    static let b31: Double = 3.0 / 32, b32: Double = 9.0 / 32
    static let b41: Double = 1932.0 / 2197, b42: Double = -7200.0 / 2197, b43: Double = 7296.0 / 2197
    static let b51: Double = 8341.0 / 4104, b52: Double = -32832.0 / 4104, b53: Double = 29440.0 / 4104
    static let b54: Double = -845.0 / 4104
    static let b61: Double = -6080.0 / 20520, b62: Double = 41040.0 / 20520, b63: Double = -28352.0 / 20520
    static let b64: Double = 9295.0 / 20520, b65: Double = -5643.0 / 20520
    static let c1: Double = 902880.0 / 7618050, c3: Double = 3953664.0 / 7618050, c4: Double = 3855735.0 / 7618050
    static let c5: Double = -1371249.0 / 7618050, c6: Double = 277020.0 / 7618050
    static let e1: Double = 1.0 / 360, e3: Double = -128.0 / 4275, e4: Double = -2197.0 / 75240
    static let e5: Double = 1.0 / 50, e6: Double = 2.0 / 55

    /// One Fehlberg step of size `h`: the 5th-order solution and GSL's error estimate.
    @inline(__always)
    static func stepWithError<S: System>(_ y: Point, _ h: Double, _ f: S) -> (Point, Point) {
        let k1 = f.derivative(y)
        let k2 = f.derivative(y + h * (b21 * k1))
        var s3 = b31 * k1
        s3 += b32 * k2
        let k3 = f.derivative(y + h * s3)
        var s4 = b41 * k1
        s4 += b42 * k2
        s4 += b43 * k3
        let k4 = f.derivative(y + h * s4)
        var s5 = b51 * k1
        s5 += b52 * k2
        s5 += b53 * k3
        s5 += b54 * k4
        let k5 = f.derivative(y + h * s5)
        var s6 = b61 * k1
        s6 += b62 * k2
        s6 += b63 * k3
        s6 += b64 * k4
        s6 += b65 * k5
        let k6 = f.derivative(y + h * s6)
        var sum = c1 * k1
        sum += c3 * k3
        sum += c4 * k4
        sum += c5 * k5
        sum += c6 * k6
        var err = e1 * k1
        err += e3 * k3
        err += e4 * k4
        err += e5 * k5
        err += e6 * k6
        let next = y + h * sum
        let error = h * err
        return (next, error)
    }
}
