import NeuromorphCore

/// aihwkit's device presets (`aihwkit/simulator/presets/devices.py`, aihwkit 1.1 / main):
/// device models fitted to published devices, under registered names with aihwkit's values.
///
/// | name            | aihwkit class              | model (ours)                     |
/// |-----------------|----------------------------|----------------------------------|
/// | `capacitor`     | `CapacitorPresetDevice`    | ``LinearStepDevice`` (``LinearStepDevice/gammas``) |
/// | `ecram`         | `EcRamPresetDevice`        | ``LinearStepDevice`` (gammas)    |
/// | `ecram_mo`      | `EcRamMOPresetDevice`      | ``LinearStepDevice`` (gammas)    |
/// | `idealized`     | `IdealizedPresetDevice`    | ``ConstantStepDevice``           |
/// | `gokmen_vlasov` | `GokmenVlasovPresetDevice` | ``ConstantStepDevice``           |
///
/// Each is registered under the snake-case name and under aihwkit's class name
/// (`device: CapacitorPresetDevice`). The mapping is exact: every parameter the aihwkit class
/// sets has the same value here and every parameter it leaves at the `PulsedDevice` default
/// is our default (which are aihwkit's). `mult_noise: False` maps to
/// ``CycleNoiseModel/additive``, `mean_bound_reference: True` is how ``LinearStepDevice/gammas``
/// scales the slopes (by the mean bounds), `lifetime`/`lifetime_dtod` are
/// ``PulsedDeviceParameters/lifetime`` (one decay call per mini-batch, as aihwkit).
///
/// | `reram_es`      | `ReRamESPresetDevice`      | ``ExpStepDevice`` in ``WriteNoiseDevice`` (`write_noise_std` 75) |
/// | `reram_sb`      | `ReRamSBPresetDevice`      | ``SoftBoundsReferenceDevice`` in ``WriteNoiseDevice`` (`write_noise_std` 56) |
///
/// The TT-family presets on ReRamSB use `subtract_symmetry_point: True` (a `pulsed:` key of
/// `reram_sb`).
///
/// | `pcm`           | `PCMPresetDevice`          | ``ExpStepComplexNoiseDevice`` (`dw_min_std_add` 0.042, `dw_min_std_slope` 0.108) |
///
/// `PCMPresetDevice` is one-directional: aihwkit uses it only as the pair of
/// `PCMPresetUnitCell` (a ``OneSidedUnitCell`` with refresh; the `PCMPreset` and
/// `MixedPrecisionPCMPreset` algorithm presets).
///
/// Not registered, because a parameter has no exact counterpart here (never approximated):
/// the `ReRamArray*` presets (corrupt devices, log-normal `dw_min_dtod`).
public enum AihwkitDevicePresets {
    /// aihwkit `CapacitorPresetDevice` (fit to Li et al., VLSI 2018, with leakage).
    public static var capacitor: LinearStepDevice {
        var p = PulsedDeviceParameters()
        p.dwMin = 0.005; p.upDown = 0
        p.wMax = 1.0; p.wMin = -1.0
        p.noise = .additive                         // mult_noise = False
        p.dwMinDtod = 0.1; p.upDownDtod = 0.06
        p.wMaxDtod = 0.07; p.wMinDtod = 0.07
        p.dwMinStd = 0.3                            // write_noise_std = 0.0
        p.lifetime = 1.0e6; p.lifetimeDtod = 0.3    // leakage, in mini-batches
        var g = LinearStepDevice.Gammas()
        g.up = 0.05; g.down = 0.05; g.upDtod = 0.01; g.downDtod = 0.01
        return LinearStepDevice(pulsed: p, gammas: g)
    }

    /// aihwkit `EcRamPresetDevice` (Li-based ECRAM, fit to Tang et al., IEDM 2018; range
    /// shifted so the symmetry point is at 0).
    public static var ecram: LinearStepDevice {
        var p = PulsedDeviceParameters()
        p.dwMin = 0.002; p.upDown = 0
        p.wMax = 1.1724; p.wMin = -0.8276
        p.noise = .multiplicative                   // mult_noise = True
        p.dwMinDtod = 0.1; p.upDownDtod = 0.01
        p.wMaxDtod = 0.05; p.wMinDtod = 0.05
        p.dwMinStd = 0.3
        var g = LinearStepDevice.Gammas()
        g.up = 0.1153; g.down = 0.5085; g.upDtod = 0.05; g.downDtod = 0.05
        return LinearStepDevice(pulsed: p, gammas: g)
    }

