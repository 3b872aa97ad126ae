import Foundation

/// The vectorised BCPNN reference for a whole projection (the HCU data structures of Wang et
/// al. 2021 Fig. 1B; digest bayesian-hardware §2.2, §2.9): a presynaptic vector (Z_i, P_i), a
/// postsynaptic vector (Z_j, P_j, β_j) and a synaptic matrix (P_ij, w_ij), all advanced with
/// the same t−1 Euler steps as ``BCPNNTraces`` (Eq. 6, 10, 19; no E trace):
///
/// ```
/// P_ij ← P_ij(1 − kp) + Z_i·Z_j·kp,  P_i, P_j likewise,  then Z ← Z(1 − kz) + S·kz
/// ```
///
/// Element (i, j) equals a scalar ``BCPNNTraces`` fed the spikes of i and j, bit for bit.
public struct BCPNNProjection: Sendable, Hashable {
    public var parameters: BCPNNParameters
    public let pre: Int
    public let post: Int
    public var z_i: [Double]
    public var p_i: [Double]
    public var z_j: [Double]
    public var p_j: [Double]
    /// Row-major `pre × post`.
    public var p_ij: [Double]

    /// Throws ``SpikingParameterError`` for non-positive sizes or parameters with an E trace
    /// (not vectorised here).
    public init(pre: Int, post: Int, parameters: BCPNNParameters = .wang2021) throws {
        guard pre > 0, post > 0 else {
            throw SpikingParameterError(type: "BCPNNProjection", field: "pre/post", value: "\(pre)/\(post)",
                                        expected: "sizes ≥ 1")
        }
        guard parameters.ke == nil else {
            throw SpikingParameterError(type: "BCPNNProjection", field: "parameters.ke", value: "\(parameters.ke ?? 0)",
                                        expected: "nil (the projection implements Eq. 10 without the E trace)")
        }
        self.parameters = parameters; self.pre = pre; self.post = post
        z_i = .init(repeating: 0, count: pre); p_i = z_i
        z_j = .init(repeating: 0, count: post); p_j = z_j
        p_ij = .init(repeating: 0, count: pre * post)
    }

    /// Advances one step with the spikes of the previous step (`preSpikes.count == pre`,
    /// `postSpikes.count == post`).
    public mutating func step(preSpikes: [Bool], postSpikes: [Bool]) {
        precondition(preSpikes.count == pre && postSpikes.count == post, "one spike flag per neuron")
        let q = parameters, kp = q.kp, decay = 1 - kp
        let (n, m) = (pre, post)
        z_j.withUnsafeBufferPointer { zj in
            p_ij.withUnsafeMutableBufferPointer { pij in
                for i in 0..<n {
                    let zi = z_i[i]
                    let row = i * m
                    for j in 0..<m { pij[row + j] = pij[row + j] * decay + zi * zj[j] * kp }
                }
            }
        }
        for i in 0..<n { p_i[i] = p_i[i] * decay + z_i[i] * kp }
        for j in 0..<m { p_j[j] = p_j[j] * decay + z_j[j] * kp }
        for i in 0..<n { z_i[i] = z_i[i] * (1 - q.kz_i) + (preSpikes[i] ? q.kz_i : 0) }
        for j in 0..<m { z_j[j] = z_j[j] * (1 - q.kz_j) + (postSpikes[j] ? q.kz_j : 0) }
    }

    /// `w_ij` (Eq. 19), row-major `pre × post`.
    public var weights: [Double] {
        (0..<(pre * post)).map { k in parameters.weight(p_i: p_i[k / post], p_j: p_j[k % post], p_ij: p_ij[k]) }
    }

    /// `β_j` (Eq. 19).
    public var biases: [Double] { p_j.map(parameters.bias) }
}
