import Foundation
import NeuromorphCore

/// MONETA's hardware stochastic STDP (Kim et al. 2022, Fig. 12; digest bayesian-hardware
/// §3.2; spiking note §1.3 "Stochastic STDP (MONETA hardware form)").
///
/// Per input a 4-slot spike history `T[3:0]`:
///
/// ```
/// input spike:                 T[3] ← 1
/// every T_threshold steps:     T[3:1] → T[2:0], T[3] ← 0        (T ← T >> 1)
/// post spike of filter d, for every synapse i of its receptive field:
///   P_sel = P1 if T[3], else P2 if T[2], else P3 if T[1], else P4 if T[0], else PD   [I]
///   RND   = next k-bit LFSR value;  UP = RND < P_sel
///   UP and T ≠ 0:  w ← w + δ       UP and T = 0:  w ← w − δ       (δ = 1 LSB [I])
///   w saturated to the 8-bit weight format
/// ```
///
/// One update costs 17 cycles (8 bit-serial reads, the decision, 8 writes). The paper gives
/// neither P1–P4/PD, T_threshold nor δ: the defaults (P1…P4 = 1/2, 1/4, 1/8, 1/16 of 2^k, PD
/// = 1/32 of 2^k, T_threshold = 5 steps) are ours, with the more recent slot the more
/// likely potentiation.
public struct MonetaSTDP: Sendable, Codable, Hashable {
    /// P1…P4 as k-bit integers (most recent slot first).
    public var potentiationThresholds: [UInt32]
    /// PD as a k-bit integer.
    public var depressionThreshold: UInt32
    /// LFSR width k.
    public var lfsrWidth: Int
    /// Steps per history slot (T_threshold).
    public var historyWindow: Int
    /// Weight step δ in LSB.
    public var stepLSB: Int
    /// The 8-bit weight format (saturating).
    public var weightFormat: QFormat

    /// The default rule, built without validation (its constants are valid by construction).
    static let fallback = MonetaSTDP(unchecked: [32_768, 16_384, 8_192, 4_096], 2_048, 16, 5, 1, .monetaWeight)

    init(unchecked p: [UInt32], _ d: UInt32, _ k: Int, _ window: Int, _ step: Int, _ format: QFormat) {
        potentiationThresholds = p; depressionThreshold = d; lfsrWidth = k; historyWindow = window; stepLSB = step
        weightFormat = format
    }

    /// Clock cycles per weight update (digest §3.2: 17).
    public static let cyclesPerUpdate = 17

    /// Throws ``SpikingParameterError`` naming the field out of range.
    public init(potentiationThresholds: [UInt32]? = nil, depressionThreshold: UInt32? = nil, lfsrWidth: Int = 16,
                historyWindow: Int = 5, stepLSB: Int = 1, weightFormat: QFormat = .monetaWeight) throws {
        let t = "MonetaSTDP"
        guard let _ = LFSR.maximalTaps[lfsrWidth], lfsrWidth <= 24 else {
            throw SpikingParameterError(type: t, field: "lfsrWidth", value: "\(lfsrWidth)", expected: "a width in 3...24")
        }
        let full = UInt32(1) << UInt32(lfsrWidth)
        let p = potentiationThresholds ?? [full / 2, full / 4, full / 8, full / 16]
        let d = depressionThreshold ?? full / 32
        guard p.count == 4, p.allSatisfy({ $0 <= full }) else {
            throw SpikingParameterError(type: t, field: "potentiationThresholds", value: "\(p)",
                                        expected: "four thresholds P1…P4 in 0...2^\(lfsrWidth)")
        }
        guard d <= full else {
            throw SpikingParameterError(type: t, field: "depressionThreshold", value: "\(d)", expected: "PD in 0...2^\(lfsrWidth)")
        }
        guard historyWindow > 0 else {
            throw SpikingParameterError(type: t, field: "historyWindow", value: "\(historyWindow)", expected: "T_threshold ≥ 1 step")
        }
        guard stepLSB > 0 else {
            throw SpikingParameterError(type: t, field: "stepLSB", value: "\(stepLSB)", expected: "a step ≥ 1 LSB")
        }
        self.potentiationThresholds = p; self.depressionThreshold = d; self.lfsrWidth = lfsrWidth
        self.historyWindow = historyWindow; self.stepLSB = stepLSB; self.weightFormat = weightFormat
    }

    // MARK: - Spike history (pure)

    /// `T[3] ← 1`.
    @inlinable public static func recordingSpike(_ history: UInt8) -> UInt8 { history | 0b1000 }
    /// `T[3:1] → T[2:0]`, `T[3] ← 0`.
    @inlinable public static func shifted(_ history: UInt8) -> UInt8 { (history & 0b1111) >> 1 }

    /// Whether the history shifts at the start of `step` (every T_threshold steps).
    @inlinable public func shiftsHistory(atStep step: Int) -> Bool { step > 0 && step % historyWindow == 0 }

