import NeuromorphCore

/// The programmed state of a block of inference devices, stored as contiguous per-device
/// buffers (one entry per device, in the order the targets were given).
///
/// Every conformance keeps at least the target and the programmed conductance; a model adds
/// what it needs to evolve a device in time (the PCM model adds the drift exponent ν and
/// the read-noise coefficient Q_s of every device).
public protocol InferenceDeviceState: Sendable, Codable, Equatable {
    /// The number of devices.
    var count: Int { get }
    /// The target conductance of every device (µS), as requested from the programmer.
    var targets: [Float] { get }
    /// The conductance every device reached after programming (µS), before drift and read
    /// noise (the value read at `t = 0`, the end of programming).
    var programmed: [Float] { get }
}

/// A statistical model of a non-volatile inference device: noise when a conductance is
/// written, then time-dependent change (drift) and noise on every read.
///
/// Spoon et al. 2021 (digest §2.3) model PCM this way; their §2.2.1 notes that "RRAM, FERAM,
/// or any other device" fits the same flow "by substituting the corresponding device noise
/// models". The protocol is that substitution point:
///
/// ```
/// state       = program(g_T, rng)                  // once, after training
/// g(t) [µS]   = read(state, t, rng)                // at every inference time t ≥ 0
/// ```
///
/// `t` is always measured in seconds from the **end of programming** (aihwkit's
/// `t_inference`); a model that needs an absolute reference time (PCM's `t_c`) adds it
/// itself. Conformances: ``PCMNoiseModel`` (the paper's device) and
/// ``GaussianInferenceNoiseModel`` (time-independent Gaussian noise, a baseline).
///
/// Weights are mapped onto devices by ``ProgrammedInferenceArray`` (a differential pair per
/// weight), which is generic over this protocol, so the hot read loop is specialized for
/// each model (no dynamic dispatch per device).
public protocol InferenceNoiseModel: Sendable, Codable, Equatable {
    associatedtype Devices: InferenceDeviceState

    /// The largest target conductance (µS): a normalized weight of 1.0 is programmed as `gMax`.
    var gMax: Float { get }

    /// Programs devices to the target conductances `targets` (µS, each in `0...gMax`),
    /// drawing the programming noise and every per-device random parameter from `generator`.
    func program(targets: [Float], generator: inout SeededGenerator) -> Devices

    /// Reads the conductances (µS) of devices `range` of `devices` at `time` seconds after the
    /// end of programming into `output` (`output.count == range.count`), drawing read noise
    /// from `generator`. Each call is an independent read.
    func read(_ devices: Devices, range: Range<Int>, at time: Double, generator: inout SeededGenerator,
              into output: UnsafeMutableBufferPointer<Float>)
}

extension InferenceNoiseModel {
    /// The conductances (µS) of all `devices` at `time` seconds after programming.
    public func conductances(of devices: Devices, at time: Double, generator: inout SeededGenerator) -> [Float] {
        [Float](unsafeUninitializedCapacity: devices.count) { buffer, initialized in
            read(devices, range: 0..<devices.count, at: time, generator: &generator, into: buffer)
            initialized = devices.count
        }
    }
}
