import NeuromorphChipModels

/// Energy per event and static power of a spiking substrate (spiking note §1.9):
///
/// ```
/// E = Σ_k counter_k · unit_k + P_static · T
/// ```
///
/// with one unit energy (J) per ``EventCounters`` field. Presets: μBrain (all-in 26 pJ per
/// spike, or 8.4 pJ dynamic + 58.3 µW static), Chundi (1.5 pJ/SOP + 75 nW standby), MONETA
/// (53.5 fJ/op inference, 138 fJ/op learning, 2 ops per SOP). Constants come from the
/// analytic chip models in `NeuromorphChipModels` where they exist.
public struct EnergyTable: Sendable, Codable, Hashable {
    /// Name printed in reports.
    public var name: String
    public var inputSpikeJ: Double
    public var emittedSpikeJ: Double
    public var synapticOperationJ: Double
    public var neuronUpdateJ: Double
    public var weightReadJ: Double
    public var weightWriteJ: Double
    public var plasticityUpdateJ: Double
    public var arbiterGrantJ: Double
    public var arbiterDropJ: Double
    /// Static (leakage, standby) power, W.
    public var staticPowerW: Double

    /// Throws ``SpikingParameterError`` naming the first negative or non-finite entry.
    public init(name: String, inputSpikeJ: Double = 0, emittedSpikeJ: Double = 0, synapticOperationJ: Double = 0,
                neuronUpdateJ: Double = 0, weightReadJ: Double = 0, weightWriteJ: Double = 0,
                plasticityUpdateJ: Double = 0, arbiterGrantJ: Double = 0, arbiterDropJ: Double = 0,
                staticPowerW: Double = 0) throws {
        self.init(unchecked: name, [inputSpikeJ, emittedSpikeJ, synapticOperationJ, neuronUpdateJ, weightReadJ,
                                    weightWriteJ, plasticityUpdateJ, arbiterGrantJ, arbiterDropJ], staticPowerW)
        for (field, v) in zip(Self.fieldNames + ["staticPowerW"], units + [staticPowerW]) where !(v.isFinite && v >= 0) {
            throw SpikingParameterError(type: "EnergyTable", field: field, value: "\(v)", expected: "a finite number >= 0")
        }
    }

    init(unchecked name: String, _ u: [Double], _ staticPowerW: Double) {
        self.name = name
        inputSpikeJ = u[0]; emittedSpikeJ = u[1]; synapticOperationJ = u[2]; neuronUpdateJ = u[3]
        weightReadJ = u[4]; weightWriteJ = u[5]; plasticityUpdateJ = u[6]; arbiterGrantJ = u[7]; arbiterDropJ = u[8]
        self.staticPowerW = staticPowerW
    }

    static let fieldNames = ["inputSpikeJ", "emittedSpikeJ", "synapticOperationJ", "neuronUpdateJ", "weightReadJ",
                             "weightWriteJ", "plasticityUpdateJ", "arbiterGrantJ", "arbiterDropJ"]
    static let eventNames = ["input spikes", "emitted spikes", "synaptic operations", "neuron updates", "weight reads",
                             "weight writes", "plasticity updates", "arbiter grants", "arbiter drops"]

    var units: [Double] {
        [inputSpikeJ, emittedSpikeJ, synapticOperationJ, neuronUpdateJ, weightReadJ, weightWriteJ, plasticityUpdateJ,
         arbiterGrantJ, arbiterDropJ]
    }

    static func counts(_ c: EventCounters) -> [Int] {
        [c.inputSpikes, c.emittedSpikes, c.synapticOperations, c.neuronUpdates, c.weightReads, c.weightWrites,
         c.plasticityUpdates, c.arbiterGrants, c.arbiterDrops]
    }

    /// The energy of a run with `counters` lasting `durationSeconds`.
    public func report(_ counters: EventCounters, durationSeconds: Double) throws -> EnergyReport {
        guard durationSeconds.isFinite, durationSeconds >= 0 else {
            throw SpikingParameterError(type: "EnergyTable.report", field: "durationSeconds", value: "\(durationSeconds)",
                                        expected: "a finite duration >= 0 s")
        }
        let lines = zip(zip(Self.eventNames, Self.counts(counters)), units).map { pair, unit in
            EnergyReport.Line(event: pair.0, count: pair.1, unitJ: unit, energyJ: Double(pair.1) * unit)
        }
        return EnergyReport(table: name, lines: lines, durationSeconds: durationSeconds,
                            staticJ: staticPowerW * durationSeconds)
    }

