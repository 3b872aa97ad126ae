import Testing
@testable import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN

// Hardware-aware training (Spoon et al. §2.3; digest §2.6): Gaussian weight noise in the
// forward pass only, periphery in the loop, full-precision backward and update, learned
// DAC range and output scales.

@Suite("Hardware-aware training of AnalogInferenceLinear (digest §2.6)")
struct InferenceLayerHWATests {
    typealias S = InferenceLayerTestSupport

    static func pair(noise: HWAWeightNoise, periphery: InferencePeriphery) -> (noisy: AnalogInferenceLinear, clean: AnalogInferenceLinear) {
        var g = SeededGenerator(seed: 71)
        let linear = Linear(48, 24, generator: &g)
        // A tight input range so that some inputs clip and the range gets a gradient.
        let training = HardwareAwareTraining(weightNoise: noise, inputRangeInitialization: .standardDeviations(1.2))
        let noisy = AnalogInferenceLinear(linear, periphery: periphery, training: training, generator: SeededGenerator(seed: 72))
        var cleanTraining = training
        cleanTraining.weightNoise = .none
        let clean = AnalogInferenceLinear(linear, periphery: periphery, training: cleanTraining, generator: SeededGenerator(seed: 72))
        return (noisy, clean)
    }

    @Test("Weight noise is forward-only: gradients equal the noise-free ones for the same input",
          arguments: [HWAWeightNoise.relative(0.1), .pcmProgramming(.paper, scale: 2)])
    func forwardOnly(noise: HWAWeightNoise) {
        var (noisy, clean) = Self.pair(noise: noise, periphery: .paper)
        let x = S.uniform([16, 48], 1, seed: 73)
        let yNoisy = noisy.forward(x, mode: .training)
        let yClean = clean.forward(x, mode: .training)
        #expect(S.relativeError(yNoisy, yClean) > 0.01, "the noise should change the forward output")
        let dy = S.uniform([16, 24], 1, seed: 74)
        let dxNoisy = noisy.backward(dy), dxClean = clean.backward(dy)
        #expect(S.maxRelativeDifference(dxNoisy, dxClean) < 1e-5)
        #expect(S.maxRelativeDifference(noisy.weight.gradient, clean.weight.gradient) < 1e-5)
        #expect(S.maxRelativeDifference(noisy.bias!.gradient, clean.bias!.gradient) < 1e-6)
        #expect(clean.inputRange.gradient.scalars[0] != 0, "some inputs should clip")
        #expect(Swift.abs(noisy.inputRange.gradient.scalars[0] - clean.inputRange.gradient.scalars[0])
                <= 1e-5 * Swift.abs(clean.inputRange.gradient.scalars[0]))
        // The update is full precision: one SGD step moves W by exactly −η dW.
        var optimizer = SGD(learningRate: 0.1)
        var slot = 0
        let before = noisy.weight.value
        noisy.update(with: &optimizer, slot: &slot)
        #expect(S.maxRelativeDifference(noisy.weight.value, before - 0.1 * clean.weight.gradient) < 1e-6)
        #expect(slot == 4)
    }

    @Test("Relative weight noise: std of ε / s_j equals η", arguments: [Float(0.02), 0.1])
    func relativeStd(eta: Float) {
        var (noisy, _) = Self.pair(noise: .relative(eta), periphery: .ideal())
        noisy.bias = nil
        // One-hot inputs read the noisy weights out: y[b, j] = W_jb + ε_jb.
        var samples: [Float] = []
        let scales = noisy.weight.value.inferenceRowAbsMax()
        for _ in 0..<20 {
            let y = noisy.forward(S.identity(48), mode: .training)
            for b in 0..<48 {
                for j in 0..<24 { samples.append((y.scalars[b * 24 + j] - noisy.weight.value.scalars[j * 48 + b]) / scales[j]) }
            }
        }
        let std = S.std(samples)
        #expect(Swift.abs(std / Double(eta) - 1) < 0.03, "std \(std), η \(eta)")
        // Inference mode: no weight noise.
        let y = noisy.forward(S.identity(48), mode: .inference)
        #expect(S.maxRelativeDifference(y, noisy.weight.value.transposed()) < 1e-6)
    }

    @Test("PCM-programming weight noise: std of ε equals κ·σ_prog(|w̃|)·s_j/g_max")
    func pcmStd() {
        let kappa: Float = 1.5
        var (noisy, _) = Self.pair(noise: .pcmProgramming(.paper, scale: kappa), periphery: .ideal())
        noisy.bias = nil
        let w = noisy.weight.value
        let scales = w.inferenceRowAbsMax()
        var samples: [Float] = []
        for _ in 0..<20 {
            let y = noisy.forward(S.identity(48), mode: .training)
            for b in 0..<48 {
                for j in 0..<24 {
                    let wjb = w.scalars[j * 48 + b]
                    let sigma = kappa * PCMNoiseModel.paper.programmingNoiseStd(normalizedTarget: Swift.abs(wjb) / scales[j])
                        * scales[j] / 25
                    samples.append((y.scalars[b * 24 + j] - wjb) / sigma)
                }
            }
        }
        let std = S.std(samples)
        #expect(Swift.abs(std - 1) < 0.03, "normalized std \(std)")
    }

    @Test("Learned scales: the input range and output scale train (PACT range gradient, γ gradient)")
    func learnedScales() {
        var (_, layer) = Self.pair(noise: .none, periphery: .paper)
        let x = S.uniform([32, 48], 1, seed: 75)
        _ = layer.forward(x, mode: .training)
        let r0 = layer.range
        #expect(Swift.abs(r0 - 1.2 * Float(S.std(x.scalars))) < 0.01 * r0)
        // dLoss/dy = 1 everywhere: dγ_j = Σ_b z_bj.
        let y = layer.forward(x, mode: .training)
        _ = layer.backward(Tensor.ones([32, 24]))
        var z = y
        z.addRowVector(-1 * layer.bias!.value)
        #expect(S.maxRelativeDifference(layer.outputScale.gradient, z.sumRows()) < 1e-5)
        var optimizer = SGD(learningRate: 0.01)
        var slot = 0
        layer.update(with: &optimizer, slot: &slot)
        #expect(layer.range != r0)
        #expect(layer.outputScale.value != Tensor.ones([24]))
    }

    @Test("Weight clipping after the update")
    func clipping() {
        var (_, layer) = Self.pair(noise: .none, periphery: .ideal())
        layer.training.weightClipping = .fixed(0.05)
        _ = layer.forward(S.uniform([4, 48], 1, seed: 76), mode: .training)
        _ = layer.backward(Tensor.zeros([4, 24]))
        var optimizer = SGD(learningRate: 0.0)
        var slot = 0
        layer.update(with: &optimizer, slot: &slot)
        #expect(layer.weight.value.absMax() <= 0.05)
        layer.training.weightClipping = .layerGaussian(1)
        layer.update(with: &optimizer, slot: &slot)
        #expect(layer.weight.value.absMax() < 0.05)
    }

    @Test("Checkpoint state: a restored layer keeps its learned range and continues the noise stream")
    func checkpointState() throws {
        var (layer, _) = Self.pair(noise: .relative(0.05), periphery: .paper)
        let x = S.uniform([8, 48], 1, seed: 77)
        _ = layer.forward(x, mode: .training)
        layer.inputRange.value = Tensor([0.42])   // as if learned
        let saved = try layer.encodedState()
        var restored = Self.pair(noise: .relative(0.05), periphery: .paper).noisy
        restored.inputRange.value = Tensor([0.42])   // the checkpoint's parameters
        try restored.restoreState(from: saved)
        #expect(restored.forward(x, mode: .training) == layer.forward(x, mode: .training))
        #expect(restored.range == 0.42)
    }
}
