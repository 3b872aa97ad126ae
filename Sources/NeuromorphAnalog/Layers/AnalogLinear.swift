import NeuromorphCore
import NeuromorphNN

/// Splits `0..<count` into consecutive ranges of at most `size` (aihwkit's tile mapping
/// with `max_input_size`/`max_output_size`).
func tileRanges(_ count: Int, size: Int) -> [Range<Int>] {
    stride(from: 0, to: count, by: size).map { $0..<Swift.min($0 + size, count) }
}

/// A fully connected layer whose weights live on analog crossbar tiles (aihwkit
/// `AnalogLinear`): the forward and backward products run through each tile's unit cell,
/// and `update(with:slot:)` hands the optimizer's learning rate to every cell as
/// ``LearningRates`` (aihwkit `AnalogSGD`). Layers larger than one tile are split over a
/// grid of tiles (`maxTileInputs`, `maxTileOutputs`) with digital partial sums. The bias is
/// digital (aihwkit's default `digital_bias`) and follows the optimizer like any digital
/// parameter; the weights are device state, read and written through `ProgrammedLayer`.
///
/// `Cell` is the concrete unit cell (``SingleDevice``, ``ReferencePair``, …), so the
/// per-tile calls are statically dispatched.
public struct AnalogLinear<Cell: UnitCell>: Layer {
    public let inputFeatures: Int
    public let outputFeatures: Int
    /// One unit cell per tile, indexed `[outputBlock][inputBlock]`.
    public var tiles: [[Cell]]
    public var bias: Parameter?
    /// The digital output scale α of weight remapping (aihwkit `weight_scaling_omega`):
    /// the tiles hold `W/α`, outputs are multiplied by α; 1 without remapping.
    public private(set) var outputScale: Float = 1
    let inputBlocks: [Range<Int>]
    let outputBlocks: [Range<Int>]
    private var cachedInput = Tensor.zeros([0])
    private var cachedGradient = Tensor.zeros([0])

    /// A layer of `cell` unit cells. Tile `(o, i)` is built from stream `tile.o.i` of
    /// `generator`; the initial weights and bias are drawn from `generator` first (PyTorch's
    /// `nn.Linear` initialization) and programmed onto the cells.
    public init<Configuration: UnitCellConfiguration>(
        _ inputFeatures: Int, _ outputFeatures: Int, bias: Bool = true, cell: Configuration,
        forwardIO: IOParameters = .forwardDefault, backwardIO: IOParameters = .backwardDefault,
        update: PulsedUpdateParameters = PulsedUpdateParameters(), maxTileInputs: Int = 512,
        maxTileOutputs: Int = 512, weightScalingOmega: Float? = nil, generator: inout SeededGenerator
    ) throws where Configuration.Cell == Cell {
        guard inputFeatures > 0, outputFeatures > 0 else {
            throw DeviceParameterError(device: "AnalogLinear", parameter: "shape",
                                       "features must be > 0, got \(inputFeatures) → \(outputFeatures)")
        }
        guard maxTileInputs > 0, maxTileOutputs > 0 else {
            throw DeviceParameterError(device: "AnalogLinear", parameter: "max_tile_size",
                                       "must be ≥ 1, got \(maxTileInputs)×\(maxTileOutputs)")
        }
        if let omega = weightScalingOmega, !(omega > 0) {
            throw DeviceParameterError(device: "AnalogLinear", parameter: "weight_scaling_omega", "must be > 0, got \(omega)")
        }
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        inputBlocks = tileRanges(inputFeatures, size: maxTileInputs)
        outputBlocks = tileRanges(outputFeatures, size: maxTileOutputs)
        // PyTorch's nn.Linear initialization, then programmed onto the devices (as aihwkit does).
        let bound = 1 / Float(inputFeatures).squareRoot()
        let initial = Tensor.randomUniform([outputFeatures, inputFeatures], lower: -bound, upper: bound, using: &generator)
        self.bias = bias ? Parameter(name: "bias", value: .randomUniform([outputFeatures], lower: -bound, upper: bound,
                                                                         using: &generator), decays: false) : nil
        // Weight remapping: the largest initial |w| lands on ω, α compensates digitally.
        if let omega = weightScalingOmega {
            let largest = initial.absMax()
            outputScale = largest > 0 ? largest / omega : 1
        }
        let programmed = initial * (1 / outputScale)
        var grid: [[Cell]] = []
        for (o, outputs) in outputBlocks.enumerated() {
            var row: [Cell] = []
            for (i, inputs) in inputBlocks.enumerated() {
                var tileGenerator = generator.split(key: StreamKey("tile.\(o).\(i)"))
                var tile = try cell.makeCell(outputs: outputs.count, inputs: inputs.count, forwardIO: forwardIO,
                                             backwardIO: backwardIO, update: update, generator: &tileGenerator)
                tile.program(programmed.gatherRows(outputs).columns(inputs))
                row.append(tile)
            }
            grid.append(row)
        }
        tiles = grid
    }

