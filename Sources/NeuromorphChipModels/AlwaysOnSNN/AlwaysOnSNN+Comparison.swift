extension AlwaysOnSNN {
    /// The always-on SNN's headline numbers, computed from the presets
    /// (Chundi et al. 2021; digest §3.7 item 5).
    public static func paperComparisons() throws -> [PaperComparison] {
        let net = AlwaysOnNetwork.paper
        let power = AlwaysOnPowerModel.paper
        let ratios = AlwaysOnComparisons.paper
        let arbiter = ArbiterDesign.keywordSpotting
        let nano = 1e9
        return [
            .init(quantity: "neurons", unit: "", paper: 650, model: Double(net.neurons),
                  source: "digest §3.2, Table 2"),
            .init(quantity: "synapses", unit: "", paper: 67_000, model: Double(net.synapses),
                  source: "digest §3.2 (\"67k\")", note: "exact count 66,816"),
            .init(quantity: "weight SRAM", unit: "kb", paper: 65.25, model: net.sramKb,
                  source: "digest §3.2"),
            .init(quantity: "idle neuron power, gated", unit: "nW", paper: 0.2425,
                  model: power.gatedIdleNeuronPowerW * nano, source: "digest §3.4 (1.16 nW, -74.6 %, -17.68 %)"),
            .init(quantity: "idle neuron power reduction", unit: "x", paper: 4.8,
                  model: power.idleNeuronReduction, source: "digest §3.4"),
            .init(quantity: "power at 0 % input rate", unit: "nW", paper: 75,
                  model: try power.power(inputRate: 0) * nano, source: "Table 1", kind: .input),
            .init(quantity: "power at 50 % input rate", unit: "nW", paper: 147.5,
                  model: try power.power(inputRate: 0.5) * nano, source: "digest §3.7 (linear P(r))", kind: .consistencyCheck),
            .init(quantity: "power at 100 % input rate", unit: "nW", paper: 220,
                  model: try power.power(inputRate: 1) * nano, source: "Table 1", kind: .input),
            .init(quantity: "saving vs Shan 2020 (100 %)", unit: "x", paper: 2.3,
                  model: try ratios.savingVersusShan(powerW: power.power(inputRate: 1)),
                  source: "abstract, Table 1"),
            .init(quantity: "saving vs Shan 2020 (0 %)", unit: "x", paper: 6.8,
                  model: try ratios.savingVersusShan(powerW: power.power(inputRate: 0)),
                  source: "Table 1"),
            .init(quantity: "saving vs Chen 2018", unit: "x", paper: 30_000,
                  model: ratios.savingVersusChen, source: "digest §3.5 (\"over 30,000x\")",
                  note: "paper gives a lower bound"),
            .init(quantity: "power if all at 0.8 V", unit: "x", paper: 2.4,
                  model: power.allBoostVoltageFactor, source: "digest §3.4"),
            .init(quantity: "LDO power overhead", unit: "%", paper: 53.8,
                  model: power.ldoOverhead * 100, source: "digest §3.4"),
            .init(quantity: "area scaled to 28 nm", unit: "mm2", paper: 0.37,
                  model: ratios.scaledAreaMM2, source: "digest §3.4"),
            .init(quantity: "arbiter cycles per 80 ms frame", unit: "", paper: 1360,
                  model: arbiter.cyclesPerFrame, source: "Eq. 2, digest §3.7 (17 kHz)"),
            .init(quantity: "energy per MNIST inference", unit: "nJ", paper: 195,
                  model: ratios.energyPerInferenceJ * nano, source: "Table 2",
                  note: "NOT reproduced: 305 nW x 0.5 s = 152.5 nJ"),
        ]
    }
}
