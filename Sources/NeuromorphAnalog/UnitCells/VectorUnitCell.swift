import NeuromorphCore

/// Several devices per cross-point whose weights add up to the effective weight (aihwkit 1.1
/// `VectorUnitCell`, C++ `VectorRPUDevice` in `rpu_vector_device.cpp`):
///
/// ```
/// W = Σ_k γ_k G_k                 γ = gamma_vec, default γ_k = 1/n (the average)
/// k* = policy(k*, n)              once per mini-batch, before the update (initUpdateCycle)
/// G_k ← pulsed SGD update of G_k  with η_sgd, for k = k* (single_*) or every k (all, one
///                                 set of pulse trains: equal coincidences on every device)
/// ```
///
/// The learning rate is not divided by `γ_k`: with the default `γ = 1/n`, policy `all` moves
/// `W` by the plain SGD step and a `single_*` policy by `1/n` of it, as in aihwkit.
///
/// Update policies (aihwkit `VectorUnitCellUpdatePolicy`):
/// - `all`: every device gets the update.
/// - `single_fixed`: only device `first_update_idx` (the index stays where it is).
/// - `single_sequential`: the index advances *before* each update, `k* ← (k* + 1) mod n`, so
///   with `first_update_idx = 0` the first mini-batch goes to device 1 (aihwkit's order).
/// - `single_random`: `k* = ⌊U · n⌋`, `U` uniform in [0, 1), drawn per mini-batch from this
///   cell's stream `select` (aihwkit draws from its real-world RNG, so the choices themselves
///   differ from aihwkit's).
///
/// Programming (`set_weights`, aihwkit `onSetWeights`) resets the counters: for every policy
/// but `single_fixed` the index goes back to `first_update_idx` and *every* device is set to
/// the target; with `single_fixed` only device `k*` is. `W` is then `Σ_k γ_k G_k` again, which
/// equals the target only if the `γ` of the written devices sum to 1.
///
/// Pulse trains under policy `all` (aihwkit `VectorRPUDevice::doSparseUpdate`): the row and
/// column trains of a mini-batch are drawn once and every device of a cross-point gets the
/// *same* coincidence count, each applying it with its own cycle-to-cycle noise
/// (``CrossbarArray/sharedTrainUpdate(_:x:d:learningRate:)``; trains from device 0's streams,
/// device `k`'s noise from its own). So with identical noise-free devices all `G_k` stay equal,
/// and the devices' errors are correlated through the shared trains, not averaged out by
/// independent ones. A `single_*` policy pulses one device with its own streams.
///
/// Reads go through one periphery (device 0's IO settings and read stream) on the reduced
/// weight; the post-update step (decay, diffusion) runs on every device, as aihwkit's
/// `VectorRPUDevice::decayWeights` does.
public struct VectorUnitCell<Devices: PulsedDeviceArray>: UnitCell {
    /// `G_0 … G_{n−1}` (`device0`, `device1`, …).
    public private(set) var arrays: [CrossbarArray<Devices>]
    /// `γ_k` (aihwkit `gamma_vec`, or `1/n` each).
    public let gammas: [Float]
    public let policy: VectorUnitCellUpdatePolicy
    /// aihwkit `first_update_idx`.
    public let firstUpdateIndex: Int
    /// `k*`, the device the last (or, for `single_fixed`, every) update went to (aihwkit
    /// `current_device_idx_`).
    public private(set) var currentDeviceIndex: Int
    /// Mini-batch updates since the last programming (aihwkit `current_update_idx_`).
    public private(set) var updateCount: Int
    /// Stream `select`: the `single_random` choices.
    var selectionGenerator: SeededGenerator
    /// `Σ_k γ_k G_k`, kept in step with the arrays.
    public private(set) var weights: Tensor

    /// A cell from built arrays of equal size; `gammas` has one factor per array.
    public init(arrays: [CrossbarArray<Devices>], gammas: [Float], policy: VectorUnitCellUpdatePolicy,
                firstUpdateIndex: Int, selectionGenerator: SeededGenerator) {
        precondition(!arrays.isEmpty && gammas.count == arrays.count, "VectorUnitCell: \(arrays.count) arrays, \(gammas.count) gammas")
        precondition(arrays.allSatisfy { $0.rows == arrays[0].rows && $0.columns == arrays[0].columns },
                     "VectorUnitCell: arrays of different sizes")
        precondition((0..<arrays.count).contains(firstUpdateIndex), "VectorUnitCell: first update index \(firstUpdateIndex)")
        self.arrays = arrays
        self.gammas = gammas
        self.policy = policy
        self.firstUpdateIndex = firstUpdateIndex
        currentDeviceIndex = firstUpdateIndex
        updateCount = 0
        self.selectionGenerator = selectionGenerator
        weights = Self.reduce(arrays, gammas)
    }

