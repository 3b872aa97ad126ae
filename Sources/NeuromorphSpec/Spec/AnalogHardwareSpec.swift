import NeuromorphAnalog
import NeuromorphCore
import NeuromorphNN

/// The `hardware.analog` section: which layers run on analog crossbar tiles, their device
/// model, periphery and update (aihwkit's `SingleRPUConfig` in one block).
///
/// ```yaml
/// hardware:
///   analog:
///     device: constant_step            # a model or a preset, see AnalogDeviceChoice
///     pulsed: {dw_min: 0.001, dw_min_dtod: 0.3}   # aihwkit PulsedDevice overrides
///     forward: {out_noise: 0.06, inp_res: 0.0078740}
///     backward: {out_noise: 0.06}
///     update: {pulse_type: stochastic, desired_bl: 31}
///     layers: all                      # or a list of layer indices, e.g. [0, 2]
///     max_tile_size: 512
/// ```
public struct AnalogHardwareSpec: Codable, Sendable, Equatable {
    public var device: AnalogDeviceChoice
    public var pulsed: PulsedParameterOverrides
    public var forward: IOParameters
    public var backward: IOParameters
    public var update: PulsedUpdateParameters
    /// Indices (into `model.layers`) of the linear/conv layers to put on tiles; `nil`: all.
    public var layers: [Int]?
    public var maxTileSize: Int
    /// Weight remapping (aihwkit `weight_scaling_omega`): the largest initial |w| of each
    /// layer is programmed at ω and a digital output scale compensates; `nil`: off.
    public var weightScalingOmega: Double?

    public init(device: AnalogDeviceChoice, pulsed: PulsedParameterOverrides = PulsedParameterOverrides(),
                forward: IOParameters = .forwardDefault, backward: IOParameters = .backwardDefault,
                update: PulsedUpdateParameters = PulsedUpdateParameters(), layers: [Int]? = nil, maxTileSize: Int = 512) {
        self.device = device
        self.pulsed = pulsed
        self.forward = forward
        self.backward = backward
        self.update = update
        self.layers = layers
        self.maxTileSize = maxTileSize
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case device, pulsed, forward, backward, update, layers, maxTileSize = "max_tile_size"
        case weightScalingOmega = "weight_scaling_omega"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        device = try c.decodeChoice(AnalogDeviceChoice.self, forKey: .device)
        pulsed = try c.decodeIfPresent(PulsedParameterOverrides.self, forKey: .pulsed) ?? PulsedParameterOverrides()
        forward = try c.decodeIfPresent(IOParameters.self, forKey: .forward) ?? .forwardDefault
        backward = try c.decodeIfPresent(IOParameters.self, forKey: .backward) ?? .backwardDefault
        update = try c.decodeIfPresent(PulsedUpdateParameters.self, forKey: .update) ?? PulsedUpdateParameters()
        if c.contains(.layers), (try? c.decode(String.self, forKey: .layers)) == "all" {
            layers = nil
        } else {
            layers = try c.decodeIfPresent([Int].self, forKey: .layers)
        }
        maxTileSize = try c.decodeCheckedIfPresent(Int.self, forKey: .maxTileSize, "a tile size ≥ 1") { $0 >= 1 } ?? 512
        weightScalingOmega = try c.decodeCheckedIfPresent(Double.self, forKey: .weightScalingOmega, "a weight > 0, e.g. 0.6") { $0 > 0 }
        if !pulsed.isEmpty && !device.hasPulsedParameters {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.pulsed]),
                            "device '\(device.rawValue)' has no aihwkit PulsedDevice parameters to override; remove 'pulsed'")
        }
    }
}

/// The device models and presets a spec can name.
public enum AnalogDeviceChoice: String, Codable, Sendable, CaseIterable {
    /// Exact `dw_min` steps, no bounds or noise (the symmetric reference).
    case ideal
    /// aihwkit `ConstantStepDevice` with its 1.1 defaults.
    case constantStep = "constant_step"
    /// aihwkit `SoftBoundsDevice` with its 1.1 defaults.
    case softBounds = "soft_bounds"
    /// aihwkit `ExpStepDevice` defaults.
    case expStep = "exp_step"
    /// aihwkit `PowStepDevice` defaults.
    case powStep = "pow_step"
    /// Gokmen 2021 soft-bounds device with 1,200 states (μ_dw = 1e-3, μ_s = 1.66).
    case gokmen1200 = "gokmen-1200-states"
    /// Gokmen 2021 soft-bounds device with 15 states (μ_dw = 0.08).
    case gokmen15 = "gokmen-15-states"
    /// Zhao et al. 2021 Ag:Si NeuroSim device (NL_LTP 2.40, NL_LTD −4.88, 500 levels, 3.5 % c2c).
    case zhaoAgSi = "zhao-ag-si"
    /// Onen et al. 2022 asymmetric soft-bounds toy device.
    case onenAsymmetric = "onen-asymmetric"

