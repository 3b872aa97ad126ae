import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

@Suite("Device arithmetic (papers' closed forms)")
struct DevicesArithmeticTests {
    // Digest ttv2_gradient-decomposition_shd.md §1.3: n_states = 2/(μ_s μ_dw).
    @Test func gokmenStateCounts() {
        #expect(Swift.abs(LinearStepDevice.gokmen1200States.nominalStateCount - 1204.82) < 0.05)
        #expect(Swift.abs(LinearStepDevice.gokmen15States.nominalStateCount - 15.06) < 0.005)
        let b = LinearStepDevice.gokmen1200States.nominalSoftBounds
        #expect(Swift.abs(b.upper - 0.60241) < 1e-4 && Swift.abs(b.lower + 0.60241) < 1e-4)
    }

    // Digest §1.3: the up step vanishes at 1/s⁺ and the down step at −1/s⁻, so a noise-free
    // device saturates at ±1/μ_s and never passes it.
    @Test(arguments: [Float(1e-3), 0.08])
    func gokmenSaturatesAtSoftBounds(muDw: Float) throws {
        var config = LinearStepDevice.gokmen(muDw: muDw, cycleStd: 0)
        config.dwMinDtod = 0
        config.slopeDtod = 0
        var array = try makeDevicesArray(config, rows: 1, columns: 1, seed: 1)
        var g = SeededGenerator(seed: 2)
        var previous: Float = 0
        for _ in 0..<Int(20 / muDw) {
            array.applyPulses(at: 0, count: 1, up: true, generator: &g)
            #expect(array.weights[0] >= previous && array.weights[0] <= 1 / 1.66)
            previous = array.weights[0]
        }
        #expect(Swift.abs(array.weights[0] - 1 / 1.66) < 1e-4)
        array.applyPulses(at: 0, count: Int(40 / muDw), up: false, generator: &g)
        #expect(array.weights[0] >= -1 / 1.66 && Swift.abs(array.weights[0] + 1 / 1.66) < 1e-4)
    }

    // Digest §4.3 item 2 (§1.3 model): alternating up/down pulses from w_0 decay to the
    // symmetry point as E[w_n] = w_0 (1 − ½ dw_min (s⁺ + s⁻))^n, averaged over devices with
    // d2d variation and multiplicative c2c noise.
    @Test func symmetricPointDecay() throws {
        let config = LinearStepDevice.gokmen1200States
        var array = try makeDevicesArray(config, rows: 50, columns: 40, seed: 11)
        let w0: Float = 0.3
        array.setWeights([Float](repeating: w0, count: 2000))
        var g = SeededGenerator(seed: 12)
        let n = 200
        for k in 0..<2000 {
            for _ in 0..<(n / 2) {
                array.applyPulses(at: k, count: 1, up: true, generator: &g)
                array.applyPulses(at: k, count: 1, up: false, generator: &g)
            }
        }
        let expected = Double(w0) * Double.pow(1 - 0.5 * 1e-3 * (1.66 + 1.66), Double(n))
        let measured = devicesMean(array.weights)
        #expect(Swift.abs(measured / expected - 1) < 0.03, "E[w_200] = \(measured), formula \(expected)")
    }

