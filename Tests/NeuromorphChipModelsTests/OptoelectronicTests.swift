import Foundation
import Testing
@testable import NeuromorphChipModels

/// Optoelectronic supercomputing budgets (Primavera & Shainline 2021; digest
/// `imc-cnn-mapping_optoelectronic-scaling.md` §2.8, tests A2-1…A2-16).
@Suite("Optoelectronic")
struct OptoelectronicTests {
    let link = SuperconductingLink.paper
    let diode = PhotodiodeReceiver.paper

    @Test("A2-1: E_spd = ½ · 100 nH · (10 µA)² = 5 aJ (1e-12 rel)")
    func snspdEnergy() {
        #expect(isClose(link.detectorEnergyJ, 5e-18, rel: 1e-12))
    }

    @Test("A2-2: N_ph for P(0) = 1 %, η_D = 0.7 is 6.579 (1e-3; paper \"roughly 7\"), Eq. 1")
    func photonsForDetection() throws {
        let n = try PhotonDetection.paper.photonsForMissProbability(0.01)
        #expect(isClose(n, 6.579, rel: 1e-3))
        #expect(n.rounded(.up) == 7)
        #expect(isClose(try PhotonDetection.paper.missProbability(meanPhotons: n), 0.01, rel: 1e-12))
    }

