import Foundation
import NeuromorphAnalog
import NeuromorphCore
import NeuromorphCost
import NeuromorphNN

/// `{kind: pcm, inference: {times: "1s,1mo", repeats: 5, drift_compensation: both, …}, cost_preset: pcm14-22nm}`:
/// the trained weights programmed onto PCM crossbars and read at each time after programming,
/// with and without global drift compensation — the path of `neuromorph infer` (Spoon et al.
/// 2021; `AnalogInference.convert`, `calibrateInputRanges` on training samples, `InferenceSweep`)
/// applied to the already trained model. `inference` is a `hardware.inference` section (every key
/// it accepts; `hwa_noise` does not apply here: the model is not retrained — train with
/// `neuromorph infer` for hardware-aware training).
///
/// One row per time and compensation setting: the mean test accuracy over `repeats`
/// programmings (and its standard error). Cost: the NeuroSim-style estimate on the
/// `cost_preset` macro (default `pcm14-22nm`, Lu et al. 2021 Table 7, PCM [14]).
public struct PCMInferenceSubstrate: Substrate {
    public static let kind = "pcm"
    public var inference: InferenceHardwareSpec
    public var costPreset: String
    public var calibrationSamples: Int

    public init(inference: InferenceHardwareSpec = InferenceHardwareSpec(times: "1s,1mo", repeats: 5),
                costPreset: String = "pcm14-22nm", calibrationSamples: Int = 1000) {
        self.inference = inference
        self.costPreset = costPreset
        self.calibrationSamples = calibrationSamples
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case inference
        case costPreset = "cost_preset", calibrationSamples = "calibration_samples"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownSubstrateKeys(CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inference = try c.decodeIfPresent(InferenceHardwareSpec.self, forKey: .inference)
            ?? InferenceHardwareSpec(times: "1s,1mo", repeats: 5)
        if inference.hwaNoise != nil {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.inference]) + ".hwa_noise",
                            "does not apply: compare programs the already trained model; use `neuromorph infer` for hardware-aware training")
        }
        costPreset = try c.decodeIfPresent(String.self, forKey: .costPreset) ?? "pcm14-22nm"
        try checkCostPreset(costPreset, path: c.codingPath + [CodingKeys.costPreset])
        calibrationSamples = try c.decodeCheckedIfPresent(Int.self, forKey: .calibrationSamples, "a positive count") { $0 > 0 } ?? 1000
    }

    public var label: String { "pcm" }

    public func quickened() -> Self {
        var q = self
        q.inference.repeats = Swift.min(inference.repeats, 2)
        return q
    }

    public func evaluate(model: Sequential, data: ExperimentData, workload: Workload,
                         context: SubstrateContext) throws -> SubstrateResult {
        let seed = context.spec.training.seed
        var converted = AnalogInference.convert(model, periphery: inference.periphery, training: .standard, seed: seed)
        guard !AnalogInference.layers(of: converted).isEmpty else {
            throw SpecError(path: "model.layers", "the model has no linear or conv2d layer to program onto PCM tiles")
        }
        let samples = Swift.min(calibrationSamples, data.train.count)
        AnalogInference.calibrateInputRanges(&converted, inputs: data.train.inputs.gatherRows(0..<samples))
        let times = try InferenceTime.parseGrid(inference.times)
        context.log("pcm: programming \(inference.repeats)× and reading at \(inference.times) on \(data.test.count) test samples")
        let sweep = InferenceSweep(noiseModel: inference.noiseModel, times: times, repeats: inference.repeats,
                                   compensation: inference.driftCompensation.settings, seed: seed)
        let result = sweep.run(converted, on: data.testTensors, progress: { context.log("  \($0)") })
        if let folder = context.folder {
            try AtomicFile.write(result.csv(), to: folder.appendingPathComponent("inference.csv"))
            try AtomicFile.write(result.svg(), to: folder.appendingPathComponent("inference.svg"))
        }
        let cost = try CrossbarCost(workload: workload, preset: costPreset)
        let device = "\(inference.device.rawValue) (\(result.noiseModel))"
        let how = "trained digital weights programmed onto PCM (no retraining), \(inference.dacBits)-bit DAC, "
            + "\(inference.adcBits)-bit ADC, input ranges calibrated on \(samples) training samples"
        var rows: [ComparisonRow] = []
        for series in result.series {
            for point in series.points {
                rows.append(cost.row(
                    substrate: "pcm \(point.time) \(series.label)", kind: Self.kind, accuracy: point.mean,
                    standardError: point.standardError, model: how, device: device,
                    accuracySource: "InferenceSweep (the `neuromorph infer` path): mean of \(result.repeats) programmings, "
                        + "\(result.samples) test samples, \(series.label) drift"))
            }
        }
        return SubstrateResult(rows: rows)
    }
}
