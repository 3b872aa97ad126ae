import NeuromorphAnalog
import NeuromorphCore

/// Zhao et al. 2021, mini-batch accumulation with stochastic rounding on an ideal 500-level
/// device (level 2/P_max = 0.004). Digest `ttv2_gradient-decomposition_shd.md` §2.3 and §2.7;
/// note `analog-training.md` ids Z6 and C1. The paper's accuracy tables (Z1–Z5) are training
/// runs of minutes to hours: docs/gradient-decomposition.md has the commands and our numbers.
enum ZhaoGradientDecompositionResults: PaperResultGroup {
    static let paper = Paper(key: "zhao2021", citation: "Zhao et al. 2021, gradient decomposition and stochastic rounding",
                             digest: "ttv2_gradient-decomposition_shd.md")

    static let level: Float = 0.004

    /// Weights of a 3×4 ideal quantized cell after 1,000 updates of +0.3 level each (C1).
    static func levelsAfterSmallUpdates(_ rounding: PulseRounding) throws -> [Double] {
        var g = SeededGenerator(seed: 1)
        var cell = try MiniBatchAccumulationConfiguration(device: IdealPulsedDevice(dwMin: level), batchSize: 1,
                                                          rounding: rounding)
            .makeCell(outputs: 3, inputs: 4, forwardIO: .perfect, backwardIO: .perfect,
                      update: PulsedUpdateParameters(), generator: &g)
        let lr: Float = 0.1
        let x = Tensor(shape: [1, 4], scalars: [1, 1, 1, 1])
        let d = Tensor(shape: [1, 3], scalars: [Float](repeating: -0.3 * level / lr, count: 3))
        for _ in 0..<1000 { cell.update(x: x, d: d, rates: LearningRates(sgd: lr)) }
        return cell.weights.scalars.map { Double($0 / level) }
    }

    static var results: [PaperResult] {
        [
            result("stochastic-rounding-unbiased", "§2.3 (Z6), §2.7 item 1",
                   "E[SR(3.3)] over 10⁶ draws equals 3.3 (3 SE = 0.0014)",
                   paper: 3.3, tolerance: .absolute(0.0014)) {
                var g = SeededGenerator(seed: 7)
                var sum = 0.0
                for _ in 0..<1_000_000 { sum += PulseRounding.stochastic.round(3.3, uniform: g.nextUniformDouble()) }
                return sum / 1_000_000
            },
            result("round-to-nearest-loses-updates", "§2.7 item 1 (C1)",
                   "1,000 updates of 0.3 level with round-to-nearest move no weight (levels moved, mean of 12)",
                   paper: 0, unit: "levels", tolerance: .exact) {
                let levels = try levelsAfterSmallUpdates(.nearest)
                return levels.reduce(0, +) / Double(levels.count)
            },
            result("stochastic-rounding-keeps-updates", "§2.7 item 1 (C1)",
                   "the same 1,000 updates with stochastic rounding move each weight 300 levels (mean of 12; 3σ/√12 = 12.5)",
                   paper: 300, unit: "levels", tolerance: .absolute(12.5)) {
                let levels = try levelsAfterSmallUpdates(.stochastic)
                return levels.reduce(0, +) / Double(levels.count)
            },
        ]
    }
}
