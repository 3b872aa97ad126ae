import Foundation
import Testing
@testable import NeuromorphCore
@testable import NeuromorphNN

@Suite struct FactorizationMachineTests {
    /// Three fields (4, 3, 5 values), k = 3, a few index rows.
    static func model() -> (FactorizationMachine, Tensor) {
        var g = SeededGenerator(seed: 21)
        var fm = FactorizationMachine(fields: [4, 3, 5], factors: 3, initStd: 0.5, generator: &g)
        fm.weights.value = Tensor.randomNormal([12], std: 0.3, using: &g)
        fm.globalBias.value = Tensor(shape: [1], scalars: [0.7])
        let rows: [[Float]] = [[0, 0, 0], [3, 2, 4], [1, 0, 2], [2, 1, 2], [1, 0, 2]]
        return (fm, Tensor(shape: [5, 3], scalars: rows.flatMap { $0 }))
    }

    @Test func linearTimePredictionEqualsThePairwiseFormula() {
        // Rendle 2010 Eq. 5 (O(F·k)) against Eq. 1 summed over all feature pairs (O(k·n²)).
        var (fm, x) = Self.model()
        let y = fm.forward(x, mode: .inference)
        let n = 12, k = 3
        for r in 0..<x.rows {
            var onehot = [Float](repeating: 0, count: n)
            for (c, offset) in [0, 4, 7].enumerated() { onehot[offset + Int(x.scalars[r * 3 + c])] = 1 }
            var expected = Double(fm.globalBias.value.scalars[0])
            for i in 0..<n { expected += Double(fm.weights.value.scalars[i] * onehot[i]) }
            for i in 0..<n {
                for j in (i + 1)..<n where onehot[i] * onehot[j] != 0 {
                    var dot: Double = 0
                    for d in 0..<k { dot += Double(fm.factorTable.value.scalars[i * k + d] * fm.factorTable.value.scalars[j * k + d]) }
                    expected += dot
                }
            }
            #expect(abs(Double(y.scalars[r]) - expected) < 1e-5, "row \(r)")
        }
    }

    @Test func gradientsMatchFiniteDifferences() {
        var (fm, x) = Self.model()
        var g = SeededGenerator(seed: 3)
        let probe = fm.forward(x, mode: .training)
        let r = Tensor.randomNormal(probe.shape, using: &g)
        _ = fm.backward(r)
        var analytic: [[Float]] = []
        fm.forEachParameter { analytic.append($0.gradient.scalars) }
        func objective(_ m: FactorizationMachine) -> Double {
            var copy = m
            let y = copy.forward(x, mode: .inference)
            return zip(y.scalars, r.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        var worst: Double = 0
        for p in 0..<3 {
            for i in 0..<analytic[p].count {
                func perturbed(_ delta: Float) -> FactorizationMachine {
                    var copy = fm
                    var k = 0
                    copy.forEachParameter { if k == p { $0.value.scalars[i] += delta }; k += 1 }
                    return copy
                }
                let numeric = (objective(perturbed(1e-2)) - objective(perturbed(-1e-2))) / 2e-2
                worst = max(worst, abs(numeric - Double(analytic[p][i])) / max(1, abs(numeric)))
            }
        }
        #expect(worst < 2e-3)
        // Rows 2 and 4 are the same features: the gradient of unused features is exactly 0.
        #expect(analytic[1][3] == 0 || x.scalars.contains(3))
    }
}
