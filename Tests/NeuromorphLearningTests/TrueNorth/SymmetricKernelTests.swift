import NeuromorphCore
import Testing
@testable import NeuromorphLearning

/// S₄ utilities, symmetric kernels and their enumeration (learning-rules note §1.4, §2.4;
/// digest BM §3, Appuswamy et al. 2016 Theorem 1).
@Suite("TrueNorth symmetric kernels")
struct SymmetricKernelTests {
    @Test("S₄ has 24 elements, inverses and powers behave")
    func groupAxioms() throws {
        #expect(Permutation4.all.count == 24)
        #expect(Set(Permutation4.all).count == 24)
        for p in Permutation4.all {
            #expect(p.composed(with: p.inverse) == .identity)
            #expect(p.power(p.order) == .identity)
            #expect(p.power(-1) == p.inverse)
            #expect(12 % p.order == 0)   // orbit() reduces powers modulo 12
        }
        #expect(throws: LearningRuleParameterError.self) { try Permutation4([0, 1, 1, 3]) }
    }

    /// Note §2.4 [C]: 120 ordered commuting pairs (= 24 × 5 conjugacy classes). Exact.
    @Test("120 ordered commuting pairs in S₄ (note §2.4)")
    func commutingPairs() {
        #expect(Permutation4.commutingPairs.count == 120)
        #expect(Permutation4.commutingPairs.allSatisfy { $0.sigma.commutes(with: $0.rho) })
    }

    /// Note §2.4 [C] under the reconstruction K_ij = f(σ^i ρ^j(0)): 81 (2×2, all of them),
    /// 405 (3×3), 561 (4×4) distinct trinary symmetric kernels. Exact (cross-checked by
    /// an independent Python enumeration while writing this test).
    @Test("81 / 405 / 561 distinct trinary symmetric kernels (note §2.4)", arguments: [(2, 81), (3, 405), (4, 561)])
    func distinctKernelCounts(size: Int, expected: Int) throws {
        #expect(try SymmetricKernel.distinctTrinaryKernels(size: size).count == expected)
    }

    @Test("known operators are symmetric: the 3×3 Laplacian-like cross and a separable kernel")
    func examples() throws {
        // σ = ρ = (0 1) swaps: positions with i + j even get type 0, odd get type 1.
        let swap = try Permutation4([1, 0, 2, 3])
        let checker = try SymmetricKernel(sigma: swap, rho: swap, strengths: [-1, 1, 0, 0], size: 3)
        #expect(checker.values == [-1, 1, -1, 1, -1, 1, -1, 1, -1])
        // σ = id, ρ = a 3-cycle: every row equals (f(0), f(ρ0), f(ρ²0)): a separable kernel.
        let cycle = try Permutation4([1, 2, 0, 3])
        let rows = try SymmetricKernel(sigma: .identity, rho: cycle, strengths: [1, 0, -1, 0], size: 3)
        #expect(rows.values == [1, 0, -1, 1, 0, -1, 1, 0, -1])
        #expect(throws: LearningRuleParameterError.self) {
            try SymmetricKernel(sigma: swap, rho: cycle, strengths: [1, 0, 0, 0], size: 3)   // do not commute
        }
    }

    /// Note §1.4 [C]: g(a, b) = σ^a ρ^b(b_c) and S_(l,q)(t) = f((σ^l ρ^q)⁻¹(t)) reproduce
    /// every kernel entry, for every pair, offset and channel base. Exact.
    @Test("the explicit representation reproduces K at every offset")
    func explicitRepresentation() throws {
        var g = SeededGenerator(seed: 7, key: StreamKey("test", "explicit"))
        var mismatches = 0, checked = 0
        for pair in Permutation4.commutingPairs {
            let f = (0..<4).map { _ in g.nextInt(below: 7) - 3 }
            let bases = (0..<3).map { _ in g.nextInt(below: 4) }
            let k = try SymmetricKernel(sigma: pair.sigma, rho: pair.rho, strengths: f, bases: bases, size: 3)
            let values = k.values
            for l in 0..<5 { for q in 0..<5 {
                let table = k.neuronStrengths(row: l, column: q)
                for c in 0..<3 { for i in 0..<3 { for j in 0..<3 {
                    checked += 1
                    if table[k.axonType(row: l + i, column: q + j, channel: c)] != values[(c * 3 + i) * 3 + j] { mismatches += 1 }
                } } }
            } }
        }
        #expect(checked == 120 * 25 * 27)
        #expect(mismatches == 0)
    }
}
