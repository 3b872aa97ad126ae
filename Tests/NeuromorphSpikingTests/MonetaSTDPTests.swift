import Foundation
import NeuromorphCore
import Testing
@testable import NeuromorphSpiking

/// MONETA's LFSR, stochastic STDP and PIM multiply (Kim et al. 2022): spiking note §1.3 and
/// §2.4 (MO) rows "PIM bit-serial MVM = integer dot product; UP frequency ≈ P/2^k", digest
/// bayesian-hardware §3.8 items 3–4.
@Suite struct MonetaSTDPTests {
    /// Maximal-length taps: from a non-zero seed the register returns after exactly 2^k − 1
    /// clocks (so it visits every non-zero state once), both forms.
    @Test(arguments: Array(3...16))
    func lfsrHasMaximalPeriod(width: Int) throws {
        for form in LFSR.Form.allCases {
            var r = try LFSR(width: width, seed: 1, form: form)
            let start = r.state
            var period = 0
            repeat { _ = r.next(); period += 1 } while r.state != start && period <= (1 << width)
            #expect(period == (1 << width) - 1, "\(form) width \(width)")
        }
    }

    /// MO §2.4 [I] / digest §3.8 item 4: the frequency of UP = RND < P over 10⁵ draws of a
    /// 16-bit LFSR is P/2^k within ±1 % (relative), measured through the rule.
    @Test(arguments: [32_768, 16_384, 6_554, 4_096] as [UInt32])
    func updateFrequencyIsPOverTwoToTheK(p: UInt32) throws {
        let rule = try MonetaSTDP(potentiationThresholds: [p, p, p, p], depressionThreshold: p, lfsrWidth: 16)
        var lfsr = try LFSR(width: 16, seed: 0xACE1)
        var ups = 0
        let draws = 100_000
        for _ in 0..<draws where rule.updated(weight: 0, history: 0b1000, rnd: lfsr.next()) != 0 { ups += 1 }
        let expected = Double(p) / 65_536
        #expect(abs(Double(ups) / Double(draws) / expected - 1) < 0.01, "P = \(p): \(Double(ups) / Double(draws)) vs \(expected)")
    }

    /// Digest §3.2, §3.8 item 4: empty history with UP decrements, any occupied slot with UP
    /// increments, UP = 0 leaves the weight, weights saturate at the 8-bit limits.
    @Test func updateRuleAndSaturation() throws {
        let rule = try MonetaSTDP(potentiationThresholds: [40, 30, 20, 10], depressionThreshold: 5, lfsrWidth: 8)
        #expect(rule.threshold(history: 0b1001) == 40, "T[3] selects P1")
        #expect(rule.threshold(history: 0b0100) == 30)
        #expect(rule.threshold(history: 0b0011) == 20, "the most recent occupied slot selects")
        #expect(rule.threshold(history: 0b0001) == 10)
        #expect(rule.threshold(history: 0) == 5, "an empty history selects PD")
        #expect(rule.updated(weight: 10, history: 0b0001, rnd: 9) == 11)
        #expect(rule.updated(weight: 10, history: 0b0001, rnd: 10) == 10, "UP needs RND < P")
        #expect(rule.updated(weight: 10, history: 0, rnd: 4) == 9)
        #expect(rule.updated(weight: 127, history: 0b1000, rnd: 0) == 127, "saturates at +127")
        #expect(rule.updated(weight: -128, history: 0, rnd: 0) == -128, "saturates at −128")
        let sm = try MonetaSTDP(weightFormat: .monetaWeightSignMagnitude)
        #expect(sm.updated(weight: -127, history: 0, rnd: 0) == -127)
    }

    /// The history: a spike sets T[3]; every T_threshold steps T[3:1] → T[2:0].
    @Test func spikeHistoryShifts() throws {
        let rule = try MonetaSTDP(historyWindow: 3)
        var h = MonetaSTDP.recordingSpike(0)
        #expect(h == 0b1000)
        #expect(!rule.shiftsHistory(atStep: 0) && !rule.shiftsHistory(atStep: 2) && rule.shiftsHistory(atStep: 3))
        for expected: UInt8 in [0b0100, 0b0010, 0b0001, 0] { h = MonetaSTDP.shifted(h); #expect(h == expected) }
        #expect(MonetaSTDP.shifted(0b1111) == 0b0111)
    }

    /// MO §2.4 [I] / digest §3.8 item 3: the bit-serial PIM product equals the integer dot
    /// product, two's complement (−128…127) and sign-magnitude (−127…127), 128 rows.
    @Test(arguments: MonetaPIM.WeightEncoding.allCases)
    func bitSerialMVMEqualsIntegerDot(encoding: MonetaPIM.WeightEncoding) {
        var g = SeededGenerator(seed: 5, key: StreamKey("test", "moneta", "pim", encoding.rawValue))
        let low: Int32 = encoding == .twosComplement ? -128 : -127
        for trial in 0..<200 {
            let w = (0..<128).map { _ in low + Int32(g.nextInt(below: Int(127 - low) + 1)) }
            let s = (0..<128).map { _ in g.nextBernoulli(trial % 2 == 0 ? 0.5 : 0.1) }
            w.withUnsafeBufferPointer { wp in
                s.withUnsafeBufferPointer { sp in
                    #expect(MonetaPIM.bitSerialDot(weights: wp, spikes: sp, encoding: encoding)
                            == MonetaPIM.integerDot(weights: wp, spikes: sp))
                }
            }
        }
        let extremes: [Int32] = [low, 127, -1, 0, 1]
        extremes.withUnsafeBufferPointer { wp in
            [true, true, true, true, true].withUnsafeBufferPointer { sp in
                #expect(MonetaPIM.bitSerialDot(weights: wp, spikes: sp, encoding: encoding) == Int(low) + 127)
            }
        }
    }

    /// The float reference: a recent pre spike can only potentiate, an absent one only depress,
    /// ĝ stays in [0, 1]; the acceptance frequency is γ_pot·e^{−Δt/τ_pot} (±0.01 at 2·10⁴ draws).
    @Test func floatReferenceDirections() throws {
        let rule = try MonetaFloatSTDP()
        var g = SeededGenerator(seed: 6, key: StreamKey("test", "moneta", "float-stdp"))
        var accepted = 0
        for _ in 0..<20_000 {
            let up = rule.updated(0.5, sincePre: 10, using: &g)
            #expect(up >= 0.5)
            if up > 0.5 { accepted += 1 }
            let down = rule.updated(0.5, sincePre: nil, using: &g)
            #expect(down <= 0.5)
        }
        #expect(abs(Double(accepted) / 20_000 - 0.7 * exp(-10.0 / 100)) < 0.01)
        #expect(rule.updated(1, sincePre: 0, using: &g) <= 1)
        #expect(throws: SpikingParameterError.self) { try MonetaFloatSTDP(gammaPotentiation: 2) }
        #expect(throws: SpikingParameterError.self) { try MonetaSTDP(lfsrWidth: 2) }
        #expect(throws: SpikingParameterError.self) { try LFSR(width: 33) }
    }
}
