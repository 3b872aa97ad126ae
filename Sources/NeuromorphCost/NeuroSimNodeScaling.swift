import Foundation

// MARK: - Node scaling of the NeuroSim-mode constants

/// Carries ``NeuroSimUnitConstants`` from their reference node to another node with per-node
/// device data (``TechnologyDeviceData``) for delays, the clock and leakage, and Lu et al. 2021
/// Table 1 for area and energy.
///
/// ```
/// s_gate  = τ_gate(node) / τ_gate(ref)            τ_gate = k_R·V_DD/I_on,N · C_g · (1 + pn)   (CV/I)
/// T_sense = t_SA + (T_sense,ref − t_SA) · s_gate   t_SA: MLSA decision time, node-independent
/// T_clk   = max(1 ns, β · T_sense)                 NeuroSim's clock rule (β = 1.4 when validated)
/// s_clk   = T_clk / T_clk,ref                      T_clk,ref = max(1 ns, 1.4 · T_sense,ref), the fitted clock
/// s_leak  = (P_leak/µm · F)(node) / (P_leak/µm · F)(ref)    P_leak/µm = V_DD·(I_off,N + pn·I_off,P)/2
/// s_area  = A_INV(node) / A_INV(ref)               Table 1 standard cell
/// s_energy= (F · V_DD²)(node) / (F · V_DD²)(ref)
/// ```
/// Why these rules: NeuroSim sizes every peripheral transistor in multiples of F, so a gate's
/// R_on ∝ 1/(I_on·F) and its load C ∝ C_g·F: the F cancels and each gate-driven delay scales
/// with the width-independent τ_gate. Its synchronous mode counts buffer, bus and periphery
/// latency in clock cycles, so those follow the clock; the accumulation (shift-add, adder tree)
/// is a logic delay rounded up to cycles, so it follows τ_gate. Leakage is I_off·V_DD summed over
/// widths that grow with F. For 22 → 32 nm (PTM LP) this gives s_gate = 1.781, s_leak = 1.662
/// (NeuroSim's own 22 → 32 nm clocks grow ×1.222 RRAM and ×1.537 SRAM because the 1 ns
/// sense-amplifier time does not scale; its leakage ×1.586 / ×1.576).
public struct NeuroSimNodeScaling: Sendable, Equatable {
    /// Device data at the node and at the constants' reference node.
    public var device: TechnologyDeviceData
    public var referenceDevice: TechnologyDeviceData
    /// Table 1 geometry at the node and the reference node.
    public var technology: TechnologyNode
    public var referenceTechnology: TechnologyNode

    public init(node: Int, referenceNode: Int, roadmap: TechnologyDeviceData.Roadmap = .LP) throws {
        device = try TechnologyDeviceData.ptm(node: node, roadmap: roadmap)
        referenceDevice = try TechnologyDeviceData.ptm(node: referenceNode, roadmap: roadmap)
        technology = try TechnologyNode.table1(node)
        referenceTechnology = try TechnologyNode.table1(referenceNode)
    }

    /// s_gate: ratio of intrinsic gate delays.
    public var gateDelay: Double { device.intrinsicGateDelayPS / referenceDevice.intrinsicGateDelayPS }
    /// s_leak: ratio of leakage power per F of unit-inverter width.
    public var leakage: Double {
        (device.leakagePowerPWPerUM * technology.featureSizeNM)
            / (referenceDevice.leakagePowerPWPerUM * referenceTechnology.featureSizeNM)
    }
    /// s_area: ratio of Table 1 standard-cell areas.
    public var area: Double { technology.inverterAreaUM2 / referenceTechnology.inverterAreaUM2 }
    /// s_energy: F · V_DD² ratio (V_DD of the PTM card).
    public var energy: Double {
        (technology.featureSizeNM / referenceTechnology.featureSizeNM)
            * pow(device.supplyVoltage / referenceDevice.supplyVoltage, 2)
    }

    /// Sensing cycle before β at this node (ns).
    public func sensingNS(_ k: NeuroSimUnitConstants) -> Double {
        k.senseAmplifierNS + (k.sensingNS - k.senseAmplifierNS) * gateDelay
    }

    /// NeuroSim's clock rule: max(1 ns, β · T_sense).
    public func clockNS(_ k: NeuroSimUnitConstants, beta: Double) -> Double {
        max(1.0, beta * sensingNS(k))
    }

    /// The clock the constants were fitted at (validated, β = 1.4, reference node).
    public static func referenceClockNS(_ k: NeuroSimUnitConstants) -> Double { max(1.0, 1.4 * k.sensingNS) }
}
