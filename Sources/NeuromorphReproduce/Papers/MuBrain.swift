import NeuromorphChipModels

/// μBrain (Stuijt et al. 2021): synapse and memory bookkeeping, MNIST energy, gesture accuracy.
/// Digest `equilibrium-propagation_ubrain_neurosim.md` §2.4–2.5, acceptance tests §2.7.
enum MuBrainResults: PaperResultGroup {
    static let paper = Paper(key: "stuijt2021", citation: "Stuijt et al. 2021, μBrain event-driven SNN",
                             digest: "equilibrium-propagation_ubrain_neurosim.md")

    static var results: [PaperResult] {
        [
            result("fc-synapses", "§2.7-1", "FC synapses 256·64 + 64·16 + 64 + 16 (from the layer sizes)",
                   paper: 17_488, tolerance: .exact) { Double(MuBrainTopology.prototype.fullyConnectedSynapses) },
            result("synapses", "§2.7-1", "total synapses, recurrent + FC", paper: 37_366, tolerance: .exact, kind: .consistency) {
                Double(MuBrainTopology.prototype.synapses)
            },
            result("memory-bits", "§2.7-1", "synaptic memory bits (4-bit weights)", paper: 149_464,
                   unit: "bit", tolerance: .exact, kind: .consistency) { Double(MuBrainTopology.prototype.memoryBits) },
            result("memory-kib", "§2.4", "synaptic memory \"18.2 kB\"", paper: 18.2, unit: "KiB",
                   tolerance: .absolute(0.05), kind: .consistency) { MuBrainTopology.prototype.memoryKiB },
            result("neurons", "§2.4", "neurons 256 + 64 + 16", paper: 336, tolerance: .exact) {
                Double(MuBrainTopology.prototype.neurons)
            },
            result("recurrent-density", "§2.4", "lateral connectivity \"about 30 %\"", paper: 0.30,
                   tolerance: .absolute(0.005), kind: .consistency) { MuBrainTopology.prototype.recurrentDensity },
            result("mnist-neurons", "§2.5 Table 2", "MNIST mapping neurons \"74\"", paper: 74, tolerance: .exact) {
                Double(MuBrainTopology.mnist.neurons)
            },
            result("mnist-synapses", "§2.5 Table 2", "MNIST mapping synapses \"17k\"", paper: 17_000,
                   tolerance: .absolute(500)) { Double(MuBrainTopology.mnist.synapses) },
            result("mnist-spike-energy", "§2.7-4", "11,500 spikes × 26 pJ vs the printed 308 nJ/classification",
                   paper: 308, unit: "nJ", tolerance: .relative(0.03)) {
                MuBrainEnergy.mnist.spikeEnergyPerClassificationJ * 1e9
            },
            result("mnist-power-energy", "§2.7-4", "73 µW × 4.2 ms vs the printed 308 nJ/classification",
                   paper: 308, unit: "nJ", tolerance: .relative(0.03)) {
                MuBrainEnergy.mnist.reportedPowerEnergyJ * 1e9
            },
            result("gesture-accuracy", "§2.5 Table 1", "gesture accuracy from the confusion-matrix counts",
                   paper: 93.4, unit: "%", tolerance: .absolute(0.05)) {
                GestureConfusionMatrix.paper.accuracy * 100
            },
        ]
    }
}
