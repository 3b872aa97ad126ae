import NeuromorphCore

/// The parameters of a cell built from a fast and a slow device model (the transfer family
/// and SHD): defaults you can build with, and a check that names the bad key.
public protocol TwoDeviceCellParameters: Sendable, Codable, Equatable {
    /// aihwkit's defaults for the cell.
    init()
    /// Throws ``DeviceParameterError`` naming the aihwkit key of a bad value or combination.
    func validate() throws
}

/// Parameters that carry the Tiki-Taka settings of a transfer cell (`gamma`,
/// `transfer_update`, `transfer_columns`, …): the cells built on ``TransferArrays``.
public protocol TransferCellParameters: TwoDeviceCellParameters {
    /// The Tiki-Taka parameters (aihwkit `TransferCompound` fields).
    var transfer: TransferCompoundParameters { get }
}

/// A configuration that builds cells from a fast device (`A`, aihwkit device 0), a slow device
/// (`C`, device 1) and the cell's parameters: ``TransferCompoundConfiguration``,
/// ``BufferedTransferCompoundConfiguration``, ``ChoppedTransferCompoundConfiguration``,
/// ``DynamicTransferCompoundConfiguration`` and ``StochasticHamiltonianDescentConfiguration``.
public protocol TwoDeviceCellConfiguration: UnitCellConfiguration {
    associatedtype FastDevice: PulsedDeviceConfiguration
    associatedtype SlowDevice: PulsedDeviceConfiguration
    associatedtype Parameters: TwoDeviceCellParameters

    var fast: FastDevice { get }
    var slow: SlowDevice { get }
    var parameters: Parameters { get }
    init(fast: FastDevice, slow: SlowDevice, parameters: Parameters)
}

extension TwoDeviceCellConfiguration where SlowDevice == FastDevice {
    /// Both arrays of one device model (aihwkit: one device given for both).
    public init(device: FastDevice, parameters: Parameters = Parameters()) {
        self.init(fast: device, slow: device, parameters: parameters)
    }
}

extension TwoDeviceCellConfiguration where Parameters: TransferCellParameters {
    /// Checks the parameters, then builds `A` (stream `device.0`, the layer's update) and `C`
    /// (stream `device.1`, the cell's `transfer_update`) with the cell's `gamma` and slice
    /// direction.
    func makeTransferArrays(outputs: Int, inputs: Int, forwardIO: IOParameters, backwardIO: IOParameters,
                            update: PulsedUpdateParameters,
                            generator: inout SeededGenerator) throws -> TransferArrays<FastDevice.DeviceArray, SlowDevice.DeviceArray> {
        try parameters.validate()
        let p = parameters.transfer
        return try NeuromorphAnalog.makeTransferArrays(
            fast: fast, slow: slow, outputs: outputs, inputs: inputs, forwardIO: forwardIO, backwardIO: backwardIO,
            update: update, transferUpdate: p.transferUpdate, gamma: p.gamma, transferColumns: p.transferColumns,
            generator: &generator)
    }
}

extension TransferCompoundParameters: TransferCellParameters {
    /// Itself: Tiki-Taka v1 has no other parameters.
    public var transfer: TransferCompoundParameters { self }
}

extension BufferedTransferCompoundParameters: TransferCellParameters {}
extension ChoppedTransferCompoundParameters: TransferCellParameters {}

extension DynamicTransferCompoundParameters: TransferCellParameters {
    /// The Tiki-Taka parameters inside AGAD's c-TTv2 parameters.
    public var transfer: TransferCompoundParameters { chopped.transfer }
}

extension StochasticHamiltonianDescentParameters: TwoDeviceCellParameters {}
