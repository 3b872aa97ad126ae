import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN
import Testing
@testable import NeuromorphLearning

/// The factorization machine with libFM's conventions (Muller et al. 2020 Eq. 7; spec §1.2, §2.2).
@Suite("factorization machine, libFM conventions")
struct FactorizationMachineLibFMTests {
    static func machine(seed: UInt64 = 2) -> FactorizationMachine {
        var g = SeededGenerator(seed: seed)
        var fm = FactorizationMachine(fields: [5, 7], factors: 4, initStd: 0.5, generator: &g)
        fm.weights.value = .randomUniform([12], lower: -0.5, upper: 0.5, using: &g)
        fm.globalBias.value = Tensor([3])
        return fm
    }

    @Test("the O(k) prediction equals the O(k n²) pairwise formula on the dense one-hot x (Rendle Eq. 1)")
    func oKEqualsPairwise() {
        var fm = Self.machine()
        let input = Tensor(shape: [4, 2], scalars: [0, 0, 4, 6, 2, 3, 1, 5])
        let fast = fm.forward(input, mode: .inference)
        let (n, k) = (12, 4)
        for r in 0..<4 {
            var x = [Double](repeating: 0, count: n)
            x[Int(input[r, 0])] = 1
            x[5 + Int(input[r, 1])] = 1
            var y = Double(fm.globalBias.value.scalars[0])
            for i in 0..<n { y += Double(fm.weights.value.scalars[i]) * x[i] }
            for i in 0..<n { for j in (i + 1)..<n {
                var dot = 0.0
                for d in 0..<k { dot += Double(fm.factorTable.value[i, d]) * Double(fm.factorTable.value[j, d]) }
                y += dot * x[i] * x[j]
            } }
            // The O(k n) form ½Σ_d[(Σ_i v_id x_i)² − Σ_i v_id² x_i²] as well.
            var kn = Double(fm.globalBias.value.scalars[0])
            for i in 0..<n { kn += Double(fm.weights.value.scalars[i]) * x[i] }
            for d in 0..<k {
                var s = 0.0, s2 = 0.0
                for i in 0..<n { s += Double(fm.factorTable.value[i, d]) * x[i]; s2 += pow(Double(fm.factorTable.value[i, d]) * x[i], 2) }
                kn += 0.5 * (s * s - s2)
            }
            #expect(abs(Double(fast.scalars[r]) - y) < 1e-5, "row \(r)")
            #expect(abs(kn - y) < 1e-9)
        }
    }

    /// L = Σ ½(clip(ŷ) − r)² + ½λ Σ_{active rows}(w_i² + ‖v_i‖²), in Double from the layer's forward.
    static func objective(_ fm: FactorizationMachine, _ input: Tensor, _ targets: [Float], _ c: LibFMConventions) -> Double {
        var copy = fm
        let y = copy.forward(input, mode: .inference)
        var loss = 0.0
        for (p, t) in zip(y.scalars, targets) {
            let e = Double(min(max(p, c.ratingRange.lowerBound), c.ratingRange.upperBound) - t)
            loss += 0.5 * e * e
        }
        let active = Set(input.scalars.enumerated().map { $0.offset % 2 == 0 ? Int($0.element) : 5 + Int($0.element) })
        for i in active {
            loss += 0.5 * Double(c.l2) * pow(Double(fm.weights.value.scalars[i]), 2)
            for d in 0..<4 { loss += 0.5 * Double(c.l2) * pow(Double(fm.factorTable.value[i, d]), 2) }
        }
        return loss
    }

    @Test("gradient vs finite differences: L2 only on active rows, ∂b = Σe / B, clipped predictions give 0")
    func gradientVsFiniteDifferences() {
        let fm = Self.machine()
        // Row 2 (user 2, item 3) predicts outside [1, 5] after this edit: it must not contribute.
        var clippedMachine = fm
        clippedMachine.weights.value.scalars[2] = 6
        let input = Tensor(shape: [4, 2], scalars: [0, 0, 4, 6, 2, 3, 0, 5])
        let targets: [Float] = [4, 2, 5, 3]
        let conventions = LibFMConventions(ratingRange: 1...5, l2: 0.05, clippedGradient: .zero)
        var copy = clippedMachine
        #expect(copy.forward(input, mode: .inference).scalars[2] > 5)
        let gradient = clippedMachine.libFMGradient(input, targets: targets, conventions: conventions)
        #expect(gradient.rows == [0, 2, 4, 5 + 0, 5 + 3, 5 + 5, 5 + 6])
        let h: Float = 1e-2
        func numeric(_ edit: (inout FactorizationMachine, Float) -> Void) -> Double {
            var plus = clippedMachine, minus = clippedMachine
            edit(&plus, h); edit(&minus, -h)
            return (Self.objective(plus, input, targets, conventions) - Self.objective(minus, input, targets, conventions)) / Double(2 * h)
        }
        for (a, i) in gradient.rows.enumerated() {
            let dw = numeric { $0.weights.value.scalars[i] += $1 }
            #expect(abs(dw - Double(gradient.weights[a])) < 1e-3 * max(1, abs(dw)), "w[\(i)]: \(dw) vs \(gradient.weights[a])")
            for d in 0..<4 {
                let dv = numeric { $0.factorTable.value.scalars[i * 4 + d] += $1 }
                #expect(abs(dv - Double(gradient.factors[a * 4 + d])) < 1e-3 * max(1, abs(dv)), "V[\(i), \(d)]")
            }
        }
        // The user-2 row is active only through the clipped rating: its data gradient is 0, only λ w remains.
        let user2 = gradient.rows.firstIndex(of: 2)!
        #expect(abs(gradient.weights[user2] - 0.05 * 6) < 1e-6)
        // Bias: the summed error divided by the batch size (libFM), i.e. ∂L/∂b / B.
        let db = numeric { $0.globalBias.value.scalars[0] += $1 }
        #expect(abs(Double(gradient.globalBias) - db / 4) < 1e-3)
    }

