import NeuromorphCore

/// Analog stochastic weight averaging (Gokmen 2021 Part II, digest
/// `ttv2_gradient-decomposition_shd.md` §1.5; note `analog-training.md` §1.10): sparse
/// uniform-random products of a training tile, interleaved with its updates, accumulated in a
/// ``RunningAverager``; at the end of the window `((M_xx)⁻¹ M_xy)ᵀ` estimates the average of
/// the weights the products saw.
///
/// ```
/// every call of record(...): x_s ~ U[−1, 1]^in, y_s = tile.forward(x_s)  (productsPerRecord of them)
/// M_xx += Σ x_s x_sᵀ, M_xy += Σ x_s y_sᵀ
/// averagedWeights() = ((M_xx)⁻¹ M_xy)ᵀ
/// ```
///
/// Budgets [T]: 100K products per window (epochs 40-50 or 180-200 of the LSTM), about 0.1 %
/// extra compute; 10K for a single extraction. The inputs come from this averager's own stream
/// (`swa`), so a digital processor could regenerate them.
public struct AnalogSWA: Sendable, Codable, Equatable {
    public private(set) var averager: RunningAverager
    /// Products per ``record(from:)`` call (≥ 1).
    public let productsPerRecord: Int
    /// The uniform inputs.
    var generator: SeededGenerator

    public init(inputs: Int, outputs: Int, productsPerRecord: Int = 1, generator: SeededGenerator) {
        precondition(productsPerRecord >= 1, "AnalogSWA: productsPerRecord ≥ 1")
        averager = RunningAverager(inputs: inputs, outputs: outputs)
        self.productsPerRecord = productsPerRecord
        self.generator = generator
    }

    /// Draws ``productsPerRecord`` inputs and accumulates the products `forward` returns.
    public mutating func record(forward: (Tensor) -> Tensor) {
        let x = Tensor.randomUniform([productsPerRecord, averager.inputs], lower: -1, upper: 1, using: &generator)
        averager.accumulate(x: x, y: forward(x))
    }

    /// Records products of a unit cell through its forward periphery (noise and all).
    public mutating func record<Cell: UnitCell>(from cell: inout Cell) {
        record { cell.forward($0) }
    }

    /// The averaged weights `[out, in]` of the window so far.
    public func averagedWeights() throws -> Tensor { try averager.estimate() }

    /// Starts a new window.
    public mutating func reset() { averager.reset() }
}