    @Test("Eq. 1: the Poisson series equals exp(−N_ph η_D) (1e-12 rel)", arguments: [0.5, 3.0, 6.579, 20.0])
    func eq1SeriesMatchesClosedForm(meanPhotons: Double) throws {
        let detection = PhotonDetection.paper
        #expect(isClose(try detection.missProbabilitySeries(meanPhotons: meanPhotons),
                        try detection.missProbability(meanPhotons: meanPhotons), rel: 1e-12))
    }

    @Test("A2-3: 7 photons at 1.5 µm = 0.927 aJ (1 %; paper \"0.9 aJ\"), Eq. 2")
    func sevenPhotons() throws {
        #expect(isClose(link.photonEnergyJ, 1.324e-19, rel: 1e-3))
        #expect(isClose(try link.opticalEnergy(photons: 7, linkEfficiency: 1), 0.927e-18, rel: 0.01))
        // Eq. 2 scales as 1/η
        #expect(isClose(try link.opticalEnergy(photons: 7, linkEfficiency: 0.1),
                        10 * (try link.opticalEnergy(photons: 7, linkEfficiency: 1)), rel: 1e-12))
    }

    @Test("A2-4: E_opt = E_spd at η = 0.185 (±0.03 of the paper's 20 %)")
    func breakEvenEfficiency() throws {
        let eta = try link.breakEvenEfficiency(photons: 7)
        #expect(isClose(eta, 0.185, rel: 0.01))
        #expect(abs(eta - 0.20) <= 0.03)
        #expect(isClose(try link.opticalEnergy(photons: 7, linkEfficiency: eta), link.detectorEnergyJ,
                        rel: 1e-12))
        // 1,000 W/W cooling: ≈ 0.93 fJ at η = 1 ("no less than 1 fJ", order of magnitude)
        let system = try link.systemOpticalEnergy(photons: 7, linkEfficiency: 1)
        #expect(isClose(system, 0.927e-15, rel: 0.01))
    }

    @Test("A2-6: receiverless 1 fF, 0.8 V: 4,993 electrons; 0.66 fJ (QE = 1) / 0.8 fJ (1 A/W); paper ≈ 0.7 fJ ±15 %")
    func receiverless() throws {
        #expect(isClose(diode.electronsPerSpike, 4_993, rel: 1e-3))
        #expect(isClose(diode.unitQuantumEfficiencyResponsivity, 1.2098, rel: 1e-3))
        let qe1 = try diode.opticalEnergy(linkEfficiency: 1)
        let r1 = try diode.opticalEnergy(linkEfficiency: 1, responsivity: 1)
        #expect(isClose(qe1, 0.661e-15, rel: 1e-3))
        #expect(isClose(r1, 0.8e-15, rel: 1e-12))
        #expect(isClose(qe1, 0.7e-15, rel: 0.15))
        #expect(isClose(r1, 0.7e-15, rel: 0.15))
        // Fig. 3: ~10³ x the superconducting optical energy (713x, order of magnitude)
        let ratio = qe1 / (try link.opticalEnergy(photons: 7, linkEfficiency: 1))
        #expect(ratio > 500 && ratio < 2_000)
        // Fig. 3 model: 10³ synapses at 1 MHz → 0.66 µW
        let power = try Optoelectronic.fanOutOpticalPower(energyPerSynapseEventJ: qe1, fanOut: 1_000,
                                                          rateHz: 1e6)
        #expect(isClose(power, 0.661e-6, rel: 1e-3))
    }

    @Test("A2-7: static 1 V · 1 nA dominates below 12.5-15 kHz at 1 % link efficiency (order of 10 kHz)")
    func leakageCrossover() throws {
        let qe1 = try diode.staticDominanceRateHz(linkEfficiency: 0.01)
        let r1 = try diode.staticDominanceRateHz(linkEfficiency: 0.01, responsivity: 1)
        #expect(isClose(qe1, 15.12e3, rel: 1e-3))
        #expect(isClose(r1, 12.5e3, rel: 1e-12))
        #expect(abs(log10(qe1) - log10(10e3)) < 0.5)
    }

    @Test("A2-8, A2-9: Eq. 4 endurance 3.16e11 (> 1e11), Eq. 5 update energy 3.16 pJ, 100 ns (Table 1)")
    func memoryTargets() throws {
        let targets = SynapticMemoryTargets.paper
        #expect(isClose(targets.spikeEnergyJ, 100e-15, rel: 1e-12))
        #expect(isClose(targets.requiredEndurance, 1e13 / 1_000.0.squareRoot(), rel: 1e-12))
        #expect(isClose(targets.requiredEndurance, 3.162e11, rel: 1e-3))
        #expect(isClose(targets.maxUpdateEnergyJ, 3.162e-12, rel: 1e-3))
        #expect(isClose(targets.maxUpdateTimeS, 100e-9, rel: 1e-12))
        let loop = try SynapticMemoryDevice(name: "loop memory", endurance: 1e20, updateEnergyJ: 1e-19,
                                            updateTimeS: 1e-11, precisionBits: 10)
        #expect(targets.check(loop).meetsAll)
        let pcm = try SynapticMemoryDevice(name: "PCM-like", endurance: 1e8, updateEnergyJ: 10e-12,
                                           updateTimeS: 50e-9, precisionBits: 4)
        let check = targets.check(pcm)
        #expect(!check.endurance && !check.updateEnergy && check.updateSpeed && check.precision)
        #expect(!check.meetsAll)
    }

    @Test("A2-10: Eq. 6 mean degree (1e-3 rel)",
          arguments: [(1e6, 2.0, 6_806.0), (1e6, 3.0, 199.4), (1e8, 2.0, 146_626.0),
                      (1e8, 3.0, 1_258.0), (1e6, 2.5, 749.3)])
    func eq6(nodes: Double, pathLength: Double, degree: Double) throws {
        let k = try ErdosRenyiPathLength.meanDegree(nodes: nodes, meanPathLength: pathLength)
        #expect(isClose(k, degree, rel: 1e-3))
        // inverse round-trips
        #expect(isClose(try ErdosRenyiPathLength.meanPathLength(nodes: nodes, meanDegree: k),
                        pathLength, rel: 1e-12))
    }

    @Test("Eq. 6 errata: N = 1e6, L = 2 gives 6,806 (paper \"nearly 10,000\"); k = 100 gives L = 3.37 (paper 3.5)")
    func eq6Errata() throws {
        #expect(try ErdosRenyiPathLength.meanDegree(nodes: 1e6, meanPathLength: 2) < 7_000)
        let l = try ErdosRenyiPathLength.meanPathLength(nodes: 1e6, meanDegree: 100)
        #expect(isClose(l, 3.375, rel: 1e-3))
    }

    @Test("A2-15: planes for N = 1e6, L = 2.5 on 0.09 m²: p_p(2 µm) = 5.00, p_e(10 µm) = 0.83 → 1, p_e(30 µm) = 7.49 → 8")
    func waferPlanes() throws {
        let ten = try WaferPlanes.paper(synapseWidthM: 10e-6)
        let thirty = try WaferPlanes.paper(synapseWidthM: 30e-6)
        #expect(isClose(ten.photonicPlanes, 5.00, rel: 2e-3))
        #expect(ten.requiredPhotonicPlanes == 5)
        #expect(isClose(ten.electronicPlanes, 0.8326, rel: 1e-3))
        #expect(ten.requiredElectronicPlanes == 1)
        #expect(isClose(thirty.electronicPlanes, 7.493, rel: 1e-3))
        #expect(thirty.requiredElectronicPlanes == 8)
        // the constraints of Eqs. 7-8 hold with equality at the real-valued plane counts
        let ap = try ten.photonicAreaPerNeuron(planes: ten.photonicPlanes)
        let ae = try thirty.electronicAreaPerNeuron(planes: thirty.electronicPlanes)
        #expect(isClose(1e6 * ap, 0.09, rel: 1e-12))
        #expect(isClose(1e6 * ae, 0.09, rel: 1e-12))
        // the circular-wafer convention gives 1.06 / 9.54 / 5.64 instead
        let circle = try WaferPlanes.paper(synapseWidthM: 30e-6, area: .circle300mm)
        #expect(isClose(circle.electronicPlanes, 9.54, rel: 2e-3))
    }

    @Test("A2-12: Carnot (T_H = 300 K) 70.4 W/W at 4.2 K, 74.0 at 4 K (paper \"at least 74\")")
    func carnot() throws {
        #expect(isClose(try SystemScaling.carnotSpecificPower(coldK: 4.2), 70.43, rel: 1e-3))
        #expect(isClose(try SystemScaling.carnotSpecificPower(coldK: 4), 74.0, rel: 1e-12))
    }

    @Test("A2-13, A2-14: 31.6 µm SOEN synapse at 1 W/cm² (5 %; paper < 30 µm); 10 µm CMOS at 1 GHz → 1 kW/cm²")
    func powerDensity() throws {
        let side = try SystemScaling.maxSynapseWidth(
            receiverEnergyJ: 1e-18, linkEfficiency: 1e-4, rateHz: 1e9,
            densityLimitWPerM2: SystemScaling.wattsPerSquareMeter(wattsPerSquareCentimeter: 1))
        #expect(isClose(side, 31.62e-6, rel: 1e-3))
        #expect(isClose(side, 30e-6, rel: 0.06))
        let density = try SystemScaling.powerDensity(receiverEnergyJ: 1e-15, linkEfficiency: 1e-3,
                                                     rateHz: 1e9, synapseWidthM: 10e-6)
        #expect(isClose(density, SystemScaling.wattsPerSquareMeter(wattsPerSquareCentimeter: 1_000),
                        rel: 1e-12))
    }

    @Test("A2-16: f_max = P η / (N k E): 10 MW, 1 fJ, N = 1e10, k = 1e4 → 10 kHz at η = 1e-4, 1 MHz at 1e-2")
    func maxRate() throws {
        func rate(_ eta: Double) throws -> Double {
            try SystemScaling.maxAverageRateHz(powerBudgetW: 10e6, linkEfficiency: eta, neurons: 1e10,
                                               meanDegree: 1e4, receiverEnergyJ: 1e-15)
        }
        #expect(isClose(try rate(1e-4), 1e4, rel: 1e-12))
        #expect(isClose(try rate(1e-2), 1e6, rel: 1e-12))
        #expect(try SystemScaling.wafers(totalNeurons: 1e10, neuronsPerWafer: 1e6) == 10_000)
    }

    @Test("bad parameters throw typed errors naming the field")
    func validation() {
        #expect(throws: ChipModelError.self) { try PhotonDetection(detectorEfficiency: 0) }
        #expect(throws: ChipModelError.self) { try PhotonDetection.paper.photonsForMissProbability(1) }
        #expect(throws: ChipModelError.self) { try PhotonDetection.paper.missProbability(meanPhotons: -1) }
        #expect(throws: ChipModelError.self) { try link.opticalEnergy(photons: 7, linkEfficiency: 1.5) }
        #expect(throws: ChipModelError.self) {
            try ErdosRenyiPathLength.meanDegree(nodes: 1e6, meanPathLength: 0.5)
        }
        #expect(throws: ChipModelError.self) { try SystemScaling.carnotSpecificPower(hotK: 4, coldK: 4.2) }
        #expect(throws: ChipModelError.self) {
            try WaferPlanes(neurons: 1e6, meanDegree: 749, waveguidePitchM: 0, synapseWidthM: 1e-5,
                            waferAreaM2: 0.09)
        }
        do {
            _ = try SynapticMemoryTargets(lifetimeS: 1e9, averageRateHz: -1, maxRateHz: 1e7, fanIn: 1000,
                                          receiverEnergyJ: 1e-15, transmitterEfficiency: 0.01,
                                          precisionBits: 4...8)
            Issue.record("negative rate was accepted")
        } catch let error as ChipModelError {
            #expect(error.description
                == "SynapticMemoryTargets.averageRateHz = -1.0 is invalid: expected a finite number > 0")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
