import Testing
import NeuromorphCore
@testable import NeuromorphSpiking

/// Fixed-point formats (spiking note §1.5).
@Suite struct QFormatTests {
    @Test func invalidFormatsThrowNamingTheField() {
        #expect(throws: SpikingParameterError.self) { try QFormat(bits: 0, signed: true) }
        #expect(throws: SpikingParameterError.self) { try QFormat(bits: 33, signed: false) }
        #expect(throws: SpikingParameterError.self) { try QFormat(bits: 8, fraction: 40, signed: true) }
        #expect(throws: SpikingParameterError.self) { try QFormat(bits: 8, signed: false, symmetric: true) }
        #expect(throws: SpikingParameterError.self) { try QFormat(bits: 1, signed: true, symmetric: true) }
        do {
            _ = try QFormat(bits: 40, signed: true)
            Issue.record("bits = 40 accepted")
        } catch {
            #expect("\(error)" == "QFormat.bits = 40 is invalid: expected an integer in 1...32")
        }
    }

    /// μBrain 4-bit weights −7…+7 (digest UB §2.2, §2.7 item 2: "weight range −7..+7 for W = 4").
    @Test func muBrainWeightsSpanMinus7To7() {
        let q = QFormat.muBrainWeight
        #expect(q.codeRange == -7...7)
        #expect(q.code(for: 9.3) == 7)
        #expect(q.code(for: -12) == -7)
        #expect(q.code(for: 2.5) == 2)    // ties to even
        #expect(q.code(for: 3.5) == 4)
        #expect(q.code(for: .infinity) == 7)
        #expect(q.code(for: .nan) == 0)
    }

    @Test func presetRanges() throws {
        #expect(QFormat.muBrainAccumulator.codeRange == 0...63)     // "0 to 63" (digest UB §2.2)
        #expect(QFormat.chundiPotential.codeRange == -256...255)    // 9-bit adder (digest CH §3.2)
        #expect(QFormat.monetaWeight.codeRange == -128...127)
        #expect(QFormat.monetaWeightSignMagnitude.codeRange == -127...127)
        #expect(QFormat.monetaInput.codeRange == 0...15)
        let spinnaker = try QFormat.spiNNakerWeight(maximumWeight: 63)
        #expect(spinnaker.bits == 16 && spinnaker.fraction == 10)
        #expect(spinnaker.maximumValue >= 63 && spinnaker.maximumValue < 64)
        let big = try QFormat.spiNNakerWeight(maximumWeight: 4e6)
        #expect(big.maximumValue >= 4e6 && big.maximumValue < 8e6)
        #expect(throws: SpikingParameterError.self) { try QFormat.spiNNakerWeight(maximumWeight: -1) }
    }

    @Test func overflowRules() throws {
        let wrap8 = try QFormat(bits: 8, signed: true, overflow: .wrap)
        #expect(wrap8.code(for: 130) == -126)
        #expect(wrap8.code(for: -129) == 127)
        let wrapU4 = try QFormat(bits: 4, signed: false, overflow: .wrap)
        #expect(wrapU4.code(for: 17) == 1)
        #expect(wrapU4.code(for: -1) == 15)
        let clamp = QFormat.muBrainAccumulator
        #expect(clamp.code(for: -3) == 0)
        #expect(clamp.code(for: 100) == 63)
        let sat = try QFormat(bits: 6, signed: true)
        #expect(sat.code(for: 40) == 31 && sat.code(for: -40) == -32)
    }

    @Test func roundingRules() throws {
        let nearest = try QFormat(bits: 8, fraction: 2, signed: true)
        #expect(nearest.quantize(0.3) == 0.25)
        #expect(nearest.resolution == 0.25)
        let floor = try QFormat(bits: 8, fraction: 0, signed: true, rounding: .floor)
        #expect(floor.code(for: -0.1) == -1)
        #expect(floor.code(for: 2.9) == 2)
        let coarse = try QFormat(bits: 8, fraction: -2, signed: false)
        #expect(coarse.resolution == 4 && coarse.quantize(9) == 8)
    }

    /// Stochastic rounding is unbiased: the mean code of 0.3 is 0.3 within 4 standard errors
    /// (σ = √(0.3·0.7/n)), and the same seed gives the same codes.
    @Test func stochasticRoundingIsUnbiasedAndSeeded() throws {
        let q = try QFormat(bits: 8, signed: true, rounding: .stochastic)
        var g = SeededGenerator(seed: 11)
        let n = 20_000
        var sum: Int64 = 0
        var first: [Int64] = []
        for i in 0..<n {
            let c = q.code(for: 0.3, using: &g)
            #expect(c == 0 || c == 1)
            sum += c
            if i < 50 { first.append(c) }
        }
        let mean = Double(sum) / Double(n)
        #expect(abs(mean - 0.3) < 4 * (0.3 * 0.7 / Double(n)).squareRoot())
        var h = SeededGenerator(seed: 11)
        #expect((0..<50).map { _ in q.code(for: 0.3, using: &h) } == first)
    }
}
