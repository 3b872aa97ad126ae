import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// `desired_bl` above one 64-bit word (aihwkit's EcRamMO/Idealized TTv2, c-TTv2 and AGAD
/// presets use 100): the multi-word trains of `CrossbarArray+LongPulseTrains.swift` keep the
/// stochastic update unbiased (digest `ttv2_gradient-decomposition_shd.md` §1.2, "Stochastic
/// pulse update": E[#coincidences]·dw_min = η|d x|) and apply aihwkit's clipping at BL.
@Suite struct LongPulseTrainTests {
    let helper = CrossbarArrayTests()

    @Test(arguments: [100, 200])
    func longTrainMeanEqualsTheGradientStep(bl: Int) throws {
        // dw_min sized so the largest element needs about 0.9·BL pulses (the long path does real work).
        let dwMin = Float(0.02 * 0.9 * 0.5) / (0.9 * Float(bl))
        let trials = 1500
        let moments = try helper.updateMoments(bl: bl, bitLengthManagement: false, trials: trials, dwMin: dwMin)
        for k in 0..<6 {
            let se = (moments.variance[k] / Float(trials)).squareRoot()
            #expect(abs(moments.mean[k] - moments.expected[k]) < 4 * se + 1e-7,
                    "BL \(bl), element \(k): \(moments.mean[k]) vs \(moments.expected[k])")
        }
    }

    @Test func longTrainsClipAtDesiredBL() throws {
        // η·max|x|·max|d|/dw_min = 1·1·1/0.001 = 1000 pulses wanted, BL 100 allowed: the
        // max-|x|, max-|d| element fires in every slot (P = 1 on both sides) → exactly 100.
        var tile = try helper.idealTile(rows: 1, columns: 1, dwMin: 0.001, bl: 100, seed: 5)
        tile.update(x: Tensor(shape: [1, 1], scalars: [1]), d: Tensor(shape: [1, 1], scalars: [-1]), learningRate: 1)
        #expect(tile.pulseCounts == [100])
        #expect(abs(tile.weights.scalars[0] - 0.1) < 1e-5)
    }

    @Test func longTrainsAreSeedReproducible() throws {
        var a = try helper.idealTile(rows: 70, columns: 5, dwMin: 0.001, bl: 100, seed: 3)
        var b = try helper.idealTile(rows: 70, columns: 5, dwMin: 0.001, bl: 100, seed: 3)
        var g = SeededGenerator(seed: 4)
        let x = Tensor.randomUniform([8, 5], using: &g), d = Tensor.randomNormal([8, 70], using: &g)
        a.update(x: x, d: d, learningRate: 0.1)
        b.update(x: x, d: d, learningRate: 0.1)
        #expect(a.weights == b.weights && a.pulseCounts == b.pulseCounts)
        #expect(a.pulseCounts.reduce(0, +) > 0)
    }

    @Test func desiredBLRangeIsChecked() {
        var update = PulsedUpdateParameters()
        update.desiredBL = 100
        #expect(throws: Never.self) { try update.validate() }
        update.desiredBL = 256
        #expect(throws: DeviceParameterError.self) { try update.validate() }
    }
}