    /// aihwkit `EcRamMOPresetDevice` (metal-oxide ECRAM, Kim et al., IEDM 2019).
    public static var ecramMO: LinearStepDevice {
        var p = PulsedDeviceParameters()
        p.dwMin = 2.8214e-4; p.upDown = 0
        p.wMax = 1.1714; p.wMin = -0.8286
        p.noise = .multiplicative
        p.dwMinDtod = 0.1; p.upDownDtod = 0.01
        p.wMaxDtod = 0.05; p.wMinDtod = 0.05
        p.dwMinStd = 2.0
        var g = LinearStepDevice.Gammas()
        g.up = 0.4152; g.down = 0.7342; g.upDtod = 0.05; g.downDtod = 0.05
        return LinearStepDevice(pulsed: p, gammas: g)
    }

    /// aihwkit `IdealizedPresetDevice`: Gokmen & Vlasov 2016's specification with zero
    /// device-to-device asymmetry and 10,000 states (`dw_min = 2e-4` on ±1).
    public static var idealized: ConstantStepDevice {
        var p = PulsedDeviceParameters()
        p.dwMin = 0.0002; p.dwMinDtod = 0.3; p.dwMinStd = 0.3
        p.upDown = 0; p.upDownDtod = 0
        p.wMax = 1.0; p.wMin = -1.0
        p.wMaxDtod = 0.3; p.wMinDtod = 0.3
        return ConstantStepDevice(pulsed: p)
    }

    /// aihwkit `GokmenVlasovPresetDevice`: Gokmen & Vlasov 2016 scaled to ±1 (1,200 states,
    /// `dw_min = 1.6e-3`).
    public static var gokmenVlasov: ConstantStepDevice {
        var p = PulsedDeviceParameters()
        p.dwMin = 0.0016; p.dwMinDtod = 0.3; p.dwMinStd = 0.3
        p.upDown = 0; p.upDownDtod = 0.01
        p.wMax = 1.0; p.wMin = -1.0
        p.wMaxDtod = 0.3; p.wMinDtod = 0.3
        return ConstantStepDevice(pulsed: p)
    }

    /// aihwkit `ReRamESPresetDevice` (exp-step fit to Gong et al., Nat. Commun. 2018), without
    /// its write noise (`write_noise_std = 75`, added by the registry entry).
    public static var reramES: ExpStepDevice {
        var p = PulsedDeviceParameters()
        p.dwMin = 0.00135; p.upDown = 0.259359
        p.wMax = 1.0; p.wMin = -1.0
        p.dwMinDtod = 0.2; p.upDownDtod = 0.05
        p.wMaxDtod = 0.3; p.wMinDtod = 0.3
        p.dwMinStd = 5.0
        var d = ExpStepDevice(pulsed: p)
        d.slope = -0.5; d.offset = -0.5
        d.gammaUp = 5.0; d.gammaDown = 5.0
        d.aUp = -1.18445; d.aDown = -0.081404
        return d
    }

    /// `write_noise_std` of `ReRamESPresetDevice`, in units of `dw_min`.
    public static let reramESWriteNoise: Float = 75

    /// aihwkit `ReRamSBPresetDevice` (soft-bounds fit to Gong et al. 2018, a
    /// `SoftBoundsReferenceDevice`), without its write noise (`write_noise_std = 56`).
    public static var reramSB: SoftBoundsReferenceDevice {
        var p = PulsedDeviceParameters()
        p.dwMin = 0.002; p.upDown = 0
        p.wMax = 1.25; p.wMin = -0.75
        p.noise = .additive                          // mult_noise = False
        p.dwMinDtod = 0.3; p.upDownDtod = 0.01
        p.wMaxDtod = 0.3 / 1.25; p.wMinDtod = 0.3 / 0.75
        p.dwMinStd = 3.75
        return SoftBoundsReferenceDevice(pulsed: p)
    }

    /// `write_noise_std` of `ReRamSBPresetDevice`, in units of `dw_min`.
    public static let reramSBWriteNoise: Float = 56

