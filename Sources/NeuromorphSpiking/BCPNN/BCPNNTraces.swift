import Foundation

/// The constants of the discrete BCPNN rule (Wang et al. 2021, Front. Neurosci. 15:750458,
/// Eq. 6–10 and Table 1; digest `bayesian-hardware_bcpnn-memristor_moneta.md` §2.3, §2.5;
/// spiking note §1.3):
///
/// ```
/// kz_i = dt/τ_zi,  kz_j = dt/τ_zj,  ke = dt/τ_e,  kp = κ·dt/τ_p          (Eq. 9)
/// ```
///
/// Table 1: kz_i = kz_j = 1/11, kp = 1/500, ε = 0.01, dt = 1 ms (τ_z = 11 ms,
/// τ_p/κ = 500 ms). `ke` is only used with the optional E trace (Eq. 7–8); the paper's
/// hardware drops it (Eq. 10) and gives no value.
public struct BCPNNParameters: Sendable, Codable, Hashable {
    /// Presynaptic Z rate per step.
    public var kz_i: Double
    /// Postsynaptic Z rate per step.
    public var kz_j: Double
    /// P rate per step (includes the learning-rate modulation κ).
    public var kp: Double
    /// Minimum-activity floor of the read-out (Eq. 5).
    public var epsilon: Double
    /// E rate per step; `nil` drops the E trace (Eq. 10, the form the paper maps to memristors).
    public var ke: Double?

    /// Throws ``SpikingParameterError`` naming the first rate outside (0, 1] or a
    /// non-positive ε.
    public init(kz_i: Double = 1.0 / 11, kz_j: Double = 1.0 / 11, kp: Double = 1.0 / 500, epsilon: Double = 0.01,
                ke: Double? = nil) throws {
        for (field, value) in [("kz_i", kz_i), ("kz_j", kz_j), ("kp", kp), ("ke", ke ?? 1)]
        where !(value.isFinite && value > 0 && value <= 1) {
            throw SpikingParameterError(type: "BCPNNParameters", field: field, value: "\(value)",
                                        expected: "a rate per step in (0, 1] (dt/τ)")
        }
        guard epsilon.isFinite, epsilon > 0 else {
            throw SpikingParameterError(type: "BCPNNParameters", field: "epsilon", value: "\(epsilon)",
                                        expected: "a finite number > 0")
        }
        self.kz_i = kz_i; self.kz_j = kz_j; self.kp = kp; self.epsilon = epsilon; self.ke = ke
    }

    init(unchecked kz_i: Double, _ kz_j: Double, _ kp: Double, _ epsilon: Double, _ ke: Double?) {
        self.kz_i = kz_i; self.kz_j = kz_j; self.kp = kp; self.epsilon = epsilon; self.ke = ke
    }

    /// Table 1 of Wang et al. 2021 (dt = 1 ms, no E trace).
    public static let wang2021 = BCPNNParameters(unchecked: 1.0 / 11, 1.0 / 11, 1.0 / 500, 0.01, nil)

    /// The bias read-out `β_j = ln(P_j + ε)` (Eq. 5/19; natural log [I]).
    @inlinable public func bias(p_j: Double) -> Double { Foundation.log(p_j + epsilon) }

    /// The weight read-out `w_ij = ln(P_ij + ε²) − ln(P_i + ε) − ln(P_j + ε)` (Eq. 19).
    @inlinable public func weight(p_i: Double, p_j: Double, p_ij: Double) -> Double {
        Foundation.log(p_ij + epsilon * epsilon) - Foundation.log(p_i + epsilon) - Foundation.log(p_j + epsilon)
    }
}

/// The trace values of one synapse at one time step, and the read-out.
public struct BCPNNTraceValues: Sendable, Codable, Hashable {
    public var z_i: Double
    public var z_j: Double
    public var p_i: Double
    public var p_j: Double
    public var p_ij: Double
    /// `w_ij` (Eq. 19).
    public var w: Double
    /// `β_j` (Eq. 19).
    public var beta: Double

