import Foundation
import NeuromorphCore
import NeuromorphCost
import NeuromorphMapping

/// Energy, latency and area of a network's weight layers on compute-in-memory crossbars: the
/// NeuroSim-style estimator (``CIMEstimator``, Lu et al. 2021; the path of `neuromorph estimate
/// SPEC --preset P`) on the model's ``Workload``, plus cores and pipeline latency from the
/// in-memory mapper (``IMCMapper``, Dazzi et al. 2021; the path of `neuromorph map SPEC`).
///
/// ```
/// E_inference = Σ_layers (E_macro + E_H-tree) + P_leak · T        (CIMNetworkTotals, µJ → J)
/// E_module    = E_module per macro op × Σ_layers macro ops,  macro ops = E_macro / E_macro-op
/// T_inference = Σ_layers T_layer   (layer by layer, NeuroSim),   A = CIMNetworkTotals.areaMM2
/// ```
/// The training energy of on-chip learning is not included: every number is per inference.
public struct CrossbarCost: Sendable, Equatable {
    /// The CIM preset (`rram12-22nm`, `pcm14-22nm`, …, ``CIMEstimateSpec/macroPresetNames``).
    public var preset: String
    public var report: CIMEstimateReport
    /// The mapper's report on a crossbar of the macro's size, or nil when the dataflow cannot
    /// stream the network (with the reason in ``mappingNote``).
    public var mapping: IMCMappingReport?
    public var mappingNote: String?
    /// The macro's technology node (e.g. `22nm`).
    public var technologyNode: String
    public var cell: String

    /// Costs `workload` on the macro of `preset`.
    public init(workload: Workload, preset: String) throws {
        self.preset = preset
        let spec = try CIMEstimateSpec(workload: workload, preset: preset)
        report = try CIMEstimator.estimate(spec)
        technologyNode = spec.macro.technology.name
        cell = spec.macro.cell.name
        do {
            let shape = try CrossbarShape(rows: spec.macro.computeRows, columns: spec.macro.computeColumns)
            mapping = try IMCMapper.map(network: try IMCNetwork(workload: workload), crossbar: shape, batch: 1)
            mappingNote = nil
        } catch {
            mapping = nil
            mappingNote = "\(error)"
        }
    }

    var totals: CIMNetworkTotals? { report.totals }

    /// Joules per inference: dynamic + leakage.
    public var energyPerInferenceJ: Double { ((totals?.dynamicEnergyUJ ?? 0) + (totals?.leakageEnergyUJ ?? 0)) * 1e-6 }
    public var latencySeconds: Double { (totals?.latencyMS ?? 0) * 1e-3 }
    public var areaMM2: Double { totals?.areaMM2 ?? 0 }

    /// The energy by peripheral module (ADC, level shifters, array, shift-add, …), H-tree and
    /// leakage; sums to ``energyPerInferenceJ`` up to rounding.
    public var breakdown: [ComparisonRow.EnergyComponent] {
        let perOperation = report.macro.totalEnergyPJ
        let macroPJ = report.layers.reduce(0) { $0 + $1.macroEnergyPJ }
        let operations = perOperation > 0 ? macroPJ / perOperation : 0
        var parts = report.macro.modules.filter { $0.energyPJ > 0 }.map {
            ComparisonRow.EnergyComponent(name: $0.name, joules: $0.energyPJ * operations * 1e-12)
        }
        parts.append(.init(name: "H-tree interconnect", joules: report.layers.reduce(0) { $0 + $1.interconnectEnergyPJ } * 1e-12))
        parts.append(.init(name: "leakage", joules: (totals?.leakageEnergyUJ ?? 0) * 1e-6))
        return parts
    }

    /// The per-layer estimate, as `neuromorph estimate` prints it.
    public var layers: [ComparisonRow.LayerCost] {
        report.layers.map {
            ComparisonRow.LayerCost(name: $0.name, macs: $0.macs, latencyNS: $0.latencyNS, macroEnergyPJ: $0.macroEnergyPJ,
                                    interconnectEnergyPJ: $0.interconnectEnergyPJ)
        }
    }

    /// A row with these costs and the given accuracy and sources.
    func row(substrate: String, kind: String, accuracy: Double?, standardError: Double? = nil,
             model: String, device: String, accuracySource: String) -> ComparisonRow {
        let estimate = "NeuroSim-style CIMEstimator (Lu et al. 2021), preset \(preset) (\(cell), \(technologyNode)) on the model workload"
        let mapped = mapping.map { "; \($0.coreCount) cores of \($0.crossbar) and pipeline latency from IMCMapper (Dazzi et al. 2021)" }
            ?? "; mapper: \(mappingNote ?? "not mapped")"
        return ComparisonRow(
            substrate: substrate, kind: kind, accuracy: accuracy, accuracyStandardError: standardError,
            energyPerInferenceJ: energyPerInferenceJ, latencySeconds: latencySeconds, areaMM2: areaMM2,
            energyBreakdown: breakdown, cores: mapping?.coreCount, pipelineLatencySeconds: mapping?.latencySeconds,
            layers: layers,
            sources: .init(model: model, preset: "\(device); cost preset \(preset)", technologyNode: technologyNode,
                           accuracy: accuracySource, energy: estimate + " (dynamic + leakage)",
                           latency: estimate + " (layer by layer)" + mapped, area: estimate))
    }
}
