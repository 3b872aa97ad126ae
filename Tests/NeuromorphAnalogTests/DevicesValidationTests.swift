import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

@Suite("Invalid device parameters")
struct DevicesValidationTests {
    static func expectError<C: PulsedDeviceConfiguration>(_ config: C, parameter: String,
                                                          sourceLocation: SourceLocation = #_sourceLocation) {
        var g = SeededGenerator(seed: 1)
        do {
            _ = try config.makeArray(rows: 2, columns: 2, generator: &g)
            Issue.record("\(C.self): expected an error naming \(parameter)", sourceLocation: sourceLocation)
        } catch let error as DeviceParameterError {
            #expect(error.parameter == parameter, "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains(parameter), sourceLocation: sourceLocation)
            #expect(error.device == "\(C.self)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    // The shared aihwkit parameters (digest §4.2 knobs), each rejected with its name.
    @Test func sharedParameters() {
        var c = ConstantStepDevice(); c.wMin = 0.6; c.wMax = 0.6
        Self.expectError(c, parameter: "w_min")                     // w_min ≥ w_max
        c = ConstantStepDevice(); c.wMin = 1; c.wMax = -1
        Self.expectError(c, parameter: "w_min")
        c = ConstantStepDevice(); c.dwMin = -0.001
        Self.expectError(c, parameter: "dw_min")                    // negative dw_min
        c = ConstantStepDevice(); c.dwMin = .nan
        Self.expectError(c, parameter: "dw_min")
        c = ConstantStepDevice(); c.dwMinDtod = -0.1
        Self.expectError(c, parameter: "dw_min_dtod")
        c = ConstantStepDevice(); c.dwMinStd = -1
        Self.expectError(c, parameter: "dw_min_std")
        c = ConstantStepDevice(); c.upDown = 1
        Self.expectError(c, parameter: "up_down")
        c = ConstantStepDevice(); c.wMaxDtod = -0.3
        Self.expectError(c, parameter: "w_max_dtod")
        c = ConstantStepDevice(); c.resetStd = -0.01
        Self.expectError(c, parameter: "reset_std")
        c = ConstantStepDevice(); c.lifetime = 0.5
        Self.expectError(c, parameter: "lifetime")
        c = ConstantStepDevice(); c.diffusion = -1
        Self.expectError(c, parameter: "diffusion")
        c = ConstantStepDevice(); c.negativeStepPolicy = .clip(minimumFraction: 0)
        Self.expectError(c, parameter: "negative_step_policy")
        var soft = SoftBoundsDevice(); soft.wMin = 0.1
        Self.expectError(soft, parameter: "w_min")                  // soft bounds need w_min < 0 < w_max
        var linear = LinearStepDevice(); linear.slopeUp = -1
        Self.expectError(linear, parameter: "slope_up")
        linear = LinearStepDevice(); linear.dwMin = 0
        Self.expectError(linear, parameter: "dw_min")
        Self.expectError(IdealPulsedDevice(dwMin: -1), parameter: "dw_min")
        Self.expectError(IdealPulsedDevice(wMin: 1, wMax: 0), parameter: "w_min")
    }

    // Digest §2.2: the NeuroSim curve needs Pmax ≥ 1 and NL in NeuroSim's label range.
    @Test func neuroSimParameters() {
        Self.expectError(NeuroSimDevice(pulseCount: 0), parameter: "p_max")
        Self.expectError(NeuroSimDevice(nonlinearityLTP: 12), parameter: "nl_ltp")
        Self.expectError(NeuroSimDevice(nonlinearityLTD: .infinity), parameter: "nl_ltd")
        Self.expectError(NeuroSimDevice(cycleStd: -0.035), parameter: "sigma_c2c")
        Self.expectError(NeuroSimDevice(gMin: 40, gMax: 38), parameter: "g_min")
        Self.expectError(NeuroSimDevice(wMin: 1, wMax: 1), parameter: "w_min")
    }

    // Digest §4.2 (user-supplied device curves): a piecewise table must have ≥ 1 equal-length (1 node: aihwkit's constant default [1]), non-negative nodes, and (by default)
    // steps that shrink toward the bound they drive to.
    @Test func piecewiseTables() {
        Self.expectError(PiecewiseStepDevice(up: [1, 1.2, 0.8], down: [0.8, 1, 1.2]), parameter: "piecewise_up")
        Self.expectError(PiecewiseStepDevice(up: [1.2, 1, 0.8], down: [0.8, 1.3, 1.2]), parameter: "piecewise_down")
        Self.expectError(PiecewiseStepDevice(up: [], down: []), parameter: "piecewise_up")
        #expect(throws: Never.self) { try PiecewiseStepDevice(up: [1], down: [1]).validate() }
        Self.expectError(PiecewiseStepDevice(up: [1, -0.1], down: [0, 1]), parameter: "piecewise_up")
        Self.expectError(PiecewiseStepDevice(up: [1, 0.5], down: [0.5, 1, 1.5]), parameter: "piecewise_down")
        var g = SeededGenerator(seed: 2)
        // allowed when the user opts out of the saturation check
        #expect(throws: Never.self) {
            _ = try PiecewiseStepDevice(up: [1, 1.2, 0.8], down: [0.8, 1, 1.2], requireSaturating: false)
                .makeArray(rows: 1, columns: 1, generator: &g)
        }
    }

    // Exp/pow step and the asymmetric device's own parameters (digest §3.5).
    @Test func modelSpecificParameters() {
        var exp = ExpStepDevice(); exp.gammaUp = -1
        Self.expectError(exp, parameter: "gamma_up")
        var pow = PowStepDevice(); pow.powGamma = 0
        Self.expectError(pow, parameter: "pow_gamma")
        pow = PowStepDevice(); pow.powUpDown = -1
        Self.expectError(pow, parameter: "pow_up_down")
        Self.expectError(AsymmetricSoftBoundsDevice(asymmetry: -1), parameter: "asymmetry")
        Self.expectError(AsymmetricSoftBoundsDevice(symmetryPoint: 1.5), parameter: "symmetry_point")
        Self.expectError(AsymmetricSoftBoundsDevice(states: 0, asymmetry: 1), parameter: "dw_min")
        var g = SeededGenerator(seed: 3)
        #expect(throws: DeviceParameterError.self) { _ = try ConstantStepDevice().makeArray(rows: 0, columns: 3, generator: &g) }
    }
}
