import Foundation
import NeuromorphCore
import NeuromorphCost
import NeuromorphNN

/// `{kind: analog, analog: {…}, epochs: 1, learning_rate: 0.05, start: trained, cost_preset: rram12-22nm}`:
/// the network on pulsed-device crossbars, trained ON CHIP (aihwkit `AnalogSGD`: every update
/// is a pulsed update of the devices). `analog` is a `hardware.analog` section with every key
/// and preset it accepts (`device: constant_step`, `preset: TTv2CapacitorPreset`, unit cells…).
///
/// `start: trained` (default) programs the trained digital weights onto the devices
/// (`--initial-weights` of the checkpoint) and then trains `epochs` epochs on chip with plain
/// pulsed SGD at `learning_rate` (default: the spec's rate) and a constant schedule;
/// `start: scratch` trains from the initial weights. `epochs: 0` reads the programmed weights
/// through the noisy analog periphery without training. Accuracy: the test set after that
/// training (`ExperimentRunner.run` with the substituted `hardware.analog` section). Cost: the
/// NeuroSim-style estimate of inference on the `cost_preset` macro (``CrossbarCost``); the
/// energy of the on-chip training is not included.
public struct AnalogCrossbarSubstrate: Substrate {
    public static let kind = "analog"
    public enum Start: String, Codable, Sendable, CaseIterable { case trained, scratch }

    public var analog: AnalogHardwareSpec
    public var epochs: Int?
    public var learningRate: Double?
    public var start: Start
    public var costPreset: String
    /// A row label (default: `analog <preset or device>`).
    public var name: String?

    public init(analog: AnalogHardwareSpec, epochs: Int? = nil, learningRate: Double? = nil, start: Start = .trained,
                costPreset: String = CIMEstimateSpec.defaultWorkloadPreset, name: String? = nil) {
        self.analog = analog
        self.epochs = epochs
        self.learningRate = learningRate
        self.start = start
        self.costPreset = costPreset
        self.name = name
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case analog, epochs, start, name
        case learningRate = "learning_rate", costPreset = "cost_preset"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownSubstrateKeys(CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.contains(.analog) else {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.analog]),
                            "missing; expected a hardware.analog section, e.g. {device: constant_step} or {preset: TTv2CapacitorPreset}")
        }
        analog = try c.decode(AnalogHardwareSpec.self, forKey: .analog)
        epochs = try c.decodeCheckedIfPresent(Int.self, forKey: .epochs, "an integer ≥ 0") { $0 >= 0 }
        learningRate = try c.decodeCheckedIfPresent(Double.self, forKey: .learningRate, "a rate > 0") { $0 > 0 }
        start = try c.decodeChoiceIfPresent(Start.self, forKey: .start) ?? .trained
        costPreset = try c.decodeIfPresent(String.self, forKey: .costPreset) ?? CIMEstimateSpec.defaultWorkloadPreset
        try checkCostPreset(costPreset, path: c.codingPath + [CodingKeys.costPreset])
        name = try c.decodeIfPresent(String.self, forKey: .name)
    }

    /// The device or algorithm preset the section names.
    public var device: String {
        if let preset = analog.preset { return preset }
        let cell = analog.unitCell == .singleDevice ? "" : " (\(analog.unitCell.kind.rawValue))"
        return analog.device.rawValue + cell
    }

    public var label: String { name ?? "analog \(device)" }

    /// The experiment that trains on chip: the spec with this `hardware.analog`, plain SGD.
    public func onChipSpec(_ spec: ExperimentSpec) -> ExperimentSpec {
        var s = spec
        s.name = "\(spec.name)-\(label.replacingOccurrences(of: " ", with: "-"))"
        s.hardware = HardwareSpec(analog: analog)
        s.training.optimizer = .sgd(learningRate: learningRate ?? spec.training.optimizer.learningRate)
        s.training.schedule = ScheduleSpec()
        s.training.epochs = epochs ?? spec.training.epochs
        return s
    }

    public func quickened() -> Self {
        var q = self
        q.epochs = Swift.min(epochs ?? 1, 1)
        return q
    }

    public func evaluate(model: Sequential, data: ExperimentData, workload: Workload,
                         context: SubstrateContext) throws -> SubstrateResult {
        let spec = onChipSpec(context.spec)
        context.log(spec.training.epochs == 0
            ? "\(label): programming the \(start == .trained ? "trained" : "initial") weights, no on-chip training"
            : "\(label): \(spec.training.epochs) epoch(s) of on-chip pulsed SGD (lr \(spec.training.optimizer.learningRate)) from \(start == .trained ? "the trained weights" : "scratch")")
        let results = try ExperimentRunner.run(spec, output: context.folder, initialWeights: start == .trained ? context.checkpoint : nil,
                                               log: { context.log("  \($0)") })
        let cost = try CrossbarCost(workload: workload, preset: costPreset)
        let training = spec.training.epochs == 0
            ? "\(start == .trained ? "trained digital" : "initial") weights programmed onto \(device) devices, read through the analog periphery (no on-chip training)"
            : "on-chip training: \(spec.training.epochs) epoch(s) of pulsed SGD (lr \(spec.training.optimizer.learningRate)) on \(device) "
                + (start == .trained ? "starting from the trained digital weights" : "from scratch")
        return SubstrateResult(rows: [cost.row(
            substrate: label, kind: Self.kind, accuracy: results.finalTest.accuracy.map { Double(decimal: $0) },
            model: training, device: device, accuracySource: "test set (\(results.testSamples) samples) after \(training)")])
    }
}

/// Throws a `SpecError` at `path` unless `preset` names a CIM macro (`neuromorph estimate --list-presets`).
func checkCostPreset(_ preset: String, path: [any CodingKey]) throws {
    guard CIMEstimateSpec.macroPresetNames.contains(preset) || CIMEstimateSpec.presetNames.contains(preset) else {
        throw SpecError(path: SpecError.render(path),
                        "'\(preset)' is not a CIM macro preset; expected one of: \(CIMEstimateSpec.macroPresetNames.joined(separator: ", "))")
    }
}
