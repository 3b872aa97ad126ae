import Foundation
import NeuromorphCore
import NeuromorphNN
import Testing
@testable import NeuromorphLearning

/// sparseRec (Muller et al. 2020, Eq. 5; spec learning-rules.md §1.2, §2.2).
@Suite("sparseRec layer")
struct SparseRecTests {
    @Test("LAPACK dgeev_ is reachable and finds the eigenvalues of a rotation-scaling matrix")
    func dgeevKnownMatrix() throws {
        // [[0, −2], [2, 0]] has eigenvalues ±2i; [[2, 1], [0, 3]] has 2 and 3.
        #expect(Eigenvalues.isAvailable)
        let rotation = try Eigenvalues.spectralRadius([0, -2, 2, 0], n: 2)
        #expect(abs(rotation - 2) < 1e-12)
        let (re, im) = try Eigenvalues.of([2, 1, 0, 3], n: 2)
        #expect(Set(re.map { ($0 * 1e9).rounded() / 1e9 }) == [2, 3])
        #expect(im.allSatisfy { $0 == 0 })
    }

    @Test("W_rec has spectral radius 0.95 (1e-6) and density ≈ 0.2 (spec §1.2)")
    func spectralRadius() throws {
        var g = SeededGenerator(seed: 3)
        let w = try SparseRecurrentMatrix.make(units: 200, density: 0.2, spectralRadius: 0.95, generator: &g)
        // Recomputed from the Float matrix as stored (scaling was done in Double).
        let radius = try Eigenvalues.spectralRadius(w.scalars.map(Double.init), n: 200)
        #expect(abs(radius - 0.95) < 1e-6, "radius \(radius)")
        let density = Double(w.scalars.filter { $0 != 0 }.count) / Double(w.count)
        // Binomial(40000, 0.2): SE 0.002; 5 SE.
        #expect(abs(density - 0.2) < 0.01, "density \(density)")
    }

