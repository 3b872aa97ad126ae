import Foundation
import NeuromorphCore
import NeuromorphNN
import NeuromorphSpec

/// `neuromorph predict … --hardware SPEC` with a `hardware.analog` section: one forward pass of
/// a model whose weights are programmed onto the spec's analog crossbar tiles (the tiles
/// `neuromorph train` uses under that section: device model, forward periphery, tile size).
///
/// ```
/// M = build(model spec, hardware.analog, seed)     (every linear/conv2d layer on tiles; device-to-device
///                                                   variation and noise streams drawn from `seed`)
/// M.<path>.weight ← program(W of the model)        (aihwkit `set_weights`: clipped to the device bounds)
/// M.<path>.<digital parameter> ← the model's value  (biases, LayerNorms, positional embeddings)
/// y = M(x)                                          (forward periphery: DAC/ADC, noise and bound management, output noise)
/// ```
///
/// The model's weights are its digital parameters, or the effective weights of layers that
/// already are analog (a checkpoint trained on tiles). The same seed gives the same outputs.
public struct AnalogTilePrediction: Sendable {
    public var analog: AnalogHardwareSpec
    /// The seed of the tiles' device draws and their forward noise.
    public var seed: UInt64

    public init(analog: AnalogHardwareSpec, seed: UInt64 = 0) {
        self.analog = analog
        self.seed = seed
    }

    /// Builds `spec` on the tiles for per-sample `sampleShape`, programs the weights of `model`
    /// (built from the same `spec`) onto them and runs `input` `[N] + sampleShape`.
    public func predict<M: Layer>(_ model: M, spec: ModelSpec, on input: Tensor, sampleShape: [Int]) throws -> Tensor {
        let perSample = sampleShape.reduce(1, *)
        guard input.rank >= 1, input.shape[0] > 0, input.count == input.shape[0] * perSample else {
            throw ONNXImportError(file: "input", "shape \(input.shape) does not hold samples of \(sampleShape) "
                                  + "(\(perSample) values each) after the batch dimension")
        }
        var weights: [String: Tensor] = [:]
        for (name, parameter) in model.namedParameters() { weights[name] = parameter.value }
        for (name, value) in model.namedProgrammedWeights() { weights[name] = value }
        var (tiles, _) = try ModelBuilder.build(spec, dataShape: sampleShape, seed: seed, analog: analog)
        let programmedCount = try tiles.assignWeights { name, shape in
            guard let v = weights[name] else {
                throw ONNXImportError(file: "--hardware", "the tiles' model has '\(name)' but the given model has no such weight")
            }
            guard v.shape == shape else {
                throw ONNXImportError(file: "--hardware", "'\(name)' is \(v.shape) in the given model and \(shape) on the tiles")
            }
            return v
        }
        guard programmedCount > 0 else {
            throw ONNXImportError(file: "--hardware", "the model has no linear or conv2d layer to program onto analog tiles")
        }
        return tiles.forward(input.reshaped([input.shape[0]] + sampleShape), mode: .inference)
    }
}

/// The substrate of `predict --hardware SPEC`: PCM inference tiles (`hardware.inference`) or
/// analog training tiles (`hardware.analog`).
public enum PredictionHardware: Sendable {
    case pcm(HardwarePrediction)
    case analog(AnalogTilePrediction)

    /// From a spec: `hardware.inference` (with `time`, drift compensation and seed as
    /// ``HardwarePrediction/init(spec:file:time:compensatesDrift:seed:)``), else `hardware.analog`
    /// (seed; `time` and drift compensation are PCM settings and rejected); else an error naming the file.
    public init(spec: ExperimentSpec, file: String, time: String? = nil, compensatesDrift: Bool? = nil, seed: UInt64? = nil) throws {
        if spec.hardware.inference != nil {
            self = .pcm(try HardwarePrediction(spec: spec, file: file, time: time, compensatesDrift: compensatesDrift, seed: seed))
            return
        }
        guard let analog = spec.hardware.analog else {
            throw ONNXImportError(file: file, "hardware: neither inference nor analog; `predict --hardware` runs the model on PCM "
                                  + "inference tiles (hardware.inference, e.g. examples/fashion-mlp-pcm.yaml) or analog crossbar "
                                  + "tiles (hardware.analog, e.g. examples/fashion-mlp-w2-constant-step.yaml)")
        }
        guard time == nil, compensatesDrift == nil else {
            throw ONNXImportError(file: time != nil ? "--time" : "--drift-compensation",
                                  "applies to PCM inference tiles (hardware.inference); \(file) has hardware.analog tiles, which do not drift")
        }
        self = .analog(AnalogTilePrediction(analog: analog, seed: seed ?? spec.training.seed))
    }

    /// Runs `model` (built from `spec`) on `input` `[N] + sampleShape` on this hardware.
    public func predict<M: Layer>(_ model: M, spec: ModelSpec, on input: Tensor, sampleShape: [Int]) throws -> Tensor {
        switch self {
        case let .pcm(p): try p.predict(model, on: input, sampleShape: sampleShape)
        case let .analog(a): try a.predict(model, spec: spec, on: input, sampleShape: sampleShape)
        }
    }

    /// For the command's report line.
    public var summary: String {
        switch self {
        case let .pcm(p): "on PCM (\(p.inference.device.rawValue)) at \(p.time), drift compensation \(p.compensatesDrift ? "on" : "off"), seed \(p.seed)"
        case let .analog(a): "on analog tiles (\(a.analog.preset ?? a.analog.device.rawValue)), seed \(a.seed)"
        }
    }
}
