import Testing
@testable import NeuromorphCore

@Suite struct RandomTests {
    @Test func sameSeedSameStreamIsBitIdentical() {
        var a = SeededGenerator(seed: 42, stream: 3), b = SeededGenerator(seed: 42, stream: 3)
        for _ in 0..<1000 { #expect(a.next() == b.next()) }
        var c = SeededGenerator(seed: 42, stream: 4)
        var d = SeededGenerator(seed: 42, stream: 3)
        #expect((0..<100).map { _ in c.next() } != (0..<100).map { _ in d.next() })
    }

    @Test func uniformAndNormalMoments() {
        var g = SeededGenerator(seed: 1)
        let n = 200_000
        let u = (0..<n).map { _ in Double(g.nextUniform()) }
        let meanU = u.reduce(0, +) / Double(n)
        #expect(abs(meanU - 0.5) < 4 * (1.0 / 12).squareRoot() / Double(n).squareRoot())
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        let z = (0..<n).map { _ in Double(g.nextNormal()) }
        let meanZ = z.reduce(0, +) / Double(n)
        let varZ = z.reduce(0) { $0 + ($1 - meanZ) * ($1 - meanZ) } / Double(n - 1)
        #expect(abs(meanZ) < 4 / Double(n).squareRoot())
        #expect(abs(varZ - 1) < 4 * (2.0 / Double(n)).squareRoot())
    }

    @Test(arguments: [0.3, 4.0, 25.0, 400.0])
    func poissonMeanAndVariance(lambda: Double) {
        var g = SeededGenerator(seed: 2)
        let n = 100_000
        let k = (0..<n).map { _ in Double(g.nextPoisson(lambda)) }
        let mean = k.reduce(0, +) / Double(n)
        let variance = k.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        #expect(abs(mean - lambda) < 5 * (lambda / Double(n)).squareRoot(), "λ = \(lambda)")
        #expect(abs(variance - lambda) / lambda < 0.03, "λ = \(lambda)")
    }

    @Test func bernoulliAndBoundedIntegers() {
        var g = SeededGenerator(seed: 3)
        let n = 100_000
        let hits = (0..<n).filter { _ in g.nextBernoulli(0.2) }.count
        #expect(abs(Double(hits) / Double(n) - 0.2) < 4 * (0.16 / Double(n)).squareRoot())
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[g.nextInt(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    }

    @Test func permutationIsAPermutationAndSeeded() {
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5)
        let p = a.permutation(1000)
        #expect(p.sorted() == Array(0..<1000))
        #expect(p == b.permutation(1000))
        #expect(p != Array(0..<1000))
    }

    @Test func generatorStateRoundTripsThroughCodable() throws {
        var g = SeededGenerator(seed: 77)
        _ = g.next()
        let data = try JSONEncoder().encode(g)
        var restored = try JSONDecoder().decode(SeededGenerator.self, from: data)
        #expect(restored.next() == g.next())
    }
}

import Foundation

@Suite struct ZigguratTests {
    /// Moments and tail masses of N(0, 1) within Monte-Carlo tolerance (Marsaglia & Tsang 2000).
    @Test func zigguratDrawsAreStandardNormal() {
        var g = SeededGenerator(seed: 12)
        let n = 400_000
        var sum = 0.0, squares = 0.0, fourth = 0.0
        var beyond2 = 0, beyond3 = 0, beyondTail = 0
        for _ in 0..<n {
            let z = Double(Ziggurat.next(&g))
            sum += z
            squares += z * z
            fourth += z * z * z * z
            if abs(z) > 2 { beyond2 += 1 }
            if abs(z) > 3 { beyond3 += 1 }
            if abs(z) > 3.5 { beyondTail += 1 }
        }
        let mean = sum / Double(n), variance = squares / Double(n) - mean * mean
        #expect(abs(mean) < 4 / Double(n).squareRoot())
        #expect(abs(variance - 1) < 4 * (2.0 / Double(n)).squareRoot())
        #expect(abs(fourth / Double(n) - 3) < 0.05)                     // kurtosis of a normal
        #expect(abs(Double(beyond2) / Double(n) - 0.045_500) < 0.0015)
        #expect(abs(Double(beyond3) / Double(n) - 0.002_700) < 0.0004)
        #expect(abs(Double(beyondTail) / Double(n) - 0.000_465) < 0.00017)  // the exact tail path
    }

    @Test func sameSeedSameDraws() {
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        #expect((0..<1000).map { _ in Ziggurat.next(&a) } == (0..<1000).map { _ in Ziggurat.next(&b) })
    }
}
