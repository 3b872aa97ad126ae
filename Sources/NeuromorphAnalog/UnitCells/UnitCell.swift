import NeuromorphCore

/// What one cross-point of an analog layer is built from: one or more crossbar arrays
/// (``CrossbarArray``) whose devices combine into an effective weight (aihwkit's
/// `UnitCell` family in `simulator/configs/compounds.py`: `SingleRPUConfig`,
/// `ReferenceUnitCell`, `VectorUnitCell`, `TransferCompound`, …).
///
/// ```
/// W_eff = Σ_k γ_k G_k                 (weights: the [out, in] effective weight)
/// y = f_out(W_eff f_in(x))            (forward, through the cell's forward periphery)
/// z = f_out(W_effᵀ f_in(d))           (backward)
/// update(x, d, rates)                 (the cell's training rule; pulsed SGD for the simple cells)
/// finishBatch()                       (once per mini-batch: decay, diffusion, transfers)
/// ```
///
/// A layer holds a grid of cells, one per tile, and calls them through this protocol with
/// the concrete cell type as a generic parameter (no existentials in the hot path).
/// Training algorithms beyond plain SGD (Tiki-Taka, TTv2, SHD, mixed precision) are new
/// conformances.
public protocol UnitCell: Sendable, Codable {
    /// Outputs (rows of `W`).
    var rows: Int { get }
    /// Inputs (columns of `W`).
    var columns: Int { get }
    /// The effective weight `[rows, columns]` read from the cell's arrays (noise-free).
    var weights: Tensor { get }

    /// The forward product of a batch `[B, columns]` → `[B, rows]`.
    mutating func forward(_ x: Tensor) -> Tensor
    /// The backward (transpose) product of a batch `[B, rows]` → `[B, columns]`.
    mutating func backward(_ d: Tensor) -> Tensor
    /// One mini-batch of the cell's training rule for the gradient `Σ_b d_bᵀ x_b` (`x`:
    /// `[B, columns]`, `d`: `[B, rows]`, both in the cell's weight units).
    mutating func update(x: Tensor, d: Tensor, rates: LearningRates)
    /// Called once after each mini-batch update (aihwkit's post-update step).
    mutating func finishBatch()
    /// Programs the effective weight to `target` (`[rows, columns]`) by direct writes,
    /// clipped to the devices' bounds (aihwkit `set_weights`).
    mutating func program(_ target: Tensor)
    /// The cell's internal state by name for export (`device0.weights`,
    /// `device0.pulse_counts`, `device1.w_max`, …), each `[rows, columns]`.
    var internalState: [(name: String, tensor: Tensor)] { get }
    /// A short name for summaries (`SingleDevice(ConstantStepDeviceArray)`).
    static var summaryName: String { get }
}

/// A value that builds unit cells of one kind for a given size (aihwkit's
/// `UnitCellRPUConfig` / `SingleRPUConfig`): data you can print, save and compare.
public protocol UnitCellConfiguration: Sendable, Codable, Equatable {
    associatedtype Cell: UnitCell

    /// A cell of `outputs × inputs` with the given periphery and update settings. Device
    /// variations are drawn from streams split from `generator`; invalid parameters throw
    /// ``DeviceParameterError``.
    func makeCell(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                  update: PulsedUpdateParameters, generator: inout SeededGenerator) throws -> Cell
}

// MARK: - Export

extension CrossbarArray {
    /// The array's exportable state (`prefix.weights`, `prefix.pulse_counts` and every
    /// sampled per-device parameter), each `[rows, columns]`.
    public func exportedTensors(prefix: String) -> [(name: String, tensor: Tensor)] {
        let shape = [rows, columns]
        var result: [(name: String, tensor: Tensor)] = [
            ("\(prefix).weights", weights),
            ("\(prefix).pulse_counts", Tensor(shape: shape, scalars: pulseCounts.map { Float($0) })),   // not map(Float.init): that picks init(bitPattern:)
        ]
        for (name, values) in sampledParameters.sorted(by: { $0.key < $1.key }) where values.count == rows * columns {
            result.append(("\(prefix).\(name)", Tensor(shape: shape, scalars: values)))
        }
        return result
    }
}
