extension MuBrain {
    /// μBrain's headline numbers computed from ``MuBrainTopology`` and ``MuBrainEnergy``
    /// presets (Stuijt et al. 2021; digest §2.4, §2.5, §2.7).
    public static func paperComparisons() throws -> [PaperComparison] {
        let chip = MuBrainTopology.prototype
        let mnist = MuBrainTopology.mnist
        let energy = MuBrainEnergy.mnist
        let confusion = GestureConfusionMatrix.paper
        return [
            .init(quantity: "prototype neurons", unit: "", paper: 336, model: Double(chip.neurons),
                  source: "digest §2.4"),
            .init(quantity: "FC synapses (with biases)", unit: "", paper: 17_488,
                  model: Double(chip.fullyConnectedSynapses), source: "digest §2.4"),
            .init(quantity: "total synapses", unit: "", paper: 37_366,
                  model: Double(chip.synapses), source: "digest §2.4", note: "RFC register count 19,878 chosen to give this total", kind: .consistencyCheck),
            .init(quantity: "weight memory", unit: "bits", paper: 149_464,
                  model: Double(chip.memoryBits), source: "digest §2.4", kind: .consistencyCheck),
            .init(quantity: "weight memory", unit: "KiB", paper: 18.2, model: chip.memoryKiB,
                  source: "digest §2.4 (\"18.2 kB\")", kind: .consistencyCheck),
            .init(quantity: "RFC connection density", unit: "%", paper: 30,
                  model: chip.recurrentDensity * 100, source: "digest §2.4 (\"about 30%\")", kind: .consistencyCheck),
            .init(quantity: "MNIST neurons used", unit: "", paper: 74, model: Double(mnist.neurons),
                  source: "Table 2"),
            .init(quantity: "MNIST synapses used", unit: "", paper: 17_000,
                  model: Double(mnist.synapses), source: "Table 2 (\"17k\")", note: "exact 17,024"),
            .init(quantity: "max weight at W=4", unit: "", paper: 7,
                  model: Double(chip.weightRange.upperBound), source: "digest §2.2",
                  note: "erratum: printed range gives -9..7; symmetric -7..7 used"),
            .init(quantity: "spikes x energy per spike", unit: "nJ", paper: 308,
                  model: energy.spikeEnergyPerClassificationJ * 1e9, source: "digest §2.5",
                  note: "11,500 x 26 pJ = 299 nJ, within 3 %"),
            .init(quantity: "time per classification", unit: "ms", paper: 4.2,
                  model: energy.secondsPerClassification * 1e3, source: "Table 2 note"),
            .init(quantity: "Table-2 power x time", unit: "nJ", paper: 308,
                  model: energy.reportedPowerEnergyJ * 1e9, source: "digest §2.5"),
            .init(quantity: "total current x Vdd x time", unit: "nJ", paper: 308,
                  model: energy.currentEnergyJ * 1e9, source: "digest §2.5",
                  note: "74 uA x 1.1 V gives 81.4 uW, not 73 uW"),
            .init(quantity: "static share of energy", unit: "%", paper: 30,
                  model: energy.staticShare * 100, source: "digest §2.5",
                  note: "NOT reproduced: paper's own currents give 72 %"),
            .init(quantity: "gesture accuracy (confusion matrix)", unit: "%", paper: 93.4,
                  model: confusion.accuracy * 100, source: "Table 1"),
        ]
    }
}
