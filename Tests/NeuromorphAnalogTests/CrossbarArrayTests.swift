import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore
@testable import NeuromorphNN

/// The crossbar array's pulsed update and the analog layers (digest `ttv2_gradient-decomposition_shd.md`
/// §1.2 "Stochastic pulse update", Eq. 3; aihwkit `AnalogLinear` + `AnalogSGD`).
@Suite struct CrossbarArrayTests {
    func idealTile(rows: Int, columns: Int, dwMin: Float, bl: Int, seed: UInt64,
                   bitLengthManagement: Bool = true) throws -> CrossbarArray<IdealPulsedDeviceArray> {
        var g = SeededGenerator(seed: seed)
        var update = PulsedUpdateParameters()
        update.desiredBL = bl
        update.bitLengthManagement = bitLengthManagement
        return try CrossbarArray(outputs: rows, inputs: columns, device: IdealPulsedDevice(dwMin: dwMin), forwardIO: .perfect,
                              backwardIO: .perfect, update: update, generator: &g)
    }

    /// Mean and variance over `trials` independent single-sample updates of ΔW.
    func updateMoments(bl: Int, bitLengthManagement: Bool, trials: Int, dwMin: Float = 0.001) throws
        -> (mean: [Float], variance: [Float], expected: [Float]) {
        let x = Tensor(shape: [1, 3], scalars: [0.9, -0.4, 0.1])
        let d = Tensor(shape: [1, 2], scalars: [0.5, -0.2])
        let lr: Float = 0.02
        let expected = Tensor.matmul(d, .transposed, x, .none).scalars.map { -lr * $0 }
        var sums = [Double](repeating: 0, count: 6), squares = [Double](repeating: 0, count: 6)
        for t in 0..<trials {
            var tile = try idealTile(rows: 2, columns: 3, dwMin: dwMin, bl: bl, seed: UInt64(t), bitLengthManagement: bitLengthManagement)
            tile.update(x: x, d: d, learningRate: lr)
            for k in 0..<6 {
                let dw = Double(tile.weights.scalars[k])
                sums[k] += dw
                squares[k] += dw * dw
            }
        }
        let n = Double(trials)
        let mean = sums.map { Float($0 / n) }
        let variance = zip(sums, squares).map { Float(($1 - $0 * $0 / n) / (n - 1)) }
        return (mean, variance, expected)
    }

    @Test func pulsedUpdateMeanEqualsTheGradientStepForAnIdealDevice() throws {
        let trials = 2000
        let (mean, variance, expected) = try updateMoments(bl: 31, bitLengthManagement: false, trials: trials)
        for k in 0..<6 {
            let standardError = (variance[k] / Float(trials)).squareRoot()
            #expect(abs(mean[k] - expected[k]) < 4 * standardError + 1e-6, "element \(k): \(mean[k]) vs \(expected[k])")
        }
    }

    /// Stochastic computing (Gokmen & Vlasov 2016): with the step sized so that BL pulses
    /// carry the largest update (dw_min = η·max|x|·max|d|/BL, probabilities |x|/max|x| and
    /// |d|/max|d|), the update is an average over BL coincidence slots and its variance falls
    /// as 1/BL while its mean stays η·d·x.
    @Test func updateVarianceShrinksAsTheTrainsGrow() throws {
        var totals: [Float] = []
        for bl in [4, 16, 64] {
            let dwMin = Float(0.02 * 0.9 * 0.5) / Float(bl)
            let moments = try updateMoments(bl: bl, bitLengthManagement: false, trials: 1500, dwMin: dwMin)
            for k in 0..<6 {
                #expect(abs(moments.mean[k] - moments.expected[k]) < 4 * (moments.variance[k] / 1500).squareRoot() + 1e-6)
            }
            totals.append(moments.variance.reduce(0, +))
        }
        #expect(totals[1] < 0.5 * totals[0] && totals[2] < 0.5 * totals[1], "variance for BL 4, 16, 64: \(totals)")
    }

    @Test func bitLengthManagementUsesTheFewestPulses() throws {
        var tile = try idealTile(rows: 1, columns: 1, dwMin: 0.001, bl: 31, seed: 1)
        // η·max|x|·max|d|/dw_min = 0.1·1·0.02/0.001 = 2 pulses.
        #expect(tile.trainGains(xMax: 1, dMax: 0.02, learningRate: 0.1).bitLength == 2)
        #expect(tile.trainGains(xMax: 1, dMax: 1, learningRate: 0.1).bitLength == 31)
        tile.update(x: Tensor(shape: [1, 1], scalars: [1]), d: Tensor(shape: [1, 1], scalars: [0.02]), learningRate: 0.1)
        #expect(tile.pulseCounts[0] <= 2)
    }

