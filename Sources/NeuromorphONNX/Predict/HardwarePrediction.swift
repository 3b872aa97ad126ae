import Foundation
import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN
import NeuromorphSpec

/// `neuromorph predict … --hardware SPEC`: one forward pass of a model on PCM inference
/// tiles configured by a spec's `hardware.inference` section, by the steps `neuromorph
/// infer` takes for one repeat at one time (``InferenceSweep``; Spoon et al. 2021 §2.3):
///
/// ```
/// M  = convert(model, periphery, training)   (Linear/Conv2d → AnalogInferenceLinear/Conv2d, seed `convert/<path>`)
/// calibrate input ranges on the batch        (only layers converted here; a checkpoint's PCM layers keep theirs)
/// program(M, noise model, seed)              (programming noise, ν per device; stream `program/<path>`)
/// read(M, t, drift compensation)             (drift to t, read noise, α(t) per tile)
/// y  = M(x)                                  (DAC/ADC quantization, output noise of the periphery)
/// ```
///
/// `infer` calibrates the input ranges on the first 1000 training samples; a prediction
/// has only the user's batch, so a digital model is calibrated on that batch (give a
/// checkpoint written by `neuromorph import --like` or `infer` to keep the ranges of the
/// training data). The same seed gives the same outputs.
public struct HardwarePrediction: Sendable {
    public var inference: InferenceHardwareSpec
    /// The time after programming the devices are read at.
    public var time: InferenceTime
    /// Whether the global drift compensation α(t) is applied.
    public var compensatesDrift: Bool
    /// The seed of the conversion, programming and read draws.
    public var seed: UInt64

    public init(inference: InferenceHardwareSpec, time: InferenceTime, compensatesDrift: Bool = true, seed: UInt64 = 0) {
        self.inference = inference
        self.time = time
        self.compensatesDrift = compensatesDrift
        self.seed = seed
    }

    /// The settings of `spec`'s `hardware.inference` section: the first of its times unless
    /// `time` is given, drift compensation on unless the section says `off`, the spec's seed.
    public init(spec: ExperimentSpec, file: String, time: String? = nil, compensatesDrift: Bool? = nil, seed: UInt64? = nil) throws {
        guard let inference = spec.hardware.inference else {
            throw ONNXImportError(file: file, "hardware.inference: missing; `predict --hardware` runs the model on PCM inference "
                                  + "tiles and needs a spec with a hardware.inference section (e.g. examples/fashion-mlp-pcm.yaml)")
        }
        let parsed: InferenceTime
        do {
            parsed = try time.map { try InferenceTime(parsing: $0) } ?? InferenceTime.parseGrid(inference.times)[0]
        } catch {
            throw ONNXImportError(file: time == nil ? file : "--time", "\(error)")
        }
        self.init(inference: inference, time: parsed,
                  compensatesDrift: compensatesDrift ?? inference.driftCompensation.settings.contains(true),
                  seed: seed ?? spec.training.seed)
    }

    /// Runs `model` (digital, or already holding PCM inference layers) on `input` `[N] + sampleShape`.
    public func predict<M: Layer>(_ model: M, on input: Tensor, sampleShape: [Int]) throws -> Tensor {
        let perSample = sampleShape.reduce(1, *)
        guard input.rank >= 1, input.shape[0] > 0, input.count == input.shape[0] * perSample else {
            throw ONNXImportError(file: "input", "shape \(input.shape) does not hold samples of \(sampleShape) "
                                  + "(\(perSample) values each) after the batch dimension")
        }
        let x = input.reshaped([input.shape[0]] + sampleShape)
        let alreadyAnalog = !AnalogInference.layers(of: model).isEmpty
        var m = AnalogInference.convert(model, periphery: inference.periphery, training: inference.training, seed: seed)
        guard !AnalogInference.layers(of: m).isEmpty else {
            throw ONNXImportError(file: "--hardware", "the model has no linear or conv2d layer to program onto PCM tiles")
        }
        if !alreadyAnalog { AnalogInference.calibrateInputRanges(&m, inputs: x) }
        AnalogInference.forEachLayer(&m) { _, layer in layer.unprogram() }
        AnalogInference.program(&m, noiseModel: inference.noiseModel, seed: seed)
        AnalogInference.read(&m, at: time, compensatesDrift: compensatesDrift)
        return m.forward(x, mode: .inference)
    }
}
