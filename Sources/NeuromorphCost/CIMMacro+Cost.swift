// MARK: - Module costs

/// Area, latency and energy of one peripheral module (a row of Table 3 or Table 5).
public struct ModuleCost: Codable, Sendable, Equatable {
    public enum Domain: String, Codable, Sendable { case analog, digital }

    public var name: String
    public var domain: Domain
    /// Area (µm²).
    public var areaUM2: Double
    /// Latency on the sensing path (ns); 0 for modules off the critical path.
    public var latencyNS: Double
    /// Energy before activity factors (pJ per macro operation); equal to ``energyPJ`` for analog modules.
    public var rawEnergyPJ: Double
    /// Energy after activity factors, pre-layout (pJ per macro operation).
    public var energyPJ: Double
    /// Leakage power (mW).
    public var leakageMW: Double
}

/// The cost of one ``CIMMacro``: its modules, the sensing cycle and the energy of one macro
/// operation (Tables 3 and 5).
public struct CIMMacroCost: Codable, Sendable, Equatable {
    public var modules: [ModuleCost]
    /// Σ latencies on the sensing path before β (6.76 ns in Table 3).
    public var sensingLatencyNS: Double
    /// Clock period = sensing latency × β (9.46 ns ≈ 10 ns).
    public var clockPeriodNS: Double
    /// Conversions per macro operation (for per-conversion energies).
    public var conversionsPerOperation: Int

    public var analogModules: [ModuleCost] { modules.filter { $0.domain == .analog } }
    public var digitalModules: [ModuleCost] { modules.filter { $0.domain == .digital } }
    /// Table 3 total area (43,560 µm²).
    public var analogAreaUM2: Double { analogModules.reduce(0) { $0 + $1.areaUM2 } }
    /// Table 5 total area (31,893 µm²).
    public var digitalAreaUM2: Double { digitalModules.reduce(0) { $0 + $1.areaUM2 } }
    public var totalAreaUM2: Double { analogAreaUM2 + digitalAreaUM2 }
    /// Table 3 total energy (80.58 pJ).
    public var analogEnergyPJ: Double { analogModules.reduce(0) { $0 + $1.energyPJ } }
    /// Table 5 total energy (15.41 pJ).
    public var digitalEnergyPJ: Double { digitalModules.reduce(0) { $0 + $1.energyPJ } }
    public var totalEnergyPJ: Double { analogEnergyPJ + digitalEnergyPJ }
    public var leakageMW: Double { modules.reduce(0) { $0 + $1.leakageMW } }

    /// The module called `name`, if any.
    public func module(_ name: String) -> ModuleCost? { modules.first { $0.name == name } }
}