    public var rows: Int { arrays[0].rows }
    public var columns: Int { arrays[0].columns }
    public static var summaryName: String { "VectorUnitCell(\(Devices.self))" }

    /// `Σ_k γ_k G_k` (aihwkit `reduceToWeights`).
    static func reduce(_ arrays: [CrossbarArray<Devices>], _ gammas: [Float]) -> Tensor {
        var w = Tensor.zeros([arrays[0].rows, arrays[0].columns])
        for (array, gamma) in zip(arrays, gammas) { w.addScaled(array.weights, by: gamma) }
        return w
    }

    mutating func refresh() { weights = Self.reduce(arrays, gammas) }

    public mutating func forward(_ x: Tensor) -> Tensor {
        arrays[0].read(x, weights: weights, transpose: .transposed, io: arrays[0].forwardIO)
    }

    public mutating func backward(_ d: Tensor) -> Tensor {
        arrays[0].read(d, weights: weights, transpose: .none, io: arrays[0].backwardIO)
    }

    /// Picks the device(s) by the policy, then the pulsed SGD update with `rates.sgd` on them.
    public mutating func update(x: Tensor, d: Tensor, rates: LearningRates) {
        currentDeviceIndex = policy.nextIndex(after: currentDeviceIndex, devices: arrays.count, generator: &selectionGenerator)
        if policy == .all {
            CrossbarArray.sharedTrainUpdate(&arrays, x: x, d: d, learningRate: rates.sgd)
        } else {
            arrays[currentDeviceIndex].update(x: x, d: d, learningRate: rates.sgd)
        }
        updateCount += 1
        refresh()
    }

    public mutating func finishBatch() {
        guard arrays.contains(where: \.hasSlowDynamics) else { return }
        for k in arrays.indices { arrays[k].postUpdate() }
        refresh()
    }

    /// aihwkit `onSetWeights`: resets the counters, writes `target` onto every device (onto
    /// device `k*` only for `single_fixed`), clipped to each device's bounds.
    public mutating func program(_ target: Tensor) {
        updateCount = 0
        if policy == .singleFixed {
            arrays[currentDeviceIndex].setWeights(target)
        } else {
            currentDeviceIndex = firstUpdateIndex
            for k in arrays.indices { arrays[k].setWeights(target) }
        }
        refresh()
    }

    public var internalState: [(name: String, tensor: Tensor)] {
        arrays.enumerated().flatMap { k, array in array.exportedTensors(prefix: "device\(k)") } + [
            ("counters.current_device_idx", Tensor([Float(currentDeviceIndex)])),
            ("counters.current_update_idx", Tensor([Float(updateCount)])),
        ]
    }
}

/// Which devices of a ``VectorUnitCell`` a mini-batch updates (aihwkit 1.1
/// `VectorUnitCellUpdatePolicy`; spec names in snake case).
public enum VectorUnitCellUpdatePolicy: String, Sendable, Codable, CaseIterable {
    /// aihwkit `ALL`: every device, with one shared set of pulse trains.
    case all
    /// aihwkit `SINGLE_FIXED`: device `first_update_idx` only.
    case singleFixed = "single_fixed"
    /// aihwkit `SINGLE_SEQUENTIAL`: one device after the other.
    case singleSequential = "single_sequential"
    /// aihwkit `SINGLE_RANDOM`: one device drawn uniformly per mini-batch.
    case singleRandom = "single_random"

    /// The device index of the next update (aihwkit `VectorRPUDevice::initUpdateCycle`);
    /// draws one uniform from `generator` for `single_random` only.
    public func nextIndex(after current: Int, devices n: Int, generator: inout SeededGenerator) -> Int {
        switch self {
        case .all, .singleFixed: current
        case .singleSequential: (current + 1) % n
        case .singleRandom: Swift.min(Int(generator.nextUniform() * Float(n)), n - 1)
        }
    }
}

