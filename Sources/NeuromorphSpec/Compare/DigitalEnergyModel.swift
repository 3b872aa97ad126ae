import Foundation
import NeuromorphCore
import NeuromorphCost

/// Energy, latency and area of a digital accelerator running a ``Workload``: a MAC array with
/// on-chip SRAM, costed with Horowitz's per-operation energies (M. Horowitz, "Computing's
/// energy problem (and what we can do about it)", ISSCC 2014, Fig. 1.1.9: 45 nm, 0.9 V) scaled
/// to the comparison's technology node by C·V² (``GateEnergyPreset/cvSquaredScale``, the rule
/// the NeuroSim estimator uses for its digital gates).
///
/// Per-operation energies at 45 nm (pJ), Horowitz 2014:
/// ```
/// 8-bit int multiply 0.2,  32-bit int add 0.1,  32-bit float multiply 3.7,  32-bit float add 0.9
/// SRAM read of 64 bits: 8 KB array 10,  32 KB 20,  1 MB 100
/// ```
/// The model (ideal reuse: a lower bound on memory traffic, no DRAM, no leakage):
/// ```
/// E = MACs · (E_mul + E_add)                                     (int8: int8 mul + int32 add)
///   + weights · b · E_SRAM(weight bytes) / 64                    (every weight read once)
///   + Σ_layers (inputs + outputs) · b · E_SRAM(buffer bytes) / 64  (activations read and written once)
/// T = Σ_layers ⌈MACs_l / units⌉ / f_clk
/// A = (weight bits + largest in+out buffer bits) · A_8T-SRAM(node) + units · A_MAC
/// ```
/// E_SRAM(size) is the Horowitz read energy of the smallest of the three arrays that holds
/// `size` bytes (the 1 MB figure above 1 MB). A_MAC counts full-adder bits and flip-flops of
/// the ``CMOSGateLibrary`` at the node: int8 = 8×8 array multiplier (64 adder bits) + 32-bit
/// accumulator (32 adder bits, 32 DFFs); float32 = 24×24 mantissa multiplier (576 adder bits) +
/// exponent, alignment and normalisation adders (3 × 32 bits) + 32 DFFs — a gate-count
/// estimate, not a synthesised design.
public struct DigitalEnergyModel: Sendable, Codable, Equatable {
    /// The arithmetic precision.
    public enum Precision: String, Sendable, Codable, CaseIterable {
        case float32, int8

        /// Bits of a stored weight or activation.
        public var bits: Int { self == .float32 ? 32 : 8 }
        /// Multiply + accumulate energy at 45 nm (pJ), Horowitz 2014.
        public var macEnergy45nmPJ: Double { self == .float32 ? 3.7 + 0.9 : 0.2 + 0.1 }
        /// Full-adder bits and flip-flops of one MAC unit (see the type's comment).
        var macGates: (adderBits: Double, flipFlops: Double) { self == .float32 ? (576 + 96, 32) : (64 + 32, 32) }
    }

    /// Horowitz 2014 SRAM read energy per 64-bit word at 45 nm: (array bytes, pJ).
    public static let sramReads45nm: [(bytes: Double, picojoules: Double)] = [(8 * 1024, 10), (32 * 1024, 20), (1024 * 1024, 100)]
    /// Horowitz's reference node: 45 nm at 0.9 V.
    public static let referenceFeatureSizeNM = 45.0
    public static let referenceSupplyVoltage = 0.9

    public var precision: Precision
    public var node: TechnologyNode
    /// MAC units working in parallel (assumed: 256).
    public var macUnits: Int
    /// Clock frequency (assumed: 1 GHz).
    public var clockHz: Double

    public init(precision: Precision, node: TechnologyNode, macUnits: Int = 256, clockHz: Double = 1e9) {
        self.precision = precision
        self.node = node
        self.macUnits = macUnits
        self.clockHz = clockHz
    }

    /// C·V² scale from 45 nm / 0.9 V to ``node``.
    public var energyScale: Double {
        GateEnergyPreset.cvSquaredScale(featureSizeNM: Self.referenceFeatureSizeNM, supplyVoltage: Self.referenceSupplyVoltage,
                                        to: node)
    }

    /// Read energy of one bit from an SRAM of `bytes` at ``node`` (pJ).
    public func sramBitEnergyPJ(arrayBytes bytes: Double) -> Double {
        let tier = Self.sramReads45nm.first { bytes <= $0.bytes } ?? Self.sramReads45nm[Self.sramReads45nm.count - 1]
        return tier.picojoules / 64 * energyScale
    }

    /// The cost of one inference of `workload`.
    public func cost(_ workload: Workload) -> Cost {
        let bits = Double(precision.bits)
        let weights = Double(workload.weightLayers.reduce(0) { $0 + $1.parameters })
        let buffer = workload.layers.map { Double($0.inputShape.reduce(1, *) + $0.activations) }.max() ?? 0
        let traffic = workload.layers.reduce(0.0) { $0 + Double($1.inputShape.reduce(1, *) + $1.activations) }
        let macs = Double(workload.macs)
        let arithmeticPJ = macs * precision.macEnergy45nmPJ * energyScale
        let weightPJ = weights * bits * sramBitEnergyPJ(arrayBytes: weights * bits / 8)
        let activationPJ = traffic * bits * sramBitEnergyPJ(arrayBytes: buffer * bits / 8)
        let cycles = workload.layers.reduce(0) { $0 + ($1.macs + macUnits - 1) / macUnits }
        let gates = CMOSGateLibrary(node: node)
        let macAreaUM2 = precision.macGates.adderBits * gates.area(.fullAdderBit) + precision.macGates.flipFlops * gates.area(.dff)
        let sramAreaUM2 = (weights + buffer) * bits * MemoryCell.sram8T(at: node).areaUM2(at: node)
        return Cost(arithmeticJ: arithmeticPJ * 1e-12, weightReadsJ: weightPJ * 1e-12, activationTrafficJ: activationPJ * 1e-12,
                    latencySeconds: Double(cycles) / clockHz,
                    areaMM2: (sramAreaUM2 + Double(macUnits) * macAreaUM2) * 1e-6)
    }

    /// One inference on the digital accelerator.
    public struct Cost: Sendable, Codable, Equatable {
        public var arithmeticJ: Double
        public var weightReadsJ: Double
        public var activationTrafficJ: Double
        public var latencySeconds: Double
        public var areaMM2: Double
        public var energyJ: Double { arithmeticJ + weightReadsJ + activationTrafficJ }
        public var breakdown: [ComparisonRow.EnergyComponent] {
            [.init(name: "MAC arithmetic", joules: arithmeticJ), .init(name: "weight SRAM reads", joules: weightReadsJ),
             .init(name: "activation SRAM traffic", joules: activationTrafficJ)]
        }
    }
}
