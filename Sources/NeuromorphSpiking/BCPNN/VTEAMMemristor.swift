import Foundation

/// The window function `f(x)` of a memristor's state equation (digest bayesian-hardware §2.4).
public enum MemristorWindow: Sendable, Codable, Hashable {
    /// Wang et al. / Xu 2021, Eq. 15: `f(x) = j·[sgn(−i)(x − 1) + stp(−i)]^p`, i.e.
    /// `f = j(1 − x)^p` for i > 0 (moving toward x = 1) and `f = j·x^p` for i < 0
    /// (`sgn(0) = 1`, `stp(0) = 1`; at i = 0 the drift is zero anyway).
    case xu(j: Double, p: Double)
    /// Joglekar & Wolf 2009: `f = 1 − (2x − 1)^{2p}` for either direction (locks at the bounds).
    case joglekar(p: Double)
    /// No window, `f = 1` (linear drift, clipped at the bounds).
    case rectangular

    /// `f(x)` for a current of sign `positive` (i > 0) or not.
    @inlinable public func value(x: Double, positiveCurrent: Bool) -> Double {
        switch self {
        case let .xu(j, p):
            let base = positiveCurrent ? 1 - x : x
            return p == 1 ? j * base : j * Foundation.pow(Swift.max(base, 0), p)
        case let .joglekar(p):
            return 1 - Foundation.pow(2 * x - 1, 2 * p)
        case .rectangular:
            return 1
        }
    }
}

/// One voltage pulse across a memristor.
public struct MemristorPulse: Sendable, Codable, Hashable {
    /// Volts.
    public var voltage: Double
    /// Seconds.
    public var duration: Double
    public init(voltage: Double, duration: Double) { self.voltage = voltage; self.duration = duration }
}

/// The VTEAM memristor (Kvatinsky et al. 2015) with a pluggable window, as used by Wang et
/// al. 2021 (Eq. 11–15, Table 1; digest §2.4–2.5; spiking note §1.3):
///
/// ```
/// dw/dt = k_off·(v/v_off − 1)^α_off·f(x)     0 < v_off < v
///       = 0                                 v_on ≤ v ≤ v_off
///       = k_on·(v/v_on − 1)^α_on·f(x)       v < v_on < 0       (k_on < 0)         (Eq. 11)
/// x = w/W ∈ [0, 1]                                                               (Eq. 12)
/// R = R_on + (R_off − R_on)·x                                                    (Eq. 13)
/// ```
///
/// A pulse is one Euler step of length `duration` (Eq. 16–18), clipped to [0, W]. With
/// the Xu window at j = p = 1 and α = 1 a pulse is
///
/// ```
/// v > v_off:  x ← x + r₊(1 − x),   r₊ = duration·k_off/W·(v/v_off − 1)
/// v < v_on:   x ← x − r₋·x,        r₋ = duration·|k_on|/W·(v/v_on − 1)
/// ```
///
/// the same recursion as a BCPNN trace with rate r (Eq. 16–18). Lengths are in metres
/// (k in m/s, W in m), as in Table 1 (21 nm/s, −28 nm/s, 1 nm).
public struct VTEAMMemristor: Sendable, Codable, Hashable {
    public var k_off: Double
    public var k_on: Double
    public var v_off: Double
    public var v_on: Double
    public var alpha_off: Double
    public var alpha_on: Double
    /// Device length W (m).
    public var W: Double
    public var R_on: Double
    public var R_off: Double
    public var window: MemristorWindow
    /// State variable w ∈ [0, W] (m).
    public var w: Double

    /// Throws ``SpikingParameterError`` naming the first parameter of the wrong sign or out of range.
    public init(k_off: Double = 21e-9, k_on: Double = -28e-9, v_off: Double = 0.02, v_on: Double = -0.02,
                alpha_off: Double = 1, alpha_on: Double = 1, W: Double = 1e-9, R_on: Double = 2e3, R_off: Double = 200e3,
                window: MemristorWindow = .xu(j: 1, p: 1), w_init: Double = 0) throws {
        let t = "VTEAMMemristor"
        for (field, value, ok, expected) in [
            ("k_off", k_off, k_off > 0, "a rate > 0 m/s"), ("k_on", k_on, k_on < 0, "a rate < 0 m/s"),
            ("v_off", v_off, v_off > 0, "a threshold > 0 V"), ("v_on", v_on, v_on < 0, "a threshold < 0 V"),
            ("alpha_off", alpha_off, alpha_off > 0, "an exponent > 0"), ("alpha_on", alpha_on, alpha_on > 0, "an exponent > 0"),
            ("W", W, W > 0, "a length > 0 m"), ("R_on", R_on, R_on > 0, "a resistance > 0 Ω"),
            ("R_off", R_off, R_off > R_on, "a resistance > R_on"),
            ("w_init", w_init, w_init >= 0 && w_init <= W, "a state in [0, W]"),
        ] where !(value.isFinite && ok) {
            throw SpikingParameterError(type: t, field: field, value: "\(value)", expected: expected)
        }
        self.init(unchecked: k_off, k_on, v_off, v_on, alpha_off, alpha_on, W, R_on, R_off, window, w_init)
    }

