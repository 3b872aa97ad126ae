import Testing
@testable import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN

/// Shared helpers of the `InferenceLayer*` tests (analog inference layers, digest §2.4–2.6).
enum InferenceLayerTestSupport {
    /// `max |a − b| / max(max |b|, 1e-6)`.
    static func maxRelativeDifference(_ a: Tensor, _ b: Tensor) -> Float {
        precondition(a.count == b.count, "shapes \(a.shape) and \(b.shape) differ")
        var d: Float = 0
        for (x, y) in zip(a.scalars, b.scalars) { d = Swift.max(d, Swift.abs(x - y)) }
        return d / Swift.max(b.absMax(), 1e-6)
    }

    /// ‖a − b‖ / ‖b‖.
    static func relativeError(_ a: Tensor, _ b: Tensor) -> Double {
        var num = 0.0, den = 0.0
        for (x, y) in zip(a.scalars, b.scalars) { num += Double(x - y) * Double(x - y); den += Double(y) * Double(y) }
        return (num / Swift.max(den, 1e-30)).squareRoot()
    }

    /// Sample standard deviation.
    static func std(_ values: [Float]) -> Double {
        let n = Double(values.count)
        let mean = values.reduce(0.0) { $0 + Double($1) } / n
        let v = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (n - 1)
        return v.squareRoot()
    }

    static func uniform(_ shape: [Int], _ bound: Float, seed: UInt64) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.randomUniform(shape, lower: -bound, upper: bound, using: &g)
    }

    static func identity(_ n: Int) -> Tensor {
        var eye = Tensor.zeros([n, n])
        for i in 0..<n { eye.scalars[i * n + i] = 1 }
        return eye
    }
}

/// A test device: no programming or read noise and one drift exponent `ν` for every device,
/// `g(t) = g_T · ((t + t_c)/t_c)^(−ν)` (the digest §2.10 item 3 setting).
struct InferenceLayerCommonDriftModel: InferenceNoiseModel {
    var gMax: Float = 25
    var nu: Float = 0.05
    var referenceTime: Double = 20

    func program(targets: [Float], generator: inout SeededGenerator) -> GaussianInferenceNoiseModel.Devices {
        GaussianInferenceNoiseModel.Devices(targets: targets, programmed: targets)
    }

    func read(_ devices: GaussianInferenceNoiseModel.Devices, range: Range<Int>, at time: Double,
              generator: inout SeededGenerator, into output: UnsafeMutableBufferPointer<Float>) {
        let f = Float((1 + time / referenceTime).pow(-Double(nu)))
        for (k, i) in range.enumerated() { output[k] = devices.programmed[i] * f }
    }
}

extension Double {
    fileprivate func pow(_ e: Double) -> Double { Foundation.pow(self, e) }
}

import Foundation
