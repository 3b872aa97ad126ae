import Foundation

extension Optoelectronic {
    /// Seed of the Monte-Carlo rows in ``paperComparisons()``.
    public static let monteCarloSeed: UInt64 = 0x5EED_0B7_0E1EC

    /// The optoelectronic paper's budget numbers A2-1…A2-16 (digest §2.8), each computed
    /// from the presets; Monte-Carlo rows use ``monteCarloSeed``.
    public static func paperComparisons() throws -> [PaperComparison] {
        let link = SuperconductingLink.paper
        let diode = PhotodiodeReceiver.paper
        let memory = SynapticMemoryTargets.paper
        let aJ = 1e18, fJ = 1e15
        let photons1pct = try link.detection.photonsForMissProbability(0.01)
        var rng = MonteCarloRNG(seed: monteCarloSeed)
        let missMC = try link.detection.monteCarloMissRate(meanPhotons: photons1pct,
                                                           trials: 100_000, generator: &rng)
        let diodeQE1 = try diode.opticalEnergy(linkEfficiency: 1)
        let diodeR1 = try diode.opticalEnergy(linkEfficiency: 1, responsivity: 1)
        let sevenPhotons = try link.opticalEnergy(photons: 7, linkEfficiency: 1)
        var rows: [PaperComparison] = [
            .init(quantity: "SNSPD energy 1/2 L I^2", unit: "aJ", paper: 5,
                  model: link.detectorEnergyJ * aJ, source: "A2-1"),
            .init(quantity: "photons for 99 % detection", unit: "", paper: 7,
                  model: photons1pct, source: "A2-2, Eq. 1", note: "paper \"roughly 7\""),
            .init(quantity: "miss rate, Monte Carlo (1e5 pulses)", unit: "", paper: 0.01,
                  model: missMC, source: "A2-5, Eq. 1", note: "seeded MonteCarloRNG"),
            .init(quantity: "energy of 7 photons at 1.5 um", unit: "aJ", paper: 0.9,
                  model: sevenPhotons * aJ, source: "A2-3, Eq. 2"),
            .init(quantity: "efficiency where E_opt = E_spd", unit: "", paper: 0.2,
                  model: try link.breakEvenEfficiency(photons: 7), source: "A2-4, Eq. 2"),
            .init(quantity: "system optical energy incl. cooling", unit: "fJ", paper: 1,
                  model: try link.systemOpticalEnergy(photons: 7, linkEfficiency: 1) * fJ,
                  source: "§2.2", note: "paper: \"no less than 1 fJ\""),
            .init(quantity: "receiverless electrons per spike", unit: "", paper: 5000,
                  model: diode.electronsPerSpike, source: "A2-6, Eq. 3"),
            .init(quantity: "receiverless E_opt (QE = 1)", unit: "fJ", paper: 0.7,
                  model: diodeQE1 * fJ, source: "A2-6, Eq. 3"),
            .init(quantity: "receiverless E_opt (R = 1 A/W)", unit: "fJ", paper: 0.7,
                  model: diodeR1 * fJ, source: "A2-6, Eq. 3",
                  note: "paper's 0.7 fJ fits QE = 1, not R = 1 A/W"),
            .init(quantity: "static/dynamic crossover (eta = 1 %)", unit: "kHz", paper: 10,
                  model: try diode.staticDominanceRateHz(linkEfficiency: 0.01) / 1e3,
                  source: "A2-7", note: "order of magnitude only"),
            .init(quantity: "semiconductor/superconducting power", unit: "x", paper: 1000,
                  model: diodeQE1 / sevenPhotons, source: "Fig. 3 caption",
                  note: "paper \"around one thousand\""),
            .init(quantity: "required endurance", unit: "updates", paper: 1e11,
                  model: memory.requiredEndurance, source: "A2-8, Eq. 4, Table 1",
                  note: "Table 1 is a lower bound"),
            .init(quantity: "max update energy", unit: "pJ", paper: 3,
                  model: memory.maxUpdateEnergyJ * 1e12, source: "A2-9, Eq. 5, Table 1"),
            .init(quantity: "max update time", unit: "ns", paper: 100,
                  model: memory.maxUpdateTimeS * 1e9, source: "Table 1"),
        ]
        let degreeCases: [(n: Double, l: Double, paper: Double, note: String)] = [
            (1e6, 2, 10_000, "NOT reproduced: paper \"nearly 10,000\""),
            (1e6, 3, 200, ""),
            (1e8, 2, 100_000, "paper \"more than 100,000\""),
            (1e8, 3, 1_000, "paper \"more than 1,000\""),
        ]
        for c in degreeCases {
            rows.append(.init(
                quantity: "mean degree, N=\(ReportNumber.short(c.n)), L=\(ReportNumber.short(c.l))",
                unit: "", paper: c.paper,
                model: try ErdosRenyiPathLength.meanDegree(nodes: c.n, meanPathLength: c.l),
                source: "A2-10, Eq. 6", note: c.note))
        }
        rows.append(.init(quantity: "mean path, N=1e6, k=100", unit: "hops", paper: 3.5,
                          model: try ErdosRenyiPathLength.meanPathLength(nodes: 1e6, meanDegree: 100),
                          source: "Eq. 6, Supp. Figs. 9-10", note: "NOT reproduced: Eq. 6 gives 3.37"))
        let graph = try ErdosRenyiGraph(nodes: 10_000, meanDegree: 10, generator: &rng)
        let sample = try graph.sampledMeanPathLength(sources: 100, generator: &rng)
        rows.append(.init(quantity: "ER BFS path (N=1e4, k=10) vs Eq. 6", unit: "hops",
                          paper: try ErdosRenyiPathLength.meanPathLength(nodes: 1e4, meanDegree: 10),
                          model: sample.meanPathLength, source: "A2-11",
                          note: "paper column = Eq. 6; Monte Carlo, 100 BFS sources"))
        let planes10 = try WaferPlanes.paper(synapseWidthM: 10e-6)
        let planes30 = try WaferPlanes.paper(synapseWidthM: 30e-6)
        rows += [
            .init(quantity: "photonic planes (w_wg = 2 um)", unit: "", paper: 5,
                  model: planes10.photonicPlanes, source: "A2-15, Eq. 7",
                  note: "0.09 m2 wafer, w_wg inferred", kind: .consistencyCheck),
            .init(quantity: "electronic planes (10 um synapse)", unit: "", paper: 1,
                  model: Double(planes10.requiredElectronicPlanes), source: "A2-15, Eq. 8",
                  note: "real value \(ReportNumber.short(planes10.electronicPlanes))"),
            .init(quantity: "electronic planes (30 um synapse)", unit: "", paper: 8,
                  model: Double(planes30.requiredElectronicPlanes), source: "A2-15, Eq. 8",
                  note: "real value \(ReportNumber.short(planes30.electronicPlanes))"),
            .init(quantity: "Carnot specific power at 4.2 K", unit: "W/W", paper: 74,
                  model: try SystemScaling.carnotSpecificPower(coldK: 4.2), source: "A2-12",
                  note: "erratum: 74 is the 4 K value"),
            .init(quantity: "max synapse side (SOEN, 1 GHz)", unit: "um", paper: 30,
                  model: try SystemScaling.maxSynapseWidth(
                      receiverEnergyJ: 1e-18, linkEfficiency: 1e-4, rateHz: 1e9,
                      densityLimitWPerM2: SystemScaling.wattsPerSquareMeter(wattsPerSquareCentimeter: 1)) * 1e6,
                  source: "A2-13", note: "paper \"under 30 um\""),
            .init(quantity: "semiconductor power density", unit: "W/cm2", paper: 1000,
                  model: try SystemScaling.powerDensity(receiverEnergyJ: 1e-15, linkEfficiency: 1e-3,
                                                        rateHz: 1e9, synapseWidthM: 10e-6) / 1e4,
                  source: "A2-14"),
            .init(quantity: "max average rate (eta = 1e-4)", unit: "Hz", paper: 1e4,
                  model: try SystemScaling.maxAverageRateHz(
                      powerBudgetW: 10e6, linkEfficiency: 1e-4, neurons: 1e10, meanDegree: 1e4,
                      receiverEnergyJ: 1e-15),
                  source: "A2-16, Fig. 6", note: "10 MW, N=1e10, k=1e4, 1 fJ"),
            .init(quantity: "wafers for 1e10 neurons", unit: "", paper: 1e4,
                  model: Double(try SystemScaling.wafers(totalNeurons: 1e10, neuronsPerWafer: 1e6)),
                  source: "§2.6"),
        ]
        return rows
    }
}

/// Short number labels for row names.
enum ReportNumber {
    static func short(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e4 { return String(Int(value)) }
        let exponent = log10(abs(value)).rounded()
        if value > 0, pow(10, exponent) == value { return "1e\(Int(exponent))" }
        return ChipModelReport.format(value)
    }
}