    @Test("forward equals the written-out recursion y_t = f(y0* + W_rec y_{t−1} + b), t_max = 3")
    func forwardRecursion() throws {
        var g = SeededGenerator(seed: 5)
        var layer = try SparseRecurrentLayer(
            SparseRecurrentConfiguration(inputs: 4, inputUnits: 2, units: 5, density: 0.6, steps: 3, activation: .tanh),
            generator: &g)
        let x = Tensor.randomUniform([3, 4], lower: -1, upper: 1, using: &g)
        let y = layer.forward(x, mode: .inference)
        for r in 0..<3 {
            var y0 = [Double](repeating: 0, count: 5)
            for i in 0..<2 { for j in 0..<4 { y0[i] += Double(layer.weight.value[i, j] * x[r, j]) } }
            var prev = y0
            for _ in 0..<3 {
                prev = (0..<5).map { i in
                    var a = y0[i] + Double(layer.bias!.value.scalars[i])
                    for j in 0..<5 { a += Double(layer.recurrent[i, j]) * prev[j] }
                    return Foundation.tanh(a)
                }
            }
            for i in 0..<5 { #expect(abs(Double(y[r, i]) - prev[i]) < 1e-5) }
        }
    }

    @Test("backward through t_max = 2 matches finite differences", arguments: [ActivationKind.sigmoid, .tanh])
    func gradientCheck(kind: ActivationKind) throws {
        var g = SeededGenerator(seed: 9)
        var layer = try SparseRecurrentLayer(
            SparseRecurrentConfiguration(inputs: 6, inputUnits: 3, units: 7, density: 0.5, steps: 2, activation: kind),
            generator: &g)
        let x = Tensor.randomUniform([4, 6], lower: -1, upper: 1, using: &g)
        let c = Tensor.randomUniform([4, 7], lower: -1, upper: 1, using: &g)
        // L = Σ c ⊙ y.
        func loss(_ l: inout SparseRecurrentLayer, _ input: Tensor) -> Double {
            zip(l.forward(input, mode: .inference).scalars, c.scalars).reduce(0) { $0 + Double($1.0 * $1.1) }
        }
        _ = layer.forward(x, mode: .training)
        let dx = layer.backward(c)
        let h: Float = 1e-2
        for (index, analytic) in [(0, layer.weight.gradient.scalars[0]), (7, layer.weight.gradient.scalars[7]),
                                  (17, layer.weight.gradient.scalars[17])] {
            var plus = layer, minus = layer
            plus.weight.value.scalars[index] += h
            minus.weight.value.scalars[index] -= h
            let numeric = (loss(&plus, x) - loss(&minus, x)) / Double(2 * h)
            #expect(abs(numeric - Double(analytic)) < 2e-3 * max(1, abs(numeric)), "weight \(index): \(numeric) vs \(analytic)")
        }
        var plus = layer, minus = layer
        plus.bias!.value.scalars[4] += h
        minus.bias!.value.scalars[4] -= h
        let numericBias = (loss(&plus, x) - loss(&minus, x)) / Double(2 * h)
        #expect(abs(numericBias - Double(layer.bias!.gradient.scalars[4])) < 2e-3 * max(1, abs(numericBias)))
        var xp = x, xm = x
        xp.scalars[5] += h
        xm.scalars[5] -= h
        var copy = layer
        let numericInput = (loss(&copy, xp) - loss(&copy, xm)) / Double(2 * h)
        #expect(abs(numericInput - Double(dx.scalars[5])) < 2e-3 * max(1, abs(numericInput)))
    }

    @Test("input weights lie in [−1, 1] after a training step that pushes them out (spec §1.2, BoxConstraint hook)")
    func clippingAfterStep() throws {
        var (model, constraints) = try SparseRecClassifier.model(
            inputs: 8, classes: 3, configuration: .init(hidden: .sparseRec(inputUnits: 4, units: 6, steps: 1), dropout: 0))
        // Start at the bound so one large step leaves the box.
        model.forEachLayer { path, layer in
            guard path == "1", var sparse = layer as? SparseRecurrentLayer else { return }
            sparse.weight.value = Tensor(repeating: 0.999, shape: sparse.weight.value.shape)
            layer = sparse
        }
        var g = SeededGenerator(seed: 1)
        let x = Tensor.randomUniform([16, 8], lower: 0, upper: 1, using: &g)
        var sgd = SGD(learningRate: 50)
        var procedure = Backpropagation()
        _ = try Trainer.fit(&model, optimizer: &sgd, procedure: &procedure, objective: Classification(),
                            constraints: constraints,
                            train: LabeledTensors(inputs: x, labels: (0..<16).map { $0 % 3 }),
                            configuration: TrainingConfiguration(epochs: 1, batchSize: 16, showProgress: false))
        let weights = model.namedParameters().first { $0.name == "1.weight" }!.parameter.value
        #expect(weights.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
        #expect(weights.scalars.contains { $0 == 1 || $0 == -1 }, "the step should have hit the box")
        // Without the constraint the same step leaves [−1, 1].
        var (free, _) = try SparseRecClassifier.model(
            inputs: 8, classes: 3, configuration: .init(hidden: .sparseRec(inputUnits: 4, units: 6, steps: 1), dropout: 0))
        free.forEachLayer { path, layer in
            guard path == "1", var sparse = layer as? SparseRecurrentLayer else { return }
            sparse.weight.value = Tensor(repeating: 0.999, shape: sparse.weight.value.shape)
            layer = sparse
        }
        var sgd2 = SGD(learningRate: 50)
        _ = try Trainer.fit(&free, optimizer: &sgd2, procedure: &procedure, objective: Classification(),
                            train: LabeledTensors(inputs: x, labels: (0..<16).map { $0 % 3 }),
                            configuration: TrainingConfiguration(epochs: 1, batchSize: 16, showProgress: false))
        #expect(free.namedParameters().first { $0.name == "1.weight" }!.parameter.value.absMax() > 1)
    }

    @Test("bad configurations name the field")
    func badConfiguration() {
        var g = SeededGenerator(seed: 0)
        #expect(throws: LearningRuleParameterError.self) {
            _ = try SparseRecurrentLayer(SparseRecurrentConfiguration(inputs: 4, inputUnits: 9, units: 5), generator: &g)
        }
        do {
            _ = try SparseRecurrentLayer(SparseRecurrentConfiguration(inputs: 4, inputUnits: 2, units: 5, density: 1.5), generator: &g)
            Issue.record("density 1.5 accepted")
        } catch let error as LearningRuleParameterError {
            #expect(error.field == "density")
        } catch { Issue.record("\(error)") }
    }

    // MARK: - Consistency checks of the paper's arithmetic (spec §2.2)

    @Test("consistency check: Table 2 lists 1 − k/m, and k = 32 gives 93.6 % (printed 93.2, erratum)")
    func table2Sparsity() {
        let m = 500.0
        let ks = [500.0, 250, 125, 62, 32, 16]
        let printed = [0.0, 50, 75, 87.6, 93.2, 96.8]
        let computed = ks.map { (1 - $0 / m) * 100 }
        for (c, p) in zip(computed, printed) where p != 93.2 { #expect(abs(c - p) < 0.05, "\(c) vs \(p)") }
        #expect(abs(computed[4] - 93.6) < 1e-9)   // the erratum: not 93.2
        #expect(abs(computed[4] - 93.2) > 0.3)
    }

    @Test("consistency check: dense 784-500-10 has 397,000 weights (+510 biases), the paper's ≈ 400,000")
    func baselineParameters() throws {
        let (model, _) = try SparseRecClassifier.model(inputs: 784, classes: 10, configuration: .init(hidden: .dense(units: 500)))
        let weights = model.namedParameters().filter { $0.parameter.decays }.reduce(0) { $0 + $1.parameter.value.count }
        let biases = model.namedParameters().filter { !$0.parameter.decays }.reduce(0) { $0 + $1.parameter.value.count }
        #expect(weights == 397_000)
        #expect(biases == 510)
    }
}
