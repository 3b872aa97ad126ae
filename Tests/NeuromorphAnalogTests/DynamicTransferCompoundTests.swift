import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN

/// AGAD (`DynamicTransferCompound`; note `analog-training.md` §1.4, aihwkit
/// `rpu_dynamic_transfer_device.cpp`).
@Suite struct DynamicTransferCompoundTests {
    typealias Support = CellTestSupport

    static func parameters(inChop: Float) -> DynamicTransferCompoundParameters {
        var p = DynamicTransferCompoundParameters()
        p.chopped.inChopProbability = inChop
        p.chopped.transfer.transferForward = .perfect
        p.chopped.transfer.transferLR = 1
        p.chopped.transfer.scaleTransferLR = false
        return p
    }

    // Note §1.4: n_c = max(ceil(1/in_chop_prob), 2) reads per chopper period; regular
    // switches (in_chop_random false, AGAD's default) after every n_c-th sweep, and the slice is
    // marked as switched until its next read.
    @Test func choppersSwitchEveryPeriod() throws {
        var cell = try Support.makeCell(DynamicTransferCompoundConfiguration(device: IdealPulsedDevice(), parameters: Self.parameters(inChop: 0.4)),
                                        outputs: 2, inputs: 3)
        #expect(cell.readsPerPeriod == 3)
        var history: [[Float]] = []
        for _ in 0..<6 {
            for _ in 0..<3 { cell.transferSlice(learningRate: 0) }
            history.append(cell.inChopper)
        }
        #expect(history == [[1, 1, 1], [1, 1, 1], [-1, -1, -1], [-1, -1, -1], [-1, -1, -1], [1, 1, 1]], "\(history)")
        #expect(cell.switched == [true, true, true] && cell.sweeps == 6)
    }

    // The checkable property of the note's §1.4 ("H accumulates v − μ_past"): a constant
    // offset of A (its symmetry point, a drift, an unfinished earlier gradient) is subtracted
    // by the past-period mean, so with no gradient AGAD stops writing C once the first
    // period's mean is known (here: no write after the warm-up), while TTv2 (c-TTv2 with
    // in_chop_prob 0) transfers the offset at a constant rate. Ideal devices, perfect reads,
    // A programmed to 0.05 everywhere, 400 sweeps.
    @Test func aConstantOffsetOfAIsNotTransferred() throws {
        let offset = Tensor(shape: [2, 3], scalars: [Float](repeating: 0.05, count: 6))
        let zeroX = Tensor.zeros([1, 3]), zeroD = Tensor.zeros([1, 2])
        var agad = try Support.makeCell(DynamicTransferCompoundConfiguration(device: IdealPulsedDevice(), parameters: Self.parameters(inChop: 0.1)),
                                        outputs: 2, inputs: 3)
        agad.arrays.fast.setWeights(offset)
        var ttv2Parameters = Self.parameters(inChop: 0.1).chopped
        ttv2Parameters.inChopProbability = 0
        var ttv2 = try Support.makeCell(ChoppedTransferCompoundConfiguration(device: IdealPulsedDevice(), parameters: ttv2Parameters),
                                        outputs: 2, inputs: 3)
        ttv2.arrays.fast.setWeights(offset)
        var agadPulses: [Int] = [], ttv2Pulses: [Int] = []
        for sweep in 1...400 {
            for _ in 0..<3 {
                agad.update(x: zeroX, d: zeroD, rates: LearningRates(sgd: 0.01))
                ttv2.update(x: zeroX, d: zeroD, rates: LearningRates(sgd: 0.01))
            }
            if sweep % 100 == 0 {
                agadPulses.append(agad.arrays.statistics.slowPulses)
                ttv2Pulses.append(ttv2.arrays.statistics.slowPulses)
            }
        }
        // λ = LR·transfer_lr/dw_min_A = 0.01/0.001 = 10 per unit read: 0.5 per read of 0.05.
        #expect(ttv2Pulses[3] >= 4 * ttv2Pulses[0] - 6 && ttv2Pulses[0] > 100, "TTv2 pulses \(ttv2Pulses)")
        #expect(agadPulses[3] == agadPulses[0], "AGAD pulses \(agadPulses)")
        #expect(agadPulses[3] <= 6, "AGAD pulses \(agadPulses)")
        let mean = Tensor(shape: [2, 3], scalars: agad.pastMean)
        #expect(mean.scalars.allSatisfy { abs($0 - 0.05) < 1e-5 }, "past mean \(mean.scalars)")
    }

    // A constant gradient is transferred: C descends it on every element, as c-TTv2.
    @Test func aConstantGradientIsTransferred() throws {
        var p = Self.parameters(inChop: 0.5)
        p.chopped.transfer.fastLR = 0.01
        p.chopped.transfer.transferLR = 0.1
        var cell = try Support.makeCell(DynamicTransferCompoundConfiguration(device: IdealPulsedDevice(), parameters: p), outputs: 2, inputs: 3)
        let x = Tensor(shape: [1, 3], scalars: [1, -0.5, 0.8]), d = Tensor(shape: [1, 2], scalars: [0.6, -1])
        for _ in 0..<900 { cell.update(x: x, d: d, rates: LearningRates(sgd: 1)) }
        let gradient = Tensor.matmul(d, .transposed, x, .none).scalars
        let c = cell.arrays.slow.weights.scalars
        #expect(zip(c, gradient).allSatisfy { $0 * $1 < 0 }, "C \(c) against gradient \(gradient)")
        let names = cell.internalState.map(\.name)
        #expect(names.contains("running_mean") && names.contains("past_mean") && names.contains("in_chopper_switched"))
    }

    @Test func badParametersNameTheirField() {
        func fails(_ change: (inout DynamicTransferCompoundParameters) -> Void, _ field: String) {
            var p = DynamicTransferCompoundParameters()
            change(&p)
            #expect(throws: DeviceParameterError.self) { try p.validate() }
            do { try p.validate() } catch let error as DeviceParameterError { #expect(error.parameter == field) } catch {}
        }
        fails({ $0.chopped.inChopProbability = 0 }, "in_chop_prob")
        fails({ $0.tailWeightening = 0 }, "tail_weightening")
        fails({ $0.bufferCap = -1 }, "buffer_cap")
        fails({ $0.chopped.autoMomentum = 0 }, "auto_momentum")
        #expect(throws: Never.self) { try DynamicTransferCompoundParameters().validate() }
    }
}
