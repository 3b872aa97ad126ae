import NeuromorphCore

/// A configuration of pulsed resistive devices (aihwkit's `PulsedDevice` family): value
/// data with documented defaults that samples the device-to-device variation of one
/// crossbar into a ``PulsedDeviceArray``.
///
/// Weights are in normalized units (aihwkit's convention: the device's weight range is
/// about ±`wMax`, a step is `dwMin`), not in conductance.
public protocol PulsedDeviceConfiguration: Sendable, Codable, Equatable {
    associatedtype DeviceArray: PulsedDeviceArray

    /// The nominal (mean) weight change of one pulse, used to convert a desired update into
    /// a pulse count (aihwkit `dw_min`).
    var nominalStep: Float { get }

    /// Samples `rows × columns` devices (device-to-device variation drawn once, seeded),
    /// all starting at weight 0 (or the model's reset state). Invalid parameter
    /// combinations throw ``DeviceParameterError``.
    func makeArray(rows: Int, columns: Int, generator: inout SeededGenerator) throws -> DeviceArray
}

/// The devices of one crossbar, stored as contiguous per-device buffers (row-major
/// `[rows, columns]`, the tile's `[out, in]` weight layout).
public protocol PulsedDeviceArray: Sendable, Codable {
    var rows: Int { get }
    var columns: Int { get }

    /// The current weight of every device (row-major).
    var weights: [Float] { get }

    /// The current weight of device `index` (`weights[index]`; models that compute their
    /// weights on read answer for one device without computing the others).
    func weight(at index: Int) -> Float

    /// Writes ``weights`` into `destination` (row-major, `rows·columns` values): the crossbar's
    /// refresh. Models that compute their weights on read may keep what they computed for the
    /// next call (mutating for that reason only: the weights themselves do not change).
    mutating func readWeights(into destination: UnsafeMutableBufferPointer<Float>)

    /// Applies `count` pulses in one direction to device `index` (`up`: increases the
    /// weight), each with its cycle-to-cycle noise drawn from `generator`, and keeps the
    /// weight within the device's bounds.
    mutating func applyPulses(at index: Int, count: Int, up: Bool, generator: inout SeededGenerator)

    /// One row's coincidences at once, the tile's hot loop: device `base + Int(columns[k])`
    /// receives `counts[k]` pulses, upwards where `up[k]`, for `k < n`. Equivalent to calling
    /// `applyPulses(at:count:up:generator:)` for each in order; models override it to hoist
    /// buffer access out of the loop.
    mutating func applyRowPulses(base: Int, columns: UnsafePointer<Int32>, counts: UnsafePointer<UInt8>,
                                 up: UnsafePointer<Bool>, n: Int, generator: inout SeededGenerator)

    /// Whether ``applyTrainBatch(_:generator:)`` has a batched kernel for this model (then the
    /// crossbar hands it whole mini-batches); `false` by default.
    var acceptsTrainBatches: Bool { get }

    /// A mini-batch of rank-one pulse-train updates in one call (``PulseTrainBatch``): the
    /// same pulses per device, in the same sample order, as the row-by-row calls; a batched
    /// kernel draws its noise from its own streams (seeded by `batch.laneSeed`), so the
    /// random numbers, not their distribution, differ from the row-by-row path.
    mutating func applyTrainBatch(_ batch: PulseTrainBatch, generator: inout SeededGenerator)

    /// The noise-free weight change one pulse would cause at the device's current state
    /// (positive for `up`, negative otherwise): used by the expected-update mode.
    func expectedStep(at index: Int, up: Bool) -> Float

    /// Sets every device as close as possible to `targets` (row-major) without pulsing, for
    /// initialization (aihwkit `set_weights`), clipping to each device's bounds.
    mutating func setWeights(_ targets: [Float])

    /// The sampled per-device parameters by name (`dw_min_up`, `w_max`, …), for export and
    /// inspection (what aihwkit users ask for in its issue #671).
    var sampledParameters: [String: [Float]] { get }

    // MARK: Slow dynamics and reset (the crossbar's post-update step)

    /// Whether any device decays (`lifetime > 0`) or diffuses (`diffusion > 0`); `false` by
    /// default. Read once when a crossbar is built.
    var hasSlowDynamics: Bool { get }

    /// aihwkit `decay_weights`: `w ← (w − reset_ij)(1 + α (decay_ij − 1)) + reset_ij`, clipped,
    /// with `decay_ij = 1 − 1/lifetime_ij`. No-op by default (models without a lifetime).
    mutating func decayWeights(alpha: Float)

    /// aihwkit `diffuse_weights`: `w ← clip(w + diffusion_ij ξ)`. No-op by default.
    mutating func diffuseWeights(generator: inout SeededGenerator)

    /// aihwkit `reset_columns` on the given devices (row-major indices): each goes to its
    /// sampled reset value plus cycle-to-cycle reset noise, `w = reset_ij + reset_std · ξ`,
    /// clipped to its bounds. Models without reset parameters go to weight 0 (clipped).
    mutating func resetDevices(at indices: [Int], generator: inout SeededGenerator)
}

extension PulsedDeviceArray {
    public func weight(at index: Int) -> Float { weights[index] }
    public mutating func readWeights(into destination: UnsafeMutableBufferPointer<Float>) {
        weights.withUnsafeBufferPointer { source in
            destination.baseAddress!.update(from: source.baseAddress!, count: source.count)
        }
    }
    public var hasSlowDynamics: Bool { false }
    public mutating func decayWeights(alpha: Float) {}
    public mutating func diffuseWeights(generator: inout SeededGenerator) {}
    public mutating func resetDevices(at indices: [Int], generator: inout SeededGenerator) {
        var targets = weights
        for k in indices { targets[k] = 0 }
        setWeights(targets)   // clips to each device's bounds
    }
}

extension PulsedDeviceArray {
    @inlinable
    public mutating func applyRowPulses(base: Int, columns: UnsafePointer<Int32>, counts: UnsafePointer<UInt8>,
                                        up: UnsafePointer<Bool>, n: Int, generator: inout SeededGenerator) {
        for k in 0..<n { applyPulses(at: base + Int(columns[k]), count: Int(counts[k]), up: up[k], generator: &generator) }
    }
}

/// A bad device parameter: names the parameter, the value and the allowed range.
public struct DeviceParameterError: UserFacingError, Sendable, Equatable {
    public var device: String
    public var parameter: String
    public var message: String

    public init(device: String, parameter: String, _ message: String) {
        self.device = device
        self.parameter = parameter
        self.message = message
    }

    public var description: String { "\(device).\(parameter): \(message)" }
}