    /// Whether `pulsed:` overrides apply (the model carries aihwkit `PulsedDevice` parameters).
    public var hasPulsedParameters: Bool {
        switch self {
        case .ideal, .zhaoAgSi: false
        default: true
        }
    }
}

/// Overrides of aihwkit's `PulsedDevice` parameters (aihwkit names); absent keys keep the
/// chosen model's values.
public struct PulsedParameterOverrides: Codable, Sendable, Equatable {
    public var values: [String: Double] = [:]
    public init() {}
    public var isEmpty: Bool { values.isEmpty }

    static var keys: [String: WritableKeyPath<PulsedDeviceParameters, Float>] { [
        "dw_min": \.dwMin, "dw_min_dtod": \.dwMinDtod, "dw_min_std": \.dwMinStd, "up_down": \.upDown,
        "up_down_dtod": \.upDownDtod, "w_min": \.wMin, "w_max": \.wMax, "w_min_dtod": \.wMinDtod,
        "w_max_dtod": \.wMaxDtod, "reset": \.reset, "reset_dtod": \.resetDtod, "reset_std": \.resetStd,
    ] }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: Self.keys.keys.sorted())
        let c = try decoder.container(keyedBy: AnyKey.self)
        for key in c.allKeys { values[key.stringValue] = try c.decode(Double.self, forKey: key) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for (key, value) in values.sorted(by: { $0.key < $1.key }) { try c.encode(value, forKey: AnyKey(stringValue: key)) }
    }

    func applied(to parameters: PulsedDeviceParameters) -> PulsedDeviceParameters {
        var p = parameters
        for (key, value) in values { if let path = Self.keys[key] { p[keyPath: path] = Float(value) } }
        return p
    }
}

// MARK: - Building analog layers

extension AnalogHardwareSpec {
    /// An analog linear layer with this section's device, periphery and update.
    func linear(_ inputs: Int, _ outputs: Int, bias: Bool, generator: inout SeededGenerator) throws -> any Layer {
        try wrapping { try makeLinear(deviceConfiguration, inputs, outputs, bias: bias, generator: &generator) }
    }

    /// An analog convolution with this section's device, periphery and update.
    func conv(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, padding: Int, bias: Bool,
              generator: inout SeededGenerator) throws -> any Layer {
        try wrapping {
            try makeConv(deviceConfiguration, inChannels, outChannels, kernel: kernel, stride: stride, padding: padding,
                         bias: bias, generator: &generator)
        }
    }

    private func makeLinear<D: PulsedDeviceConfiguration>(_ device: D, _ inputs: Int, _ outputs: Int, bias: Bool,
                                                          generator: inout SeededGenerator) throws -> any Layer {
        try AnalogLinear(inputs, outputs, bias: bias, device: device, forwardIO: forward, backwardIO: backward,
                         update: update, maxTileInputs: maxTileSize, maxTileOutputs: maxTileSize,
                         weightScalingOmega: weightScalingOmega.map(Float.init), generator: &generator)
    }

    private func makeConv<D: PulsedDeviceConfiguration>(_ device: D, _ inChannels: Int, _ outChannels: Int, kernel: Int,
                                                        stride: Int, padding: Int, bias: Bool,
                                                        generator: inout SeededGenerator) throws -> any Layer {
        try AnalogConv2d(inChannels, outChannels, kernelSize: kernel, stride: stride, padding: padding, bias: bias,
                         device: device, forwardIO: forward, backwardIO: backward, update: update,
                         maxTileInputs: maxTileSize, maxTileOutputs: maxTileSize,
                         weightScalingOmega: weightScalingOmega.map(Float.init), generator: &generator)
    }

    private func wrapping(_ body: () throws -> any Layer) throws -> any Layer {
        do { return try body() } catch let error as DeviceParameterError {
            throw SpecError(path: "hardware.analog", error.description)
        }
    }

    /// The chosen device model with the `pulsed` overrides applied.
    public var deviceConfiguration: any PulsedDeviceConfiguration {
        func withPulsed<D: PulsedDeviceConfiguration>(_ device: D, _ path: WritableKeyPath<D, PulsedDeviceParameters>) -> D {
            var copy = device
            copy[keyPath: path] = pulsed.applied(to: device[keyPath: path])
            return copy
        }
        return switch device {
        case .ideal: IdealPulsedDevice.symmetricReference
        case .constantStep: withPulsed(ConstantStepDevice.aihwkitDefault, \.pulsed)
        case .softBounds: withPulsed(SoftBoundsDevice.aihwkitDefault, \.pulsed)
        case .expStep: withPulsed(ExpStepDevice.aihwkitDefault, \.pulsed)
        case .powStep: withPulsed(PowStepDevice.aihwkitDefault, \.pulsed)
        case .gokmen1200: withPulsed(LinearStepDevice.gokmen1200States, \.pulsed)
        case .gokmen15: withPulsed(LinearStepDevice.gokmen15States, \.pulsed)
        case .zhaoAgSi: NeuroSimDevice.zhaoAgSi
        case .onenAsymmetric: withPulsed(AsymmetricSoftBoundsDevice.onenToy, \.pulsed)
        }
    }
}
