import Testing
import NeuromorphCore
@testable import NeuromorphAnalog

/// aihwkit's device presets and `PresetIOParameters` / `PresetUpdateParameters`
/// (docs/analog-training.md, "aihwkit presets"). The expected values are typed from aihwkit's
/// source, `src/aihwkit/simulator/presets/devices.py` and `presets/utils.py` (IBM/aihwkit,
/// main): these are consistency checks (the values go in and come back out), plus checks
/// that every preset is registered under both names, builds, and takes `pulsed:` overrides.
@Suite struct DevicePresetTests {
    /// aihwkit `PulsedDevice` fields each preset sets: dw_min, up_down, w_max, w_min,
    /// dw_min_dtod, up_down_dtod, w_max_dtod, w_min_dtod, dw_min_std.
    typealias Pulsed = (dwMin: Float, upDown: Float, wMax: Float, wMin: Float, dwMinDtod: Float, upDownDtod: Float,
                        wMaxDtod: Float, wMinDtod: Float, dwMinStd: Float)

    static func expect(_ p: PulsedDeviceParameters, _ e: Pulsed, sourceLocation: SourceLocation = #_sourceLocation) {
        let got: [Float] = [p.dwMin, p.upDown, p.wMax, p.wMin, p.dwMinDtod, p.upDownDtod, p.wMaxDtod, p.wMinDtod, p.dwMinStd]
        let want: [Float] = [e.dwMin, e.upDown, e.wMax, e.wMin, e.dwMinDtod, e.upDownDtod, e.wMaxDtod, e.wMinDtod, e.dwMinStd]
        #expect(got == want, sourceLocation: sourceLocation)
        // Left at aihwkit's PulsedDevice defaults by every preset here.
        #expect(p.reset == 0.01 && p.resetStd == 0.01 && p.resetDtod == 0 && p.diffusion == 0, sourceLocation: sourceLocation)
    }

    // Consistency check: devices.py CapacitorPresetDevice(LinearStepDevice).
    @Test func capacitor() {
        let d = AihwkitDevicePresets.capacitor
        Self.expect(d.pulsed, (0.005, 0, 1, -1, 0.1, 0.06, 0.07, 0.07, 0.3))
        #expect(d.pulsed.noise == .additive)                                   // mult_noise = False
        #expect(d.pulsed.lifetime == 1.0e6 && d.pulsed.lifetimeDtod == 0.3)
        let g = d.gammas
        #expect(g?.up == 0.05 && g?.down == 0.05 && g?.upDtod == 0.01 && g?.downDtod == 0.01 && g?.allowIncreasingSlope == false)
    }

    // Consistency check: devices.py EcRamPresetDevice and EcRamMOPresetDevice (LinearStepDevice).
    @Test func ecrams() {
        let li = AihwkitDevicePresets.ecram
        Self.expect(li.pulsed, (0.002, 0, 1.1724, -0.8276, 0.1, 0.01, 0.05, 0.05, 0.3))
        #expect(li.pulsed.noise == .multiplicative && li.pulsed.lifetime == 0)
        #expect(li.gammas?.up == 0.1153 && li.gammas?.down == 0.5085 && li.gammas?.upDtod == 0.05 && li.gammas?.downDtod == 0.05)
        let mo = AihwkitDevicePresets.ecramMO
        Self.expect(mo.pulsed, (2.8214e-4, 0, 1.1714, -0.8286, 0.1, 0.01, 0.05, 0.05, 2.0))
        #expect(mo.pulsed.noise == .multiplicative && mo.pulsed.lifetime == 0)
        #expect(mo.gammas?.up == 0.4152 && mo.gammas?.down == 0.7342 && mo.gammas?.upDtod == 0.05 && mo.gammas?.downDtod == 0.05)
    }

    // Consistency check: devices.py IdealizedPresetDevice and GokmenVlasovPresetDevice
    // (ConstantStepDevice): 10,000 and 1,250 nominal states on ±1.
    @Test func constantStepPresets() {
        let ideal = AihwkitDevicePresets.idealized
        Self.expect(ideal.pulsed, (0.0002, 0, 1, -1, 0.3, 0, 0.3, 0.3, 0.3))
        #expect(ideal.pulsed.noise == .multiplicative)
        #expect(abs((ideal.pulsed.wMax - ideal.pulsed.wMin) / ideal.pulsed.dwMin - 10_000) < 0.01)
        let gv = AihwkitDevicePresets.gokmenVlasov
        Self.expect(gv.pulsed, (0.0016, 0, 1, -1, 0.3, 0.01, 0.3, 0.3, 0.3))
        #expect(abs((gv.pulsed.wMax - gv.pulsed.wMin) / gv.pulsed.dwMin - 1_250) < 0.01)
    }

