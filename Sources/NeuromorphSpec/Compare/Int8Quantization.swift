import NeuromorphCore
import NeuromorphNN

/// Post-training int8 quantization of a trained model (the `digital int8` substrate).
///
/// Scheme (per tensor, calibrated on training samples; the TFLite/PyTorch "static PTQ" layout):
/// ```
/// weights      s_w = max|W| / 127,     W_q = clamp(round(W / s_w), −127, 127) · s_w      (symmetric int8)
/// activations  inputs of every top-level linear / conv2d layer, range from calibration data:
///              min x ≥ 0:  s_x = max x / 255,   x_q = clamp(round(x / s_x), 0, 255) · s_x  (unsigned 8 bit)
///              otherwise:  s_x = max|x| / 127,  x_q = clamp(round(x / s_x), −127, 127) · s_x
/// biases       kept at full precision (int32 accumulators of int8 kernels hold them exactly enough)
/// ```
/// The arithmetic is simulated in float on the dequantized values (fake quantization), which
/// equals int8 × int8 → int32 accumulation up to float rounding of the sums. Weights inside
/// containers (transformer blocks) are quantized too; their inner activations are not.
public enum Int8Quantization {
    /// Symmetric int8 fake quantization of `values`.
    public static func quantizeSymmetric(_ values: [Float]) -> [Float] {
        let top = values.reduce(Float(0)) { Swift.max($0, abs($1)) }
        guard top > 0 else { return values }
        let scale = top / 127
        return values.map { Swift.min(127, Swift.max(-127, ($0 / scale).rounded())) * scale }
    }

    /// `model` with int8 weights and 8-bit activations calibrated on `calibration` inputs
    /// (a batch `[N, features…]`).
    public static func quantize(_ model: Sequential, calibration: Tensor) -> Sequential {
        var quantized = model
        quantized.forEachLayer { _, layer in
            guard layer is Linear || layer is Conv2d else { return }
            layer.forEachParameter { parameter in
                guard parameter.name == "weight" else { return }
                parameter.value = Tensor(shape: parameter.value.shape, scalars: quantizeSymmetric(parameter.value.scalars))
            }
        }
        var layers: [any Layer] = []
        var x = calibration
        for var layer in quantized.layers {
            if layer is Linear || layer is Conv2d {
                var quantizer = ActivationQuantizer(calibratedOn: x.scalars)
                x = quantizer.forward(x, mode: .inference)
                layers.append(quantizer)
            }
            x = layer.forward(x, mode: .inference)
            layers.append(layer)
        }
        return Sequential(layers)
    }
}

/// Rounds its input to 8-bit levels of a fixed scale (see ``Int8Quantization``); the gradient
/// passes straight through.
public struct ActivationQuantizer: Layer {
    /// The step between levels.
    public var scale: Float
    /// Unsigned (0…255) or signed (−127…127) levels.
    public var unsigned: Bool

    public init(scale: Float, unsigned: Bool) {
        self.scale = scale
        self.unsigned = unsigned
    }

    /// Calibrated on observed values: unsigned when none is negative.
    public init(calibratedOn values: [Float]) {
        let low = values.min() ?? 0
        let high = values.reduce(Float(0)) { Swift.max($0, abs($1)) }
        unsigned = low >= 0
        let levels: Float = unsigned ? 255 : 127
        scale = high > 0 ? high / levels : 1
    }

    public var summary: String { "Quantize(\(unsigned ? "u8" : "s8"), scale \(scale))" }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        let (low, high): (Float, Float) = unsigned ? (0, 255) : (-127, 127)
        let s = scale
        return Tensor(shape: input.shape, scalars: input.scalars.map { Swift.min(high, Swift.max(low, ($0 / s).rounded())) * s })
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor { outputGradient }
}
