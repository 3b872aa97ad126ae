/// MONETA's throughput, capacity, power and area model (Kim et al. 2022, Front.
/// Neurosci. 16:775457, results and Tables 2–3; digest
/// `bayesian-hardware_bcpnn-memristor_moneta.md` §3.4, §3.6, §3.8).
///
/// ```
/// weights per wordline  w = arrayColumns / weightBits                 (128 / 8 = 16)
/// peak throughput       T = opsPerMAC · w · arraysPerCore · cores · f · chips
/// learning throughput   T_learn = T / (1 + cyclesPerWeightUpdate · r_out)   (digest §3.6)
/// capacity              B = cores · arraysPerCore · arrayRows · arrayColumns · chips
/// energy efficiency     T / P      area efficiency     T / A
/// ```
///
/// The paper's "# of weights × frequency" counts multiply–accumulates; 2.304 TOPS
/// needs 2 ops per MAC, so ``opsPerMAC`` is 2 (digest §3.6 [INFERRED]).
public struct MonetaChip: Sendable, Hashable {
    /// 8T-SRAM synaptic arrays per synaptic core (9).
    public let arraysPerCore: Int
    /// Synaptic cores per chip (8).
    public let cores: Int
    /// Rows of one synaptic array (128).
    public let arrayRows: Int
    /// Bit columns of one synaptic array (128).
    public let arrayColumns: Int
    /// Bits per weight (8).
    public let weightBits: Int
    /// Clock frequency in Hz (1 GHz).
    public let clockHz: Double
    /// Operations counted per multiply–accumulate (2).
    public let opsPerMAC: Double
    /// Clock cycles one stochastic-STDP weight update takes (17; digest §3.2).
    public let cyclesPerWeightUpdate: Double
    /// Number of chips (1; the hybrid network needs 2).
    public let chips: Int
    /// Spike time steps per image (100).
    public let timeSteps: Int
    /// Measured inference power in W (123.28 mW, one chip).
    public let inferencePowerW: Double
    /// Measured learning power in W (303.52 mW, one chip).
    public let learningPowerW: Double
    /// Reported chip area in mm² (11.155 mm²).
    public let areaMM2: Double
    /// Area of one synaptic core in mm² (1.394 mm²).
    public let coreAreaMM2: Double
    /// Area of the central STDP controller in mm² (0.025 mm²).
    public let controllerAreaMM2: Double

    /// Creates a chip model, rejecting zero or negative sizes and non-positive rates.
    public init(arraysPerCore: Int, cores: Int, arrayRows: Int, arrayColumns: Int,
                weightBits: Int, clockHz: Double, opsPerMAC: Double,
                cyclesPerWeightUpdate: Double, chips: Int, timeSteps: Int,
                inferencePowerW: Double, learningPowerW: Double, areaMM2: Double,
                coreAreaMM2: Double, controllerAreaMM2: Double) throws {
        self.init(unchecked: arraysPerCore, cores, arrayRows, arrayColumns, weightBits,
                  clockHz, opsPerMAC, cyclesPerWeightUpdate, chips, timeSteps,
                  inferencePowerW, learningPowerW, areaMM2, coreAreaMM2, controllerAreaMM2)
        try validate()
    }

    init(unchecked arraysPerCore: Int, _ cores: Int, _ arrayRows: Int, _ arrayColumns: Int,
         _ weightBits: Int, _ clockHz: Double, _ opsPerMAC: Double,
         _ cyclesPerWeightUpdate: Double, _ chips: Int, _ timeSteps: Int,
         _ inferencePowerW: Double, _ learningPowerW: Double, _ areaMM2: Double,
         _ coreAreaMM2: Double, _ controllerAreaMM2: Double) {
        self.arraysPerCore = arraysPerCore
        self.cores = cores
        self.arrayRows = arrayRows
        self.arrayColumns = arrayColumns
        self.weightBits = weightBits
        self.clockHz = clockHz
        self.opsPerMAC = opsPerMAC
        self.cyclesPerWeightUpdate = cyclesPerWeightUpdate
        self.chips = chips
        self.timeSteps = timeSteps
        self.inferencePowerW = inferencePowerW
        self.learningPowerW = learningPowerW
        self.areaMM2 = areaMM2
        self.coreAreaMM2 = coreAreaMM2
        self.controllerAreaMM2 = controllerAreaMM2
    }

    /// Throws ``ChipModelError`` naming the first field out of range.
    public func validate() throws {
        let m = "MonetaChip"
        try Check.positive(arraysPerCore, "arraysPerCore", in: m)
        try Check.positive(cores, "cores", in: m)
        try Check.positive(arrayRows, "arrayRows", in: m)
        try Check.positive(arrayColumns, "arrayColumns", in: m)
        try Check.positive(weightBits, "weightBits", in: m)
        guard arrayColumns % weightBits == 0 else {
            throw ChipModelError(model: m, field: "arrayColumns", value: "\(arrayColumns)",
                                 expected: "a multiple of weightBits (\(weightBits))")
        }
        try Check.positive(clockHz, "clockHz", in: m)
        try Check.positive(opsPerMAC, "opsPerMAC", in: m)
        try Check.nonNegative(cyclesPerWeightUpdate, "cyclesPerWeightUpdate", in: m)
        try Check.positive(chips, "chips", in: m)
        try Check.positive(timeSteps, "timeSteps", in: m)
        try Check.positive(inferencePowerW, "inferencePowerW", in: m)
        try Check.positive(learningPowerW, "learningPowerW", in: m)
        try Check.positive(areaMM2, "areaMM2", in: m)
        try Check.positive(coreAreaMM2, "coreAreaMM2", in: m)
        try Check.nonNegative(controllerAreaMM2, "controllerAreaMM2", in: m)
    }

