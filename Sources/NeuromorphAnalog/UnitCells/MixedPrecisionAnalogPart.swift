import NeuromorphCore

/// What ``MixedPrecisionCompound`` writes its digital accumulator onto (aihwkit
/// `MixedPrecisionCompound.device`): one crossbar of devices (``CrossbarArray``) or a unit
/// cell such as aihwkit's `PCMPresetUnitCell`, a one-sided pair with refresh
/// (``OneSidedUnitCell``).
public protocol MixedPrecisionAnalogPart: Sendable, Codable {
    var rows: Int { get }
    var columns: Int { get }
    /// The effective weight `[rows, columns]`.
    var weights: Tensor { get }
    /// The devices' `dw_min`, the default granularity `ε` of the transfer.
    var nominalStep: Float { get }

    mutating func forward(_ x: Tensor) -> Tensor
    mutating func backward(_ d: Tensor) -> Tensor

    /// One transfer write `W ← W − η dᵀx` (`x`: `[n, columns]`, `d`: `[n, rows]`; `n` may be
    /// 0) with update and bit-length management on (aihwkit's `setUpPar` forces them), counted
    /// as `vectorUpdates` vector updates (aihwkit calls `updateVectorWithDevice` once per
    /// transferred row, zero rows included). Returns the pulses the write delivered.
    mutating func managedWrite(x: Tensor, d: Tensor, learningRate: Float, vectorUpdates: Int) -> Int

    /// Once per mini-batch: decay, diffusion.
    mutating func finishBatch()
    /// Programs the effective weight (aihwkit `onSetWeights`).
    mutating func program(_ target: Tensor)
    /// The exportable state under `prefix.` (`prefix.weights`, …).
    func exportedTensors(prefix: String) -> [(name: String, tensor: Tensor)]
    /// The name in summaries (`ConstantStepDeviceArray`, `OneSidedUnitCell(…)`).
    static var partName: String { get }
}

extension CrossbarArray: MixedPrecisionAnalogPart {
    public mutating func managedWrite(x: Tensor, d: Tensor, learningRate: Float, vectorUpdates: Int) -> Int {
        guard x.rows > 0 else { return 0 }
        let saved = update
        var managed = saved
        managed.updateManagement = true
        managed.bitLengthManagement = true
        update = managed
        let before = totalPulseCount
        update(x: x, d: d, learningRate: learningRate)
        update = saved
        return totalPulseCount - before
    }

    public mutating func finishBatch() { postUpdate() }

    public mutating func program(_ target: Tensor) { setWeights(target) }

    public static var partName: String { "\(Devices.self)" }
}

// The conformance of OneSidedUnitCell is in OneSidedUnitCell.swift (it writes the arrays).
