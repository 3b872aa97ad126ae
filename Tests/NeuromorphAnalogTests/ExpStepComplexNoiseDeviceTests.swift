import Foundation
import Testing
@testable import NeuromorphAnalog
@testable import NeuromorphCore

/// ``ExpStepComplexNoiseDevice`` (aihwkit 1.1 `ExpStepDevice` with `dw_min_std_add` /
/// `dw_min_std_slope`, C++ `update_once_complex_noise`) and aihwkit's `PCMPresetDevice`
/// (``AihwkitDevicePresets/pcm``, `presets/devices.py`); issue 11, docs/analog-devices.md.
@Suite struct ExpStepComplexNoiseDeviceTests {
    /// The closed form of one pulse at weight `w` for each device of `array`: the noise-free
    /// step `Δw_i` and `σ_i = dw_min_std (|Δw_i| + add + slope |w|)`, from the sampled
    /// parameters.
    static func closedForm(_ array: ExpStepComplexNoiseDeviceArray, w: Float, up: Bool,
                           device: ExpStepComplexNoiseDevice) -> (step: [Double], sigma: [Double], lo: [Float], hi: [Float]) {
        let p = array.sampledParameters
        let lo = p["w_min"]!, hi = p["w_max"]!, s = up ? p["dw_min_up"]! : p["dw_min_down"]!
        let e = device.expStep
        var steps: [Double] = [], sigmas: [Double] = []
        for k in lo.indices {
            let z = 2 * Double(e.slope) * Double(w) / Double(hi[k] - lo[k]) + Double(e.offset)
            let y = up ? max(1 - Double(e.aUp) * Foundation.exp(Double(e.gammaUp) * z), 0)
                       : max(1 - Double(e.aDown) * Foundation.exp(-Double(e.gammaDown) * z), 0)
            let step = (up ? 1 : -1) * y * Double(s[k])
            steps.append(step)
            sigmas.append(Double(e.pulsed.dwMinStd) * (abs(step) + Double(device.dwMinStdAdd) + Double(device.dwMinStdSlope) * Double(abs(w))))
        }
        return (steps, sigmas, lo, hi)
    }

