import Foundation

/// How the second stage drives a P memristor toward its input `u` (Z_i, Z_j or Z_i·Z_j) in
/// one step. The paper does not give the Z → voltage mapping of stage 2 (digest §2.7 item 2;
/// spiking note §1.3 [I]), so it is a strategy.
public protocol PStageDrive: Sendable {
    /// Drives `device` for one BCPNN step with input `u ∈ [0, 1]` and P rate `kp`, using
    /// pulses of length `duration` (s).
    func drive(_ device: inout VTEAMMemristor, input u: Double, rate kp: Double, duration: Double)
}

/// The default stage-2 drive (digest §2.7 item 2, the note's design [I]): a potentiating
/// pulse of rate `kp·u` then a depressing pulse of rate `kp·(1 − u)`. With the Xu window
/// (j = p = 1) the state follows
///
/// ```
/// x ← x + kp(u − x) − kp²·u(1 − u)(1 − x)
/// ```
///
/// the reference P recursion (Eq. 10) to first order in kp, open loop (it never reads x).
public struct TwoPulseDrive: PStageDrive, Codable, Hashable {
    public init() {}
    public func drive(_ device: inout VTEAMMemristor, input u: Double, rate kp: Double, duration: Double) {
        let v = Swift.min(Swift.max(u, 0), 1)
        device.apply(device.pulse(rate: kp * v, potentiating: true, duration: duration))
        device.apply(device.pulse(rate: kp * (1 - v), potentiating: false, duration: duration))
    }
}

/// A closed-loop stage-2 drive: read x, then one pulse toward u whose rate makes the step
/// exact for the Xu window at j = p = 1:
///
/// ```
/// u ≥ x:  r₊ = kp(u − x)/(1 − x)   ⇒  x ← x + kp(u − x)
/// u < x:  r₋ = kp(x − u)/x         ⇒  x ← x + kp(u − x)
/// ```
///
/// An illustration of the plug point (it needs a read before every write, which the
/// paper's sample-and-hold does: the stage reads R in the sampling phase).
public struct ClosedLoopDrive: PStageDrive, Codable, Hashable {
    public init() {}
    public func drive(_ device: inout VTEAMMemristor, input u: Double, rate kp: Double, duration: Double) {
        let x = device.x
        if u >= x {
            guard x < 1 else { return }
            device.apply(device.pulse(rate: kp * (u - x) / (1 - x), potentiating: true, duration: duration))
        } else {
            device.apply(device.pulse(rate: kp * (x - u) / x, potentiating: false, duration: duration))
        }
    }
}

/// The memristor BCPNN cell of Wang et al. 2021 (Fig. 5; digest §2.6, §2.9; spiking note
/// §1.3): five VTEAM memristors hold Z_i, Z_j, P_i, P_j, P_ij; an ideal Gilbert multiplier
/// forms Z_i·Z_j; ideal log circuits give the read-out (Eq. 19).
///
/// Each 1 ms BCPNN step (t−1 → t):
///
/// ```
/// stage 2: P memristors driven by the Z values held from t−1 (``PStageDrive``)
/// stage 1: Z memristor gets +193.2 mV if S(t−1) = 1, −149.9 mV if 0, for t_eff
/// ```
///
/// With Table 1 the voltages give r± = 1 ms·21/s·(0.1932/0.02 − 1) = 0.18186 per ms ≈ 2/11,
/// so kz = 1/11 needs an effective pulse of **0.5 ms** per 1 ms step (digest §2.7 item 1
/// [C]; the paper does not state it). The P stage uses the same pulse length. All
/// memristors start at w_init = 0.
public struct MemristiveBCPNNCell<Drive: PStageDrive>: BCPNNCell {
    /// kp and ε of the read-out; the Z rates come from the devices and voltages.
    public var parameters: BCPNNParameters
    public var drive: Drive
    /// Voltage of a spike (S = 1), V.
    public var spikeVoltage: Double
    /// Voltage without a spike (S = 0), V.
    public var silenceVoltage: Double
    /// Effective drive time per step, s.
    public var effectivePulse: Double
    public var zi, zj, pi, pj, pij: VTEAMMemristor

