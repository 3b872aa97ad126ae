import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// The periphery of an analog product (digest `ttv2_gradient-decomposition_shd.md` §1.2,
/// "MVM non-idealities"; aihwkit `IOParameters`).
@Suite struct AnalogMatVecTests {
    func idealIO() -> IOParameters {
        var io = IOParameters()
        io.inputResolution = 0
        io.outputResolution = 0
        io.outputNoise = 0
        io.outputBound = 1e6
        return io
    }

    @Test(arguments: [NoiseManagement.none, .absMax])
    func noNoiseAndInfiniteResolutionIsTheExactProduct(management: NoiseManagement) {
        var g = SeededGenerator(seed: 1)
        let w = Tensor.randomNormal([7, 11], std: 0.3, using: &g)
        let x = Tensor.randomUniform([5, 11], lower: -1, upper: 1, using: &g)
        var io = idealIO()
        io.noiseManagement = management
        let exact = Tensor.matmul(x, .none, w, .transposed)
        let y = AnalogMatVec.apply(x, weights: w, transpose: .transposed, io: io, generator: &g)
        #expect(zip(y.scalars, exact.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        // The backward (transpose) product likewise.
        let d = Tensor.randomUniform([5, 7], lower: -1, upper: 1, using: &g)
        let z = AnalogMatVec.apply(d, weights: w, transpose: .none, io: io, generator: &g)
        #expect(zip(z.scalars, Tensor.matmul(d, w).scalars).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test func dacRoundsToSevenBitsAndSaturates() {
        var io = idealIO()
        io.noiseManagement = .none
        io.inputResolution = 1.0 / 126          // 127 levels over [-1, 1]: step 2/126
        var g = SeededGenerator(seed: 2)
        let values: [Float] = [-3, -1, -0.5, 0.004, 0.3, 0.999, 2]
        var x = Tensor(shape: [1, values.count], scalars: values)
        AnalogMatVec.quantizeInputs(&x, scales: [1], factor: 1, io: io, generator: &g)
        let step: Float = 2.0 / 126
        for (q, v) in zip(x.scalars, values) {
            let clipped = min(max(v, -1), 1)
            #expect(abs(q - clipped) <= step / 2 + 1e-6, "input \(v) → \(q)")
            #expect(abs((q / step).rounded() - q / step) < 1e-4, "\(q) is not on the DAC grid")
        }
        #expect(x.scalars.first == -1 && x.scalars.last == 1)
    }

    @Test func adcQuantizationErrorIsAtMostHalfAnLSBAndClipsAtTheBound() {
        var io = idealIO()
        io.noiseManagement = .none
        io.outputBound = 12
        io.outputResolution = 1.0 / 510
        io.boundManagement = .none
        var g = SeededGenerator(seed: 3)
        let w = Tensor.randomNormal([64, 32], std: 0.5, using: &g)
        let x = Tensor.randomUniform([8, 32], lower: -1, upper: 1, using: &g)
        let exact = Tensor.matmul(x, .none, w, .transposed)
        let y = AnalogMatVec.apply(x, weights: w, transpose: .transposed, io: io, generator: &g)
        let lsb: Float = 24.0 / 510
        for (a, e) in zip(y.scalars, exact.scalars) {
            let clipped = min(max(e, -12), 12)
            #expect(abs(a - clipped) <= lsb / 2 + 1e-5)
        }
        // An output far above the bound saturates at +12.
        let big = AnalogMatVec.apply(Tensor(shape: [1, 2], scalars: [1, 1]), weights: Tensor(shape: [1, 2], scalars: [10, 10]),
                                     transpose: .transposed, io: io, generator: &g)
        #expect(big.scalars == [12])
    }

    @Test func iterativeBoundManagementRecoversSaturatedOutputs() {
        var io = idealIO()
        io.noiseManagement = .absMax
        io.outputBound = 4
        io.boundManagement = .iterative
        var g = SeededGenerator(seed: 4)
        let w = Tensor(repeating: 0.5, shape: [3, 20])
        let x = Tensor(repeating: 1, shape: [2, 20])                 // exact output 10 > bound 4
        let y = AnalogMatVec.apply(x, weights: w, transpose: .transposed, io: io, generator: &g)
        #expect(y.scalars.allSatisfy { abs($0 - 10) < 1e-4 })
        io.boundManagement = .none
        let clipped = AnalogMatVec.apply(x, weights: w, transpose: .transposed, io: io, generator: &g)
        #expect(clipped.scalars.allSatisfy { $0 == 4 })
    }

