import Testing
@testable import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN

// Global drift compensation through the inference layer (Spoon et al. §2.2.1; digest §2.5
// and §2.10 item 3): one-hot reference per tile after programming and at inference time.

@Suite("Drift compensation through AnalogInferenceLinear (digest §2.5)")
struct InferenceLayerDriftTests {
    typealias S = InferenceLayerTestSupport

    static func layer(tiles: Int) -> (AnalogInferenceLinear, Tensor) {
        var g = SeededGenerator(seed: 51)
        let linear = Linear(40, 12, generator: &g)
        let layer = AnalogInferenceLinear(linear, periphery: .ideal(maxTileInputs: tiles, maxTileOutputs: tiles),
                                          generator: SeededGenerator(seed: 52))
        return (layer, S.uniform([10, 40], 1, seed: 53))
    }

    @Test("One ν for all devices, no other noise: the compensated output equals the t = 0 output",
          arguments: [512, 16])
    func commonDrift(tiles: Int) {
        var (layer, x) = Self.layer(tiles: tiles)
        var g = SeededGenerator(seed: 54)
        layer.program(InferenceLayerCommonDriftModel(nu: 0.06), generator: &g)
        layer.read(at: InferenceTime(seconds: 0))
        let initial = layer.forward(x, mode: .inference)
        layer.read(at: .month)
        let compensated = layer.forward(x, mode: .inference)
        layer.compensatesDrift = false
        let drifted = layer.forward(x, mode: .inference)
        let expectedFactor = Float(1 / Foundation.pow(1 + 30 * 86_400 / 20.0, -0.06))
        for alpha in layer.compensationFactors.joined() { #expect(Swift.abs(alpha / expectedFactor - 1) < 1e-4) }
        #expect(S.maxRelativeDifference(compensated, initial) < 1e-5)
        #expect(S.maxRelativeDifference(drifted, initial) > 0.1, "drift should change the uncompensated output")
    }

    @Test("Per-device ν (PCM, γ = 0): the error after compensation is ≪ the error before", arguments: [512, 16])
    func perDeviceDrift(tiles: Int) {
        var (layer, x) = Self.layer(tiles: tiles)
        layer.bias = nil   // the bias does not drift; measure the analog part only
        var g = SeededGenerator(seed: 55)
        layer.program(PCMNoiseModel(gamma: 0), generator: &g)
        layer.read(at: InferenceTime(seconds: 0))
        let initial = layer.forward(x, mode: .inference)
        layer.read(at: .month)
        let compensated = layer.forward(x, mode: .inference)
        layer.compensatesDrift = false
        let drifted = layer.forward(x, mode: .inference)
        let before = S.relativeError(drifted, initial), after = S.relativeError(compensated, initial)
        #expect(before > 0.3, "1 month of drift should lower the output by ~40% (error \(before))")
        // What remains is the spread of ν between devices (σ_ν·ln(t/t_c) ≈ 0.1–0.5 at 1 month).
        #expect(after < 0.3 * before && after < 0.15, "compensated error \(after) vs uncompensated \(before)")
        #expect(layer.compensationFactors.joined().allSatisfy { $0 > 1.4 && $0 < 2.2 })
    }

    @Test("Read noise: one draw per read(at:) by default, a fresh draw per forward with .perForward")
    func readNoiseRedraw() {
        var (layer, x) = Self.layer(tiles: 16)   // ideal periphery: only the devices are random
        var g = SeededGenerator(seed: 56)
        layer.program(PCMNoiseModel.paper, generator: &g)
        layer.read(at: .hour)
        let first = layer.forward(x, mode: .inference)
        #expect(layer.forward(x, mode: .inference) == first)
        layer.read(at: .hour)
        let second = layer.forward(x, mode: .inference)
        #expect(second != first)
        layer.readNoise = .perForward
        let alpha = layer.compensationFactors
        #expect(layer.forward(x, mode: .inference) != layer.forward(x, mode: .inference))
        #expect(layer.compensationFactors == alpha)
        #expect(S.relativeError(layer.forward(x, mode: .inference), second) < 0.1)
    }

    @Test("Paper periphery and device: compensation factor > 1 after a day, and the read is reproducible")
    func paperDevice() {
        var g0 = SeededGenerator(seed: 61)
        let linear = Linear(64, 16, generator: &g0)
        var layer = AnalogInferenceLinear(linear, generator: SeededGenerator(seed: 62))
        let x = S.uniform([8, 64], 1, seed: 63)
        _ = layer.forward(x, mode: .inference)   // calibrates the input range
        var a = layer, b = layer
        var ga = SeededGenerator(seed: 64), gb = SeededGenerator(seed: 64)
        a.program(PCMNoiseModel.paper, generator: &ga)
        b.program(PCMNoiseModel.paper, generator: &gb)
        a.read(at: .day)
        b.read(at: .day)
        #expect(a.forward(x, mode: .inference) == b.forward(x, mode: .inference))
        let alpha = a.compensationFactors[0][0]
        #expect(alpha > 1.2 && alpha < 2, "α after 1 day: \(alpha)")
    }
}

import Foundation