/// The parameters of ``VectorUnitCell`` (aihwkit 1.1 `VectorUnitCell` names and defaults).
public struct VectorUnitCellParameters: Sendable, Codable, Equatable {
    /// [`n_devices`, 2]: devices per cross-point (aihwkit: the length of
    /// `unit_cell_devices`; here all of the section's device model, each sampled on its own).
    public var devices: Int = 2
    /// [`update_policy`, `all`].
    public var updatePolicy: VectorUnitCellUpdatePolicy = .all
    /// [`first_update_idx`, 0]: the device of `single_fixed` and where the others start.
    public var firstUpdateIndex: Int = 0
    /// [`gamma_vec`, empty]: the factors `γ_k`; empty means `1/n` each.
    public var gammaVec: [Float] = []

    public init() {}

    /// `γ_k`: `gamma_vec`, or `1/n` each.
    public var gammas: [Float] {
        gammaVec.isEmpty ? [Float](repeating: 1 / Float(devices), count: devices) : gammaVec
    }

    public func validate() throws {
        let name = "VectorUnitCell"
        guard devices >= 1 else { throw DeviceParameterError(device: name, parameter: "n_devices", "must be ≥ 1, got \(devices)") }
        guard (0..<devices).contains(firstUpdateIndex) else {
            throw DeviceParameterError(device: name, parameter: "first_update_idx",
                                       "must be a device index in 0..<\(devices) (n_devices), got \(firstUpdateIndex)")
        }
        guard gammaVec.isEmpty || gammaVec.count == devices else {
            throw DeviceParameterError(device: name, parameter: "gamma_vec",
                                       "must have one factor per device (n_devices = \(devices)) or be empty, got \(gammaVec.count)")
        }
        guard gammaVec.allSatisfy(\.isFinite) else {
            throw DeviceParameterError(device: name, parameter: "gamma_vec", "must be finite factors, got \(gammaVec)")
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case devices = "n_devices", updatePolicy = "update_policy", firstUpdateIndex = "first_update_idx", gammaVec = "gamma_vec"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// Decodes the keys given; without `n_devices`, a `gamma_vec` sets the device count.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        gammaVec = try c.decodeIfPresent([Float].self, forKey: .gammaVec) ?? gammaVec
        devices = try c.decodeIfPresent(Int.self, forKey: .devices) ?? (gammaVec.isEmpty ? devices : gammaVec.count)
        updatePolicy = try c.decodeChoiceIfPresent(VectorUnitCellUpdatePolicy.self, forKey: .updatePolicy) ?? updatePolicy
        firstUpdateIndex = try c.decodeIfPresent(Int.self, forKey: .firstUpdateIndex) ?? firstUpdateIndex
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(devices, forKey: .devices)
        try c.encode(updatePolicy, forKey: .updatePolicy)
        try c.encode(firstUpdateIndex, forKey: .firstUpdateIndex)
        if !gammaVec.isEmpty { try c.encode(gammaVec, forKey: .gammaVec) }
    }
}

/// Builds ``VectorUnitCell`` cells of one device model: device `k` draws from stream
/// `device.k` of the generator, the `single_random` choices from stream `select`.
public struct VectorUnitCellConfiguration<Device: PulsedDeviceConfiguration>: UnitCellConfiguration {
    public var device: Device
    public var parameters: VectorUnitCellParameters

    public init(device: Device, parameters: VectorUnitCellParameters = VectorUnitCellParameters()) {
        self.device = device
        self.parameters = parameters
    }

    public func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                         update: PulsedUpdateParameters,
                         generator: inout SeededGenerator) throws -> VectorUnitCell<Device.DeviceArray> {
        try parameters.validate()
        var arrays: [CrossbarArray<Device.DeviceArray>] = []
        for k in 0..<parameters.devices {
            var deviceGenerator = generator.split(key: StreamKey("device.\(k)"))
            arrays.append(try CrossbarArray(outputs: outputs, inputs: inputs, device: device, forwardIO: forwardIO,
                                            backwardIO: backwardIO, update: update, generator: &deviceGenerator))
        }
        return VectorUnitCell(arrays: arrays, gammas: parameters.gammas, policy: parameters.updatePolicy,
                              firstUpdateIndex: parameters.firstUpdateIndex, selectionGenerator: generator.split(key: "select"))
    }
}