    /// aihwkit `PCMPresetDevice` (Ge₂Sb₂Te₅ PCM, Nandakumar et al., Front. Neurosci. 2020): an
    /// exp-step device on `[0, 2]` whose up step falls from about 28 `dw_min` at `w = 0` to
    /// about 1.2 `dw_min` at `w = 2`, with the complex cycle-to-cycle noise
    /// (``ExpStepComplexNoiseDevice``) and device-to-device and cycle-to-cycle variation of
    /// its reset (`reset` 0.01, `reset_dtod` 0.02, `reset_std` 0.01, the `PulsedDevice`
    /// default). `mult_noise` (default `True`) does not enter: the complex noise replaces it.
    public static var pcm: ExpStepComplexNoiseDevice {
        var p = PulsedDeviceParameters()
        p.dwMin = 0.01; p.upDown = 0
        p.wMax = 2.0; p.wMin = 0.0
        p.dwMinDtod = 0.2; p.upDownDtod = 0.05
        p.wMaxDtod = 0.1; p.wMinDtod = 0.0
        p.dwMinStd = 0.6
        p.reset = 0.01; p.resetDtod = 0.02
        var d = ExpStepDevice(pulsed: p)
        d.slope = -1.0; d.offset = 0.0                  // a (scales with w_max), b
        d.gammaUp = 2.5; d.gammaDown = 2.5
        d.aUp = -27.235; d.aDown = -2.235
        return ExpStepComplexNoiseDevice(expStep: d, dwMinStdAdd: Float(pcmNoise.add), dwMinStdSlope: Float(pcmNoise.slope))
    }

    /// `dw_min_std_add` and `dw_min_std_slope` of `PCMPresetDevice` as printed in aihwkit (its
    /// comment derives them as `dw_min_std/0.6·0.5/20` and `dw_min_std/0.6·1.3/20`); Double so
    /// the registry's model-key defaults are these decimals exactly.
    public static let pcmNoise: (add: Double, slope: Double) = (0.042, 0.108)

    /// The registered names: `(snake-case name, aihwkit class name)`.
    public static let names: [(name: String, aihwkit: String)] = [
        ("capacitor", "CapacitorPresetDevice"), ("ecram", "EcRamPresetDevice"), ("ecram_mo", "EcRamMOPresetDevice"),
        ("idealized", "IdealizedPresetDevice"), ("gokmen_vlasov", "GokmenVlasovPresetDevice"),
        ("reram_es", "ReRamESPresetDevice"), ("reram_sb", "ReRamSBPresetDevice"), ("pcm", "PCMPresetDevice"),
    ]

    /// aihwkit device presets that are not registered, with the reason (see the type's doc).
    public static let unavailable: [(aihwkit: String, reason: String)] = [
        ("ReRamArrayOMPresetDevice", "SoftBoundsReferenceDevice with symmetry-point subtraction and log-normal dw_min_dtod not modelled"),
        ("ReRamArrayHfO2PresetDevice", "SoftBoundsReferenceDevice with symmetry-point subtraction and log-normal dw_min_dtod not modelled"),
    ]