    public var summary: String {
        "AnalogLinear(\(inputFeatures) → \(outputFeatures), \(Cell.summaryName), \(outputBlocks.count)×\(inputBlocks.count) tiles)"
    }

    /// The effective weights, `[out, in]`: α times the weights stored on the tiles.
    public var weights: Tensor {
        var w = Tensor.zeros([outputFeatures, inputFeatures])
        for (o, outputs) in outputBlocks.enumerated() {
            for (i, inputs) in inputBlocks.enumerated() {
                let block = tiles[o][i].weights
                for (r, row) in outputs.enumerated() {
                    for (c, column) in inputs.enumerated() { w.scalars[row * inputFeatures + column] = block.scalars[r * inputs.count + c] }
                }
            }
        }
        return outputScale == 1 ? w : w * outputScale
    }

    /// Programs `w` (`[out, in]`, effective weights) onto the tiles' unit cells directly
    /// (clipped to the devices' bounds).
    public mutating func setWeights(_ w: Tensor) {
        precondition(w.shape == [outputFeatures, inputFeatures], "AnalogLinear.setWeights: \(w.shape)")
        for (o, outputs) in outputBlocks.enumerated() {
            for (i, inputs) in inputBlocks.enumerated() {
                tiles[o][i].program(w.gatherRows(outputs).columns(inputs) * (1 / outputScale))
            }
        }
    }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        precondition(input.columns == inputFeatures, "AnalogLinear: input has \(input.columns) features, expected \(inputFeatures)")
        let x = input.reshaped([input.rows, inputFeatures])
        if mode == .training { cachedInput = x }
        var output = Tensor.zeros([0])
        for (o, outputs) in outputBlocks.enumerated() {
            var partial = tiles[o][0].forward(x.columns(inputBlocks[0]))
            for (i, inputs) in inputBlocks.enumerated().dropFirst() {
                partial += tiles[o][i].forward(x.columns(inputs))   // digital sum of partial outputs
            }
            if outputScale != 1 { partial *= outputScale }
            if outputBlocks.count == 1 {
                output = partial
            } else {
                if o == 0 { output = Tensor.zeros([x.rows, outputFeatures]) }
                output.addColumns(partial, at: outputs)
            }
        }
        if let bias { output.addRowVector(bias.value) }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        precondition(cachedInput.rows == outputGradient.rows, "AnalogLinear.backward: call forward(mode: .training) first")
        cachedGradient = outputGradient.reshaped([outputGradient.rows, outputFeatures])
        if bias != nil { bias!.gradient = cachedGradient.sumRows() }
        guard needsInputGradient else { return Tensor.zeros([0]) }
        var inputGradient = Tensor.zeros([cachedGradient.rows, inputFeatures])
        for (o, outputs) in outputBlocks.enumerated() {
            let d = outputScale == 1 ? cachedGradient.columns(outputs) : cachedGradient.columns(outputs) * outputScale
            for (i, inputs) in inputBlocks.enumerated() { inputGradient.addColumns(tiles[o][i].backward(d), at: inputs) }
        }
        return inputGradient
    }

    /// The update of every tile's unit cell with the optimizer's learning rate as
    /// ``LearningRates/sgd``, then each cell's once-per-batch step; the digital bias goes
    /// through the optimizer. Slots number only the digital parameters (the bias), in the
    /// order of ``forEachParameter(_:)``.
    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        let rates = LearningRates(sgd: optimizer.learningRate)
        for (o, outputs) in outputBlocks.enumerated() {
            // dL/dW_tile = α · dL/dW_effective.
            let d = outputScale == 1 ? cachedGradient.columns(outputs) : cachedGradient.columns(outputs) * outputScale
            for (i, inputs) in inputBlocks.enumerated() {
                tiles[o][i].update(x: cachedInput.columns(inputs), d: d, rates: rates)
                tiles[o][i].finishBatch()
            }
        }
        if bias != nil {
            optimizer.update(&bias!, slot: slot)
            slot += 1
        }
    }

    public var hasParameters: Bool { true }

    /// Visits the digital bias only: the weights are device state (`ProgrammedLayer`),
    /// never written by an optimizer.
    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        if bias != nil { try body(&bias!) }
    }
}

// MARK: - Programmed weights

extension AnalogLinear: ProgrammedLayer {
    /// `weight`: the effective `[out, in]` weights read from the tiles (α included).
    public var programmedWeights: [(name: String, value: Tensor)] { [("weight", weights)] }

