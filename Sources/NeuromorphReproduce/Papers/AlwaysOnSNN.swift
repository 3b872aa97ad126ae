import NeuromorphChipModels

/// Always-on sub-µW SNN (Chundi et al. 2021): network bookkeeping, arbiter equations, power
/// gating and the comparison ratios. Digest `snn-robotics_pcm-transformer_always-on-snn.md`
/// §3.2–3.4, acceptance tests §3.7.
enum AlwaysOnSNNResults: PaperResultGroup {
    static let paper = Paper(key: "chundi2021", citation: "Chundi et al. 2021, always-on sub-µW SNN",
                             digest: "snn-robotics_pcm-transformer_always-on-snn.md")

    static var results: [PaperResult] {
        [
            result("neurons", "§3.2", "neurons of the 256-128-128-128-10 network", paper: 650, tolerance: .exact) {
                Double(AlwaysOnNetwork.paper.neurons)
            },
            result("synapses", "§3.2", "synapses from the layer sizes vs the printed \"67k\"", paper: 67_000,
                   tolerance: .relative(0.005)) { Double(AlwaysOnNetwork.paper.synapses) },
            result("sram-kb", "§3.2", "synapse SRAM at 1 bit/weight", paper: 65.25, unit: "kb", tolerance: .exact) {
                AlwaysOnNetwork.paper.sramKb
            },
            result("arbiter-cycles", "§3.3 Eq. 2", "cycles per frame 17 kHz × 80 ms", paper: 1_360,
                   tolerance: .relative(1e-12)) { ArbiterDesign.keywordSpotting.cyclesPerFrame },
            result("idle-neuron-reduction", "§3.4, §3.7", "idle-neuron power reduction by clock + power gating",
                   paper: 4.8, unit: "×", tolerance: .absolute(0.05)) {
                AlwaysOnPowerModel.paper.idleNeuronReduction
            },
            result("power-standby", "§3.5 Table 1", "P(r = 0) of the linear power model (its input)",
                   paper: 75, unit: "nW", tolerance: .relative(1e-12), kind: .consistency) {
                try AlwaysOnPowerModel.paper.power(inputRate: 0) * 1e9
            },
            result("power-full-rate", "§3.5 Table 1", "P(r = 1) of the linear power model (its input)",
                   paper: 220, unit: "nW", tolerance: .relative(1e-12), kind: .consistency) {
                try AlwaysOnPowerModel.paper.power(inputRate: 1) * 1e9
            },
            result("saving-vs-shan-full", "§3.5, §3.7", "power saving vs Shan 2020 at full input rate",
                   paper: 2.32, unit: "×", tolerance: .relative(1e-3)) {
                let power = AlwaysOnPowerModel.paper
                return try AlwaysOnComparisons.paper.savingVersusShan(powerW: power.power(inputRate: 1))
            },
            result("saving-vs-shan-standby", "§3.5, §3.7", "power saving vs Shan 2020 at zero input rate",
                   paper: 6.8, unit: "×", tolerance: .relative(1e-3)) {
                let power = AlwaysOnPowerModel.paper
                return try AlwaysOnComparisons.paper.savingVersusShan(powerW: power.power(inputRate: 0))
            },
            result("saving-vs-chen", "§3.5", "\"over 30,000×\" vs Chen 2018 (9.42 mW / 305 nW)", paper: 30_000,
                   unit: "×", tolerance: .relative(0.05)) { AlwaysOnComparisons.paper.savingVersusChen },
            result("boost-voltage-factor", "§3.4", "all-boost voltage factor (0.8 V / 0.52 V)²", paper: 2.367,
                   tolerance: .relative(1e-3)) { AlwaysOnPowerModel.paper.allBoostVoltageFactor },
            result("ldo-overhead", "§3.4", "LDO overhead at 65 % efficiency", paper: 0.538,
                   tolerance: .relative(1e-3)) { AlwaysOnPowerModel.paper.ldoOverhead },
            result("scaled-area", "§3.5", "area scaled to the compared node", paper: 0.369, unit: "mm²",
                   tolerance: .relative(1e-3)) { AlwaysOnComparisons.paper.scaledAreaMM2 },
        ]
    }
}
