import NeuromorphCore

// MARK: - Workload adapter

extension NetworkLayer {
    /// The NeuroSim layer of a linear or convolution `WorkloadLayer`:
    /// - `conv2d` on `[D, H, W]` → an H × W × D IFM, K × K kernel, N filters, its stride and
    ///   padding;
    /// - `linear` on `[D]` → a fully-connected layer (1 × 1 × D); on `[T, D]` (tokens) → a
    ///   T × 1 × D IFM with a 1 × 1 kernel, so the layer runs once per token.
    ///
    /// Throws ``CIMEstimateError/unmappableLayer(layer:reason:)`` for a layer without
    /// stationary weights (pooling, activations, attention batch-matmuls).
    public init(_ layer: WorkloadLayer) throws {
        switch layer.kind {
        case .conv2d:
            guard layer.inputShape.count == 3, let weight = layer.weightShape, weight.count == 4 else {
                throw CIMEstimateError.unmappableLayer(layer: layer.path, reason: "a conv2d layer needs a [C, H, W] input "
                    + "and an [outC, inC, k, k] weight, got \(layer.inputShape) and \(layer.weightShape ?? [])")
            }
            self.init(name: layer.path, inputHeight: layer.inputShape[1], inputWidth: layer.inputShape[2],
                      inputChannels: layer.inputShape[0], kernelSize: weight[2], outputChannels: weight[0],
                      stride: layer.stride ?? 1, padding: layer.padding ?? 0)
        case .linear:
            guard let weight = layer.weightShape, weight.count == 2, layer.inputShape.last == weight[1] else {
                throw CIMEstimateError.unmappableLayer(layer: layer.path, reason: "a linear layer needs an [out, in] "
                    + "weight and an input ending in `in`, got \(layer.weightShape ?? []) and \(layer.inputShape)")
            }
            self.init(name: layer.path, inputHeight: layer.inputShape.dropLast().reduce(1, *), inputWidth: 1,
                      inputChannels: weight[1], kernelSize: 1, outputChannels: weight[0])
        default:
            throw CIMEstimateError.unmappableLayer(
                layer: layer.path, reason: "a \(layer.kind.rawValue) layer (\(layer.operation)) has no stationary "
                    + "weights to store in sub-arrays; expected a linear or conv2d layer")
        }
    }

    /// The weight layers of `workload` (linear and conv2d) as NeuroSim layers, in order; the
    /// other layers run in the digital periphery and are not costed by the macro model.
    public static func layers(of workload: Workload) throws -> [NetworkLayer] {
        try workload.weightLayers.map(NetworkLayer.init)
    }
}

extension CIMEstimateSpec {
    /// The design ``init(workload:preset:)`` uses when none is named: the 22 nm RRAM
    /// sub-array of Lu et al. 2021, Table 7 (He et al. 2020 cell, 5-bit flash ADC, 8-bit
    /// weights and activations).
    public static let defaultWorkloadPreset = "rram12-22nm"

    /// Names accepted by ``macroPreset(named:)``: the validation macro and the six Table 7
    /// designs (`sram-7nm`, `rram12-22nm`, …); every full preset name is accepted too.
    public static var macroPresetNames: [String] {
        [luEtAl2021ValidationMacro.name] + ["sram-7nm", "sram-22nm", "rram12-22nm", "rram13-22nm", "pcm14-22nm", "fefet15-22nm"]
    }

    /// A preset's macro, calibration, architecture and precisions without its network: a
    /// Table 7 design (`rram12-22nm`), the validation macro, or any ``presetNames`` entry
    /// (`vgg8-sram-7nm`, whose VGG-8 network is dropped).
    public static func macroPreset(named name: String) throws -> CIMEstimateSpec {
        if let design = try table7Designs().first(where: { $0.0 == name }) {
            return CIMEstimateSpec(name: name, macro: table7Macro(node: design.1, cell: design.2, adcBits: design.3))
        }
        guard presetNames.contains(name) else {
            throw CIMEstimateError.unknownName(field: "preset", value: name, known: macroPresetNames + presetNames.dropFirst())
        }
        var spec = try preset(named: name)
        spec.modelZoo = nil
        spec.layers = nil
        spec.neuroSim?.poolingAfter = nil  // per-layer flags belong to the dropped network
        return spec
    }

    /// An estimate of `workload`'s weight layers on the macro of `preset` (see
    /// ``macroPreset(named:)``), named `<workload> on <preset>`.
    public init(workload: Workload, preset: String = CIMEstimateSpec.defaultWorkloadPreset) throws {
        self = try Self.macroPreset(named: preset)
        name = "\(workload.name) on \(preset)"
        layers = try NetworkLayer.layers(of: workload)
        guard !(layers ?? []).isEmpty else {
            throw CIMEstimateError.unmappableLayer(layer: workload.name, reason: "the workload has no linear or conv2d "
                + "layer; expected at least one layer with stationary weights")
        }
    }
}
