import NeuromorphSpiking

/// Benchmarking parallel hardware for SNNs in robotics (Steffen et al. 2021): the 3-D wavefront
/// planner's network sizes and the spike count of the paper's NEST reference (`nest_wave.py`)
/// on its wall map. The paper prints map sizes, not network sizes: the synapse counts are the
/// digest's [INFERRED] 6-neighbour reading, checked by enumerating the pairs; the neuron count
/// n³ only restates the input. Digest `snn-robotics_pcm-transformer_always-on-snn.md` §1.2,
/// §1.6 (acceptance-test candidates 1–2).
enum SteffenPlannerResults: PaperResultGroup {
    static let paper = Paper(key: "steffen2021", citation: "Steffen et al. 2021, SNN wavefront planner benchmark",
                             digest: "snn-robotics_pcm-transformer_always-on-snn.md")

    static var results: [PaperResult] {
        let sizes: [(n: Int, neurons: Double, synapses: Double)] = [
            (20, 8_000, 45_600), (25, 15_625, 90_000), (30, 27_000, 156_600), (55, 166_375, 980_100),
        ]
        let counts = sizes.flatMap { size in
            [
                result("neurons-n\(size.n)", "§1.6 item 2", "neurons n³ of the \(size.n)³ grid (n is the input)",
                       paper: size.neurons, tolerance: .exact, kind: .consistency) { Double(try WavefrontGrid(n: size.n, dimensions: 3, map: .wall).cellCount) },
                result("synapses-n\(size.n)", "§1.6 item 2", "directed 6-neighbour pairs enumerated vs the digest's 6n²(n−1) [INFERRED]",
                       paper: size.synapses, tolerance: .exact, quick: size.n <= 25) {
                    Double(try WavefrontGrid(n: size.n, dimensions: 3, map: .wall).directedPairs().count)
                },
            ]
        }
        return counts + [
            result("wall-free-cells", "§1.6", "free cells of nest_wave.py's n = 20 wall map (NEST: 7,616 spikes)",
                   paper: 7_616, tolerance: .exact) { Double(try WavefrontGrid(n: 20, dimensions: 3, map: .wall).freeCount) },
            result("wall-spikes", "§1.6", "spikes of the simulated wave on the n = 20 wall map (NEST: 7,616)",
                   paper: 7_616, tolerance: .exact, quick: false) {
                Double(try WavefrontPlanner(grid: WavefrontGrid(n: 20, dimensions: 3, map: .wall)).run().spikeCount)
            },
        ]
    }
}
