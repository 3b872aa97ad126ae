import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN

/// Unit cells (aihwkit `SingleRPUConfig`, `ReferenceUnitCell`) and the analog layers built
/// from them: programming, state, export and thread-count independence.
@Suite struct UnitCellTests {
    @Test func singleDeviceIsExactlyItsCrossbarArray() throws {
        var g1 = SeededGenerator(seed: 1), g2 = SeededGenerator(seed: 1)
        var cell = try SingleDeviceConfiguration(device: ConstantStepDevice())
            .makeCell(outputs: 70, inputs: 6, forwardIO: .forwardDefault, backwardIO: .backwardDefault,
                      update: PulsedUpdateParameters(), generator: &g1)
        var array = try CrossbarArray(outputs: 70, inputs: 6, device: ConstantStepDevice(), generator: &g2)
        #expect(cell.weights == array.weights)
        var g = SeededGenerator(seed: 2)
        for _ in 0..<3 {
            let x = Tensor.randomUniform([8, 6], using: &g), d = Tensor.randomNormal([8, 70], std: 0.1, using: &g)
            #expect(cell.forward(x) == array.forward(x))
            #expect(cell.backward(d) == array.backward(d))
            cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
            cell.finishBatch()
            array.update(x: x, d: d, learningRate: 0.1)
            array.postUpdate()
            #expect(cell.weights == array.weights && cell.array.pulseCounts == array.pulseCounts)
        }
        #expect(cell.internalState.map(\.name).starts(with: ["device0.weights", "device0.pulse_counts"]))
    }

    @Test func referencePairReadsTheDifferenceAndUpdatesOnlyThePlusArray() throws {
        var g = SeededGenerator(seed: 3)
        let configuration = ReferencePairConfiguration(device: ConstantStepDevice(), referenceWeight: 0.1)
        var cell = try configuration.makeCell(outputs: 5, inputs: 4, forwardIO: .perfect, backwardIO: .perfect,
                                              update: PulsedUpdateParameters(), generator: &g)
        #expect(cell.reference.weights.scalars.allSatisfy { $0 == 0.1 })
        let target = Tensor.randomUniform([5, 4], lower: -0.2, upper: 0.2, using: &g)
        cell.program(target)
        #expect(zip(cell.weights.scalars, target.scalars).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(cell.weights == cell.plus.weights - cell.reference.weights)
        let x = Tensor.randomUniform([3, 4], using: &g)
        let y = cell.forward(x), expected = Tensor.matmul(x, .none, cell.weights, .transposed)
        #expect(zip(y.scalars, expected.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        let d = Tensor.randomNormal([3, 5], std: 0.5, using: &g)
        let z = cell.backward(d), expectedZ = Tensor.matmul(d, .none, cell.weights, .none)
        #expect(zip(z.scalars, expectedZ.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        let reference = cell.reference.weights, plus = cell.plus.weights
        cell.update(x: x, d: d, rates: LearningRates(sgd: 0.1))
        cell.finishBatch()
        #expect(cell.reference.weights == reference)
        #expect(cell.plus.weights != plus && cell.reference.pulseCounts.allSatisfy { $0 == 0 })
        let names = cell.internalState.map(\.name)
        #expect(names.contains("device0.weights") && names.contains("device1.weights") && names.contains("device1.w_max"))
    }

