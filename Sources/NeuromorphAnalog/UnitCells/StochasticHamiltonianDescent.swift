import NeuromorphCore

/// Stochastic Hamiltonian Descent (Onen et al. 2022, Methods M2; digest
/// `ttv2_gradient-decomposition_shd.md` §3.2–3.3; note `analog-training.md` §1.5): Tiki-Taka
/// with `γ = 0`, no read threshold and one-hot reads on three arrays, `A_main` and `C_main`
/// (updated) and a shared static reference `A_ref` set to `A_main`'s symmetry point by
/// zero-shifting with pulses.
///
/// ```
/// build:   zeroShift(A_main, N pairs); A_ref ← A_main           (A = A_main − A_ref = 0)
/// program: A_main ← A_ref; C_main ← W + A_ref                    (W = C_main − A_ref)
/// forward/backward on W = C_main − A_ref
/// per sample b:  A_main ← A_main − η_A d_bᵀ x_b;  k += 1
/// if k % τ == 0:  v = (A_main − A_ref) e_t;  C_main ← C_main + η_C v e_tᵀ;  t = (t+1) mod n_in
/// η_A = fast_lr > 0 ? fast_lr : η_sgd;   η_C = scale_transfer_lr ? transfer_lr·η_sgd : transfer_lr
/// ```
///
/// In the continuum limit `dA/dt = −η_A ∂E/∂C − η_A κ_A |∂E/∂C| (A_main − A_sym)`,
/// `dC/dt = η_C A`: a damped oscillator (A the velocity, C the position) whose energy
/// `H = (C − C0)² + A²` the asymmetry of `A_main` dissipates, provided `A_ref = A_sym`.
/// Errata resolved (§5 item 9): the pseudo-code's "−η" on the C update is a sign error; C
/// follows A (`+η_C v`), as Eq. 4 states. The paper reuses one η for both updates; here they
/// are separate (`fast_lr`, `transfer_lr`). C's own asymmetry (Eq. 4's κ_C term, printed
/// with the wrong sign) lives in the device model of `C_main`.
public struct StochasticHamiltonianDescent<Fast: PulsedDeviceArray, Slow: PulsedDeviceArray>: UnitCell {
    /// `A_main` (`device0`): updated with the gradient.
    public internal(set) var fast: CrossbarArray<Fast>
    /// `A_ref` (`device1`): programmed once to `A_main`'s zero-shifted state, never updated.
    public internal(set) var reference: CrossbarArray<Fast>
    /// `C_main` (`device2`): written by transfers.
    public internal(set) var slow: CrossbarArray<Slow>
    public let parameters: StochasticHamiltonianDescentParameters
    /// `W = C_main − A_ref`.
    public private(set) var weights: Tensor
    /// `k`: rank-1 updates so far.
    public internal(set) var updateCount: Int = 0
    /// `t`: the next column read.
    public internal(set) var sliceIndex: Int = 0
    public internal(set) var statistics = TransferStatistics()

    public init(fast: CrossbarArray<Fast>, reference: CrossbarArray<Fast>, slow: CrossbarArray<Slow>,
                parameters: StochasticHamiltonianDescentParameters) {
        precondition(fast.rows == slow.rows && fast.columns == slow.columns && reference.rows == fast.rows
                     && reference.columns == fast.columns, "StochasticHamiltonianDescent: arrays of different sizes")
        self.fast = fast
        self.reference = reference
        self.slow = slow
        self.parameters = parameters
        weights = slow.weights - reference.weights
    }

    public var rows: Int { fast.rows }
    public var columns: Int { fast.columns }
    public static var summaryName: String { "StochasticHamiltonianDescent(\(Fast.self), \(Slow.self))" }

    /// `A = A_main − A_ref`, the "velocity".
    public var fastWeights: Tensor { fast.weights - reference.weights }

    /// The energy `H = Σ (C − C0)² + A²` for an optimum `C0` (`[rows, columns]`), Onen's
    /// Hamiltonian up to scale (digest §3.5).
    public func hamiltonian(optimum: Tensor) -> Double {
        precondition(optimum.shape == [rows, columns], "hamiltonian: optimum \(optimum.shape)")
        var total = 0.0
        let a = fastWeights.scalars
        for (k, c) in weights.scalars.enumerated() {
            let e = Double(c - optimum.scalars[k]), v = Double(a[k])
            total += e * e + v * v
        }
        return total
    }

    /// One point of the (A, C) trajectory with its energy, for plotting the spiral (Onen
    /// Fig. 2E/F) and checking that the energy decays.
    public struct Snapshot: Sendable, Codable, Equatable {
        /// `A = A_main − A_ref` (row-major).
        public var a: [Float]
        /// `C = C_main − A_ref` (row-major).
        public var c: [Float]
        /// `Σ (C − C0)² + A²`.
        public var energy: Double
    }