    /// The threshold selected by the most recent occupied slot, or PD for an empty history.
    @inlinable public func threshold(history: UInt8) -> UInt32 {
        if history & 0b1000 != 0 { return potentiationThresholds[0] }
        if history & 0b0100 != 0 { return potentiationThresholds[1] }
        if history & 0b0010 != 0 { return potentiationThresholds[2] }
        if history & 0b0001 != 0 { return potentiationThresholds[3] }
        return depressionThreshold
    }

    /// The weight code after one update decision with random number `rnd` (pure).
    @inlinable public func updated(weight: Int32, history: UInt8, rnd: UInt32) -> Int32 {
        guard rnd < threshold(history: history) else { return weight }
        let next = Int64(weight) + Int64(history & 0b1111 != 0 ? stepLSB : -stepLSB)
        return Int32(weightFormat.fit(next))
    }

    /// Updates the weights `weights[k]` of one firing filter from the histories `histories[k]`
    /// of their inputs, one LFSR draw per synapse in index order. Returns the updates made
    /// (weights whose code changed).
    public func update(weights: UnsafeMutableBufferPointer<Int32>, histories: UnsafeBufferPointer<UInt8>,
                       lfsr: inout LFSR) -> Int {
        var changed = 0
        for k in weights.indices {
            let w = weights[k]
            let next = updated(weight: w, history: histories[k], rnd: lfsr.next())
            if next != w { changed += 1 }
            weights[k] = next
        }
        return changed
    }
}

/// The float reference of stochastic STDP (She et al. 2019 as in ParallelSpikeSim; spiking
/// note §1.3 [X], one stored version of that code), on normalised conductances ĝ ∈ [0, 1]:
///
/// ```
/// post spike at t, for each input i with Δt = t − t_pre,i:
///   Δt ≤ window:  with probability γ_pot·e^{−Δt/τ_pot}:  ĝ ← ĝ + η·0.5·e^{−3ĝ}
///   otherwise:    with probability γ_dep·e^{s/τ_dep}:     ĝ ← ĝ − η·0.005·e^{−3(1−ĝ)}
///   ĝ clipped to [0, 1]
/// ```
///
/// Compiled defaults γ_pot 0.7, γ_dep 0.6, τ_pot 100, τ_dep 5 steps. The stored pre-timing
/// state `s` of the code is not defined in the note; we take s = 0 (depression probability
/// γ_dep) — a documented deviation. `η` (1 in the code) scales both steps.
public struct MonetaFloatSTDP: Sendable, Codable, Hashable {
    public var gammaPotentiation: Double
    public var gammaDepression: Double
    public var tauPotentiation: Double
    public var tauDepression: Double
    /// Steps after a pre spike in which a post spike potentiates.
    public var window: Int
    /// η.
    public var learningRate: Double

    public init(gammaPotentiation: Double = 0.7, gammaDepression: Double = 0.6, tauPotentiation: Double = 100,
                tauDepression: Double = 5, window: Int = 20, learningRate: Double = 1) throws {
        for (field, v, ok) in [("gammaPotentiation", gammaPotentiation, gammaPotentiation >= 0 && gammaPotentiation <= 1),
                               ("gammaDepression", gammaDepression, gammaDepression >= 0 && gammaDepression <= 1),
                               ("tauPotentiation", tauPotentiation, tauPotentiation > 0),
                               ("tauDepression", tauDepression, tauDepression > 0),
                               ("learningRate", learningRate, learningRate >= 0)] where !(v.isFinite && ok) {
            throw SpikingParameterError(type: "MonetaFloatSTDP", field: field, value: "\(v)",
                                        expected: field.hasPrefix("gamma") ? "a probability in [0, 1]" : "a finite number ≥ 0")
        }
        guard window >= 0 else {
            throw SpikingParameterError(type: "MonetaFloatSTDP", field: "window", value: "\(window)", expected: "a step count ≥ 0")
        }
        self.gammaPotentiation = gammaPotentiation; self.gammaDepression = gammaDepression
        self.tauPotentiation = tauPotentiation; self.tauDepression = tauDepression
        self.window = window; self.learningRate = learningRate
    }

    /// ĝ after one decision; `sincePre` = steps since the input's last spike (nil: never).
    public func updated(_ g: Double, sincePre: Int?, using generator: inout SeededGenerator) -> Double {
        let u = generator.nextUniformDouble()
        var next = g
        if let dt = sincePre, dt <= window {
            if u < gammaPotentiation * Foundation.exp(-Double(dt) / tauPotentiation) {
                next += learningRate * 0.5 * Foundation.exp(-3 * g)
            }
        } else if u < gammaDepression {
            next -= learningRate * 0.005 * Foundation.exp(-3 * (1 - g))
        }
        return Swift.min(Swift.max(next, 0), 1)
    }
}