extension CIMMacro {
    /// Area, latency and energy of every module and of one macro operation.
    ///
    /// Analog (Table 3):
    /// ```
    /// A_LS   = (rows_phys + 2·cols_phys) × (W_F·F·ioW) × (H_cell·ioH) × α   = 768 × 28 µm² × 1.44
    /// A_mux  = cols × a_switch;   A_ADC = n_ADC × (2^b − 1) × a_SA;   A_array = rows_phys·cols_phys·A_cell
    /// T_sense = T_LS + T_mux + T_ADC + T_array + T_muxDecoder + T_encoder;   T_clk = T_sense × β
    /// ```
    /// Digital (Table 5): A = Σ count × A_gate (normalized inverters × the 1.84 height), and
    /// E = Σ count × E_gate × activity (γ DFF, δ adder, ε inverter, ζ controller DFF).
    public func cost(calibration: NeuroSimCalibration) throws -> CIMMacroCost {
        try validate()
        try calibration.validate()
        let ref = analog.referenceNode
        let gates = CMOSGateLibrary(node: technology, energies: gateEnergies)
        let areaScale = technology.inverterAreaUM2 / ref.inverterAreaUM2
        let energyScale = GateEnergyPreset.cvSquaredScale(featureSizeNM: ref.featureSizeNM,
                                                          supplyVoltage: ref.supplyVoltage, to: technology)
        let latencyScale = technology.gateLengthNM / ref.gateLengthNM
        let conversions = Double(conversionsPerOperation)
        var modules: [ModuleCost] = []

        // Level shifters: WL per physical row, BL and SL per physical column (256 × 3).
        if cell.kind.needsLevelShifter {
            let count = Double(physicalRows + 2 * physicalColumns)
            let width = analog.levelShifterWidthF * technology.featureSizeUM * calibration.ioGateWidthMultiplier
            let height = analog.levelShifterHeightCells * technology.standardCellHeightNM / 1000
                * calibration.ioGateHeightMultiplier
            let energy = analog.levelShifterEnergyPJ / analog.referenceRowActivations * Double(computeRows) * energyScale
            modules.append(ModuleCost(name: "Level shifter", domain: .analog, areaUM2: count * width * height * calibration.alpha,
                                      latencyNS: analog.levelShifterLatencyNS * latencyScale, rawEnergyPJ: energy,
                                      energyPJ: energy, leakageMW: 0))
        }
        // Column mux (one switch per compute column) and its decoder (latency only; area and
        // energy "counted in control", Table 3).
        let muxEnergy = analog.muxEnergyPJ / analog.referenceConversions * conversions * energyScale
        modules.append(ModuleCost(name: "Mux", domain: .analog,
                                  areaUM2: analog.muxAreaUM2 / analog.referenceMuxSwitches * Double(computeColumns) * areaScale,
                                  latencyNS: analog.muxLatencyNS * latencyScale, rawEnergyPJ: muxEnergy, energyPJ: muxEnergy,
                                  leakageMW: 0))
        // ADCs.
        let senseAmpArea = analog.adcAreaUM2 / analog.referenceSenseAmps * areaScale
        let decisionEnergy = analog.adcEnergyPJ / analog.referenceSenseDecisions * energyScale
        let adcEnergy = decisionEnergy * Double(adc.decisionsPerConversion) * conversions
        modules.append(ModuleCost(
            name: "ADC", domain: .analog,
            areaUM2: Double(adcCount) * adc.areaUM2(senseAmpAreaUM2: senseAmpArea, inverterAreaUM2: technology.inverterAreaUM2),
            latencyNS: adc.latencyNS(decisionLatencyNS: analog.adcLatencyNS * latencyScale),
            rawEnergyPJ: adcEnergy, energyPJ: adcEnergy, leakageMW: 0))
        // Memory array.
        let ronScale = cell.onResistanceOhm.map { analog.referenceOnResistanceOhm / $0 } ?? 1
        let arrayEnergy = analog.arrayEnergyPJ / analog.referenceCellReads * Double(computeRows * computeColumns)
            * energyScale * ronScale
        modules.append(ModuleCost(name: "Array", domain: .analog,
                                  areaUM2: Double(physicalRows * physicalColumns) * cell.areaUM2(at: technology),
                                  latencyNS: analog.arrayLatencyNS * latencyScale, rawEnergyPJ: arrayEnergy,
                                  energyPJ: arrayEnergy, leakageMW: 0))
        modules.append(ModuleCost(name: "(Mux decoder)", domain: .analog, areaUM2: 0,
                                  latencyNS: analog.muxDecoderLatencyNS * latencyScale, rawEnergyPJ: 0, energyPJ: 0,
                                  leakageMW: 0))
        modules.append(ModuleCost(name: "(ADC encoder)", domain: .analog, areaUM2: 0,
                                  latencyNS: analog.adcEncoderLatencyNS * latencyScale, rawEnergyPJ: 0, energyPJ: 0,
                                  leakageMW: 0))

        // Digital modules (Table 5).
        let counts = resolvedGateCounts
        let invHeight = calibration.controlInverterHeightMultiplier
        func digital(_ name: String, _ gate: LogicGateKind, count: Int, heightMultiplier: Double = 1,
                     perEvent: Double, activity: Double) -> ModuleCost {
            let raw = Double(count) * perEvent
            let inverterEquivalents = Double(count) * gate.inverterEquivalents * heightMultiplier
            return ModuleCost(name: name, domain: .digital,
                              areaUM2: Double(count) * gates.area(gate, heightMultiplier: heightMultiplier),
                              latencyNS: 0, rawEnergyPJ: raw, energyPJ: raw * activity,
                              leakageMW: gates.leakageMW(inverterEquivalents: inverterEquivalents))
        }
        let c = calibration
        modules += [
            digital("Shift-add DFF", .dff, count: counts.shiftAddDFF, perEvent: gates.dffEnergyPJ(), activity: c.gamma),
            digital("Shift-add adder", .fullAdderBit, count: counts.shiftAddAdderBits,
                    perEvent: gates.shiftAddAdderBitEnergyPJ(), activity: c.delta),
            digital("Shift-add inverter", .inverter, count: counts.shiftAddInverters, heightMultiplier: invHeight,
                    perEvent: gates.inverterEnergyPJ(), activity: c.epsilon),
            digital("Accumulator DFF", .dff, count: counts.accumulatorDFF, perEvent: gates.dffEnergyPJ(), activity: c.gamma),
            digital("Accumulator adder", .fullAdderBit, count: counts.accumulatorAdderBits,
                    perEvent: gates.accumulatorAdderBitEnergyPJ(), activity: c.delta),
            digital("Accumulator inverter", .inverter, count: counts.accumulatorInverters, heightMultiplier: invHeight,
                    perEvent: gates.inverterEnergyPJ(), activity: c.epsilon),
            digital("Control DFF", .dff, count: counts.controlDFF, perEvent: gates.dffEnergyPJ(), activity: c.zeta),
            digital("Control inverter", .inverter, count: counts.controlInverters, heightMultiplier: invHeight,
                    perEvent: gates.inverterEnergyPJ(), activity: c.epsilon),
        ]
        let sensing = modules.filter { $0.domain == .analog }.reduce(0) { $0 + $1.latencyNS }
        return CIMMacroCost(modules: modules, sensingLatencyNS: sensing, clockPeriodNS: sensing * calibration.beta,
                            conversionsPerOperation: conversionsPerOperation)
    }
}