    /// The current point of the trajectory relative to `optimum`.
    public func snapshot(optimum: Tensor) -> Snapshot {
        Snapshot(a: fastWeights.scalars, c: weights.scalars, energy: hamiltonian(optimum: optimum))
    }

    mutating func refresh() { weights = slow.weights - reference.weights }

    public mutating func forward(_ x: Tensor) -> Tensor {
        slow.read(x, weights: weights, transpose: .transposed, io: slow.forwardIO)
    }

    public mutating func backward(_ d: Tensor) -> Tensor {
        slow.read(d, weights: weights, transpose: .none, io: slow.backwardIO)
    }

    public mutating func update(x: Tensor, d: Tensor, rates: LearningRates) {
        let rates = LearningRates(sgd: rates.sgd, fast: parameters.fastLR, transfer: parameters.transferLR,
                                  scaleTransfer: parameters.scaleTransferLR)
        let period = TransferSchedule.period(transferEvery: parameters.transferEvery, unitsInMiniBatch: parameters.unitsInMiniBatch,
                                             batch: x.rows)
        for chunk in TransferSchedule.chunks(count: updateCount, batch: x.rows, period: period) {
            if chunk.samples.count == x.rows {
                fast.update(x: x, d: d, learningRate: rates.effectiveFast)
            } else {
                fast.update(x: x.gatherRows(chunk.samples), d: d.gatherRows(chunk.samples), learningRate: rates.effectiveFast)
            }
            updateCount += chunk.samples.count
            if chunk.transferAfter { transfer(learningRate: rates.effectiveTransfer) }
        }
        refresh()
    }

    /// `v = (A_main − A_ref) e_t` through the transfer IO and `A_main`'s read stream, then
    /// `C_main ← C_main + η_C v e_tᵀ` (pulsed, transfer update settings).
    mutating func transfer(learningRate: Float) {
        let t = sliceIndex
        var oneHot = Tensor.zeros([1, columns])
        oneHot.scalars[t] = 1
        var io = parameters.transferForward
        io.boundManagement = .none
        let v = fast.read(oneHot, weights: fastWeights, transpose: .transposed, io: io)
        statistics.reads += 1
        if learningRate > 0, v.scalars.contains(where: { $0 != 0 }) {
            let before = slow.slicePulseCount(t, columns: true)
            slow.update(x: oneHot, d: v * -1, learningRate: learningRate)
            statistics.slowPulses += slow.slicePulseCount(t, columns: true) - before
        }
        sliceIndex = (t + 1) % columns
    }

    public mutating func finishBatch() {
        guard fast.hasSlowDynamics || slow.hasSlowDynamics || reference.hasSlowDynamics else { return }
        fast.postUpdate()
        reference.postUpdate()
        slow.postUpdate()
        refresh()
    }

    /// `A_main ← A_ref` (A = 0), `C_main ← target + A_ref`, counters reset.
    public mutating func program(_ target: Tensor) {
        fast.setWeights(reference.weights)
        slow.setWeights(target + reference.weights)
        updateCount = 0
        sliceIndex = 0
        refresh()
    }

    public var internalState: [(name: String, tensor: Tensor)] {
        fast.exportedTensors(prefix: "device0") + reference.exportedTensors(prefix: "device1")
            + slow.exportedTensors(prefix: "device2") + [
                ("counters.update_count", Tensor([Float(updateCount)])),
                ("counters.slice_index", Tensor([Float(sliceIndex)])),
            ] + statistics.exportedTensors
    }
}

/// The parameters of ``StochasticHamiltonianDescent`` (names follow aihwkit's
/// `TransferCompound` where the concept is the same; aihwkit has no SHD cell).
public struct StochasticHamiltonianDescentParameters: Sendable, Codable, Equatable {
    /// `τ` [`transfer_every`, 1]: transfer period in rank-1 updates (or mini-batches with
    /// ``unitsInMiniBatch``); Onen's toy uses 1.
    public var transferEvery: Float = 1
    /// [`units_in_mbatch`, false]: whether ``transferEvery`` counts mini-batches.
    public var unitsInMiniBatch: Bool = false
    /// `η_A` [`fast_lr`, 0]: `A_main`'s rate, absolute; 0 uses the optimizer's rate.
    public var fastLR: Float = 0
    /// `η_C` [`transfer_lr`, 1]: the transfer's rate.
    public var transferLR: Float = 1
    /// [`scale_transfer_lr`, true]: multiply ``transferLR`` by the optimizer's rate.
    public var scaleTransferLR: Bool = true
    /// [`transfer_forward`]: the periphery of the reads of `A_main − A_ref` (bound management off).
    public var transferForward: IOParameters = .transferDefault
    /// [`transfer_update`]: the pulsed update that writes `C_main`.
    public var transferUpdate = PulsedUpdateParameters()
    /// `N` [`zero_shift_pairs`, 1000]: alternating up/down pulse pairs applied to `A_main`
    /// before `A_ref` is copied from it (Onen M1); 0 keeps `A_main`'s initial state.
    public var zeroShiftPairs: Int = 1000

