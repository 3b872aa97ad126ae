import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN

/// Column/row reads through the periphery (aihwkit's transfer read), single pulses on a
/// slice, and the post-update step (aihwkit `decay_weights`, `diffuse_weights`,
/// `reset_columns`).
@Suite struct CrossbarArraySlicesTests {
    func array<D: PulsedDeviceConfiguration>(_ device: D, rows: Int = 70, columns: Int = 5, seed: UInt64 = 1)
        throws -> CrossbarArray<D.DeviceArray> {
        var g = SeededGenerator(seed: seed)
        var a = try CrossbarArray(outputs: rows, inputs: columns, device: device, forwardIO: .perfect, backwardIO: .perfect,
                                  generator: &g)
        a.setWeights(Tensor.randomUniform([rows, columns], lower: -0.3, upper: 0.3, using: &g))
        return a
    }

    @Test func columnReadOfAOneHotInputIsTheWeightColumn() throws {
        var a = try array(ConstantStepDevice())
        let read = a.readColumns(1..<4, io: .perfect)
        #expect(read.shape == [3, 70])
        for (k, j) in (1..<4).enumerated() {
            for i in 0..<70 { #expect(abs(read.scalars[k * 70 + i] - a.weights.scalars[i * 5 + j]) < 1e-6) }
        }
        let rows = a.readRows(65..<67, io: .perfect)
        #expect(rows.shape == [2, 5])
        for (k, i) in (65..<67).enumerated() {
            for j in 0..<5 { #expect(abs(rows.scalars[k * 5 + j] - a.weights.scalars[i * 5 + j]) < 1e-6) }
        }
        // A noisy read stays near the column (output noise 0.06 of a unit input).
        let noisy = a.readColumns(0..<1, io: .forwardDefault)
        let error = zip(noisy.scalars, (0..<70).map { a.weights.scalars[$0 * 5] }).map { abs($0 - $1) }.max() ?? 0
        #expect(error > 0 && error < 0.5)
    }

    @Test func singlePulsesOnAColumnMoveOnlyThatColumnByExactSteps() throws {
        var a = try array(IdealPulsedDevice(dwMin: 0.01))
        let before = a.weights
        let counts = (0..<70).map { ($0 % 5) - 2 }          // −2…2 pulses per row
        a.applyPulses(toColumn: 3, counts: counts)
        for i in 0..<70 {
            for j in 0..<5 {
                let expected = before.scalars[i * 5 + j] + (j == 3 ? Float(counts[i]) * 0.01 : 0)
                #expect(abs(a.weights.scalars[i * 5 + j] - expected) < 1e-6, "row \(i) column \(j)")
            }
        }
        #expect(a.pulseCounts[9 * 5 + 3] == 2 && a.pulseCounts[9 * 5 + 2] == 0)
        let rowBefore = a.weights
        a.applyPulses(toRow: 66, counts: [1, 0, -1, 3, 0])
        for j in 0..<5 {
            let expected = rowBefore.scalars[66 * 5 + j] + Float([1, 0, -1, 3, 0][j]) * 0.01
            #expect(abs(a.weights.scalars[66 * 5 + j] - expected) < 1e-6)
        }
        #expect(a.weights.scalars[65 * 5 + 0] == rowBefore.scalars[65 * 5 + 0])
    }

    @Test func postUpdateWithoutLifetimeOrDiffusionChangesNothing() throws {
        var a = try array(ConstantStepDevice())
        #expect(!a.hasSlowDynamics)
        let before = a.weights
        a.postUpdate()
        #expect(a.weights == before)
    }

    @Test func decayRelaxesEachDeviceTowardItsResetValue() throws {
        var p = PulsedDeviceParameters.noiseFree
        p.lifetime = 10
        p.reset = 0.05
        var a = try array(ConstantStepDevice(pulsed: p))
        #expect(a.hasSlowDynamics)
        let before = a.weights
        a.postUpdate()
        for (w, w0) in zip(a.weights.scalars, before.scalars) {
            #expect(abs(w - ((w0 - 0.05) * 0.9 + 0.05)) < 1e-6)
        }
    }

    @Test func diffusionAddsARandomWalkOfTheConfiguredStd() throws {
        var p = PulsedDeviceParameters.noiseFree
        p.diffusion = 0.01
        var a = try array(ConstantStepDevice(pulsed: p), rows: 100, columns: 100)
        let before = a.weights
        a.postUpdate()
        let steps = zip(a.weights.scalars, before.scalars).map { Double($0 - $1) }
        let variance = steps.map { $0 * $0 }.reduce(0, +) / Double(steps.count)
        #expect(abs(variance.squareRoot() - 0.01) < 0.0005)     // 10,000 draws: σ within ~5 %
    }

    @Test func resetPutsColumnsAtTheSampledResetValues() throws {
        var p = PulsedDeviceParameters()
        p.reset = 0.1
        p.resetDtod = 0.02
        p.resetStd = 0
        var a = try array(ConstantStepDevice(pulsed: p))
        let before = a.weights
        a.resetColumns(1..<3)
        let resetBias = a.sampledParameters["reset_bias"] ?? []
        #expect(resetBias.count == 70 * 5)
        #expect(Set(resetBias).count > 1)                        // reset_dtod: a value per device
        let lo = a.sampledParameters["w_min"] ?? [], hi = a.sampledParameters["w_max"] ?? []
        for i in 0..<70 {
            for j in 0..<5 {
                let k = i * 5 + j
                let expected = (1..<3).contains(j) ? min(max(resetBias[k], lo[k]), hi[k]) : before.scalars[k]
                #expect(a.weights.scalars[k] == expected, "device (\(i), \(j))")
            }
        }
        // reset_std: cycle-to-cycle spread around reset_ij.
        p.resetDtod = 0
        p.resetStd = 0.01
        var b = try array(ConstantStepDevice(pulsed: p), rows: 100, columns: 100)
        b.reset()
        let mean = b.weights.scalars.reduce(0, +) / Float(b.weights.count)
        #expect(abs(mean - 0.1) < 0.001 && Set(b.weights.scalars).count > 100)
    }

    @Test func layersRunThePostUpdateStepOncePerBatch() throws {
        var p = PulsedDeviceParameters.noiseFree
        p.lifetime = 2
        p.reset = 0
        var update = PulsedUpdateParameters()
        update.pulseType = .float
        var g = SeededGenerator(seed: 3)
        var layer = try AnalogLinear(4, 3, device: ConstantStepDevice(pulsed: p), forwardIO: .perfect, backwardIO: .perfect,
                                     update: update, generator: &g)
        let before = layer.weights
        let x = Tensor.zeros([2, 4])                               // no gradient: only the decay acts
        _ = layer.forward(x, mode: .training)
        _ = layer.backward(Tensor.zeros([2, 3]))
        var sgd = SGD(learningRate: 0.1)
        var slot = 0
        layer.update(with: &sgd, slot: &slot)
        #expect(zip(layer.weights.scalars, before.scalars).allSatisfy { abs($0 - $1 * 0.5) < 1e-6 })
    }
}