    /// Throws ``SpikingParameterError`` if the voltages are not outside the device's dead zone
    /// or the pulse length is not positive.
    public init(parameters: BCPNNParameters = .wang2021, device: VTEAMMemristor = .wang2021, drive: Drive,
                spikeVoltage: Double = 0.1932, silenceVoltage: Double = -0.1499, effectivePulse: Double = 0.5e-3) throws {
        guard spikeVoltage.isFinite, spikeVoltage > device.v_off else {
            throw SpikingParameterError(type: "MemristiveBCPNNCell", field: "spikeVoltage", value: "\(spikeVoltage)",
                                        expected: "a voltage above v_off = \(device.v_off) V")
        }
        guard silenceVoltage.isFinite, silenceVoltage < device.v_on else {
            throw SpikingParameterError(type: "MemristiveBCPNNCell", field: "silenceVoltage", value: "\(silenceVoltage)",
                                        expected: "a voltage below v_on = \(device.v_on) V")
        }
        guard effectivePulse.isFinite, effectivePulse > 0 else {
            throw SpikingParameterError(type: "MemristiveBCPNNCell", field: "effectivePulse", value: "\(effectivePulse)",
                                        expected: "a duration > 0 s")
        }
        self.parameters = parameters; self.drive = drive
        self.spikeVoltage = spikeVoltage; self.silenceVoltage = silenceVoltage; self.effectivePulse = effectivePulse
        zi = device; zj = device; pi = device; pj = device; pij = device
    }

    /// The Z rate the spike voltage gives per step (r₊ of the pulse; 1/11 wanted).
    public var spikeRate: Double { zi.stepRate(MemristorPulse(voltage: spikeVoltage, duration: effectivePulse)) }
    /// The Z rate the silence voltage gives per step (r₋; 1/11 wanted).
    public var silenceRate: Double { zi.stepRate(MemristorPulse(voltage: silenceVoltage, duration: effectivePulse)) }

    public mutating func step(pre: Bool, post: Bool) {
        let u_i = zi.x, u_j = zj.x
        let u_ij = u_i * u_j
        let kp = parameters.kp
        drive.drive(&pi, input: u_i, rate: kp, duration: effectivePulse)
        drive.drive(&pj, input: u_j, rate: kp, duration: effectivePulse)
        drive.drive(&pij, input: u_ij, rate: kp, duration: effectivePulse)
        zi.apply(MemristorPulse(voltage: pre ? spikeVoltage : silenceVoltage, duration: effectivePulse))
        zj.apply(MemristorPulse(voltage: post ? spikeVoltage : silenceVoltage, duration: effectivePulse))
    }

    public var values: BCPNNTraceValues {
        let p_i = pi.x, p_j = pj.x, p_ij = pij.x
        return BCPNNTraceValues(z_i: zi.x, z_j: zj.x, p_i: p_i, p_j: p_j, p_ij: p_ij,
                                w: parameters.weight(p_i: p_i, p_j: p_j, p_ij: p_ij), beta: parameters.bias(p_j: p_j))
    }
}

extension MemristiveBCPNNCell where Drive == TwoPulseDrive {
    /// The cell with the default two-pulse stage-2 drive.
    public init(parameters: BCPNNParameters = .wang2021, device: VTEAMMemristor = .wang2021,
                spikeVoltage: Double = 0.1932, silenceVoltage: Double = -0.1499, effectivePulse: Double = 0.5e-3) throws {
        try self.init(parameters: parameters, device: device, drive: TwoPulseDrive(), spikeVoltage: spikeVoltage,
                      silenceVoltage: silenceVoltage, effectivePulse: effectivePulse)
    }
}