    public init() {}

    public func validate() throws {
        let name = "StochasticHamiltonianDescent"
        guard transferEvery.isFinite, transferEvery > 0 else {
            throw DeviceParameterError(device: name, parameter: "transfer_every", "must be > 0, got \(transferEvery)")
        }
        guard fastLR.isFinite, fastLR >= 0 else { throw DeviceParameterError(device: name, parameter: "fast_lr", "must be ≥ 0, got \(fastLR)") }
        guard transferLR.isFinite, transferLR > 0 else {
            throw DeviceParameterError(device: name, parameter: "transfer_lr", "must be > 0, got \(transferLR)")
        }
        guard zeroShiftPairs >= 0 else {
            throw DeviceParameterError(device: name, parameter: "zero_shift_pairs", "must be ≥ 0, got \(zeroShiftPairs)")
        }
        try transferForward.validate("transfer_forward")
        try transferUpdate.validate()
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case transferEvery = "transfer_every", unitsInMiniBatch = "units_in_mbatch", fastLR = "fast_lr"
        case transferLR = "transfer_lr", scaleTransferLR = "scale_transfer_lr", transferForward = "transfer_forward"
        case transferUpdate = "transfer_update", zeroShiftPairs = "zero_shift_pairs"
    }

    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        transferEvery = try c.decodeIfPresent(Float.self, forKey: .transferEvery) ?? transferEvery
        unitsInMiniBatch = try c.decodeIfPresent(Bool.self, forKey: .unitsInMiniBatch) ?? unitsInMiniBatch
        fastLR = try c.decodeIfPresent(Float.self, forKey: .fastLR) ?? fastLR
        transferLR = try c.decodeIfPresent(Float.self, forKey: .transferLR) ?? transferLR
        scaleTransferLR = try c.decodeIfPresent(Bool.self, forKey: .scaleTransferLR) ?? scaleTransferLR
        transferForward = try c.decodeIfPresent(IOParameters.self, forKey: .transferForward) ?? transferForward
        transferUpdate = try c.decodeIfPresent(PulsedUpdateParameters.self, forKey: .transferUpdate) ?? transferUpdate
        zeroShiftPairs = try c.decodeIfPresent(Int.self, forKey: .zeroShiftPairs) ?? zeroShiftPairs
    }
}

/// Builds ``StochasticHamiltonianDescent`` cells: `A_main` and `A_ref` from `fast` (streams
/// `device.0`, `device.1`), `C_main` from `slow` (stream `device.2`).
public struct StochasticHamiltonianDescentConfiguration<FastDevice: PulsedDeviceConfiguration, SlowDevice: PulsedDeviceConfiguration>:
    TwoDeviceCellConfiguration {
    public var fast: FastDevice
    public var slow: SlowDevice
    public var parameters: StochasticHamiltonianDescentParameters

    public init(fast: FastDevice, slow: SlowDevice,
                parameters: StochasticHamiltonianDescentParameters = StochasticHamiltonianDescentParameters()) {
        self.fast = fast
        self.slow = slow
        self.parameters = parameters
    }

    public func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                         update: PulsedUpdateParameters,
                         generator: inout SeededGenerator) throws -> StochasticHamiltonianDescent<FastDevice.DeviceArray, SlowDevice.DeviceArray> {
        try parameters.validate()
        var g0 = generator.split(key: "device.0"), g1 = generator.split(key: "device.1"), g2 = generator.split(key: "device.2")
        var a = try CrossbarArray(outputs: outputs, inputs: inputs, device: fast, forwardIO: forwardIO, backwardIO: backwardIO,
                                  update: update, generator: &g0)
        var reference = try CrossbarArray(outputs: outputs, inputs: inputs, device: fast, forwardIO: forwardIO,
                                          backwardIO: backwardIO, update: update, generator: &g1)
        let c = try CrossbarArray(outputs: outputs, inputs: inputs, device: slow, forwardIO: forwardIO, backwardIO: backwardIO,
                                  update: parameters.transferUpdate, generator: &g2)
        a.zeroShift(pairs: parameters.zeroShiftPairs)
        reference.setWeights(a.weights)
        return StochasticHamiltonianDescent(fast: a, reference: reference, slow: c, parameters: parameters)
    }
}