    @Test func referencePairWithAnIdealDeviceTrainsLikeASingleDevice() throws {
        var update = PulsedUpdateParameters()
        update.pulseType = .expected
        var g1 = SeededGenerator(seed: 4), g2 = SeededGenerator(seed: 4)
        var single = try AnalogLinear(6, 4, device: IdealPulsedDevice(), forwardIO: .perfect, backwardIO: .perfect,
                                      update: update, generator: &g1)
        var pair = try AnalogLinear(6, 4, cell: ReferencePairConfiguration(device: IdealPulsedDevice()), forwardIO: .perfect,
                                    backwardIO: .perfect, update: update, generator: &g2)
        #expect(single.weights == pair.weights)
        var g = SeededGenerator(seed: 5)
        var o1 = SGD(learningRate: 0.1), o2 = SGD(learningRate: 0.1)
        for _ in 0..<5 {
            let x = Tensor.randomNormal([7, 6], using: &g), r = Tensor.randomNormal([7, 4], using: &g)
            let y1 = single.forward(x, mode: .training), y2 = pair.forward(x, mode: .training)
            #expect(zip(y1.scalars, y2.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
            _ = single.backward(r); _ = pair.backward(r)
            var slot = 0
            single.update(with: &o1, slot: &slot)
            slot = 0
            pair.update(with: &o2, slot: &slot)
        }
        #expect(zip(single.weights.scalars, pair.weights.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(pair.summary.contains("ReferencePair"))
    }

    @Test func learningRatesFollowAihwkitsTransferCompoundMeaning() {
        let plain = LearningRates(sgd: 0.1)
        #expect(plain.effectiveFast == 0.1 && abs(plain.effectiveTransfer - 0.1) < 1e-7)
        let fixed = LearningRates(sgd: 0.05, fast: 0.01, transfer: 0.5, scaleTransfer: false)
        #expect(fixed.effectiveFast == 0.01 && fixed.effectiveTransfer == 0.5)
    }
}

@Suite(.exclusiveComputeThreads, .serialized) struct AnalogLayerProgrammingTests {
    @Test func programmedWeightsRoundTripAndOnlyTheBiasIsAParameter() throws {
        var g = SeededGenerator(seed: 6)
        var layer = try AnalogLinear(7, 3, device: IdealPulsedDevice(), maxTileInputs: 4, weightScalingOmega: 0.5, generator: &g)
        var names: [String] = []
        layer.forEachParameter { names.append($0.name) }
        #expect(names == ["bias"])
        let target = Tensor.randomUniform([3, 7], lower: -0.3, upper: 0.3, using: &g)
        try layer.program("weight", to: target)
        let read = layer.programmedWeights
        #expect(read.count == 1 && read[0].name == "weight")
        #expect(zip(read[0].value.scalars, target.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(throws: ProgrammingError.self) { try layer.program("kernel", to: target) }
        #expect(throws: ProgrammingError.self) { try layer.program("weight", to: Tensor.zeros([7, 3])) }
        let model = Sequential([layer, Activation(.sigmoid)])
        #expect(model.namedProgrammedWeights().map(\.name) == ["0.weight"])
        #expect(model.parameterCount() == 7 * 3 + 3)
    }

    @Test func convolutionIsAProgrammedLayer() throws {
        var g = SeededGenerator(seed: 7)
        var conv = try AnalogConv2d(2, 3, kernelSize: 3, cell: ReferencePairConfiguration(device: ConstantStepDevice()),
                                    generator: &g)
        #expect(conv.programmedWeights[0].value.shape == [3, 18])
        let target = Tensor.randomUniform([3, 18], lower: -0.1, upper: 0.1, using: &g)
        try conv.program("weight", to: target)
        #expect(zip(conv.programmedWeights[0].value.scalars, target.scalars).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(conv.deviceTensors.map(\.name).contains("tile0_0.device1.weights"))
    }

    func trainSteps<L: Layer>(_ layer: inout L, steps: Int, seed: UInt64) -> [Tensor] {
        var data = SeededGenerator(seed: seed)
        var sgd = SGD(learningRate: 0.1)
        var outputs: [Tensor] = []
        for _ in 0..<steps {
            let x = Tensor.randomUniform([4, 5], using: &data), r = Tensor.randomNormal([4, 3], using: &data)
            outputs.append(layer.forward(x, mode: .training))
            _ = layer.backward(r)
            var slot = 0
            layer.update(with: &sgd, slot: &slot)
        }
        return outputs
    }