    @Test func floatAndExpectedModesMatchSGDOnAnIdealDevice() throws {
        for mode in [PulseType.float, .expected] {
            var tile = try idealTile(rows: 3, columns: 4, dwMin: 0.001, bl: 31, seed: 2)
            tile.update.pulseType = mode
            var g = SeededGenerator(seed: 9)
            let x = Tensor.randomUniform([5, 4], lower: -1, upper: 1, using: &g), d = Tensor.randomNormal([5, 3], using: &g)
            let before = tile.weights
            tile.update(x: x, d: d, learningRate: 0.05)
            var expected = before
            Tensor.gemm(d, .transposed, x, .none, alpha: -0.05, beta: 1, into: &expected)
            #expect(zip(tile.weights.scalars, expected.scalars).allSatisfy { abs($0 - $1) < 1e-5 }, "\(mode)")
        }
    }

    @Test func sameSeedSameUpdate() throws {
        var a = try idealTile(rows: 4, columns: 5, dwMin: 0.01, bl: 31, seed: 3)
        var b = try idealTile(rows: 4, columns: 5, dwMin: 0.01, bl: 31, seed: 3)
        var g = SeededGenerator(seed: 4)
        let x = Tensor.randomUniform([8, 5], using: &g), d = Tensor.randomNormal([8, 4], using: &g)
        a.update(x: x, d: d, learningRate: 0.1)
        b.update(x: x, d: d, learningRate: 0.1)
        #expect(a.weights == b.weights && a.pulseCounts == b.pulseCounts)
    }

    @Test func perfectAnalogLinearWithFloatUpdateTrainsLikeTheDigitalLayer() throws {
        var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5)
        var update = PulsedUpdateParameters()
        update.pulseType = .float
        var analog = try AnalogLinear(6, 4, device: IdealPulsedDevice(), forwardIO: .perfect, backwardIO: .perfect,
                                      update: update, maxTileInputs: 4, maxTileOutputs: 3, generator: &g1)
        var digital = Linear(6, 4, generator: &g2)
        #expect(analog.tiles.count == 2 && analog.tiles[0].count == 2)     // split over a 2×2 tile grid
        #expect(zip(analog.weights.scalars, digital.weight.value.scalars).allSatisfy { abs($0 - $1) < 1e-6 })
        var g = SeededGenerator(seed: 6)
        var o1 = SGD(learningRate: 0.1), o2 = SGD(learningRate: 0.1)
        for _ in 0..<3 {
            let x = Tensor.randomNormal([7, 6], using: &g), r = Tensor.randomNormal([7, 4], using: &g)
            let ya = analog.forward(x, mode: .training), yd = digital.forward(x, mode: .training)
            #expect(zip(ya.scalars, yd.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
            let ga = analog.backward(r), gd = digital.backward(r)
            #expect(zip(ga.scalars, gd.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
            var slot = 0
            analog.update(with: &o1, slot: &slot)
            slot = 0
            digital.update(with: &o2, slot: &slot)
        }
        #expect(zip(analog.weights.scalars, digital.weight.value.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test func analogConvolutionWithPerfectPeripheryEqualsTheDigitalConvolution() throws {
        var g1 = SeededGenerator(seed: 7), g2 = SeededGenerator(seed: 7)
        var analog = try AnalogConv2d(2, 3, kernelSize: 3, padding: 1, device: IdealPulsedDevice(), forwardIO: .perfect,
                                      backwardIO: .perfect, generator: &g1)
        var digital = Conv2d(2, 3, kernelSize: 3, padding: 1, generator: &g2)
        analog.crossbar.setWeights(digital.weight.value)
        analog.crossbar.bias!.value = digital.bias!.value
        var g = SeededGenerator(seed: 8)
        let x = Tensor.randomNormal([2, 2, 5, 5], using: &g)
        let ya = analog.forward(x, mode: .training), yd = digital.forward(x, mode: .training)
        #expect(ya.shape == yd.shape)
        #expect(zip(ya.scalars, yd.scalars).allSatisfy { abs($0 - $1) < 1e-4 })
        let r = Tensor.randomNormal(yd.shape, using: &g)
        #expect(zip(analog.backward(r).scalars, digital.backward(r).scalars).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test func analogStateRoundTripsBitIdentically() throws {
        var g = SeededGenerator(seed: 10)
        var layer = try AnalogLinear(5, 3, device: ConstantStepDevice(), generator: &g)
        let state = try layer.encodedState()
        var copy = try AnalogLinear(5, 3, device: ConstantStepDevice(), generator: &g)   // different draws
        try copy.restoreState(from: state)
        copy.bias = layer.bias          // the digital bias travels in the checkpoint's .npy files
        var data = SeededGenerator(seed: 11)
        let x = Tensor.randomUniform([4, 5], using: &data), r = Tensor.randomNormal([4, 3], using: &data)
        var o1 = SGD(learningRate: 0.1), o2 = SGD(learningRate: 0.1)
        var slot = 0
        let y1 = layer.forward(x, mode: .training); _ = layer.backward(r); layer.update(with: &o1, slot: &slot)
        slot = 0
        let y2 = copy.forward(x, mode: .training); _ = copy.backward(r); copy.update(with: &o2, slot: &slot)
        #expect(y1 == y2)
        #expect(layer.weights == copy.weights)
        #expect(layer.tiles[0][0].array.pulseCounts == copy.tiles[0][0].array.pulseCounts)
    }
}