    /// Programs `weight` (`[out, in]`) onto the tiles (clipped to the devices' bounds).
    public mutating func program(_ name: String, to value: Tensor) throws {
        guard name == "weight" else {
            throw ProgrammingError(layer: "AnalogLinear", "no programmed weight '\(name)'; expected 'weight'")
        }
        guard value.shape == [outputFeatures, inputFeatures] else {
            throw ProgrammingError(layer: "AnalogLinear",
                                   "weight has shape \(value.shape), expected [\(outputFeatures), \(inputFeatures)]")
        }
        setWeights(value)
    }
}

/// The layer's complete state in a binary property list: every unit cell (device weights,
/// sampled device parameters, pulse counts and random streams), the digital output scale
/// and the bias value, so a restored layer continues bit-identically.
extension AnalogLinear: StatefulLayer {
    struct State: Codable {
        var tiles: [[Cell]]
        var outputScale: Float
        var bias: Tensor?
    }

    public func encodedState() throws -> Data {
        try StateCoding.encode(State(tiles: tiles, outputScale: outputScale, bias: bias?.value))
    }

    public mutating func restoreState(from data: Data) throws {
        let restored: State
        do {
            restored = try StateCoding.decode(State.self, from: data)
        } catch {
            throw DeviceParameterError(device: "AnalogLinear", parameter: "state",
                                       "the saved state is not a \(Cell.summaryName) tile grid: \(error)")
        }
        guard restored.tiles.count == tiles.count, zip(restored.tiles, tiles).allSatisfy({ $0.count == $1.count }),
              zip(restored.tiles.joined(), tiles.joined()).allSatisfy({ $0.rows == $1.rows && $0.columns == $1.columns }),
              (restored.bias == nil) == (bias == nil), restored.bias.map({ $0.shape == [outputFeatures] }) ?? true else {
            throw DeviceParameterError(device: "AnalogLinear", parameter: "state",
                                       "the saved tile grid does not match this layer's \(outputBlocks.count)×\(inputBlocks.count) tiles")
        }
        tiles = restored.tiles
        outputScale = restored.outputScale
        if let value = restored.bias { bias!.value = value }
    }
}

import Foundation

/// Per-device arrays of an analog layer for export (`.npy` in checkpoints): the internal
/// state of each tile's unit cell — device weights, pulse counts and every sampled device
/// parameter of each of its arrays (aihwkit issue #671).
public protocol DeviceStateExporting {
    /// Named `[rows, columns]` tensors, e.g. `tile0_0.device0.weights`,
    /// `tile0_0.device0.pulse_counts`, `tile0_0.device1.dw_min_up`.
    var deviceTensors: [(name: String, tensor: Tensor)] { get }
}

extension AnalogLinear: DeviceStateExporting {
    /// Each tile's unit-cell state, prefixed by the tile: `tile0_0.device0.weights`,
    /// `tile0_0.device0.pulse_counts`, `tile0_0.device1.w_max`, …
    public var deviceTensors: [(name: String, tensor: Tensor)] {
        var result: [(name: String, tensor: Tensor)] = []
        for (o, row) in tiles.enumerated() {
            for (i, tile) in row.enumerated() {
                for (name, tensor) in tile.internalState { result.append(("tile\(o)_\(i).\(name)", tensor)) }
            }
        }
        return result
    }
}

extension AnalogConv2d: DeviceStateExporting {
    public var deviceTensors: [(name: String, tensor: Tensor)] { crossbar.deviceTensors }
}

// MARK: - Single-device layers

extension AnalogLinear {
    /// A layer of ``SingleDevice`` cells of `device` (aihwkit `SingleRPUConfig`).
    public init<Device: PulsedDeviceConfiguration>(
        _ inputFeatures: Int, _ outputFeatures: Int, bias: Bool = true, device: Device,
        forwardIO: IOParameters = .forwardDefault, backwardIO: IOParameters = .backwardDefault,
        update: PulsedUpdateParameters = PulsedUpdateParameters(), maxTileInputs: Int = 512,
        maxTileOutputs: Int = 512, weightScalingOmega: Float? = nil, generator: inout SeededGenerator
    ) throws where Cell == SingleDevice<Device.DeviceArray> {
        try self.init(inputFeatures, outputFeatures, bias: bias, cell: SingleDeviceConfiguration(device: device),
                      forwardIO: forwardIO, backwardIO: backwardIO, update: update, maxTileInputs: maxTileInputs,
                      maxTileOutputs: maxTileOutputs, weightScalingOmega: weightScalingOmega, generator: &generator)
    }
}
