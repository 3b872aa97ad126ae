import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

@Suite("Onen et al. Fig. 1: SGD on asymmetric devices")
struct DevicesOnenToyTests {
    /// SGD on a 1-parameter regression `y = w0·x + 0.5·noise` (w0 = 0.4, x ~ N(0, 1), η =
    /// 0.01) through a single device with expected-value updates, as the tile's `.expected`
    /// mode does: `n± = η·max(±d, 0)/dw_min` pulses, `w ← w + n⁺·step⁺(w) + n⁻·step⁻(w)`.
    /// Returns the time average of `w` over the second half of the run.
    static func sgd<C: PulsedDeviceConfiguration>(_ config: C, steps: Int, seed: UInt64) throws -> Double {
        var array = try makeDevicesArray(config, rows: 1, columns: 1, seed: seed)
        var g = SeededGenerator(seed: seed + 1)
        let eta: Float = 0.01, w0: Float = 0.4
        var sum = 0.0
        var target = [Float](repeating: 0, count: 1)
        for step in 0..<steps {
            let x = g.nextNormal()
            let y = w0 * x + 0.5 * g.nextNormal()
            let w = array.weights[0]
            let d = -(w * x - y) * x                          // −dE/dw for E = ½(wx − y)²
            let pulses = eta * Swift.abs(d) / config.nominalStep
            target[0] = w + pulses * array.expectedStep(at: 0, up: d > 0)
            array.setWeights(target)
            if step >= steps / 2 { sum += Double(array.weights[0]) }
        }
        return sum / Double(steps - steps / 2)
    }

    // Digest §3.6 item 1 [C]: the soft-bounds device (s = 1.66, G_sym = 0) biases SGD toward
    // its symmetry point, w_final ≈ 0.253; a symmetric device reaches w0 (0.3991). 4·10⁵
    // steps as in the digest; w is averaged over the last 2·10⁵ (standard error ≈ 0.002).
    @Test func asymmetricDeviceIsBiasedTowardSymmetryPoint() throws {
        let asymmetric = try Self.sgd(AsymmetricSoftBoundsDevice.onenToy, steps: 400_000, seed: 81)
        #expect(Swift.abs(asymmetric - 0.253) < 0.01, "asymmetric SGD: \(asymmetric)")
        #expect(asymmetric > 0 && asymmetric < 0.4)
        let symmetric = try Self.sgd(IdealPulsedDevice.symmetricReference, steps: 400_000, seed: 81)
        #expect(Swift.abs(symmetric - 0.399) < 0.01, "symmetric SGD: \(symmetric)")
    }

    // Digest §3.6 item 1: "w_final moves closer to w0 as s decreases"; and a symmetry point
    // moved to 0.4 removes the bias (competing equilibria coincide, §3.2).
    @Test func biasShrinksWithAsymmetryAndVanishesAtTheOptimum() throws {
        var mild = AsymmetricSoftBoundsDevice.onenToy
        mild.asymmetry = 0.5
        let mildResult = try Self.sgd(mild, steps: 60_000, seed: 82)
        let strong = try Self.sgd(AsymmetricSoftBoundsDevice.onenToy, steps: 60_000, seed: 82)
        #expect(strong < mildResult && mildResult < 0.4, "s = 1.66: \(strong), s = 0.5: \(mildResult)")
        var centred = AsymmetricSoftBoundsDevice.onenToy
        centred.symmetryPoint = 0.4
        let centredResult = try Self.sgd(centred, steps: 60_000, seed: 82)
        #expect(Swift.abs(centredResult - 0.4) < 0.015, "w_sym = w0: \(centredResult)")
    }
}
