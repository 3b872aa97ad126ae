import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

/// Stochastic pulse trains drawn in bulk (`neuromorph_pulse_trains`, through
/// `CrossbarArray.pulseTrains`): every slot fires with the probability of the per-slot
/// comparison `u < ⌊p·(2³² − 256)⌋` of `CrossbarArray.pulseTrain` (the stochastic translator
/// of Gokmen & Vlasov 2016, digest `ttv2_gradient-decomposition_shd.md` §1.3), decided from the
/// top byte of each uniform and, on a tie (1 in 256), its low 24 bits.
@Suite("Stochastic pulse trains drawn in bulk")
struct PulseTrainsTests {
    typealias Array = CrossbarArray<ConstantStepDeviceArray>

    static func draw(_ p: Float, bitLength: Int, trains: Int, seed: UInt64) -> [UInt64] {
        var generator = SeededGenerator(seed: seed)
        let probabilities = [Float](repeating: p, count: trains)
        var out = [UInt64](repeating: 0, count: trains)
        probabilities.withUnsafeBufferPointer { ps in
            out.withUnsafeMutableBufferPointer { o in
                Array.pulseTrains(probabilities: ps.baseAddress!, count: trains, bitLength: bitLength,
                                  generator: &generator, into: o.baseAddress!)
            }
        }
        return out
    }

    /// Each slot's firing frequency within 5 sd of the exact probability `T/2³²`, for lengths
    /// that end inside and at the edge of a 16-slot block, and no slot beyond the length.
    @Test(arguments: [1, 7, 8, 9, 16, 17, 31, 64])
    func slotsFireWithTheirProbability(bitLength: Int) {
        // 0.3 + 0.5/256: a threshold whose low 24 bits decide about 1/512 of the slots
        for p: Float in [0.001, 0.3 + 0.5 / 256, 0.5, 0.97] {
            let trains = Self.draw(p, bitLength: bitLength, trains: 40_000, seed: 11 + UInt64(bitLength))
            let exact = Double(UInt32(p * 4_294_967_040)) / 4_294_967_296
            let mask: UInt64 = bitLength == 64 ? ~0 : (1 << UInt64(bitLength)) - 1
            #expect(trains.allSatisfy { $0 & ~mask == 0 }, "bit length \(bitLength): a slot beyond the train fired")
            let fired = trains.reduce(0) { $0 + $1.nonzeroBitCount }
            let n = Double(trains.count * bitLength)
            let sd = (n * exact * (1 - exact)).squareRoot()
            #expect(abs(Double(fired) - n * exact) < 5 * sd,
                    "p \(p), bit length \(bitLength): \(fired) of \(Int(n)) slots fired, expected \(n * exact) ± \(sd)")
        }
    }

    /// The tie on the top byte matters: with p = (T₈ + ½)/256 half of the tied slots fire, so a
    /// generator that ignored the low bits would be off by 1/512 (here over 10 sd).
    @Test func tiesOnTheTopByteDrawTheLowBits() {
        let p: Float = (77 + 0.5) / 256
        let trains = Self.draw(p, bitLength: 32, trains: 200_000, seed: 3)
        let n = Double(trains.count * 32)
        let fired = Double(trains.reduce(0) { $0 + $1.nonzeroBitCount })
        let exact = Double(UInt32(p * 4_294_967_040)) / 4_294_967_296
        let sd = (n * exact * (1 - exact)).squareRoot()
        #expect(abs(fired - n * exact) < 5 * sd)
        #expect(abs(fired - n * 77 / 256) > 10 * sd, "the low bits of tied draws were ignored")
    }

    /// p = 0 never fires, p ≥ 1 fills every slot, NaN (a diverged gradient) gives no pulses
    /// rather than undefined behaviour; the same seed gives the same trains.
    @Test func edgesAndReproducibility() {
        #expect(Self.draw(0, bitLength: 31, trains: 1000, seed: 1).allSatisfy { $0 == 0 })
        #expect(Self.draw(1, bitLength: 31, trains: 10, seed: 1).allSatisfy { $0 == 0x7fff_ffff })
        #expect(Self.draw(2, bitLength: 64, trains: 10, seed: 1).allSatisfy { $0 == ~0 })
        #expect(Self.draw(.nan, bitLength: 31, trains: 10, seed: 1).allSatisfy { $0 == 0 }, "a NaN probability fired")
        #expect(Self.draw(0.4, bitLength: 31, trains: 100, seed: 9) == Self.draw(0.4, bitLength: 31, trains: 100, seed: 9))
    }
}