/// Weight remapping (aihwkit `weight_scaling_omega`): the tiles hold W/α with the largest
/// |w| at ω, and the digital output scale α restores the layer's function and gradients.
@Suite struct WeightRemappingTests {
    @Test func remappedLayerComputesTheSameFunctionAndGradients() throws {
        var g1 = SeededGenerator(seed: 20), g2 = SeededGenerator(seed: 20)
        var plain = try AnalogLinear(6, 4, device: IdealPulsedDevice(), forwardIO: .perfect, backwardIO: .perfect, generator: &g1)
        var remapped = try AnalogLinear(6, 4, device: IdealPulsedDevice(), forwardIO: .perfect, backwardIO: .perfect,
                                        weightScalingOmega: 0.6, generator: &g2)
        let tileMax = remapped.tiles[0][0].weights.absMax()
        #expect(abs(tileMax - 0.6) < 1e-5)
        #expect(zip(plain.weights.scalars, remapped.weights.scalars).allSatisfy { abs($0 - $1) < 1e-6 })
        var g = SeededGenerator(seed: 21)
        let x = Tensor.randomNormal([3, 6], using: &g), r = Tensor.randomNormal([3, 4], using: &g)
        let y1 = plain.forward(x, mode: .training), y2 = remapped.forward(x, mode: .training)
        #expect(zip(y1.scalars, y2.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        let d1 = plain.backward(r), d2 = remapped.backward(r)
        #expect(zip(d1.scalars, d2.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(throws: DeviceParameterError.self) {
            try AnalogLinear(2, 2, device: IdealPulsedDevice(), weightScalingOmega: 0, generator: &g)
        }
    }

    @Test func deviceTensorsExportEveryTile() throws {
        var g = SeededGenerator(seed: 22)
        let layer = try AnalogLinear(5, 3, device: ConstantStepDevice(), maxTileInputs: 3, generator: &g)
        let names = layer.deviceTensors.map(\.name)
        #expect(names.contains("tile0_0.device0.pulse_counts") && names.contains("tile0_1.device0.weights"))
        #expect(layer.deviceTensors.allSatisfy { $0.tensor.rows == 3 })
        #expect(layer.deviceTensors.count > 4)      // sampled parameters too
    }

    /// A deferred refresh (Tiki-Taka's `A` with γ = 0 between batches): `weights` reads the
    /// devices, equal to what a refresh copies, and an encoded array carries the current weights
    /// under the same key, so it decodes to the same array.
    @Test func deferredRefreshReadsTheDevices() throws {
        var g = SeededGenerator(seed: 3)
        var update = PulsedUpdateParameters()
        update.desiredBL = 31
        var tile = try CrossbarArray(outputs: 70, inputs: 5, device: IdealPulsedDevice(dwMin: 0.01), forwardIO: .perfect,
                                     backwardIO: .perfect, update: update, generator: &g)
        let x = Tensor.randomUniform([8, 5], lower: -1, upper: 1, using: &g)
        let d = Tensor.randomNormal([8, 70], std: 0.5, using: &g)
        tile.updateDevices(x: x, d: d, learningRate: 0.1)     // the copy left stale
        tile.deferRefresh()
        var refreshed = tile
        refreshed.refreshWeights()
        #expect(tile.weights.scalars == refreshed.weights.scalars)
        #expect(tile.weights.scalars.contains { $0 != 0 }, "the update moved no device")
        let data = try JSONEncoder().encode(tile)
        let decoded = try JSONDecoder().decode(CrossbarArray<IdealPulsedDeviceArray>.self, from: data)
        #expect(decoded.weights.scalars == refreshed.weights.scalars)
        struct EncodedWeights: Decodable { let weights: Tensor }
        #expect(try JSONDecoder().decode(EncodedWeights.self, from: data).weights.scalars == refreshed.weights.scalars,
                "a deferred array wrote its stale copy")
    }
}