    @Test func stateRoundTripContinuesBitIdentically() throws {
        var g = SeededGenerator(seed: 8)
        var layer = try AnalogLinear(5, 3, cell: ReferencePairConfiguration(device: SoftBoundsDevice()), generator: &g)
        _ = trainSteps(&layer, steps: 2, seed: 9)
        let state = try layer.encodedState()
        var copy = try AnalogLinear(5, 3, cell: ReferencePairConfiguration(device: SoftBoundsDevice()), generator: &g)
        #expect(copy.weights != layer.weights)
        try copy.restoreState(from: state)
        #expect(copy.weights == layer.weights && copy.bias?.value == layer.bias?.value)
        #expect(trainSteps(&layer, steps: 3, seed: 10) == trainSteps(&copy, steps: 3, seed: 10))
        #expect(layer.weights == copy.weights)
        #expect(try layer.encodedState() == copy.encodedState())
        // A state of another cell kind or grid is rejected with a named error.
        var single = try AnalogLinear(5, 3, device: SoftBoundsDevice(), generator: &g)
        #expect(throws: DeviceParameterError.self) { try single.restoreState(from: state) }
        var wider = try AnalogLinear(6, 3, cell: ReferencePairConfiguration(device: SoftBoundsDevice()), generator: &g)
        #expect(throws: DeviceParameterError.self) { try wider.restoreState(from: state) }
    }

    @Test func trainingIsBitIdenticalForOneAndTwoThreads() throws {
        func train(threads: Int) throws -> [Tensor] {
            ComputeThreads.set(threads)
            var g = SeededGenerator(seed: 11)
            var model = Sequential([
                try AnalogLinear(80, 70, device: ConstantStepDevice(), maxTileInputs: 64, generator: &g),
                Activation(.sigmoid),
                try AnalogLinear(70, 10, cell: ReferencePairConfiguration(device: SoftBoundsDevice()), generator: &g),
                LogSoftmax()])
            var data = SeededGenerator(seed: 12)
            var sgd = SGD(learningRate: 0.1)
            for _ in 0..<4 {
                let x = Tensor.randomUniform([64, 80], using: &data)
                let labels = (0..<64).map { _ in Int(data.next() % 10) }
                _ = Trainer.step(&model, optimizer: &sgd, loss: NLLLoss(), inputs: x, labels: labels)
            }
            return model.namedProgrammedWeights().map(\.value) + model.namedParameters().map(\.parameter.value)
        }
        let previous = ComputeThreads.count
        defer { ComputeThreads.set(previous) }
        let one = try train(threads: 1), two = try train(threads: 2)
        #expect(one.count == 4 && one == two)
    }
}

@Suite struct AnalogInferenceWalkTests {
    @Test func nestedLinearLayersConvertAndProgramByPath() throws {
        var g = SeededGenerator(seed: 13)
        let inner = Sequential([Linear(6, 5, generator: &g), Activation(.relu), Linear(5, 4, generator: &g)])
        let model = Sequential([inner, Activation(.relu), Linear(4, 3, generator: &g)])
        var converted = AnalogInference.convert(model, periphery: .ideal())
        var paths: [String] = []
        AnalogInference.forEachLayer(&converted) { path, _ in paths.append(path) }
        #expect(paths == ["0.0", "0.2", "2"])
        #expect(AnalogInference.layers(of: converted).count == 3)
        AnalogInference.program(&converted, noiseModel: PCMNoiseModel.paper, seed: 1)
        #expect(AnalogInference.layers(of: converted).allSatisfy { $0.isProgrammed })
        // Programming a layer depends on its path, not on the other layers.
        var other = AnalogInference.convert(Sequential([Activation(.relu), Activation(.relu), model.layers[2]]),
                                            periphery: .ideal())
        AnalogInference.program(&other, noiseModel: PCMNoiseModel.paper, seed: 1)
        AnalogInference.read(&converted, at: InferenceTime(seconds: 3600))
        AnalogInference.read(&other, at: InferenceTime(seconds: 3600))
        var a = AnalogInference.layers(of: converted)[2], b = AnalogInference.layers(of: other)[0]
        let x = Tensor.randomUniform([2, 4], using: &g)
        #expect(a.forward(x, mode: .inference) == b.forward(x, mode: .inference))
    }
}
