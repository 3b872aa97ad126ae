import Foundation
import NeuromorphCore
import NeuromorphCost
import NeuromorphNN

/// `{kind: digital, precision: float32 | int8, node: 22}`: the trained model on a digital
/// accelerator. float32 evaluates the trained model as it is; int8 after post-training
/// quantization (``Int8Quantization``, calibrated on `calibration_samples` training samples).
/// Energy, latency and area from ``DigitalEnergyModel`` (Horowitz 2014, scaled to `node`).
public struct DigitalSubstrate: Substrate {
    public static let kind = "digital"
    public var precision: DigitalEnergyModel.Precision
    /// Technology node in nm (a Lu et al. 2021 Table 1 node; default 22, the node of the CIM presets).
    public var node: Int
    public var macUnits: Int
    public var clockGHz: Double
    public var calibrationSamples: Int

    public init(precision: DigitalEnergyModel.Precision = .float32, node: Int = 22, macUnits: Int = 256, clockGHz: Double = 1,
                calibrationSamples: Int = 1000) {
        self.precision = precision
        self.node = node
        self.macUnits = macUnits
        self.clockGHz = clockGHz
        self.calibrationSamples = calibrationSamples
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case precision, node
        case macUnits = "mac_units", clockGHz = "clock_ghz", calibrationSamples = "calibration_samples"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownSubstrateKeys(CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        precision = try c.decodeChoiceIfPresent(DigitalEnergyModel.Precision.self, forKey: .precision) ?? .float32
        node = try c.decodeIfPresent(Int.self, forKey: .node) ?? 22
        do { _ = try TechnologyNode.table1(node) } catch {
            throw SpecError(path: SpecError.render(c.codingPath + [CodingKeys.node]),
                            "\(node) is not a Lu et al. 2021 Table 1 node; expected one of: \(TechnologyNode.table1Nodes.map(String.init).joined(separator: ", "))")
        }
        macUnits = try c.decodeCheckedIfPresent(Int.self, forKey: .macUnits, "a positive count") { $0 > 0 } ?? 256
        clockGHz = try c.decodeCheckedIfPresent(Double.self, forKey: .clockGHz, "a frequency > 0 in GHz") { $0 > 0 } ?? 1
        calibrationSamples = try c.decodeCheckedIfPresent(Int.self, forKey: .calibrationSamples, "a positive count") { $0 > 0 } ?? 1000
    }

    public var label: String { "digital \(precision.rawValue)" }

    public func energyModel() throws -> DigitalEnergyModel {
        DigitalEnergyModel(precision: precision, node: try TechnologyNode.table1(node), macUnits: macUnits, clockHz: clockGHz * 1e9)
    }

    public func evaluate(model: Sequential, data: ExperimentData, workload: Workload,
                         context: SubstrateContext) throws -> SubstrateResult {
        var evaluated = model
        var how = "the trained float32 model"
        if precision == .int8 {
            let calibration = data.train.inputs.gatherRows(0..<Swift.min(calibrationSamples, data.train.count))
            evaluated = Int8Quantization.quantize(model, calibration: calibration)
            how = "post-training int8 quantization (per-tensor symmetric weights, 8-bit activations calibrated on "
                + "\(Swift.min(calibrationSamples, data.train.count)) training samples)"
        }
        let accuracy = Trainer.evaluate(&evaluated, objective: context.objective, data: data.testTensors).accuracy
        let energy = try energyModel()
        let cost = energy.cost(workload)
        let scheme = "DigitalEnergyModel: Horowitz ISSCC 2014 45 nm energies × C·V² scale \(String(format: "%.3f", energy.energyScale)) "
            + "to \(energy.node.name); \(precision.rawValue) MACs, ideal-reuse SRAM traffic"
        return SubstrateResult(rows: [ComparisonRow(
            substrate: label, kind: Self.kind, accuracy: accuracy.map { Double(decimal: $0) }, energyPerInferenceJ: cost.energyJ,
            latencySeconds: cost.latencySeconds, areaMM2: cost.areaMM2, energyBreakdown: cost.breakdown,
            sources: .init(model: how, preset: "\(macUnits) MAC units at \(clockGHz) GHz (assumed)", technologyNode: energy.node.name,
                           accuracy: "test set (\(data.test.count) samples), \(how)", energy: scheme,
                           latency: "Σ layers ⌈MACs / \(macUnits)⌉ cycles at \(clockGHz) GHz",
                           area: "8T SRAM for weights and the largest activation buffer (Lu et al. 2021 cell) + MAC gate count (CMOSGateLibrary)"))])
    }
}