    public init(z_i: Double, z_j: Double, p_i: Double, p_j: Double, p_ij: Double, w: Double, beta: Double) {
        self.z_i = z_i; self.z_j = z_j; self.p_i = p_i; self.p_j = p_j; self.p_ij = p_ij; self.w = w; self.beta = beta
    }

    /// The names of the traces, in ``values`` order.
    public static let names = ["Z_i", "Z_j", "P_i", "P_j", "P_ij", "w_ij", "beta_j"]
    /// The traces in ``names`` order.
    public var values: [Double] { [z_i, z_j, p_i, p_j, p_ij, w, beta] }
}

/// A BCPNN synapse cell that advances one step from the spikes of the previous step: the
/// float reference (``BCPNNTraces``) or the memristor cell (``MemristiveBCPNNCell``).
public protocol BCPNNCell: Sendable {
    /// Advances from step t−1 to t; `pre`, `post` are the spikes S_i(t−1), S_j(t−1).
    mutating func step(pre: Bool, post: Bool)
    /// The traces and read-out at the current step.
    var values: BCPNNTraceValues { get }
}

/// The float reference BCPNN synapse: Euler form with t−1 semantics (Wang et al. 2021,
/// Eq. 6–10; digest §2.3, §2.9; spiking note §1.3). Every right-hand side uses values at
/// t−1:
///
/// ```
/// Z_x(t)  = Z_x(t−1)(1 − kz_x) + S_x(t−1)·kz_x                       (Eq. 6, x ∈ {i, j})
/// E_x(t)  = E_x(t−1)(1 − ke) + u_x(t−1)·ke                           (Eq. 7, optional)
/// P_x(t)  = P_x(t−1)(1 − kp) + v_x(t−1)·kp                           (Eq. 8/10)
/// u_i = Z_i, u_j = Z_j, u_ij = Z_i·Z_j;  v = E with the E trace, else v = u (Eq. 10)
/// β_j = ln(P_j + ε),  w_ij = ln(P_ij + ε²) − ln(P_i + ε) − ln(P_j + ε)   (Eq. 19)
/// ```
///
/// All traces start at 0 (the paper's w_init = 0).
public struct BCPNNTraces: BCPNNCell, Codable, Hashable {
    public var parameters: BCPNNParameters
    public var z_i = 0.0, z_j = 0.0
    public var e_i = 0.0, e_j = 0.0, e_ij = 0.0
    public var p_i = 0.0, p_j = 0.0, p_ij = 0.0

    public init(parameters: BCPNNParameters = .wang2021) { self.parameters = parameters }

    /// The pure step: the state at t from the state and spikes at t−1.
    public func stepped(pre: Bool, post: Bool) -> BCPNNTraces {
        let q = parameters
        var next = self
        let u_ij = z_i * z_j
        if let ke = q.ke {
            next.e_i = e_i * (1 - ke) + z_i * ke
            next.e_j = e_j * (1 - ke) + z_j * ke
            next.e_ij = e_ij * (1 - ke) + u_ij * ke
            next.p_i = p_i * (1 - q.kp) + e_i * q.kp
            next.p_j = p_j * (1 - q.kp) + e_j * q.kp
            next.p_ij = p_ij * (1 - q.kp) + e_ij * q.kp
        } else {
            next.p_i = p_i * (1 - q.kp) + z_i * q.kp
            next.p_j = p_j * (1 - q.kp) + z_j * q.kp
            next.p_ij = p_ij * (1 - q.kp) + u_ij * q.kp
        }
        next.z_i = z_i * (1 - q.kz_i) + (pre ? q.kz_i : 0)
        next.z_j = z_j * (1 - q.kz_j) + (post ? q.kz_j : 0)
        return next
    }

    public mutating func step(pre: Bool, post: Bool) { self = stepped(pre: pre, post: post) }

    public var values: BCPNNTraceValues {
        BCPNNTraceValues(z_i: z_i, z_j: z_j, p_i: p_i, p_j: p_j, p_ij: p_ij,
                         w: parameters.weight(p_i: p_i, p_j: p_j, p_ij: p_ij), beta: parameters.bias(p_j: p_j))
    }
}
