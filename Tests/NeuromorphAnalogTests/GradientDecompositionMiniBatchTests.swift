import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// Zhao et al. 2021 mini-batch accumulation with round-to-nearest or stochastic rounding
/// (digest `ttv2_gradient-decomposition_shd.md` §2.3, §2.7; note `analog-training.md` §1.7,
/// ids Z6 and C1).
@Suite struct GradientDecompositionMiniBatchTests {
    static let level: Float = 0.004   // Zhao's 2/Pmax with Pmax = 500

    func idealCell(rows: Int = 3, columns: Int = 4, batchSize: Int, rounding: PulseRounding,
                   seed: UInt64 = 1) throws -> MiniBatchAccumulation<IdealPulsedDeviceArray> {
        var g = SeededGenerator(seed: seed)
        return try MiniBatchAccumulationConfiguration(device: IdealPulsedDevice(dwMin: Self.level), batchSize: batchSize,
                                                      rounding: rounding)
            .makeCell(outputs: rows, inputs: columns, forwardIO: .perfect, backwardIO: .perfect,
                      update: PulsedUpdateParameters(), generator: &g)
    }

    /// Z6 (§2.3): E[SR(r)] = r. The round-up probability is exactly the fractional part (so
    /// E = ⌊r⌋ + (r − ⌊r⌋) = r to double precision), and 10⁶ draws of SR(3.3) average to 3.3
    /// within 3 standard errors (3·√(0.21/10⁶) = 0.0014, digest §2.7 item 1).
    @Test func stochasticRoundingIsUnbiased() {
        for r in [3.3, -2.7, 0.25, 17.0, -0.001] {
            let p = PulseRounding.stochastic.roundUpProbability(r)
            #expect(abs(r.rounded(.down) + p - r) <= 1e-12 * max(1, abs(r)))
        }
        var g = SeededGenerator(seed: 7)
        var sum = 0.0
        let draws = 1_000_000
        for _ in 0..<draws { sum += PulseRounding.stochastic.round(3.3, uniform: g.nextUniformDouble()) }
        let mean = sum / Double(draws)
        #expect(abs(mean - 3.3) < 3 * (0.21 / Double(draws)).squareRoot(), "mean \(mean)")
        // Round-to-nearest is deterministic and biased toward the nearest level.
        #expect(PulseRounding.nearest.round(0.3, uniform: 0.99) == 0)
        #expect(PulseRounding.nearest.round(-0.5, uniform: 0) == -1 && PulseRounding.nearest.round(2.5, uniform: 0) == 3)
    }

