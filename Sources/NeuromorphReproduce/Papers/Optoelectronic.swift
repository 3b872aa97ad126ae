import NeuromorphChipModels

/// Optoelectronic neuromorphic supercomputing (Primavera & Shainline 2021): receiver energies,
/// memory targets and system scaling. Digest `imc-cnn-mapping_optoelectronic-scaling.md` §2.2–2.6,
/// acceptance tests §2.8 (A2-n).
enum OptoelectronicResults: PaperResultGroup {
    static let paper = Paper(key: "primavera2021",
                             citation: "Primavera & Shainline 2021, optoelectronic neuromorphic supercomputing",
                             digest: "imc-cnn-mapping_optoelectronic-scaling.md")

    static var results: [PaperResult] {
        let link = SuperconductingLink.paper
        let diode = PhotodiodeReceiver.paper
        return [
            result("snspd-energy", "§2.8 A2-1", "E_spd = ½ L I² (100 nH, 10 µA)", paper: 5, unit: "aJ",
                   tolerance: .relative(1e-9)) { link.detectorEnergyJ * 1e18 },
            result("photons-for-1pct-miss", "§2.8 A2-2", "photons for P(0) = 1 % at η_D = 0.7 (\"roughly 7\")",
                   paper: 7, tolerance: .absolute(0.5)) { try PhotonDetection.paper.photonsForMissProbability(0.01) },
            result("seven-photon-energy", "§2.8 A2-3", "7 photons at 1.5 µm (\"0.9 aJ\")", paper: 0.9, unit: "aJ",
                   tolerance: .relative(0.05)) { try link.opticalEnergy(photons: 7, linkEfficiency: 1) * 1e18 },
            result("break-even-efficiency", "§2.8 A2-4", "link efficiency where E_opt = E_spd (\"20 %\")",
                   paper: 0.20, tolerance: .absolute(0.03)) { try link.breakEvenEfficiency(photons: 7) },
            result("receiverless-energy", "§2.8 A2-6", "receiverless photodiode, 1 fF at 0.8 V, QE = 1 (\"0.7 fJ\")",
                   paper: 0.7, unit: "fJ", tolerance: .relative(0.15)) {
                try diode.opticalEnergy(linkEfficiency: 1) * 1e15
            },
            result("update-energy", "§2.8 A2-9", "Eq. 5 maximum update energy √1000 × 100 fJ (\"about 3 pJ\")",
                   paper: 3, unit: "pJ", tolerance: .relative(0.06)) {
                SynapticMemoryTargets.paper.maxUpdateEnergyJ * 1e12
            },
            result("carnot-4k", "§2.8 A2-12", "Carnot specific power at 4 K from 300 K (\"at least 74\")",
                   paper: 74, unit: "W/W", tolerance: .relative(1e-3)) {
                try SystemScaling.carnotSpecificPower(coldK: 4)
            },
            result("soen-synapse-width", "§2.8 A2-13", "largest SOEN synapse at 1 W/cm² (\"< 30 µm\")",
                   paper: 30, unit: "µm", tolerance: .relative(0.06)) {
                try SystemScaling.maxSynapseWidth(
                    receiverEnergyJ: 1e-18, linkEfficiency: 1e-4, rateHz: 1e9,
                    densityLimitWPerM2: SystemScaling.wattsPerSquareMeter(wattsPerSquareCentimeter: 1)) * 1e6
            },
            result("cmos-power-density", "§2.8 A2-14", "10 µm CMOS synapse at 1 GHz, η = 1e-3", paper: 1_000,
                   unit: "W/cm²", tolerance: .relative(1e-9)) {
                let density = try SystemScaling.powerDensity(receiverEnergyJ: 1e-15, linkEfficiency: 1e-3,
                                                             rateHz: 1e9, synapseWidthM: 10e-6)
                return density / SystemScaling.wattsPerSquareMeter(wattsPerSquareCentimeter: 1)
            },
        ]
    }
}
