import NeuromorphChipModels
import NeuromorphSpiking

/// MONETA (Kim et al. 2022): throughput, capacity, frame rates and efficiencies of the SRAM
/// PIM accelerator. Digest `bayesian-hardware_bcpnn-memristor_moneta.md` §3.6, acceptance
/// tests §3.8 items 1 and 4.
enum MonetaResults: PaperResultGroup {
    static let paper = Paper(key: "kim2022", citation: "Kim et al. 2022, MONETA SRAM PIM for hybrid SNNs",
                             digest: "bayesian-hardware_bcpnn-memristor_moneta.md")

    static var results: [PaperResult] {
        let chip = MonetaChip.paper
        let rate = MonetaLayer.conv4OutputSpikeRate
        let frames = zip(MonetaLayer.cifarNetwork, [13_020.8, 2_441.4, 9_765.6, 19_531.3]).map { layer, fps in
            result("fps-\(layer.name.lowercased())", "§3.8", "\(layer.name) frames per second", paper: fps,
                   unit: "fps", tolerance: .absolute(0.05), kind: .consistency) { chip.framesPerSecond(layer) }
        }
        return [
            result("peak-tops", "§3.6", "peak throughput 2 × 16 × 9 × 8 × 1 GHz", paper: 2.304, unit: "TOPS",
                   tolerance: .relative(1e-12)) { chip.peakOpsPerSecond / 1e12 },
            result("hybrid-peak-tops", "§3.8", "two-chip hybrid peak throughput", paper: 4.608, unit: "TOPS",
                   tolerance: .relative(1e-12)) { MonetaChip.hybridPaper.peakOpsPerSecond / 1e12 },
            result("learning-tops", "§3.8 Table 2", "learning throughput at output spike rate 0.0028",
                   paper: 2.2, unit: "TOPS", tolerance: .absolute(0.05)) {
                try chip.learningOpsPerSecond(outputSpikeRate: rate) / 1e12
            },
            result("capacity-kb", "§3.8", "weight capacity of 8 cores × 9 arrays", paper: 1_152, unit: "Kb",
                   tolerance: .exact) { Double(chip.capacityKb) },
        ] + frames + [
            result("inference-tops-per-w", "§3.8 Table 2", "inference energy efficiency", paper: 18.69,
                   unit: "TOPS/W", tolerance: .absolute(0.005)) { chip.inferenceOpsPerWatt / 1e12 },
            result("learning-tops-per-w", "§3.8 Table 2", "learning energy efficiency", paper: 7.25,
                   unit: "TOPS/W", tolerance: .absolute(0.005)) {
                try chip.learningOpsPerWatt(outputSpikeRate: rate) / 1e12
            },
            result("inference-tops-per-mm2", "§3.6", "inference area efficiency", paper: 0.207,
                   unit: "TOPS/mm²", tolerance: .absolute(0.0005)) { chip.inferenceOpsPerMM2 / 1e12 },
            result("learning-tops-per-mm2", "§3.6", "learning area efficiency", paper: 0.197,
                   unit: "TOPS/mm²", tolerance: .absolute(0.0005)) {
                try chip.learningOpsPerMM2(outputSpikeRate: rate) / 1e12
            },
            result("hybrid-learning-tops", "§3.8 Table 3", "two-chip hybrid learning throughput", paper: 4.4,
                   unit: "TOPS", tolerance: .absolute(0.01)) {
                try MonetaChip.hybridPaper.learningOpsPerSecond(outputSpikeRate: rate) / 1e12
            },
            result("hybrid-learning-tops-per-w", "§3.8 Table 3", "two-chip hybrid learning efficiency (erratum: 10.38)",
                   paper: 10.41, unit: "TOPS/W", tolerance: .relative(0.005)) {
                try MonetaChip.hybridPaper.learningOpsPerWatt(outputSpikeRate: rate) / 1e12
            },
            result("stdp-up-frequency", "§3.8 item 4",
                   "stochastic STDP: UP frequency of RND < P with a 16-bit LFSR, P = 6,554 (10⁵ draws) vs P/2¹⁶",
                   paper: 6_554.0 / 65_536, tolerance: .relative(0.01)) {
                let rule = try MonetaSTDP(potentiationThresholds: [6_554, 6_554, 6_554, 6_554],
                                          depressionThreshold: 6_554, lfsrWidth: 16)
                var lfsr = try LFSR(width: 16, seed: 0xACE1)
                let draws = 100_000
                var ups = 0
                for _ in 0..<draws where rule.updated(weight: 0, history: 0b1000, rnd: lfsr.next()) != 0 { ups += 1 }
                return Double(ups) / Double(draws)
            },
        ]
    }
}
