import Foundation
import NeuromorphCore
import NeuromorphData
import NeuromorphNN
import Testing
@testable import NeuromorphLearning

/// Full-batch L-BFGS and its projected (box) variant (spec §1.2 "full-batch L-BFGS(-B)").
@Suite("L-BFGS")
struct LBFGSTests {
    static func rosenbrock(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let (a, b) = (x[0], x[1])
        return (pow(1 - a, 2) + 100 * pow(b - a * a, 2), [-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])
    }

    @Test("Rosenbrock from (−1.2, 1) reaches (1, 1) within 1e-5")
    func rosenbrock() {
        let result = LBFGS(maxIterations: 500, gradientTolerance: 1e-10, functionTolerance: 0).minimize([-1.2, 1], Self.rosenbrock)
        #expect(abs(result.x[0] - 1) < 1e-5 && abs(result.x[1] - 1) < 1e-5, "\(result.x) after \(result.iterations) iterations, \(result.stop)")
        #expect(result.history.last! <= result.history.first!)
    }

    @Test("an ill-conditioned quadratic ½xᵀAx − bᵀx is solved to 1e-8 (A x = b)")
    func quadratic() {
        // A = diag(1 … 100) rotated by a fixed orthogonal pair mix; b fixed.
        let n = 20
        let diagonal = (0..<n).map { 1 + 99 * Double($0) / Double(n - 1) }
        let b = (0..<n).map { sin(Double($0) + 1) }
        func f(_ x: [Double]) -> (Double, [Double]) {
            var value = 0.0, g = [Double](repeating: 0, count: n)
            for i in 0..<n {
                g[i] = diagonal[i] * x[i] - b[i]
                value += 0.5 * diagonal[i] * x[i] * x[i] - b[i] * x[i]
            }
            return (value, g)
        }
        let result = LBFGS(maxIterations: 300, gradientTolerance: 1e-12, functionTolerance: 0).minimize([Double](repeating: 0, count: n), f)
        for i in 0..<n { #expect(abs(result.x[i] - b[i] / diagonal[i]) < 1e-8, "x[\(i)]") }
    }

    @Test("box-bounded quadratic: the solution is the clipped unconstrained minimum, bounds hold exactly")
    func boundedQuadratic() {
        let target = [2.5, -3.0, 0.3, -0.7, 1.0]
        let weights = [1.0, 4.0, 2.0, 10.0, 0.5]
        func f(_ x: [Double]) -> (Double, [Double]) {
            var value = 0.0
            var g = [Double](repeating: 0, count: x.count)
            for i in x.indices {
                value += 0.5 * weights[i] * pow(x[i] - target[i], 2)
                g[i] = weights[i] * (x[i] - target[i])
            }
            return (value, g)
        }
        let lower = [Double](repeating: -1, count: 5), upper = [Double](repeating: 1, count: 5)
        let result = LBFGS(maxIterations: 100, gradientTolerance: 1e-12, functionTolerance: 0)
            .minimize([0.9, 0.9, -0.9, 0, 0], lower: lower, upper: upper, f)
        for i in 0..<5 {
            #expect(abs(result.x[i] - min(max(target[i], -1), 1)) < 1e-9, "x[\(i)] = \(result.x[i])")
            #expect(result.x[i] >= -1 && result.x[i] <= 1)
        }
    }

    @Test("bounded Rosenbrock with x ≤ 0.5: the constrained minimum (0.5, 0.25)")
    func boundedRosenbrock() {
        let result = LBFGS(maxIterations: 500, gradientTolerance: 1e-9, functionTolerance: 0)
            .minimize([-1.2, 1], lower: [-2, -2], upper: [0.5, 2], Self.rosenbrock)
        #expect(abs(result.x[0] - 0.5) < 1e-6 && abs(result.x[1] - 0.25) < 1e-5, "\(result.x)")
    }

    @Test("AutoRec: the objective's gradient matches finite differences; L-BFGS lowers it and keeps sparseRec weights in [−1, 1]")
    func autoRecTiny() throws {
        // 30 users × 12 items, ratings from a rank-2 model, 60 % observed.
        var g = SeededGenerator(seed: 4)
        var users: [Int32] = [], items: [Int32] = [], ratings: [Float] = []
        let a = (0..<30).map { _ in (g.nextUniform(), g.nextUniform()) }
        let b = (0..<12).map { _ in (g.nextUniform(), g.nextUniform()) }
        for u in 0..<30 { for i in 0..<12 where g.nextUniform() < 0.6 {
            users.append(Int32(u)); items.append(Int32(i))
            ratings.append((1 + 2 * (a[u].0 * b[i].0 + a[u].1 * b[i].1)).rounded())
        } }
        let data = RatingsDataset(users: users, items: items, ratings: ratings, userCount: 30, itemCount: 12,
                                  userIDs: Array(1...30), itemIDs: Array(1...12))
        var model = try AutoRec.model(users: 30, hidden: .sparseRec(inputUnits: 3, units: 8, steps: 1, density: 0.4), generator: &g)
        let matrix = AutoRec.RatingMatrix(data)
        var decays: [Bool] = []
        for (_, p) in model.namedParameters() { decays.append(contentsOf: repeatElement(p.decays, count: p.value.count)) }
        let x0 = ParameterVector.values(of: &model)
        let (_, gradient) = AutoRec.objective(&model, data: matrix, l2: 0.5, decays: decays)
        for index in [0, 40, x0.count - 1, x0.count - 20] {
            var xp = x0, xm = x0
            xp[index] += 1e-2; xm[index] -= 1e-2
            ParameterVector.assign(xp, to: &model)
            let fp = AutoRec.objective(&model, data: matrix, l2: 0.5, decays: decays).value
            ParameterVector.assign(xm, to: &model)
            let fm = AutoRec.objective(&model, data: matrix, l2: 0.5, decays: decays).value
            let numeric = (fp - fm) / 2e-2
            #expect(abs(numeric - gradient[index]) < 1e-2 * max(1, abs(numeric)), "θ[\(index)]: \(numeric) vs \(gradient[index])")
        }
        let result = try AutoRec.run(data, configuration: AutoRecConfiguration(
            hidden: .sparseRec(inputUnits: 3, units: 8, steps: 1, density: 0.4), l2: 0.1, maxIterations: 30, seed: 1))
        #expect(result.objective.last! < 0.5 * result.objective.first!)
        #expect(result.trainRMSE < 1.0)
    }
}