    // MARK: - Presets (spiking note §1.9)

    /// μBrain, all-in: 26 pJ per spike "including communication, neuron accumulation, and
    /// synaptic read" and static power (digest UB §2.5 [T]); input and emitted spikes both
    /// count [I: 11,500 spikes for 6,400 inputs].
    public static let muBrainAllIn = EnergyTable(
        unchecked: "μBrain (26 pJ/spike all-in)",
        [MuBrainEnergy.mnist.energyPerSpikeJ, MuBrainEnergy.mnist.energyPerSpikeJ, 0, 0, 0, 0, 0, 0, 0], 0)

    /// μBrain split into dynamic ≈ 8.4 pJ per spike [I] and static 53 µA × 1.1 V = 58.3 µW
    /// (digest UB §2.5–2.6).
    public static let muBrain = EnergyTable(
        unchecked: "μBrain (8.4 pJ/spike + 58.3 µW)",
        [MuBrainEnergy.mnist.dynamicEnergyPerSpikeJ, MuBrainEnergy.mnist.dynamicEnergyPerSpikeJ, 0, 0, 0, 0, 0, 0, 0],
        MuBrainEnergy.mnist.staticPowerW)

    /// Chundi: 1.5 pJ per SOP (Table 2 [T]) and 75 nW standby (``AlwaysOnPowerModel/paper``).
    public static let chundi = EnergyTable(
        unchecked: "Chundi (1.5 pJ/SOP + 75 nW)", [0, 0, 1.5e-12, 0, 0, 0, 0, 0, 0],
        AlwaysOnPowerModel.paper.standbyPowerW)

    /// MONETA inference: 1 / 18.69 TOPS/W = 53.5 fJ per op, 2 ops per SOP (one MAC)
    /// (``MonetaChip/paper``; digest MO §3.6 [C]); measured powers are all-in, so no static term.
    public static let monetaInference = EnergyTable(
        unchecked: "MONETA inference (53.5 fJ/op)",
        [0, 0, MonetaChip.paper.opsPerMAC / MonetaChip.paper.inferenceOpsPerWatt, 0, 0, 0, 0, 0, 0], 0)

    /// MONETA learning: 1 / 7.25 TOPS/W = 138 fJ per op at CONV4's output spike rate 0.0028
    /// (``MonetaChip/learningOpsPerWatt(outputSpikeRate:)``), 2 ops per SOP; the STDP work is
    /// inside that figure, so plasticity updates carry no separate unit.
    public static let monetaLearning = EnergyTable(
        unchecked: "MONETA learning (138 fJ/op)",
        [0, 0, MonetaChip.paper.opsPerMAC / ((try? MonetaChip.paper.learningOpsPerWatt(outputSpikeRate: 0.0028)) ?? .infinity),
         0, 0, 0, 0, 0, 0], 0)

    /// Every preset.
    public static let presets: [EnergyTable] = [.muBrainAllIn, .muBrain, .chundi, .monetaInference, .monetaLearning]
}

/// Energy of one run, line by line.
public struct EnergyReport: Sendable, Hashable, CustomStringConvertible {
    public struct Line: Sendable, Hashable {
        public var event: String
        public var count: Int
        public var unitJ: Double
        public var energyJ: Double
    }

    public var table: String
    public var lines: [Line]
    public var durationSeconds: Double
    /// `P_static · T`.
    public var staticJ: Double

    /// `Σ counter · unit`.
    public var dynamicJ: Double { lines.reduce(0) { $0 + $1.energyJ } }
    /// Dynamic + static.
    public var totalJ: Double { dynamicJ + staticJ }

    public var description: String {
        func f(_ x: Double) -> String {
            let units: [(Double, String)] = [(1, "J"), (1e-3, "mJ"), (1e-6, "µJ"), (1e-9, "nJ"), (1e-12, "pJ"), (1e-15, "fJ")]
            let (scale, name) = units.first { abs(x) >= $0.0 } ?? (1e-15, "fJ")
            return x == 0 ? "0 J" : "\((x / scale * 1000).rounded() / 1000) \(name)"
        }
        var out = "energy (\(table)), T = \(durationSeconds) s\n"
        for l in lines where l.count > 0 && l.unitJ > 0 {
            out += "  \(l.event): \(l.count) × \(f(l.unitJ)) = \(f(l.energyJ))\n"
        }
        out += "  static: \(f(staticJ))\n  total: \(f(totalJ))"
        return out
    }
}
