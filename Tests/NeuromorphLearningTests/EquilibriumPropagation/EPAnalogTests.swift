import Foundation
import NeuromorphAnalog
import NeuromorphCore
import Testing
@testable import NeuromorphLearning

/// EP on analog tiles (learning-rules §4 "EP on analog tiles").
@Suite("Equilibrium Propagation on analog tiles")
struct EPAnalogTests {
    static let architecture = EPArchitecture(inputShape: [1, 8, 8], hidden: [32], classes: 10,
                                             cost: .squaredError, activation: .mySigmoid)

    @Test("perfect periphery and float updates: one step equals the digital symmetric EP step (consistency check, 1e-5)")
    func idealTilesMatchDigital() throws {
        var update = PulsedUpdateParameters()
        update.pulseType = .float
        var analog = try EPAnalogNetwork(architecture: Self.architecture, device: IdealPulsedDevice(dwMin: 1e-4),
                                         forwardIO: .perfect, backwardIO: .perfect, update: update, seed: 4)
        var digital = try EPNetwork<Float>(architecture: Self.architecture, seed: 4)
        #expect(analog.parameters == digital.parameters)
        let diff = try Self.maxDifferenceAfterThreeSymmetricSteps(&analog, digital: &digital)
        #expect(diff < 1e-5, "max |Δθ| \(diff)")
    }

    /// Default periphery (read noise, input/output bounds, ADC/DAC) and stochastic pulse trains
    /// (BL 31) against the same symmetric EP run in digital Float with the same rates.
    @Test("noisy reads and stochastic pulses (ideal device, dw_min 1e-3): 2 epochs on 400 digits reach > 30 % and stay within 15 points of digital EP")
    func noisyTilesLearn() throws {
        var analog = try EPAnalogNetwork(architecture: Self.architecture, device: IdealPulsedDevice(dwMin: 1e-3), seed: 2)
        var digital = try EPNetwork<Float>(architecture: Self.architecture, seed: 2)
        var sgd = try EPSGD<Float>(learningRates: [0.6, 0.3], momentum: 0, weightDecay: 0, schedule: nil,
                                   groups: digital.learningRateGroups)
        let (train, test) = try EPFixture.digits()
        let data = EPDataset<Float>(train.prefix(400)), held = EPDataset<Float>(test.prefix(200))
        for _ in 0..<2 {
            for s in stride(from: 0, to: 400, by: 20) {
                let batch = data.batch(s..<(s + 20))
                try analog.trainStep(batch, beta: 0.5, freeSteps: 20, nudgedSteps: 6, learningRates: [0.6, 0.3])
                let g = try digital.estimate(batch, estimator: .symmetric, beta: 0.5, freeSteps: 20, nudgedSteps: 6)
                sgd.step(&digital.parameters, gradient: g.gradient, epoch: 0)
            }
        }
        let batch = held.batch(0..<200)
        func accuracy(_ predicted: [Int]) -> Double { Double(zip(predicted, held.labels).filter { $0 == $1 }.count) / 200 }
        let (a, d) = (accuracy(analog.predict(batch, steps: 20)), accuracy(digital.predict(batch, steps: 20)))
        #expect(a > 0.3 && a > d - 0.15, "analog \(a), digital \(d)")
    }

    /// Issue 14 item 1 "Runs on tiles too … (any unit cell)": aihwkit's `ConstantStepDevice`
    /// defaults (dw_min 1e-3, bounds ±0.6 with 30 % device-to-device spread, 30 % cycle-to-cycle
    /// noise) with the default periphery. Chance is 10 %.
    @Test("constant-step device (aihwkit defaults): 2 epochs of symmetric EP on 400 digits reach > 30 %")
    func constantStepTilesLearn() throws {
        var analog = try EPAnalogNetwork(architecture: Self.architecture, device: ConstantStepDevice(), seed: 2)
        let (train, test) = try EPFixture.digits()
        let data = EPDataset<Float>(train.prefix(400)), held = EPDataset<Float>(test.prefix(200))
        for _ in 0..<2 {
            for s in stride(from: 0, to: 400, by: 20) {
                try analog.trainStep(data.batch(s..<(s + 20)), beta: 0.5, freeSteps: 20, nudgedSteps: 6, learningRates: [0.6, 0.3])
            }
        }
        let predicted = analog.predict(held.batch(0..<200), steps: 20)
        let accuracy = Double(zip(predicted, held.labels).filter { $0 == $1 }.count) / 200
        #expect(accuracy > 0.3, "constant-step tiles: \(accuracy)")
    }

    /// Conv EP on tiles: two conv state layers (1→4→8, 3×3, pad 1, 2×2 pools) and the
    /// squared-error output layer, so the conv → conv feedback and the conv → dense flattening
    /// both go through tile reads.
    static let convArchitecture = EPArchitecture(
        inputShape: [1, 8, 8], convolutions: [.init(channels: 4, kernel: 3, padding: 1), .init(channels: 8, kernel: 3, padding: 1)],
        classes: 10, cost: .squaredError, activation: .mySigmoid)