    @Test func boundManagementStopsAtAihwkitsResolutionCap() {
        // Outputs 50× the bound need a factor of 64; aihwkit's max_bm_res = 0.25 stops at 16
        // with the 7-bit DAC (0.25 / (2/126) = 15.75), so the output stays saturated there.
        var io = IOParameters.forwardDefault
        io.outputNoise = 0
        var g = SeededGenerator(seed: 6)
        let w = Tensor(repeating: 1, shape: [2, 600])
        let x = Tensor(repeating: 1, shape: [1, 600])                // exact output 600, bound 12
        let capped = AnalogMatVec.apply(x, weights: w, transpose: .transposed, io: io, generator: &g)
        var sixteen = io
        sixteen.maxBoundManagementFactor = 16
        sixteen.maxBoundManagementResolution = 1e9
        let atSixteen = AnalogMatVec.apply(x, weights: w, transpose: .transposed, io: sixteen, generator: &g)
        #expect(capped == atSixteen)
        #expect(capped.scalars.allSatisfy { abs($0 - 12 * 16) < 1 }, "\(capped.scalars)")
        var uncapped = io
        uncapped.maxBoundManagementResolution = 1e9
        let free = AnalogMatVec.apply(x, weights: w, transpose: .transposed, io: uncapped, generator: &g)
        #expect(free.scalars.allSatisfy { abs($0 - 600) < 10 }, "\(free.scalars)")
    }

    @Test func outputNoiseHasTheConfiguredStandardDeviation() {
        var io = idealIO()
        io.noiseManagement = .none
        io.outputNoise = 0.06
        var g = SeededGenerator(seed: 5)
        let w = Tensor.zeros([100, 10])
        let x = Tensor(repeating: 0.5, shape: [200, 10])
        let y = AnalogMatVec.apply(x, weights: w, transpose: .transposed, io: io, generator: &g)
        let n = Float(y.count)
        let mean = y.sum() / n
        let std = (y.map { ($0 - mean) * ($0 - mean) }.sum() / (n - 1)).squareRoot()
        #expect(abs(mean) < 4 * 0.06 / n.squareRoot())
        #expect(abs(std - 0.06) / 0.06 < 0.03)
    }

    @Test func sameSeedSameNoise() {
        var g1 = SeededGenerator(seed: 6), g2 = SeededGenerator(seed: 6)
        let w = Tensor(repeating: 0.1, shape: [4, 4]), x = Tensor(repeating: 0.3, shape: [3, 4])
        let a = AnalogMatVec.apply(x, weights: w, transpose: .transposed, io: .forwardDefault, generator: &g1)
        let b = AnalogMatVec.apply(x, weights: w, transpose: .transposed, io: .forwardDefault, generator: &g2)
        #expect(a == b)
    }
}

/// The pulsed update in the clipped regime follows aihwkit 1.1 (issue 19, item 1).
@Suite struct ClippedUpdateParityTests {
    @Test func clippedUpdateKeepsColumnProbabilitiesProportionalToX() throws {
        // k = η·max|x|·max|d|/dw_min = 0.5·1·1/0.001 = 500 > desired_bl 31: aihwkit scales only
        // the d side, so every row fires in every slot and column j in a fraction x_j/max|x|:
        // E[Δw_ij] = 31 · dw_min · x_j. (The balanced rule saturated every x ≥ 0.25 instead.)
        var device = ConstantStepDevice.aihwkitDefault
        device.pulsed = .noiseFree
        var g = SeededGenerator(seed: 19)
        var tile = try CrossbarArray(outputs: 8, inputs: 8, device: device, generator: &g)
        let x = Tensor(shape: [1, 8], scalars: (1...8).map { Float($0) / 8 })
        let d = Tensor(shape: [1, 8], scalars: [Float](repeating: -1, count: 8))   // −d·x > 0: up pulses
        var sums = [Double](repeating: 0, count: 8)
        let repeats = 400
        for _ in 0..<repeats {
            tile.setWeights(Tensor.zeros([8, 8]))
            tile.update(x: x, d: d, learningRate: 0.5)
            for i in 0..<8 { for j in 0..<8 { sums[j] += Double(tile.weights.scalars[i * 8 + j]) } }
        }
        for j in 0..<8 {
            let fraction = sums[j] / Double(8 * repeats) / (31 * 0.001)
            let expected = Double(j + 1) / 8
            #expect(abs(fraction - expected) < 0.01 + 0.03 * expected, "column \(j): firing fraction \(fraction), expected \(expected)")
        }
    }
}
