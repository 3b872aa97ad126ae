import NeuromorphAnalog
import NeuromorphCore

/// The `hardware.inference` section: train (optionally hardware-aware) for analog
/// inference on PCM crossbars, then program the weights and sweep the accuracy over time
/// (Spoon et al. 2021; digest `snn-robotics_pcm-transformer_always-on-snn.md` §2).
///
/// ```yaml
/// hardware:
///   inference:
///     device: pcm                # pcm (γ = 1) | pcm-reduced-noise (γ = 0.5)
///     gamma: 1.0                 # optional: scales programming and read noise
///     hwa_noise: 1.0             # optional: HWA training with the PCM programming noise × this scale
///     dac_bits: 8
///     adc_bits: 10
///     adc_range: 10
///     output_noise_lsb: 0.5
///     times: "1s,1h,1d,1w,1mo"
///     repeats: 25
///     drift_compensation: both   # both | on | off
///     qs_reference: target       # target (the paper's Q_s(g_T)) | programmed (aihwkit's Q_s(|g_prog|))
/// ```
public struct InferenceHardwareSpec: Codable, Sendable, Equatable {
    public enum Device: String, Codable, Sendable, CaseIterable {
        case pcm
        case pcmReducedNoise = "pcm-reduced-noise"
    }

    public enum Compensation: String, Codable, Sendable, CaseIterable {
        case both, on, off

        public var settings: [Bool] {
            switch self {
            case .both: [false, true]
            case .on: [true]
            case .off: [false]
            }
        }
    }

    public var device: Device
    public var gamma: Double?
    /// HWA training: forward weight noise = the PCM programming-noise model × this scale.
    public var hwaNoise: Double?
    public var dacBits: Int
    public var adcBits: Int
    public var adcRange: Double
    public var outputNoiseLSB: Double
    public var times: String
    public var repeats: Int
    public var driftCompensation: Compensation
    /// Where the read-noise coefficient Q_s is evaluated: at the target conductance as the paper
    /// writes it (default), or at the programmed one as aihwkit's `PCMLikeNoiseModel` does
    /// (read-noise std 0.093 vs 0.063 µS at g/g_max = 0.01 after a month; issue 19).
    public var qsReference: PCMNoiseModel.QsReference

    public init(device: Device = .pcm, gamma: Double? = nil, hwaNoise: Double? = nil, dacBits: Int = 8, adcBits: Int = 10,
                adcRange: Double = 10, outputNoiseLSB: Double = 0.5, times: String = "1s,1h,1d,1w,1mo", repeats: Int = 25,
                driftCompensation: Compensation = .both, qsReference: PCMNoiseModel.QsReference = .target) {
        self.device = device
        self.gamma = gamma
        self.hwaNoise = hwaNoise
        self.dacBits = dacBits
        self.adcBits = adcBits
        self.adcRange = adcRange
        self.outputNoiseLSB = outputNoiseLSB
        self.times = times
        self.repeats = repeats
        self.driftCompensation = driftCompensation
        self.qsReference = qsReference
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case device, gamma, times, repeats
        case hwaNoise = "hwa_noise", dacBits = "dac_bits", adcBits = "adc_bits", adcRange = "adc_range"
        case outputNoiseLSB = "output_noise_lsb", driftCompensation = "drift_compensation"
        case qsReference = "qs_reference"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        device = try c.decodeChoiceIfPresent(Device.self, forKey: .device) ?? .pcm
        gamma = try c.decodeCheckedIfPresent(Double.self, forKey: .gamma, "a noise scale ≥ 0") { $0 >= 0 }
        hwaNoise = try c.decodeCheckedIfPresent(Double.self, forKey: .hwaNoise, "a noise scale > 0") { $0 > 0 }
        dacBits = try c.decodeCheckedIfPresent(Int.self, forKey: .dacBits, "bits in 2...24") { (2...24).contains($0) } ?? 8
        adcBits = try c.decodeCheckedIfPresent(Int.self, forKey: .adcBits, "bits in 2...24") { (2...24).contains($0) } ?? 10
        adcRange = try c.decodeCheckedIfPresent(Double.self, forKey: .adcRange, "a range > 0") { $0 > 0 } ?? 10
        outputNoiseLSB = try c.decodeCheckedIfPresent(Double.self, forKey: .outputNoiseLSB, "a noise ≥ 0 in ADC LSBs") { $0 >= 0 } ?? 0.5
        times = try c.decodeIfPresent(String.self, forKey: .times) ?? "1s,1h,1d,1w,1mo"
        do { _ = try InferenceTime.parseGrid(times) } catch {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.times]), "\(error)")
        }
        repeats = try c.decodeCheckedIfPresent(Int.self, forKey: .repeats, "a positive count") { $0 > 0 } ?? 25
        driftCompensation = try c.decodeChoiceIfPresent(Compensation.self, forKey: .driftCompensation) ?? .both
        qsReference = try c.decodeChoiceIfPresent(PCMNoiseModel.QsReference.self, forKey: .qsReference) ?? .target
    }

    /// The PCM noise model (γ from `device`, overridden by `gamma`).
    public var noiseModel: PCMNoiseModel {
        var model = device == .pcm ? PCMNoiseModel.paper : PCMNoiseModel.reducedNoise
        if let gamma { model = PCMNoiseModel(gamma: Float(gamma)) }
        model.qsReference = qsReference
        return model
    }

    /// The DAC/ADC/noise periphery.
    public var periphery: InferencePeriphery {
        let lsb = InferencePeriphery.lsb(bits: adcBits, range: Float(adcRange))
        return InferencePeriphery(inputBits: dacBits, outputBits: adcBits, outputBound: Float(adcRange),
                                  outputNoise: Float(outputNoiseLSB) * lsb)
    }

    /// Standard or hardware-aware training.
    public var training: HardwareAwareTraining {
        guard let hwaNoise else { return .standard }
        return HardwareAwareTraining(weightNoise: .pcmProgramming(.paper, scale: Float(hwaNoise)))
    }
}