    @Test("libFM's own clipped gradient (clipped error × unclipped derivative) differs only on clipped rows")
    func libFMClippedVariant() {
        var fm = Self.machine()
        fm.weights.value.scalars[2] = 6
        let input = Tensor(shape: [1, 2], scalars: [2, 3])
        let zero = fm.libFMGradient(input, targets: [3], conventions: LibFMConventions(ratingRange: 1...5, l2: 0, clippedGradient: .zero))
        let libfm = fm.libFMGradient(input, targets: [3], conventions: LibFMConventions(ratingRange: 1...5, l2: 0, clippedGradient: .libFM))
        #expect(zero.weights.allSatisfy { $0 == 0 })
        #expect(libfm.weights.allSatisfy { $0 == 2 })   // (5 − 3) · ∂ŷ/∂w = 2
    }

    @Test("SGD touches only the batch's rows")
    func sparseUpdate() {
        var fm = Self.machine()
        let before = fm
        let input = Tensor(shape: [1, 2], scalars: [1, 2])
        fm.applySGD(fm.libFMGradient(input, targets: [5], conventions: LibFMConventions(ratingRange: 1...5, l2: 0.1)), learningRate: 0.1)
        for i in 0..<12 where i != 1 && i != 7 {
            #expect(fm.weights.value.scalars[i] == before.weights.value.scalars[i])
        }
        #expect(fm.weights.value.scalars[1] != before.weights.value.scalars[1])
        #expect(fm.globalBias.value.scalars[0] != before.globalBias.value.scalars[0])
    }

    @Test("training on a planted rating set beats the global mean with libFM's gradient; any batch size runs; zero-gradient clipping from w₀ = 0 never moves")
    func trainsOnSyntheticRatings() throws {
        var g = SeededGenerator(seed: 8)
        var users: [Int32] = [], items: [Int32] = [], ratings: [Float] = []
        let a = (0..<60).map { _ in g.nextNormal() }, b = (0..<40).map { _ in g.nextNormal() }
        for u in 0..<60 { for i in 0..<40 where g.nextUniform() < 0.5 {
            users.append(Int32(u)); items.append(Int32(i))
            ratings.append(min(max((3 + a[u] * b[i]).rounded(), 1), 5))
        } }
        let data = RatingsDataset(users: users, items: items, ratings: ratings, userCount: 60, itemCount: 40,
                                  userIDs: Array(1...60), itemIDs: Array(1...40))
        for batch in [1, 7, 4096] {
            var c = FactorizationMachineRunConfiguration(factors: 4, epochs: batch == 1 ? 30 : 3, batchSize: batch,
                                                         learningRate: 0.02, l2: 0.02, seed: 1)
            c.testFraction = 0.15
            c.clippedGradient = .libFM
            let result = try FactorizationMachineTraining.run(data, configuration: c)
            #expect(result.testRMSE.allSatisfy { $0.isFinite })
            if batch == 1 { #expect(result.testRMSEAtBest < result.globalMeanTestRMSE - 0.1, "\(result.testRMSEAtBest) vs \(result.globalMeanTestRMSE)") }
        }
        // With libFM's initialization (w₀ = w = 0, small V) every first prediction lies below the
        // rating range, so the zero-gradient reading of the clipping never leaves it: every epoch
        // has the same RMSE (a finding, documented in docs/learning-rules-bias-matching.md).
        var frozen = FactorizationMachineRunConfiguration(factors: 4, epochs: 3, batchSize: 1, learningRate: 0.02, l2: 0.02, seed: 1)
        frozen.clippedGradient = .zero
        let stuck = try FactorizationMachineTraining.run(data, configuration: frozen)
        #expect(Set(stuck.testRMSE).count == 1, "\(stuck.testRMSE)")
        #expect(throws: LearningRuleParameterError.self) {
            _ = try FactorizationMachineTraining.run(data, configuration: FactorizationMachineRunConfiguration(batchSize: 0))
        }
    }
}