    // Digest §2.2 [X]/[C] and §2.7 item 5: getParamA(2.40) = 0.499181, getParamA(4.88) =
    // 0.200303; G(0) = Gmin, G(Pmax) = Gmax; max deviation from linear 0.2376 at NL = 2.4.
    @Test func neuroSimCurve() throws {
        let aLTP = NeuroSimDevice.curveParameter(nonlinearity: 2.40)
        let aLTD = NeuroSimDevice.curveParameter(nonlinearity: -4.88)
        #expect(Swift.abs(aLTP - 0.499181) < 2e-4)
        #expect(Swift.abs(aLTD + 0.200303) < 2e-4)
        #expect(Swift.abs(NeuroSimDevice.maximumDeviation(a: aLTP) - 0.2376) < 5e-4)
        // A = a·Pmax ≈ 249.59 pulses, B/ΔG = 1/(1 − e^(−Pmax/A)) ≈ 1.156
        #expect(Swift.abs(aLTP * 500 - 249.59) < 0.1)
        #expect(Swift.abs(1 / (1 - Double.exp(-1 / Double(aLTP))) - 1.156) < 1e-3)

        var config = NeuroSimDevice.zhaoAgSi
        config.cycleStd = 0
        var array = try makeDevicesArray(config, rows: 1, columns: 1, seed: 3)
        array.setWeights([-1])
        #expect(Swift.abs(array.conductancesNanosiemens[0] - config.gMin) < 1e-5)
        var g = SeededGenerator(seed: 4)
        var maxDeviation: Float = 0
        for p in 1...500 {
            array.applyPulses(at: 0, count: 1, up: true, generator: &g)
            let normalized = (array.weights[0] + 1) / 2
            maxDeviation = Swift.max(maxDeviation, normalized - Float(p) / 500)
            // each pulse follows the closed-form curve G(P) = B(1 − e^(−P/A)) + Gmin
            #expect(Swift.abs(normalized - NeuroSimDevice.curve(Float(p) / 500, a: aLTP)) < 2e-4)
        }
        #expect(Swift.abs(array.conductancesNanosiemens[0] - config.gMax) < 1e-3 * config.gMax)
        #expect(Swift.abs(maxDeviation - 0.2376) < 1e-3, "max deviation \(maxDeviation)")
        #expect(Swift.abs(array.pulsePositions[0] - 500) < 0.05)
        // depression from Gmax: steep first (convex LTD curve), back to Gmin after 500 pulses
        array.applyPulses(at: 0, count: 1, up: false, generator: &g)
        let firstDrop = 1 - array.weights[0]
        #expect(firstDrop > 3 * config.nominalStep)
        array.applyPulses(at: 0, count: 499, up: false, generator: &g)
        #expect(Swift.abs(array.conductancesNanosiemens[0] - config.gMin) < 1e-3 * config.gMax)
    }

    // Digest §2.2: NeuroSim's c2c noise is N(0, 0.035·ΔG)·√n per write.
    @Test func neuroSimCycleNoiseScale() throws {
        var array = try makeDevicesArray(NeuroSimDevice(nonlinearityLTP: 0, nonlinearityLTD: 0), rows: 100, columns: 100, seed: 5)
        var g = SeededGenerator(seed: 6)
        for k in 0..<10_000 { array.applyPulses(at: k, count: 4, up: true, generator: &g) }
        let changes = array.weights.map { ($0 - 0.016) / 2 }    // linear: 4 pulses = 4/500 of the range
        #expect(Swift.abs(devicesMean(changes)) < 4 * 0.07 / 100)
        #expect(Swift.abs(devicesStandardDeviation(changes) - 0.07) < 0.003)
    }

    // Digest §1.2 Eq. 3 (expected-value form): expectedStep is exactly the noise-free
    // one-pulse change, for every model.
    @Test(arguments: DevicesModel.allCases)
    func expectedStepMatchesNoiseFreePulse(_ model: DevicesModel) throws {
        try model.with { config in try Self.checkExpectedStep(config) }
    }

    static func checkExpectedStep<C: PulsedDeviceConfiguration>(_ config: C) throws {
        var array = try makeDevicesArray(Self.noiseFree(config), rows: 4, columns: 5, seed: 9)
        var g = SeededGenerator(seed: 10)
        for round in 0..<200 {
            let k = round % 20, up = (round / 20) % 3 != 0
            let before = array.weights[k]
            let expected = array.expectedStep(at: k, up: up)
            array.applyPulses(at: k, count: 1, up: up, generator: &g)
            #expect(Swift.abs(array.weights[k] - before - expected) <= 1e-6, "\(C.self) device \(k)")
            #expect(up ? expected >= 0 : expected <= 0)
        }
    }

    static func noiseFree<C: PulsedDeviceConfiguration>(_ config: C) -> C {
        switch config {
        case var c as ConstantStepDevice: c.dwMinStd = 0; return c as! C
        case var c as LinearStepDevice: c.dwMinStd = 0; return c as! C
        case var c as SoftBoundsDevice: c.dwMinStd = 0; return c as! C
        case var c as ExpStepDevice: c.dwMinStd = 0; return c as! C
        case var c as PowStepDevice: c.dwMinStd = 0; return c as! C
        case var c as PiecewiseStepDevice: c.dwMinStd = 0; return c as! C
        case var c as AsymmetricSoftBoundsDevice: c.dwMinStd = 0; return c as! C
        case var c as NeuroSimDevice: c.cycleStd = 0; return c as! C
        default: return config
        }
    }
}
