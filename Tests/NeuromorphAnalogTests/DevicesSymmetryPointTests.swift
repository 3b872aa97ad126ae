import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

@Suite("Symmetry points and zero-shifting")
struct DevicesSymmetryPointTests {
    // Digest §1.2 (symmetry-point shifting) and §3.3/§3.6 item 4 (Onen M1 zero-shifting):
    // noise-free alternating up/down pulses from random states converge to the reported
    // (closed-form or bisected) symmetry point of every device.
    @Test(arguments: [DevicesModel.linearStepGokmen, .softBounds, .expStep, .powStep, .piecewiseStep, .neuroSim, .asymmetric])
    func zeroShiftingConvergesToSymmetryPoint(_ model: DevicesModel) throws {
        try model.with { config in try Self.check(config, model: model) }
    }

    static func check<C: PulsedDeviceConfiguration>(_ config: C, model: DevicesModel) throws {
        let noiseFree = DevicesArithmeticTests.noiseFree(config)
        var array = try makeDevicesArray(asymmetricSteps(noiseFree), rows: 3, columns: 4, seed: 71)
        guard let points = (array as? any SymmetryPointDeviceArray)?.symmetryPoints else {
            Issue.record("\(model) has no symmetry points"); return
        }
        var g = SeededGenerator(seed: 72)
        array.setWeights((0..<12).map { _ in g.nextUniform(in: -0.5..<0.5) })
        let pairs = model == .neuroSim ? 3_000 : 6_000
        array.zeroShift(pairs: pairs, generator: &g)
        let w = array.weights
        for k in 0..<12 {
            // within a few local steps: the alternating sequence straddles w*
            let local = Swift.max(array.expectedStep(at: k, up: true), -array.expectedStep(at: k, up: false))
            #expect(Swift.abs(w[k] - points[k]) <= 3 * local + 1e-5, "\(model) device \(k): \(w[k]) vs w* = \(points[k])")
        }
        if var resettable = array as? any SymmetryPointDeviceArray {
            resettable.resetToSymmetryPoints()
            #expect(resettable.weights == points, "\(model)")
        }
    }

    /// Adds a systematic up/down imbalance so the symmetry point is not trivially 0, and
    /// takes larger steps so 6,000 pairs converge (the drift per pair is ∝ dw_min).
    static func asymmetricSteps<C: PulsedDeviceConfiguration>(_ config: C) -> C {
        switch config {
        case var c as LinearStepDevice: c.upDown = 0.2; c.upDownDtod = 0.05; c.dwMin = 0.005; return c as! C
        case var c as SoftBoundsDevice: c.upDown = -0.3; c.dwMin = 0.005; return c as! C
        case var c as ExpStepDevice: c.upDown = 0.1; c.dwMin = 0.01; return c as! C
        case var c as PowStepDevice: c.upDown = 0.2; c.powUpDownDtod = 0.1; c.dwMin = 0.005; return c as! C
        case var c as PiecewiseStepDevice: c.upDown = 0.1; c.dwMin = 0.005; return c as! C
        case var c as AsymmetricSoftBoundsDevice: c.upDown = 0.1; return c as! C
        default: return config
        }
    }

    // Closed forms: Gokmen's device has w* = 0 when dw_up = dw_down (digest §1.3); the
    // asymmetric device's is its sampled w_sym (digest §3.5); with imbalance the formula.
    @Test func closedForms() throws {
        let gokmen = try makeDevicesArray(LinearStepDevice.gokmen1200States, rows: 10, columns: 10, seed: 73)
        #expect(gokmen.symmetryPoints.allSatisfy { Swift.abs($0) < 1e-7 })

        var config = AsymmetricSoftBoundsDevice(states: 500, asymmetry: 2, asymmetryDtod: 0.1,
                                                symmetryPoint: 0.2, symmetryPointDtod: 0.05)
        config.upDownDtod = 0
        let asymmetric = try makeDevicesArray(config, rows: 20, columns: 20, seed: 74)
        let centers = asymmetric.sampledParameters["symmetry_center"]!
        #expect(asymmetric.symmetryPoints == centers)
        #expect(asymmetric.weights == centers)                      // starts at its symmetry point
        #expect(Swift.abs(devicesMean(centers) - 0.2) < 4 * 0.05 / 20)
        #expect(Swift.abs(devicesStandardDeviation(centers) - 0.05) < 4 * 0.05 / (800.0).squareRoot())

        var imbalanced = SoftBoundsDevice()
        imbalanced.upDown = 0.2; imbalanced.upDownDtod = 0; imbalanced.dwMinDtod = 0
        imbalanced.wMaxDtod = 0; imbalanced.wMinDtod = 0
        let soft = try makeDevicesArray(imbalanced, rows: 1, columns: 1, seed: 75)
        // dw_up = 1, dw_down = 0.8 (× dw_min), b = ±0.6: w* = 0.2/(1/0.6 + 0.8/0.6) = 0.0667
        #expect(Swift.abs(soft.symmetryPoints[0] - 0.2 / (1.8 / 0.6)) < 1e-6)

        var constant = ConstantStepDevice(pulsed: .noiseFree)
        constant.upDown = 0.1
        let c = try makeDevicesArray(constant, rows: 1, columns: 1, seed: 76)
        #expect(c.symmetryPoints == [0.6])                         // ratchets to b_max
    }

    // aihwkit reset: w = reset_ij + reset_std ξ (defaults reset 0.01, reset_std 0.01).
    @Test func resetStatistics() throws {
        var array = try makeDevicesArray(SoftBoundsDevice.aihwkitDefault, rows: 100, columns: 100, seed: 77)
        var g = SeededGenerator(seed: 78)
        array.setWeights([Float](repeating: 0.4, count: 10_000))
        array.reset(generator: &g)
        #expect(Swift.abs(devicesMean(array.weights) - 0.01) < 4 * 0.01 / 100)
        #expect(Swift.abs(devicesStandardDeviation(array.weights) - 0.01) < 4 * 0.01 / (20_000.0).squareRoot())
    }
}
