import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

@Suite("Cycle-to-cycle noise")
struct DevicesNoiseTests {
    // Digest §1.3 ("a new xi is drawn for every coincidence event"): the per-pulse normal
    // source (polar method in Float, pair reuse) has the moments of N(0, 1).
    @Test func pulseNormalsMoments() {
        var g = SeededGenerator(seed: 91)
        var normals = PulseNormals()
        let n = 200_000
        var s1 = 0.0, s2 = 0.0, s4 = 0.0, beyond2 = 0
        for _ in 0..<n {
            let z = Double(normals.next(&g))
            s1 += z; s2 += z * z; s4 += z * z * z * z
            if Swift.abs(z) > 2 { beyond2 += 1 }
        }
        let m = s1 / Double(n), v = s2 / Double(n) - m * m
        #expect(Swift.abs(m) < 4 / Double(n).squareRoot())
        #expect(Swift.abs(v - 1) < 4 * (2 / Double(n)).squareRoot())
        #expect(Swift.abs(s4 / Double(n) - 3) < 4 * (96 / Double(n)).squareRoot())
        let tail = Double(beyond2) / Double(n)                  // P(|z| > 2) = 0.0455
        #expect(Swift.abs(tail - 0.0455) < 4 * (0.0455 * 0.9545 / Double(n)).squareRoot())
    }

    // Digest §1.3: multiplicative `Δw (1 + σ ξ)` and additive `Δw + dw σ ξ` c2c noise of one
    // pulse, measured over 10⁴ identical devices (no d2d) at w = 0.
    @Test(arguments: [CycleNoiseModel.multiplicative, .additive])
    func singlePulseStatistics(noise: CycleNoiseModel) throws {
        var config = LinearStepDevice.gokmen(muDw: 0.01, cycleStd: 0.3, noise: noise)
        config.dwMinDtod = 0
        config.slopeDtod = 0
        var array = try makeDevicesArray(config, rows: 100, columns: 100, seed: 92)
        array.setWeights([Float](repeating: 0.2, count: 10_000))
        var g = SeededGenerator(seed: 93)
        for k in 0..<10_000 { array.applyPulses(at: k, count: 1, up: true, generator: &g) }
        let steps = array.weights.map { $0 - 0.2 }
        let nominal = 0.01 * (1 - 1.66 * 0.2)                     // Δw⁺(0.2)
        let sigma = noise == .multiplicative ? 0.3 * nominal : 0.3 * 0.01
        #expect(Swift.abs(devicesMean(steps) - nominal) < 4 * sigma / 100)
        #expect(Swift.abs(devicesStandardDeviation(steps) - sigma) < 4 * sigma / (20_000.0).squareRoot())
    }

    // Digest §4.1 item 2 (device state between updates; aihwkit PulsedDevice lifetime and
    // diffusion): decay toward reset_ij and a random walk, per mini-batch.
    @Test func decayAndDiffusion() throws {
        var config = SoftBoundsDevice(pulsed: .noiseFree)
        config.reset = 0.05
        config.lifetime = 100
        var array = try makeDevicesArray(config, rows: 10, columns: 10, seed: 94)
        array.setWeights([Float](repeating: 0.4, count: 100))
        for _ in 0..<100 { array.decayWeights() }
        let expected = 0.05 + 0.35 * Double.pow(0.99, 100)
        #expect(array.weights.allSatisfy { Swift.abs(Double($0) - expected) < 1e-5 })
        array.decayWeights(alpha: 0)                             // α = 0: no decay
        #expect(array.weights.allSatisfy { Swift.abs(Double($0) - expected) < 1e-5 })

        var diffusing = ConstantStepDevice(pulsed: .noiseFree)
        diffusing.diffusion = 0.001
        var walk = try makeDevicesArray(diffusing, rows: 100, columns: 100, seed: 95)
        var g = SeededGenerator(seed: 96)
        for _ in 0..<100 { walk.diffuseWeights(generator: &g) }
        #expect(Swift.abs(devicesStandardDeviation(walk.weights) - 0.01) < 4 * 0.01 / (20_000.0).squareRoot())
        #expect(Swift.abs(devicesMean(walk.weights)) < 4 * 0.01 / 100)
    }
}