    // MARK: - Presets

    /// One MONETA chip as reported (65 nm, 1 GHz, 1 V; Table 2 "Type 2").
    public static let paper = MonetaChip(
        unchecked: 9, 8, 128, 128, 8, 1e9, 2, 17, 1, 100,
        0.123_28, 0.303_52, 11.155, 1.394, 0.025)

    /// The hybrid network's two-chip system (Table 2 "Type 5", Table 3): powers and area
    /// as printed in Table 3 (246.56 mW, 423.83 mW, 22.23 mm²).
    ///
    /// Erratum: the text gives 607.04 mW (= 2 × 303.52) for learning, Table 3 gives
    /// 423.83 mW; only the latter is consistent with 4.4 TOPS / 10.41 TOPS/W, so it is
    /// used here (digest §3.6).
    public static let hybridPaper = MonetaChip(
        unchecked: 9, 8, 128, 128, 8, 1e9, 2, 17, 2, 100,
        0.246_56, 0.423_83, 22.23, 1.394, 0.025)

    // MARK: - Throughput

    /// Weights read per wordline access: `arrayColumns / weightBits` (16).
    public var weightsPerWordline: Int { arrayColumns / weightBits }

    /// Multiply–accumulates per second over all arrays, cores and chips.
    public var peakMACsPerSecond: Double {
        Double(weightsPerWordline * arraysPerCore * cores * chips) * clockHz
    }

    /// Peak inference throughput in ops/s: `opsPerMAC · w · arrays · cores · f · chips`
    /// (digest §3.6; paper 2.304 TOPS for one chip, 4.608 TOPS for two).
    public var peakOpsPerSecond: Double { opsPerMAC * peakMACsPerSecond }

    /// Learning-mode throughput in ops/s: `T / (1 + 17 · r_out)` (digest §3.6; paper
    /// 2.2 TOPS at CONV4's output spike rate 0.0028, digest value 2.1993 TOPS).
    ///
    /// - Parameter outputSpikeRate: output spikes per neuron per cycle, in [0, 1].
    public func learningOpsPerSecond(outputSpikeRate: Double) throws -> Double {
        try Check.unitInterval(outputSpikeRate, "outputSpikeRate", in: "MonetaChip")
        return peakOpsPerSecond / (1 + cyclesPerWeightUpdate * outputSpikeRate)
    }

    // MARK: - Capacity

    /// On-chip synaptic storage in bits: `cores · arrays · rows · columns · chips`
    /// (1,179,648 bits = 1,152 Kb for one chip).
    public var capacityBits: Int { cores * arraysPerCore * arrayRows * arrayColumns * chips }

    /// ``capacityBits`` in kibibits (the paper's "Kb", 1 Kb = 1,024 bits).
    public var capacityKb: Double { Double(capacityBits) / 1024 }

    // MARK: - Efficiency

    /// Inference energy efficiency in ops/s/W: `T / P_inf` (paper 18.69 TOPS/W).
    public var inferenceOpsPerWatt: Double { peakOpsPerSecond / inferencePowerW }

    /// Learning energy efficiency in ops/s/W: `T_learn / P_learn` (paper 7.25 TOPS/W
    /// for one chip, 10.41 TOPS/W for the hybrid).
    public func learningOpsPerWatt(outputSpikeRate: Double) throws -> Double {
        try learningOpsPerSecond(outputSpikeRate: outputSpikeRate) / learningPowerW
    }

    /// Inference area efficiency in ops/s/mm²: `T / A` (paper 0.207 TOPS/mm²).
    public var inferenceOpsPerMM2: Double { peakOpsPerSecond / areaMM2 }

    /// Learning area efficiency in ops/s/mm²: `T_learn / A` (paper 0.197 TOPS/mm²).
    public func learningOpsPerMM2(outputSpikeRate: Double) throws -> Double {
        try learningOpsPerSecond(outputSpikeRate: outputSpikeRate) / areaMM2
    }

    /// Area from the floorplan: `chips · (cores · A_core + A_controller)`.
    ///
    /// Erratum: 8 × 1.394 + 0.025 = 11.177 mm², but the paper reports 11.155 mm²
    /// (digest §3.6); ``areaMM2`` keeps the reported value.
    public var summedAreaMM2: Double {
        Double(chips) * (Double(cores) * coreAreaMM2 + controllerAreaMM2)
    }

    // MARK: - Frame rate

    /// Clock cycles one image takes on a layer: `timeSteps · (I_R/S)(I_C/S) · I_D`
    /// (digest §3.5 [INFERRED], an exact fit to the four reported frame rates).
    public func cyclesPerImage(_ layer: MonetaLayer) -> Int {
        timeSteps * layer.outputPositions * layer.inputDepth
    }

    /// Frames per second on a layer: `f / cyclesPerImage` (paper 13.02K, 2.44K, 9.77K,
    /// 19.53K fps for CONV1–4).
    public func framesPerSecond(_ layer: MonetaLayer) -> Double {
        clockHz / Double(cyclesPerImage(layer))
    }

    /// Whether the layer's weights fit the chip: `layer.weightBits(weightBits) ≤ capacityBits`.
    public func fits(_ layer: MonetaLayer) -> Bool {
        layer.weightBits(bitsPerWeight: weightBits) <= capacityBits
    }
}
