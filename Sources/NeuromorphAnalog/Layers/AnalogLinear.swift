import NeuromorphCore
import NeuromorphNN

/// Splits `0..<count` into consecutive ranges of at most `size` (aihwkit's tile mapping
/// with `max_input_size`/`max_output_size`).
func tileRanges(_ count: Int, size: Int) -> [Range<Int>] {
    stride(from: 0, to: count, by: size).map { $0..<Swift.min($0 + size, count) }
}

/// A fully connected layer whose weights live on analog crossbar tiles (aihwkit
/// `AnalogLinear`): the forward and backward products run through each tile's periphery,
/// and `update(with:slot:)` applies the optimizer's learning rate as a pulsed update on the
/// devices (aihwkit `AnalogSGD`). Layers larger than one tile are split over a grid of
/// tiles with digital partial sums. The bias is digital (aihwkit's default
/// `digital_bias`) and follows the optimizer like any digital parameter.
public struct AnalogLinear<Device: PulsedDeviceConfiguration>: Layer {
    public let inputFeatures: Int
    public let outputFeatures: Int
    public let device: Device
    /// Tiles indexed `[outputBlock][inputBlock]`.
    public var tiles: [[AnalogTile<Device.DeviceArray>]]
    public var bias: Parameter?
    /// The digital output scale α of weight remapping (aihwkit `weight_scaling_omega`):
    /// the tiles hold `W/α`, outputs are multiplied by α; 1 without remapping.
    public private(set) var outputScale: Float = 1
    let inputBlocks: [Range<Int>]
    let outputBlocks: [Range<Int>]
    private var cachedInput = Tensor.zeros([0])
    private var cachedGradient = Tensor.zeros([0])

    public init(_ inputFeatures: Int, _ outputFeatures: Int, bias: Bool = true, device: Device,
                forwardIO: IOParameters = .forwardDefault, backwardIO: IOParameters = .backwardDefault,
                update: PulsedUpdateParameters = PulsedUpdateParameters(), maxTileInputs: Int = 512,
                maxTileOutputs: Int = 512, weightScalingOmega: Float? = nil, generator: inout SeededGenerator) throws {
        precondition(inputFeatures > 0 && outputFeatures > 0 && maxTileInputs > 0 && maxTileOutputs > 0,
                     "AnalogLinear: sizes must be positive")
        if let omega = weightScalingOmega, !(omega > 0) {
            throw DeviceParameterError(device: "AnalogLinear", parameter: "weight_scaling_omega", "must be > 0, got \(omega)")
        }
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        self.device = device
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
        var grid: [[AnalogTile<Device.DeviceArray>]] = []
        for (o, outputs) in outputBlocks.enumerated() {
            var row: [AnalogTile<Device.DeviceArray>] = []
            for (i, inputs) in inputBlocks.enumerated() {
                var tileGenerator = generator.split(stream: UInt64(o * 1000 + i))
                var tile = try AnalogTile(outputs: outputs.count, inputs: inputs.count, device: device, forwardIO: forwardIO,
                                          backwardIO: backwardIO, update: update, generator: &tileGenerator)
                tile.setWeights(programmed.gatherRows(outputs).columns(inputs))
                row.append(tile)
            }
            grid.append(row)
        }
        tiles = grid
    }

    public var summary: String {
        "AnalogLinear(\(inputFeatures) → \(outputFeatures), \(Device.self), \(outputBlocks.count)×\(inputBlocks.count) tiles)"
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

    /// Programs `w` (`[out, in]`) onto the tiles directly (clipped to the devices' bounds).
    public mutating func setWeights(_ w: Tensor) {
        precondition(w.shape == [outputFeatures, inputFeatures], "AnalogLinear.setWeights: \(w.shape)")
        for (o, outputs) in outputBlocks.enumerated() {
            for (i, inputs) in inputBlocks.enumerated() {
                tiles[o][i].setWeights(w.gatherRows(outputs).columns(inputs) * (1 / outputScale))
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

    /// The pulsed update of every tile with the optimizer's learning rate; the digital bias
    /// goes through the optimizer.
    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        let learningRate = optimizer.learningRate
        for (o, outputs) in outputBlocks.enumerated() {
            // dL/dW_tile = α · dL/dW_effective.
            let d = outputScale == 1 ? cachedGradient.columns(outputs) : cachedGradient.columns(outputs) * outputScale
            for (i, inputs) in inputBlocks.enumerated() {
                tiles[o][i].update(x: cachedInput.columns(inputs), d: d, learningRate: learningRate)
            }
        }
        slot += 1   // the weight's slot, kept so digital and analog models number parameters alike
        if bias != nil {
            optimizer.update(&bias!, slot: slot)
            slot += 1
        }
    }

    public var hasParameters: Bool { true }

    /// Visits the weight (read from the tiles; writes program the tiles) and the bias.
    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        var weight = Parameter(name: "weight", value: weights)
        let before = weight.value
        try body(&weight)
        if weight.value != before { setWeights(weight.value) }
        if bias != nil { try body(&bias!) }
    }
}

/// The tiles' complete state (device weights, sampled device parameters, pulse counts and
/// random streams) in a binary property list, so a resumed run continues bit-identically.
extension AnalogLinear: StatefulLayer {
    public func encodedState() throws -> Data {
        let encoder = PropertyListEncoder()
        encoder.outputFormat = .binary
        return try encoder.encode(tiles)
    }

    public mutating func restoreState(from data: Data) throws {
        let restored = try PropertyListDecoder().decode([[AnalogTile<Device.DeviceArray>]].self, from: data)
        guard restored.count == tiles.count, zip(restored, tiles).allSatisfy({ $0.count == $1.count }),
              zip(restored.joined(), tiles.joined()).allSatisfy({ $0.rows == $1.rows && $0.columns == $1.columns }) else {
            throw DeviceParameterError(device: "AnalogLinear", parameter: "state",
                                       "the saved tile grid does not match this layer's \(outputBlocks.count)×\(inputBlocks.count) tiles")
        }
        tiles = restored
    }
}

import Foundation

/// Per-device arrays of an analog layer for export (`.npy` in checkpoints): pulse counts and
/// every sampled device parameter of each tile (aihwkit issue #671).
public protocol DeviceStateExporting {
    /// Named `[rows, columns]` tensors, e.g. `tile0_0.pulse_counts`, `tile0_0.dw_min_up`.
    var deviceTensors: [(name: String, tensor: Tensor)] { get }
}

extension AnalogLinear: DeviceStateExporting {
    public var deviceTensors: [(name: String, tensor: Tensor)] {
        var result: [(String, Tensor)] = []
        for (o, row) in tiles.enumerated() {
            for (i, tile) in row.enumerated() {
                let shape = [tile.rows, tile.columns]
                result.append(("tile\(o)_\(i).weights", tile.weights))
                result.append(("tile\(o)_\(i).pulse_counts", Tensor(shape: shape, scalars: tile.pulseCounts.map(Float.init))))
                for (name, values) in tile.sampledParameters.sorted(by: { $0.key < $1.key }) where values.count == tile.rows * tile.columns {
                    result.append(("tile\(o)_\(i).\(name)", Tensor(shape: shape, scalars: values)))
                }
            }
        }
        return result
    }
}

extension AnalogConv2d: DeviceStateExporting {
    public var deviceTensors: [(name: String, tensor: Tensor)] { crossbar.deviceTensors }
}