    @Test("conv EP on tiles, perfect periphery and float updates: three steps equal the digital symmetric EP steps (consistency check of the im2col reads and per-position update, 1e-5)")
    func idealConvTilesMatchDigital() throws {
        var update = PulsedUpdateParameters()
        update.pulseType = .float
        var analog = try EPAnalogNetwork(architecture: Self.convArchitecture, device: IdealPulsedDevice(dwMin: 1e-4),
                                         forwardIO: .perfect, backwardIO: .perfect, update: update, seed: 5)
        var digital = try EPNetwork<Float>(architecture: Self.convArchitecture, seed: 5)
        #expect(analog.parameters == digital.parameters)
        #expect(analog.tiles.map { [$0.rows, $0.columns] } == [[4, 9], [8, 36], [10, 32]])
        let rates: [Float] = [0.3, 0.2, 0.1]
        var sgd = try EPSGD<Float>(learningRates: rates.map(Double.init), momentum: 0, weightDecay: 0, schedule: nil,
                                   groups: digital.learningRateGroups)
        let data = EPDataset<Float>(try EPFixture.digits().train)
        for s in 0..<3 {
            let batch = data.batch((8 * s)..<(8 * s + 8))
            try analog.trainStep(batch, beta: 0.5, freeSteps: 20, nudgedSteps: 6, learningRates: rates)
            let g = try digital.estimate(batch, estimator: .symmetric, beta: 0.5, freeSteps: 20, nudgedSteps: 6)
            sgd.step(&digital.parameters, gradient: g.gradient, epoch: 0)
        }
        let initial: [Float] = try EPNetwork<Float>(architecture: Self.convArchitecture, seed: 5).parameters.flattened
        let moved = zip(analog.parameters.flattened, initial).map { abs($0 - $1) }.max()!
        let diff = zip(analog.parameters.flattened, digital.parameters.flattened).map { abs($0 - $1) }.max()!
        #expect(moved > 1e-3, "the steps changed the weights by \(moved)")
        #expect(diff < 1e-5, "max |Δθ| \(diff)")
    }

    /// aihwkit's `ConstantStepDevice` defaults with the default periphery, a conv layer 1→8
    /// (3×3, pad 1, pool) and the output layer; chance is 10 %.
    @Test("conv EP on constant-step tiles (aihwkit defaults): 6 epochs on 400 digits reach > 35 %")
    func constantStepConvTilesLearn() throws {
        let architecture = EPArchitecture(inputShape: [1, 8, 8], convolutions: [.init(channels: 8, kernel: 3, padding: 1)],
                                          classes: 10, cost: .squaredError, activation: .mySigmoid)
        var analog = try EPAnalogNetwork(architecture: architecture, device: ConstantStepDevice(), seed: 1)
        let (train, test) = try EPFixture.digits()
        let data = EPDataset<Float>(train.prefix(400)), held = EPDataset<Float>(test.prefix(200))
        for _ in 0..<6 {
            for s in stride(from: 0, to: 400, by: 20) {
                try analog.trainStep(data.batch(s..<(s + 20)), beta: 0.5, freeSteps: 20, nudgedSteps: 6, learningRates: [0.6, 0.3])
            }
        }
        let predicted = analog.predict(held.batch(0..<200), steps: 20)
        let accuracy = Double(zip(predicted, held.labels).filter { $0 == $1 }.count) / 200
        #expect(accuracy > 0.35, "constant-step conv tiles: \(accuracy)")
    }

