import NeuromorphCore
import RealModule

/// A time-independent baseline device for inference: additive Gaussian programming noise
/// of fixed width, no drift, and optional Gaussian read noise on every read. It is the
/// second conformance of ``InferenceNoiseModel`` (next to ``PCMNoiseModel``) and the
/// "constant weight noise" device that hardware-aware training studies compare against.
///
/// ```
/// g_prog = max( g_T + N(0, (η_prog · g_max)²), 0 )      (once, at programming)
/// g(t)   = max( g_prog + N(0, (η_read · g_max)²), 0 )   (every read; independent of t)
/// ```
///
/// Unlike aihwkit's `ReRamWan2022NoiseModel` (which re-samples a time-keyed polynomial
/// around the target at three fixed times), this model is defined at every `t`.
public struct GaussianInferenceNoiseModel: InferenceNoiseModel, Sendable, Codable, Equatable {
    /// The largest target conductance, µS.
    public var gMax: Float
    /// Programming-noise std as a fraction of `gMax` (η_prog).
    public var programmingNoise: Float
    /// Read-noise std as a fraction of `gMax` (η_read).
    public var readNoise: Float

    public init(gMax: Float = 25, programmingNoise: Float = 0.02, readNoise: Float = 0) {
        precondition(gMax > 0 && gMax.isFinite, "GaussianInferenceNoiseModel: gMax must be positive, got \(gMax)")
        precondition(programmingNoise >= 0 && readNoise >= 0, "GaussianInferenceNoiseModel: noise must be ≥ 0")
        self.gMax = gMax
        self.programmingNoise = programmingNoise
        self.readNoise = readNoise
    }

    /// The state of devices under ``GaussianInferenceNoiseModel``: targets and programmed values.
    public struct Devices: InferenceDeviceState {
        public var targets: [Float]
        public var programmed: [Float]
        public var count: Int { targets.count }

        public init(targets: [Float], programmed: [Float]) {
            precondition(targets.count == programmed.count, "GaussianInferenceNoiseModel.Devices: unequal buffers")
            self.targets = targets
            self.programmed = programmed
        }
    }

    public func program(targets: [Float], generator: inout SeededGenerator) -> Devices {
        var programmed = [Float](repeating: 0, count: targets.count)
        let sigma = programmingNoise * gMax
        programmed.withUnsafeMutableBufferPointer { g in
            InferenceNormalSampler.fill(g, generator: &generator)
            for i in 0..<targets.count {
                precondition(targets[i] >= 0 && targets[i].isFinite, "GaussianInferenceNoiseModel.program: target \(targets[i]) µS at \(i) is not ≥ 0")
                g[i] = Swift.max(Relaxed.multiplyAdd(sigma, g[i], targets[i]), 0)
            }
        }
        return Devices(targets: targets, programmed: programmed)
    }

    public func read(_ devices: Devices, range: Range<Int>, at time: Double, generator: inout SeededGenerator,
                     into output: UnsafeMutableBufferPointer<Float>) {
        precondition(time >= 0 && time.isFinite, "GaussianInferenceNoiseModel.read: time must be ≥ 0 s, got \(time)")
        precondition(output.count == range.count && range.lowerBound >= 0 && range.upperBound <= devices.count,
                     "GaussianInferenceNoiseModel.read: range \(range) / output \(output.count) / devices \(devices.count)")
        guard let out = output.baseAddress, !range.isEmpty else { return }
        devices.programmed.withUnsafeBufferPointer { gProg in
            let g = gProg.baseAddress! + range.lowerBound
            if readNoise == 0 {
                for i in 0..<range.count { out[i] = g[i] }
                return
            }
            InferenceNormalSampler.fill(output, generator: &generator)
            let sigma = readNoise * gMax
            for i in 0..<range.count { out[i] = Swift.max(Relaxed.multiplyAdd(sigma, out[i], g[i]), 0) }
        }
    }
}
