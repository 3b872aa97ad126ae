import NeuromorphCore
import NeuromorphNN

/// A 2-D convolution on analog tiles (aihwkit `AnalogConv2d`): each image is unrolled with
/// `im2col`, every patch row is one input vector of the crossbar (whose columns hold the
/// unrolled kernels, `[outChannels, inChannels·k·k]`), and the update applies one rank-1
/// pulsed update per output pixel, as the hardware would.
public struct AnalogConv2d<Cell: UnitCell>: Layer {
    /// Unrolling, layouts and input gradient (shared with every crossbar convolution).
    var patching: PatchConvolution
    public var inChannels: Int { patching.inChannels }
    public var outChannels: Int { patching.outChannels }
    public var kernelSize: Int { patching.kernelSize }
    public var stride: Int { patching.stride }
    public var padding: Int { patching.padding }
    /// The crossbar(s) holding the unrolled kernels; its bias is the convolution's bias.
    public var crossbar: AnalogLinear<Cell>

    /// A convolution of `cell` unit cells (tiles as in ``AnalogLinear``).
    public init<Configuration: UnitCellConfiguration>(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, cell: Configuration, forwardIO: IOParameters = .forwardDefault,
        backwardIO: IOParameters = .backwardDefault, update: PulsedUpdateParameters = PulsedUpdateParameters(),
        maxTileInputs: Int = 512, maxTileOutputs: Int = 512, weightScalingOmega: Float? = nil,
        generator: inout SeededGenerator
    ) throws where Configuration.Cell == Cell {
        patching = PatchConvolution(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize,
                                    stride: stride, padding: padding)
        crossbar = try AnalogLinear(inChannels * kernelSize * kernelSize, outChannels, bias: bias, cell: cell,
                                    forwardIO: forwardIO, backwardIO: backwardIO, update: update,
                                    maxTileInputs: maxTileInputs, maxTileOutputs: maxTileOutputs,
                                    weightScalingOmega: weightScalingOmega, generator: &generator)
    }

    public var summary: String {
        "AnalogConv2d(\(inChannels) → \(outChannels), \(kernelSize)×\(kernelSize), stride \(stride), pad \(padding), \(Cell.summaryName))"
    }

    public var hasParameters: Bool { true }

    public mutating func forward(_ input: Tensor, mode: ExecutionMode) -> Tensor {
        patching.forward(input, mode: mode, through: &crossbar, layer: "AnalogConv2d")
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }

    public mutating func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        patching.backward(outputGradient, needsInputGradient: needsInputGradient, through: &crossbar, layer: "AnalogConv2d")
    }

    public mutating func update<O: Optimizer>(with optimizer: inout O, slot: inout Int) {
        crossbar.update(with: &optimizer, slot: &slot)
    }

    public mutating func forEachParameter(_ body: (inout Parameter) throws -> Void) rethrows {
        try crossbar.forEachParameter(body)
    }
}

extension AnalogConv2d: ProgrammedLayer {
    /// `weight`: the unrolled kernels `[outChannels, inChannels·k·k]` read from the tiles.
    public var programmedWeights: [(name: String, value: Tensor)] { crossbar.programmedWeights }
    public mutating func program(_ name: String, to value: Tensor) throws { try crossbar.program(name, to: value) }
}

extension AnalogConv2d: StatefulLayer {
    public func encodedState() throws -> Data { try crossbar.encodedState() }
    public mutating func restoreState(from data: Data) throws { try crossbar.restoreState(from: data) }
}

import Foundation

extension AnalogConv2d {
    /// A convolution of ``SingleDevice`` cells of `device`.
    public init<Device: PulsedDeviceConfiguration>(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, device: Device, forwardIO: IOParameters = .forwardDefault,
        backwardIO: IOParameters = .backwardDefault, update: PulsedUpdateParameters = PulsedUpdateParameters(),
        maxTileInputs: Int = 512, maxTileOutputs: Int = 512, weightScalingOmega: Float? = nil,
        generator: inout SeededGenerator
    ) throws where Cell == SingleDevice<Device.DeviceArray> {
        try self.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding, bias: bias,
                      cell: SingleDeviceConfiguration(device: device), forwardIO: forwardIO, backwardIO: backwardIO,
                      update: update, maxTileInputs: maxTileInputs, maxTileOutputs: maxTileOutputs,
                      weightScalingOmega: weightScalingOmega, generator: &generator)
    }
}