    @Test("cross-entropy (readout) and unidirectional architectures are rejected, naming the field")
    func rejectsReadoutAndBackwardWeights() {
        var unidirectional = Self.architecture
        unidirectional.unidirectional = true
        for architecture in [EPFixture.digitsConv, unidirectional] {
            #expect {
                _ = try EPAnalogNetwork(architecture: architecture, device: IdealPulsedDevice(), seed: 1)
            } throws: { error in
                "\(error)".contains("architecture") && "\(error)".contains("squared-error")
            }
        }
    }
    // MARK: - Tiki-Taka for the EP update (issue 14 "analog Tiki-Taka for the EP update")

    /// A Tiki-Taka v1 cell (`TransferCompound`, Gokmen 2021 Alg. 1; digest
    /// `ttv2_gradient-decomposition_shd.md` §1.4) with ideal float devices, `fast_lr` 0 (A takes the
    /// layer's EP rate) and the given γ, transfer period and transfer rate.
    /// Three batches of 8 digits, symmetric EP (β = 0.5, 20 free and 6 nudged steps) on the
    /// tiles and in digital with plain SGD at the same rates: the largest parameter difference.
    static func maxDifferenceAfterThreeSymmetricSteps<Cell: UnitCell>(_ analog: inout EPAnalogNetwork<Cell>,
                                                                     digital: inout EPNetwork<Float>) throws -> Float {
        var sgd = try EPSGD<Float>(learningRates: [0.2, 0.1], momentum: 0, weightDecay: 0, schedule: nil,
                                   groups: digital.learningRateGroups)
        let data = EPDataset<Float>(try EPFixture.digits().train)
        for s in 0..<3 {
            let batch = data.batch((8 * s)..<(8 * s + 8))
            try analog.trainStep(batch, beta: 0.5, freeSteps: 20, nudgedSteps: 6, learningRates: [0.2, 0.1])
            let g = try digital.estimate(batch, estimator: .symmetric, beta: 0.5, freeSteps: 20, nudgedSteps: 6)
            sgd.step(&digital.parameters, gradient: g.gradient, epoch: 0)
        }
        return zip(analog.parameters.flattened, digital.parameters.flattened).map { abs($0 - $1) }.max()!
    }

    static func tikiTakaCell(gamma: Float, transferEvery: Float) -> TransferCompoundConfiguration<IdealPulsedDevice, IdealPulsedDevice> {
        var p = TransferCompoundParameters()
        p.gamma = gamma
        p.transferEvery = transferEvery
        p.fastLR = 0
        p.transferForward = .perfect
        p.transferUpdate.pulseType = .float
        return TransferCompoundConfiguration(device: IdealPulsedDevice(dwMin: 1e-4), parameters: p)
    }

    /// With W = A + C (γ = 1) and no transfer yet, the two ±β cell updates land on A and the
    /// effective weights follow digital symmetric EP: the routing of the EP update into the
    /// fast array (consistency check); C keeps the programmed weights.
    @Test("Tiki-Taka cell, γ = 1, no transfer yet: three steps equal digital symmetric EP and C is untouched (consistency check, 1e-5)")
    func tikiTakaUpdatesGoToA() throws {
        var update = PulsedUpdateParameters()
        update.pulseType = .float
        var analog = try EPAnalogNetwork(architecture: Self.architecture, cell: Self.tikiTakaCell(gamma: 1, transferEvery: 1000),
                                         forwardIO: .perfect, backwardIO: .perfect, update: update, seed: 4)
        let initial = analog.tiles.map(\.weights)
        var digital = try EPNetwork<Float>(architecture: Self.architecture, seed: 4)
        let diff = try Self.maxDifferenceAfterThreeSymmetricSteps(&analog, digital: &digital)
        #expect(diff < 1e-5, "max |Δθ| \(diff)")
        for (tile, w0) in zip(analog.tiles, initial) {
            let c = try #require(tile.internalState.first { $0.name == "device1.weights" }?.tensor)
            #expect(c.scalars == w0.scalars)
            #expect(tile.weights.scalars != w0.scalars)
        }
    }

    /// Tiki-Taka proper (γ = 0, W = C): EP calls the cell twice per batch (the +β and −β
    /// updates), so `transfer_every: 2` mini-batches is one transfer per EP batch. After one EP
    /// batch the first column of A has been read and added to C with η_C = transfer_lr·η_n
    /// (Alg. 1 lines 12–14), and nothing else of W has moved.
    @Test("Tiki-Taka cell, γ = 0: one EP batch moves only C's first column, by η_n·A[:, 0]")
    func tikiTakaTransfersOneColumnPerBatch() throws {
        var update = PulsedUpdateParameters()
        update.pulseType = .float
        var analog = try EPAnalogNetwork(architecture: Self.architecture, cell: Self.tikiTakaCell(gamma: 0, transferEvery: 2),
                                         forwardIO: .perfect, backwardIO: .perfect, update: update, seed: 6)
        let initial = analog.tiles.map(\.weights)
        let data = EPDataset<Float>(try EPFixture.digits().train)
        let rates: [Float] = [0.2, 0.1]
        try analog.trainStep(data.batch(0..<8), beta: 0.5, freeSteps: 20, nudgedSteps: 6, learningRates: rates)
        for (n, tile) in analog.tiles.enumerated() {
            let a = try #require(tile.internalState.first { $0.name == "device0.weights" }?.tensor)
            let columns = tile.columns
            #expect(a.scalars.contains { $0 != 0 }, "layer \(n + 1): A learned nothing")
            var worst: Float = 0
            for r in 0..<tile.rows { for c in 0..<columns {
                let moved = tile.weights.scalars[r * columns + c] - initial[n].scalars[r * columns + c]
                let expected = c == 0 ? rates[n] * a.scalars[r * columns] : 0
                worst = max(worst, abs(moved - expected))
            } }
            #expect(worst < 1e-6, "layer \(n + 1): max |ΔW − η A e₀ e₀ᵀ| \(worst)")
        }
    }
}