    /// Registry entries: each preset under both of its names; `pulsed:` overrides apply.
    public static var registryEntries: [DeviceRegistryEntry] {
        func linear(_ name: String, _ summary: String, _ device: LinearStepDevice) -> DeviceRegistryEntry {
            DeviceRegistryEntry(name: name, summary: summary, preset: device, read: { $0.pulsed },
                                write: { d, p in var d = d; d.pulsed = p; return d })
        }
        func constant(_ name: String, _ summary: String, _ device: ConstantStepDevice) -> DeviceRegistryEntry {
            DeviceRegistryEntry(name: name, summary: summary, preset: device, read: { $0.pulsed },
                                write: { d, p in var d = d; d.pulsed = p; return d })
        }
        func expStep(_ name: String, _ summary: String) -> DeviceRegistryEntry {
            let preset = reramES
            return DeviceRegistryEntry(name: name, summary: summary, pulsed: preset.pulsed, writeNoiseStd: reramESWriteNoise,
                                       modelDefaults: ExpStepComplexNoiseDevice.modelKeyDefaults) { p, model in
                ExpStepComplexNoiseDevice.build(preset, pulsed: p, model: model)
            }
        }
        func pcmEntry(_ name: String, _ summary: String) -> DeviceRegistryEntry {
            let preset = pcm
            return DeviceRegistryEntry(name: name, summary: summary, pulsed: preset.expStep.pulsed,
                                       modelDefaults: ["dw_min_std_add": pcmNoise.add, "dw_min_std_slope": pcmNoise.slope]) { p, model in
                ExpStepComplexNoiseDevice.build(preset.expStep, pulsed: p, model: model)
            }
        }
        func softBoundsReference(_ name: String, _ summary: String) -> DeviceRegistryEntry {
            let preset = reramSB
            return DeviceRegistryEntry(name: name, summary: summary, pulsed: preset.pulsed, writeNoiseStd: reramSBWriteNoise,
                                       modelDefaults: SoftBoundsReferenceDevice.modelKeyDefaults) { p, model in
                SoftBoundsReferenceDevice(pulsed: p, model: model)
            }
        }
        var entries: [DeviceRegistryEntry] = []
        for (name, aihwkit) in names {
            let summary = "aihwkit \(aihwkit) (presets/devices.py)"
            switch name {
            case "capacitor": entries += [linear(name, summary + ": LinearStep, Li 2018 capacitor with leakage", capacitor),
                                          linear(aihwkit, summary, capacitor)]
            case "ecram": entries += [linear(name, summary + ": LinearStep, Li-ECRAM (Tang 2018)", ecram),
                                      linear(aihwkit, summary, ecram)]
            case "ecram_mo": entries += [linear(name, summary + ": LinearStep, metal-oxide ECRAM (Kim 2019)", ecramMO),
                                         linear(aihwkit, summary, ecramMO)]
            case "idealized": entries += [constant(name, summary + ": ConstantStep, 10,000 states", idealized),
                                          constant(aihwkit, summary, idealized)]
            case "reram_es": entries += [expStep(name, summary + ": ExpStep, ReRAM (Gong 2018), write_noise_std 75"),
                                         expStep(aihwkit, summary)]
            case "pcm": entries += [pcmEntry(name, summary + ": ExpStep with complex c2c noise, GST PCM (Nandakumar 2020), one-directional"),
                                    pcmEntry(aihwkit, summary)]
            case "reram_sb": entries += [softBoundsReference(name, summary + ": SoftBoundsReference, ReRAM (Gong 2018), write_noise_std 56"),
                                         softBoundsReference(aihwkit, summary)]
            default: entries += [constant(name, summary + ": ConstantStep, Gokmen & Vlasov 2016 on ±1 (1,250 states)", gokmenVlasov),
                                 constant(aihwkit, summary, gokmenVlasov)]
            }
        }
        return entries
    }
}

// MARK: - Periphery and update presets

extension IOParameters {
    /// aihwkit `PresetIOParameters` (`presets/utils.py`): 7-bit DAC without stochastic
    /// rounding (`inp_res = 1/126`), 9-bit ADC (`out_res = 1/510`), `out_bound = 20`,
    /// `out_noise = 0.1`, no weight noise, iterative bound management and abs-max noise
    /// management. Other fields are aihwkit's `IOParameters` defaults.
    public static var aihwkitPreset: IOParameters {
        var io = IOParameters()
        io.boundManagement = .iterative
        io.noiseManagement = .absMax
        io.inputResolution = 1.0 / Float((1 << 7) - 2)
        io.inputStochasticRounding = false
        io.outputBound = 20
        io.outputNoise = 0.1
        io.outputResolution = 1.0 / Float((1 << 9) - 2)
        io.weightNoise = 0
        return io
    }

    /// The transfer read of aihwkit's TT-family presets: `PresetIOParameters(noise_management=NONE,
    /// bound_management=NONE)`.
    public static var aihwkitPresetTransfer: IOParameters {
        var io = aihwkitPreset
        io.noiseManagement = .none
        io.boundManagement = .none
        return io
    }
}

extension PulsedUpdateParameters {
    /// aihwkit `PresetUpdateParameters` (`presets/utils.py`): stochastic (compressed) pulse
    /// trains of at most `desiredBL` (default 31) pulses with bit-length and update
    /// management on.
    public static func aihwkitPreset(desiredBL: Int = 31) -> PulsedUpdateParameters {
        var p = PulsedUpdateParameters()
        p.pulseType = .stochastic
        p.desiredBL = desiredBL
        p.bitLengthManagement = true
        p.updateManagement = true
        return p
    }
}