    init(unchecked k_off: Double, _ k_on: Double, _ v_off: Double, _ v_on: Double, _ alpha_off: Double,
         _ alpha_on: Double, _ W: Double, _ R_on: Double, _ R_off: Double, _ window: MemristorWindow, _ w_init: Double) {
        self.k_off = k_off; self.k_on = k_on; self.v_off = v_off; self.v_on = v_on
        self.alpha_off = alpha_off; self.alpha_on = alpha_on; self.W = W; self.R_on = R_on; self.R_off = R_off
        self.window = window; self.w = w_init
    }

    /// Table 1 of Wang et al. 2021: k_off 21 nm/s, k_on −28 nm/s, v_off/v_on ±0.02 V,
    /// α = 1, W = 1 nm, R_on 2 kΩ, R_off 200 kΩ, Xu window j = p = 1, w_init = 0.
    public static let wang2021 = VTEAMMemristor(unchecked: 21e-9, -28e-9, 0.02, -0.02, 1, 1, 1e-9, 2e3, 200e3,
                                                   .xu(j: 1, p: 1), 0)

    /// Normalised state x = w/W (Eq. 12).
    public var x: Double {
        get { w / W }
        set { w = Swift.min(Swift.max(newValue, 0), 1) * W }
    }

    /// Resistance (Eq. 13).
    public var resistance: Double { R_on + (R_off - R_on) * x }

    /// The state read back from a resistance (the sample-and-hold read, ideal).
    public func state(fromResistance r: Double) -> Double { (r - R_on) / (R_off - R_on) }

    /// `dw/dt` at voltage `v` and the current state (Eq. 11, current sign = voltage sign, Eq. 14).
    public func driftRate(voltage v: Double) -> Double {
        if v > v_off {
            return k_off * Foundation.pow(v / v_off - 1, alpha_off) * window.value(x: x, positiveCurrent: true)
        }
        if v < v_on {
            return k_on * Foundation.pow(v / v_on - 1, alpha_on) * window.value(x: x, positiveCurrent: false)
        }
        return 0
    }

    /// Applies one pulse as one Euler step, w clipped to [0, W].
    public mutating func apply(_ pulse: MemristorPulse) {
        let next = w + pulse.duration * driftRate(voltage: pulse.voltage)
        w = Swift.min(Swift.max(next, 0), W)
    }

    /// The window-free step rate of a pulse: `r = duration·|k|/W·(|v/v_th| − 1)^α` (0 inside
    /// the dead zone). With the window at j = p = 1 a pulse moves x by r(1 − x) or −r·x.
    public func stepRate(_ pulse: MemristorPulse) -> Double {
        let v = pulse.voltage
        if v > v_off { return pulse.duration * k_off / W * Foundation.pow(v / v_off - 1, alpha_off) }
        if v < v_on { return pulse.duration * -k_on / W * Foundation.pow(v / v_on - 1, alpha_on) }
        return 0
    }

    /// The pulse of length `duration` whose ``stepRate(_:)`` is `rate`, potentiating
    /// (v > v_off) or depressing (v < v_on); `rate = 0` gives the threshold voltage (no drift).
    public func pulse(rate: Double, potentiating: Bool, duration: Double) -> MemristorPulse {
        let r = Swift.max(rate, 0)
        if potentiating {
            return MemristorPulse(voltage: v_off * (1 + Foundation.pow(r * W / (duration * k_off), 1 / alpha_off)),
                                  duration: duration)
        }
        return MemristorPulse(voltage: v_on * (1 + Foundation.pow(r * W / (duration * -k_on), 1 / alpha_on)),
                              duration: duration)
    }
}
