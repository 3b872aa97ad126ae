import Testing
@testable import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN

// The inference periphery (Spoon et al. §2.1.3; digest §2.4 and §2.10 item 4): 8-bit DAC over
// a fixed range, 10-bit ADC over ±10, 0.5 LSB output noise, 512 × 512 tiles.

@Suite("Analog inference periphery and layer (digest §2.4)")
struct InferenceLayerPeripheryTests {
    typealias S = InferenceLayerTestSupport

    @Test("DAC: inputs beyond the range saturate; in-range error ≤ 0.5 LSB", arguments: [Float(0.5), 1, 3.7])
    func dac(range r: Float) {
        let p = InferencePeriphery.paper
        let lsb = p.inputStep
        #expect(Swift.abs(lsb - 2 / 254) < 1e-7)
        let x = S.uniform([4096], 1.5 * r, seed: 3)
        let q = p.dac(x, range: r)
        var inRange = 0
        for (v, d) in zip(x.scalars, q.scalars) {
            if Swift.abs(v) > r {
                #expect(d == (v > 0 ? 1 : -1), "input \(v) at range \(r) gave \(d)")
            } else {
                inRange += 1
                #expect(Swift.abs(d * r - v) <= 0.5 * lsb * r * 1.0001, "input \(v) at range \(r) gave \(d)")
                #expect(Swift.abs(d) <= 1)
            }
        }
        #expect(inRange > 2000)
        // Every output is one of the 255 levels k·Δx.
        for d in q.scalars { #expect(Swift.abs((d / lsb).rounded() * lsb - d) < 1e-5) }
    }

    @Test("ADC: outputs beyond ±10 saturate; in-range error ≤ 0.5 LSB (10 bits)")
    func adc() {
        let p = InferencePeriphery.paper
        let lsb = p.outputStep
        #expect(Swift.abs(lsb - 20 / 1022) < 1e-6)
        let y = S.uniform([8192], 14, seed: 5)
        let q = p.adc(y)
        for (v, d) in zip(y.scalars, q.scalars) {
            if Swift.abs(v) > 10 {
                #expect(Swift.abs(d - (v > 0 ? 10 : -10)) < 1e-5, "output \(v) gave \(d)")
            } else {
                #expect(Swift.abs(d - v) <= 0.5 * lsb * 1.0001, "output \(v) gave \(d)")
            }
        }
    }

    @Test("Output noise before the ADC has std 0.5 LSB (20/1022 · 0.5)")
    func outputNoise() {
        var p = InferencePeriphery.paper
        p.outputBits = nil   // keep the range clip, drop the quantization so the noise is visible
        var g = SeededGenerator(seed: 11)
        let y = p.mac(Tensor.ones([256, 8]), weights: Tensor.zeros([256, 8]), generator: &g)
        let std = S.std(y.scalars)
        let mean = y.scalars.reduce(0.0) { $0 + Double($1) } / Double(y.count)
        let expected = 0.5 * Double(InferencePeriphery.lsb(bits: 10, range: 10))
        #expect(Swift.abs(std / expected - 1) < 0.02, "std \(std), expected \(expected)")
        #expect(Swift.abs(mean) < 4 * expected / Double(y.count).squareRoot())
    }

    @Test("Noise off, ideal periphery: equals the digital Linear, one tile or a 4 × 3 grid",
          arguments: [(512, 512), (6, 3)])
    func idealEqualsLinear(tileInputs: Int, tileOutputs: Int) {
        var g = SeededGenerator(seed: 21)
        var linear = Linear(20, 7, generator: &g)
        let x = S.uniform([9, 20], 2, seed: 22)
        let reference = linear.forward(x, mode: .inference)
        var layer = AnalogInferenceLinear(linear, periphery: .ideal(maxTileInputs: tileInputs, maxTileOutputs: tileOutputs),
                                          generator: SeededGenerator(seed: 1))
        #expect(layer.summary.contains(tileInputs == 6 ? "3×4 tiles" : "1×1 tiles"))
        #expect(S.maxRelativeDifference(layer.forward(x, mode: .inference), reference) < 1e-5)
        #expect(S.maxRelativeDifference(layer.forward(x, mode: .training), reference) < 1e-5)
        // Programmed on noise-free, drift-free devices: still the digital product.
        var programmed = layer
        var pg = SeededGenerator(seed: 2)
        programmed.program(GaussianInferenceNoiseModel(programmingNoise: 0, readNoise: 0), generator: &pg)
        programmed.read(at: .month)
        #expect(S.maxRelativeDifference(programmed.forward(x, mode: .inference), reference) < 1e-5)
        #expect(programmed.compensationFactors.joined().allSatisfy { Swift.abs($0 - 1) < 1e-5 })
    }

    @Test("Paper periphery: close to the digital product (8-bit DAC, 10-bit ADC), and 2 tiles for 784 inputs")
    func paperPeripheryClose() {
        var g = SeededGenerator(seed: 31)
        var linear = Linear(784, 32, generator: &g)
        // Sparse inputs (10% non-zero, like ReLU activations): bit-line sums stay well inside ±10.
        var x = S.uniform([16, 784], 1, seed: 32)
        for i in x.scalars.indices where i % 10 != 3 { x.scalars[i] = 0 }
        let reference = linear.forward(x, mode: .inference)
        var layer = AnalogInferenceLinear(linear, periphery: .paper, training: HardwareAwareTraining(inputRangeInitialization: .absMax),
                                          generator: SeededGenerator(seed: 1))
        #expect(layer.summary.contains("1×2 tiles"))
        let y = layer.forward(x, mode: .inference)
        let error = S.relativeError(y, reference)
        #expect(error < 0.03, "relative error \(error)")
        #expect(error > 1e-4, "the periphery should not be exact (error \(error))")
    }

    @Test("Transformer: the analog factory with an ideal periphery reproduces the digital model; convert finds every FC layer")
    func transformer() {
        let config = TransformerConfiguration(imageHeight: 4, imageWidth: 4, modelDimension: 8, heads: 2,
                                              mlpDimension: 16, blocks: 1, classes: 3)
        var g1 = SeededGenerator(seed: 41), g2 = SeededGenerator(seed: 41)
        var digital = TransformerClassifier(config, generator: &g1)
        var analog = TransformerClassifier(config, generator: &g2, linear: AnalogInference.factory(periphery: .ideal()))
        let x = S.uniform([3, 16], 1, seed: 42)
        let reference = digital.forward(x, mode: .inference)
        #expect(S.maxRelativeDifference(analog.forward(x, mode: .inference), reference) < 1e-4)
        #expect(AnalogInference.layers(of: analog).count == 8)
        var converted = AnalogInference.convert(digital, periphery: .ideal())
        #expect(AnalogInference.layers(of: converted).count == 8)
        #expect(S.maxRelativeDifference(converted.forward(x, mode: .inference), reference) < 1e-4)
        AnalogInference.program(&converted, noiseModel: PCMNoiseModel.paper, seed: 1)
        AnalogInference.read(&converted, at: .day)
        #expect(AnalogInference.layers(of: converted).allSatisfy { $0.isProgrammed })
        let drifted = converted.forward(x, mode: .inference)
        #expect(drifted.scalars.allSatisfy { $0.isFinite })
        #expect(S.maxRelativeDifference(drifted, reference) > 1e-4)
        // Back to digital: exact again.
        var back = AnalogInference.digital(converted)
        #expect(S.maxRelativeDifference(back.forward(x, mode: .inference), reference) < 1e-5)
    }

    @Test("Conv2d: ideal periphery equals the digital convolution; convert/program/read reach the crossbar; gradients flow")
    func convolution() {
        var g = SeededGenerator(seed: 81)
        var digital = Sequential([Conv2d(2, 4, kernelSize: 3, padding: 1, generator: &g), Activation(.relu), Flatten(),
                                  Linear(4 * 5 * 5, 3, generator: &g)])
        let x = S.uniform([2, 2, 5, 5], 1, seed: 82)
        let reference = digital.forward(x, mode: .inference)
        var analog = AnalogInference.convert(digital, periphery: .ideal())
        #expect(analog.layers[0] is AnalogInferenceConv2d)
        #expect(AnalogInference.layers(of: analog).count == 2)
        #expect(S.maxRelativeDifference(analog.forward(x, mode: .inference), reference) < 1e-5)
        var back = AnalogInference.digital(analog)
        #expect(back.layers[0] is Conv2d)
        #expect(S.maxRelativeDifference(back.forward(x, mode: .inference), reference) < 1e-5)
        // Training pass: gradients of the crossbar equal those of the digital convolution.
        _ = digital.forward(x, mode: .training)
        _ = analog.forward(x, mode: .training)
        let dy = S.uniform([2, 3], 1, seed: 83)
        let dxDigital = digital.backward(dy), dxAnalog = analog.backward(dy)
        #expect(S.maxRelativeDifference(dxAnalog, dxDigital) < 1e-5)
        let conv = analog.layers[0] as! AnalogInferenceConv2d
        #expect(S.maxRelativeDifference(conv.crossbar.weight.gradient, (digital.layers[0] as! Conv2d).weight.gradient) < 1e-5)
        AnalogInference.program(&analog, noiseModel: PCMNoiseModel(gamma: 0), seed: 2)
        AnalogInference.read(&analog, at: .month)
        #expect(AnalogInference.layers(of: analog).allSatisfy { $0.isProgrammed && $0.compensationFactors[0][0] > 1.3 })
    }
}