    // aihwkit LinearStepDevice with mean_bound_reference = True: slope_up = |γ_up + γ_up_dtod ξ| / w_max
    // and slope_down = |γ_down + γ_down_dtod ξ| / |w_min| with the mean bounds. For EcRamPresetDevice
    // the sampled means over 2,500 devices are 0.1153/1.1724 = 0.09834 and 0.5085/0.8276 = 0.6144;
    // standard error 0.05/w/50 ≈ 0.001, so the tolerance 0.004 is 4 standard errors.
    @Test func ecramSlopesFollowAihwkitsGammaScaling() throws {
        var g = SeededGenerator(seed: 11)
        let array = try AihwkitDevicePresets.ecram.makeArray(rows: 50, columns: 50, generator: &g)
        let up = try #require(array.sampledParameters["slope_up"]), down = try #require(array.sampledParameters["slope_down"])
        let meanUp = up.reduce(0, +) / Float(up.count), meanDown = down.reduce(0, +) / Float(down.count)
        #expect(abs(meanUp - 0.1153 / 1.1724) < 0.004, "\(meanUp)")
        #expect(abs(meanDown - 0.5085 / 0.8276) < 0.004, "\(meanDown)")
    }

    // Both names of every preset resolve to the same configuration, each builds a device
    // array, and `pulsed:` overrides replace the preset's parameters.
    @Test func registeredUnderBothNamesAndBuild() throws {
        for (name, aihwkit) in AihwkitDevicePresets.names {
            let entry = try #require(DeviceRegistry.entry(named: name), "\(name)")
            let alias = try #require(DeviceRegistry.entry(named: aihwkit), "\(aihwkit)")
            #expect(entry.pulsedDefaults == alias.pulsedDefaults && entry.pulsedDefaults != nil, "\(name)")
            #expect(entry.summary.contains(aihwkit))
            var g = SeededGenerator(seed: 3)
            let array = try entry.configuration().makeArray(rows: 4, columns: 5, generator: &g)
            #expect(array.rows == 4 && array.columns == 5, "\(name)")
            var p = try #require(entry.pulsedDefaults)
            p.dwMin = 0.01
            let changed = entry.configuration(pulsed: p)
            #expect(changed.nominalStep == 0.01, "\(name)")
        }
        // The ReRAM presets carry aihwkit's write noise (75 and 56 × dw_min) and ReRamSB is a
        // SoftBoundsReferenceDevice (consistency checks of presets/devices.py values).
        let es = try #require(DeviceRegistry.entry(named: "ReRamESPresetDevice")?.configuration() as? WriteNoiseDevice<ExpStepDevice>)
        #expect(es.writeNoiseStd == 75 && es.base.pulsed.dwMin == 0.00135 && es.base.aUp == -1.18445 && es.base.slope == -0.5)
        let sb = try #require(DeviceRegistry.entry(named: "reram_sb")?.configuration() as? WriteNoiseDevice<SoftBoundsReferenceDevice>)
        #expect(sb.writeNoiseStd == 56 && sb.base.pulsed.wMax == 1.25 && sb.base.pulsed.wMin == -0.75 && sb.base.pulsed.noise == .additive)
        #expect(!sb.base.subtractSymmetryPoint)
        #expect(!AihwkitDevicePresets.unavailable.map(\.aihwkit).contains("ReRamSBPresetDevice"))
    }

    // Consistency check: presets/utils.py PresetIOParameters (7-bit DAC, 9-bit ADC,
    // out_bound 20, out_noise 0.1, no w_noise, ITERATIVE BM, ABS_MAX NM) and
    // PresetUpdateParameters (desired_bl 31, STOCHASTIC_COMPRESSED, BL and update management).
    @Test func ioAndUpdatePresets() {
        let io = IOParameters.aihwkitPreset
        #expect(io.inputResolution == 1 / Float(126) && io.outputResolution == 1 / Float(510))
        #expect(!io.inputStochasticRounding && io.outputBound == 20 && io.outputNoise == 0.1 && io.weightNoise == 0)
        #expect(io.boundManagement == .iterative && io.noiseManagement == .absMax)
        #expect(io.inputBound == 1 && !io.isPerfect)
        let transfer = IOParameters.aihwkitPresetTransfer
        #expect(transfer.boundManagement == .none && transfer.noiseManagement == .none && transfer.outputNoise == 0.1)
        let update = PulsedUpdateParameters.aihwkitPreset()
        #expect(update.desiredBL == 31 && update.pulseType == .stochastic && update.bitLengthManagement && update.updateManagement)
        #expect(PulsedUpdateParameters.aihwkitPreset(desiredBL: 1).desiredBL == 1)
    }
}