    /// C1 (§2.7 item 1): 1000 updates of 0.3 level each on an ideal quantized device without
    /// saturation: round-to-nearest moves no weight at all; stochastic rounding moves each by
    /// 300 ± 14.5 levels (binomial, 1σ), checked within 3σ per weight and for the mean of 12.
    @Test func roundToNearestLosesSmallUpdatesWhileStochasticRoundingKeepsThem() throws {
        let lr: Float = 0.1
        let x = Tensor(shape: [1, 4], scalars: [1, 1, 1, 1])
        // ΔW = −η d x = +0.3 level for every weight.
        let d = Tensor(shape: [1, 3], scalars: [Float](repeating: -0.3 * Self.level / lr, count: 3))
        var nearest = try idealCell(batchSize: 1, rounding: .nearest)
        var stochastic = try idealCell(batchSize: 1, rounding: .stochastic)
        for _ in 0..<1000 {
            nearest.update(x: x, d: d, rates: LearningRates(sgd: lr))
            stochastic.update(x: x, d: d, rates: LearningRates(sgd: lr))
        }
        #expect(nearest.weights.scalars.allSatisfy { $0 == 0 })
        #expect(nearest.statistics.pulses == 0 && nearest.statistics.roundedToZero == 12_000)
        #expect(nearest.statistics.writeEvents == 1000)
        let levels = stochastic.weights.scalars.map { Double($0 / Self.level) }
        for l in levels { #expect(abs(l - 300) < 3 * 14.49, "levels \(l)") }
        let mean = levels.reduce(0, +) / Double(levels.count)
        #expect(abs(mean - 300) < 3 * 14.49 / Double(levels.count).squareRoot(), "mean levels \(mean)")
        #expect(stochastic.statistics.pulses == Int(levels.reduce(0, +).rounded()))
        #expect(stochastic.array.pulseCounts.map(Int.init).reduce(0, +) == stochastic.statistics.pulses)
    }

    /// One device write per batch of B samples: nothing moves before the B-th sample; the write
    /// is `round(−η mean(G)/level)` pulses per weight (exact with round-to-nearest on an ideal
    /// device), and the accumulator is cleared after it.
    @Test func writesOncePerBatchWithTheMeanGradient() throws {
        var cell = try idealCell(batchSize: 4, rounding: .nearest)
        var g = SeededGenerator(seed: 3)
        var sum = Tensor.zeros([3, 4])
        let lr: Float = 0.5
        for call in 0..<4 {
            let x = Tensor.randomUniform([1, 4], lower: -1, upper: 1, using: &g)
            let d = Tensor.randomNormal([1, 3], std: 0.05, using: &g)
            sum += Tensor.matmul(d, .transposed, x, .none)
            cell.update(x: x, d: d, rates: LearningRates(sgd: lr))
            if call < 3 {
                #expect(cell.weights.scalars.allSatisfy { $0 == 0 } && cell.statistics.writeEvents == 0)
                #expect(cell.samples == call + 1 && cell.calls == call + 1)
            }
        }
        #expect(cell.statistics.writeEvents == 1 && cell.samples == 0 && cell.calls == 0)
        #expect(cell.gradient.scalars.allSatisfy { $0 == 0 })
        for (w, s) in zip(cell.weights.scalars, sum.scalars) {
            let pulses = (Double(-lr * s / 4) / Double(Self.level)).rounded(.toNearestOrAwayFromZero)
            #expect(abs(Double(w) - pulses * Double(Self.level)) < 1e-6)
        }
        #expect(cell.weights.scalars.contains { $0 != 0 })
    }

    /// A trainer batch of B (mean-loss gradients, d/B per sample) gives the same write as B
    /// calls of one sample: the cell averages over calls (consistency check of the convention).
    @Test func oneCallOfBSamplesEqualsBCallsOfOne() throws {
        var perSample = try idealCell(batchSize: 8, rounding: .nearest)
        var batched = try idealCell(batchSize: 8, rounding: .nearest)
        var g = SeededGenerator(seed: 4)
        let x = Tensor.randomUniform([8, 4], lower: -1, upper: 1, using: &g)
        let d = Tensor.randomNormal([8, 3], std: 0.1, using: &g)
        for b in 0..<8 { perSample.update(x: x.row(b).reshaped([1, 4]), d: d.row(b).reshaped([1, 3]), rates: LearningRates(sgd: 0.3)) }
        batched.update(x: x, d: d * (1.0 / 8), rates: LearningRates(sgd: 0.3))
        #expect(perSample.statistics.writeEvents == 1 && batched.statistics.writeEvents == 1)
        for (a, b) in zip(perSample.weights.scalars, batched.weights.scalars) { #expect(abs(a - b) < 1e-6) }
    }

    /// Checkpoint/resume: a cell encoded mid-batch (accumulator and rounding stream included)
    /// and decoded continues bit-identically on Zhao's noisy Ag:Si device.
    @Test func resumesBitIdentically() throws {
        var g = SeededGenerator(seed: 5)
        var cell = try MiniBatchAccumulationConfiguration(device: NeuroSimDevice.zhaoAgSi, batchSize: 3, rounding: .stochastic)
            .makeCell(outputs: 70, inputs: 6, forwardIO: .forwardDefault, backwardIO: .backwardDefault,
                      update: PulsedUpdateParameters(), generator: &g)
        func steps(_ cell: inout MiniBatchAccumulation<NeuroSimDeviceArray>, _ n: Int, seed: UInt64) -> [Tensor] {
            var data = SeededGenerator(seed: seed)
            var outputs: [Tensor] = []
            for _ in 0..<n {
                let x = Tensor.randomUniform([2, 6], using: &data), d = Tensor.randomNormal([2, 70], std: 0.3, using: &data)
                outputs.append(cell.forward(x))
                cell.update(x: x, d: d, rates: LearningRates(sgd: 0.5))
                cell.finishBatch()
            }
            return outputs
        }
        _ = steps(&cell, 5, seed: 6)   // calls of 2 samples, B = 3: writes at calls 2 and 4, 2 samples pending
        #expect(cell.samples == 2 && cell.statistics.writeEvents == 2)
        let state = try StateCoding.encode(cell)
        var copy = try StateCoding.decode(MiniBatchAccumulation<NeuroSimDeviceArray>.self, from: state)
        #expect(copy.weights == cell.weights && copy.gradient == cell.gradient)
        #expect(steps(&cell, 5, seed: 7) == steps(&copy, 5, seed: 7))
        #expect(cell.weights == copy.weights && cell.statistics == copy.statistics)
        #expect(try StateCoding.encode(cell) == StateCoding.encode(copy))
        let names = cell.internalState.map(\.name)
        #expect(names.contains("accumulator.gradient") && names.contains("device0.weights"))
        #expect(cell.internalState.allSatisfy { $0.tensor.shape == [70, 6] })
    }

    @Test func badParametersThrowNamedErrors() {
        var g = SeededGenerator(seed: 8)
        for (configuration, field) in [
            (MiniBatchAccumulationConfiguration(device: IdealPulsedDevice(), batchSize: 0), "batch_size"),
            (MiniBatchAccumulationConfiguration(device: IdealPulsedDevice(), level: -1), "level"),
            (MiniBatchAccumulationConfiguration(device: IdealPulsedDevice(), maxPulses: -2), "max_pulses"),
        ] {
            #expect {
                _ = try configuration.makeCell(outputs: 2, inputs: 2, forwardIO: .perfect, backwardIO: .perfect,
                                               update: PulsedUpdateParameters(), generator: &g)
            } throws: { ($0 as? DeviceParameterError)?.parameter == field }
        }
    }
}

/// The elementwise write runs its row blocks in parallel with one stream each.
@Suite(.exclusiveComputeThreads, .serialized) struct GradientDecompositionThreadTests {
    @Test func miniBatchWritesAreTheSameForOneAndTwoThreads() throws {
        func run(threads: Int) throws -> Tensor {
            ComputeThreads.set(threads)
            var g = SeededGenerator(seed: 9)
            var cell = try MiniBatchAccumulationConfiguration(device: NeuroSimDevice.zhaoAgSi, batchSize: 4)
                .makeCell(outputs: 150, inputs: 20, forwardIO: .perfect, backwardIO: .perfect,
                          update: PulsedUpdateParameters(), generator: &g)
            var data = SeededGenerator(seed: 10)
            for _ in 0..<8 {
                cell.update(x: Tensor.randomUniform([2, 20], using: &data), d: Tensor.randomNormal([2, 150], std: 0.5, using: &data),
                            rates: LearningRates(sgd: 0.2))
            }
            return cell.weights
        }
        let previous = ComputeThreads.count
        defer { ComputeThreads.set(previous) }
        let one = try run(threads: 1), two = try run(threads: 2)
        #expect(one == two && one.scalars.contains { $0 != 0 })
    }
}