    /// One pulse on 20,000 devices at `w`: the standardized residuals `(Δw_i − step_i)/σ_i`
    /// of the devices at least 5 σ from both bounds (chosen by their sampled parameters, not
    /// by the draw; the clipped tail shifts the mean by < 1e-6 σ) have mean 0 and variance 1
    /// within 4 standard errors.
    static func checkOnePulse(_ device: ExpStepComplexNoiseDevice, w: Float, up: Bool, seed: UInt64,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        var g = SeededGenerator(seed: seed)
        var array = try device.makeArray(rows: 100, columns: 200, generator: &g)
        array.setWeights([Float](repeating: w, count: 20_000))
        let start = array.weights
        let form = closedForm(array, w: w, up: up, device: device)
        var pulses = SeededGenerator(seed: seed &+ 1)
        for k in 0..<20_000 { array.applyPulses(at: k, count: 1, up: up, generator: &pulses) }
        var residuals: [Double] = []
        for k in 0..<20_000 where Double(form.hi[k]) - Double(start[k]) >= 5 * form.sigma[k]
            && Double(start[k]) - Double(form.lo[k]) >= 5 * form.sigma[k] {
            residuals.append((Double(array.weights[k]) - Double(start[k]) - form.step[k]) / form.sigma[k])
        }
        let n = Double(residuals.count)
        #expect(n > 5_000, "too few devices far from the bounds: \(n)", sourceLocation: sourceLocation)
        let mean = residuals.reduce(0, +) / n
        let variance = residuals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)
        let meanSE = 1 / n.squareRoot(), varianceSE = (2 / (n - 1)).squareRoot()
        #expect(abs(mean) < 4 * meanSE, "w \(w) up \(up): mean residual \(mean) (SE \(meanSE))", sourceLocation: sourceLocation)
        #expect(abs(variance - 1) < 4 * varianceSE, "w \(w) up \(up): residual variance \(variance) (SE \(varianceSE))",
                sourceLocation: sourceLocation)
    }

    // PCMPresetDevice's up pulses (the only direction a one-sided pair uses) at three
    // weights: Δw = y⁺(w)·dw_up,ij + 0.6 (|Δw| + 0.042 + 0.108 |w|) ξ.
    @Test(arguments: [Float(0.6), 1.0, 1.2])
    func pcmUpPulseMomentsMatchTheClosedForm(w: Float) throws {
        try Self.checkOnePulse(AihwkitDevicePresets.pcm, w: w, up: true, seed: 11)
    }

    // A generic exp-step device (aihwkit ExpStepDevice defaults) with complex noise, both
    // directions, at a negative weight (|w| in the slope term).
    @Test(arguments: [true, false])
    func genericExpStepMomentsMatchTheClosedForm(up: Bool) throws {
        let device = ExpStepComplexNoiseDevice(expStep: ExpStepDevice(), dwMinStdAdd: 0.01, dwMinStdSlope: 0.05)
        try Self.checkOnePulse(device, w: -0.2, up: up, seed: 12)
    }

    /// Mean, variance and the standard errors of both (the variance's from the sample's
    /// fourth moment, so it holds for non-normal end weights).
    static func moments(_ v: [Double]) -> (mean: Double, variance: Double, meanSE: Double, varianceSE: Double) {
        let n = Double(v.count)
        let mean = v.reduce(0, +) / n
        let m2 = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n
        let m4 = v.map { pow($0 - mean, 4) }.reduce(0, +) / n
        return (mean, m2 * n / (n - 1), (m2 / n).squareRoot(), ((m4 - m2 * m2) / n).squareRoot())
    }

    // Ten up pulses from w = 0.5 on identical PCM devices (no device-to-device variation):
    // the end weights' mean and variance equal those of an independent Double simulation of
    // the printed update (aihwkit `update_once_complex_noise`: Δw = y⁺(w)·dw_min, w ← clip(w +
    // Δw + 0.6(|Δw| + 0.042 + 0.108|w|)ξ, 0, 2)) within 4 standard errors of the difference.
    // Over these 10 steps y⁺ falls by about 1.6× and the spread reaches about 0.3, so the
    // state dependence of step and noise both matter.
    @Test func tenPulsesMatchAnIndependentSimulation() throws {
        var device = AihwkitDevicePresets.pcm
        device.expStep.pulsed.dwMinDtod = 0
        device.expStep.pulsed.upDownDtod = 0
        device.expStep.pulsed.wMaxDtod = 0
        let n = 20_000
        var g = SeededGenerator(seed: 5)
        var array = try device.makeArray(rows: 100, columns: n / 100, generator: &g)
        array.setWeights([Float](repeating: 0.5, count: n))
        var pulses = SeededGenerator(seed: 6)
        for k in 0..<n { array.applyPulses(at: k, count: 10, up: true, generator: &pulses) }
        var reference: [Double] = []
        var r = SeededGenerator(seed: 7)
        for _ in 0..<n {
            var w = 0.5
            for _ in 0..<10 {
                let step = max(1 + 27.235 * Foundation.exp(-2.5 * w), 0) * 0.01
                let sigma = 0.6 * (step + 0.042 + 0.108 * abs(w))
                w = min(max(w + step + sigma * r.nextNormalDouble(), 0), 2)
            }
            reference.append(w)
        }
        let a = Self.moments(array.weights.map(Double.init)), b = Self.moments(reference)
        let meanSE = (a.meanSE * a.meanSE + b.meanSE * b.meanSE).squareRoot()
        let varianceSE = (a.varianceSE * a.varianceSE + b.varianceSE * b.varianceSE).squareRoot()
        #expect(abs(a.mean - b.mean) < 4 * meanSE, "mean \(a.mean) vs \(b.mean) (SE \(meanSE))")
        #expect(abs(a.variance - b.variance) < 4 * varianceSE, "variance \(a.variance) vs \(b.variance) (SE \(varianceSE))")
        #expect(a.mean > 0.9 && a.variance > 0.04, "the pulses moved the weights: mean \(a.mean), variance \(a.variance)")
    }

    // Without the noise keys, or with dw_min_std = 0, the device is the plain ExpStepDevice
    // pulse for pulse (aihwkit's hasComplexNoise is false).
    @Test func withoutComplexNoiseItIsThePlainExpStepDevice() throws {
        var quiet = AihwkitDevicePresets.pcm
        quiet.expStep.pulsed.dwMinStd = 0
        for device in [ExpStepComplexNoiseDevice(expStep: AihwkitDevicePresets.pcm.expStep), quiet] {
            #expect(!device.hasComplexNoise)
            var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3)
            var a = try device.makeArray(rows: 3, columns: 4, generator: &g1)
            var b = try device.expStep.makeArray(rows: 3, columns: 4, generator: &g2)
            var p1 = SeededGenerator(seed: 4), p2 = SeededGenerator(seed: 4)
            for k in 0..<12 {
                a.applyPulses(at: k, count: k % 5, up: k % 2 == 0, generator: &p1)
                b.applyPulses(at: k, count: k % 5, up: k % 2 == 0, generator: &p2)
            }
            #expect(a.weights == b.weights)
        }
        // The registry builds the plain model when both keys are 0.
        let entry = try #require(DeviceRegistry.entry(named: "exp_step"))
        #expect(entry.configuration(pulsed: nil, model: [:], writeNoiseStd: nil) is ExpStepDevice)
        #expect(entry.configuration(pulsed: nil, model: ["dw_min_std_add": 0.01], writeNoiseStd: nil) is ExpStepComplexNoiseDevice)
        let pcmOff = try #require(DeviceRegistry.entry(named: "pcm"))
            .configuration(pulsed: nil, model: ["dw_min_std_add": 0, "dw_min_std_slope": 0], writeNoiseStd: nil)
        #expect(pcmOff is ExpStepDevice)
    }

    // Pulses stay within [b_min, b_max] (w_min = 0 for PCM) and the array survives Codable
    // bit for bit, continuing identically.
    @Test func boundsAndCheckpointRoundTrip() throws {
        var g = SeededGenerator(seed: 8)
        var array = try AihwkitDevicePresets.pcm.makeArray(rows: 10, columns: 10, generator: &g)
        var pulses = SeededGenerator(seed: 9)
        for k in 0..<100 { array.applyPulses(at: k, count: 40, up: true, generator: &pulses) }
        let p = array.sampledParameters
        #expect(array.weights.indices.allSatisfy { array.weights[$0] >= p["w_min"]![$0] && array.weights[$0] <= p["w_max"]![$0] })
        #expect(p["w_min"]!.allSatisfy { $0 == 0 })
        var copy = try JSONDecoder().decode(ExpStepComplexNoiseDeviceArray.self, from: try JSONEncoder().encode(array))
        #expect(copy == array)
        var p2 = pulses
        for k in 0..<100 {
            array.applyPulses(at: k, count: 3, up: k % 3 == 0, generator: &pulses)
            copy.applyPulses(at: k, count: 3, up: k % 3 == 0, generator: &p2)
        }
        #expect(copy.weights == array.weights)
    }

    // Consistency check of the table against aihwkit 1.1 presets/devices.py PCMPresetDevice
    // (values entered from it): every field it sets, and PulsedDevice defaults elsewhere.
    @Test func pcmPresetIsAihwkits() throws {
        let d = AihwkitDevicePresets.pcm
        let p = d.expStep.pulsed
        #expect(p.dwMin == 0.01 && p.upDown == 0 && p.wMax == 2 && p.wMin == 0)
        #expect(d.expStep.slope == -1 && d.expStep.offset == 0 && d.expStep.gammaUp == 2.5 && d.expStep.gammaDown == 2.5)
        #expect(d.expStep.aUp == -27.235 && d.expStep.aDown == -2.235)
        #expect(p.dwMinDtod == 0.2 && p.upDownDtod == 0.05 && p.wMaxDtod == 0.1 && p.wMinDtod == 0)
        #expect(p.dwMinStd == 0.6 && d.dwMinStdAdd == 0.042 && d.dwMinStdSlope == 0.108)
        #expect(p.reset == 0.01 && p.resetDtod == 0.02 && p.resetStd == 0.01)
        #expect(p.lifetime == 0 && p.diffusion == 0 && d.hasComplexNoise)
        for name in ["pcm", "PCMPresetDevice"] {
            let entry = try #require(DeviceRegistry.entry(named: name))
            #expect(entry.writeNoiseStd == 0 && entry.modelDefaults == ["dw_min_std_add": 0.042, "dw_min_std_slope": 0.108])
            #expect(entry.configuration() as? ExpStepComplexNoiseDevice == d, "\(name)")
        }
        #expect(!AihwkitDevicePresets.unavailable.map(\.aihwkit).contains("PCMPresetDevice"))
    }

    @Test func badNoiseScalesAreRejectedByName() {
        var g = SeededGenerator(seed: 1)
        for (add, slope, name) in [(Float(-0.1), Float(0), "dw_min_std_add"), (0, .nan, "dw_min_std_slope")] {
            #expect {
                _ = try ExpStepComplexNoiseDevice(dwMinStdAdd: add, dwMinStdSlope: slope).makeArray(rows: 1, columns: 1, generator: &g)
            } throws: { error in
                (error as? DeviceParameterError)?.parameter == name
            }
        }
    }
}
