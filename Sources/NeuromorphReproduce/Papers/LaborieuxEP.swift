import NeuromorphCore
import NeuromorphData
import NeuromorphLearning

/// Laborieux et al. 2021, scaling Equilibrium Propagation to deep ConvNets. Digest
/// `equilibrium-propagation_ubrain_neurosim.md` §1; note `learning-rules.md` §2.1. The CIFAR-10
/// accuracies (Table 2) are GPU-days and stay reference values; these are the note's
/// gradient-level checks on the shipped 8×8 digits, in Double.
enum LaborieuxEPResults: PaperResultGroup {
    static let paper = Paper(key: "laborieux2021", citation: "Laborieux et al. 2021, scaling Equilibrium Propagation",
                             digest: "equilibrium-propagation_ubrain_neurosim.md")

    /// The note's bias-order setting: conv 1→4→8 (3×3, pad 1, 2×2 pools), softmax readout,
    /// my_sigmoid; T = 120 free and K = 40 nudged steps, 6 examples (converged to 1e-12).
    static func biasRatio(_ estimator: EPEstimator, beta: Double) throws -> Double {
        let architecture = EPArchitecture(
            inputShape: [1, 8, 8],
            convolutions: [.init(channels: 4, kernel: 3, padding: 1), .init(channels: 8, kernel: 3, padding: 1)],
            classes: 10, cost: .crossEntropy, activation: .mySigmoid)
        let net = try EPNetwork<Double>(architecture: architecture, seed: 3)
        let batch = EPDataset<Double>(try ShippedData.loadDigits().train).batch(0..<6)
        let free = net.freePhase(batch, steps: 120)
        let truth = net.bpttGradient(batch, freeSteps: 120, truncation: 40).gradient.flattened
        func error(_ b: Double) throws -> Double {
            let g = try net.estimate(batch, estimator: estimator, beta: b, freeSteps: 0, nudgedSteps: 40, free: free)
            return EPVectorMeasure.distance(g.gradient.flattened, truth)
        }
        return try error(beta) / error(beta / 2)
    }

    static var results: [PaperResult] {
        [
            result("one-sided-bias-order", "§1 Eq. 13; note §2.1 bias order",
                   "one-sided EP error halves with β: e(β)/e(β/2) at β = 0.05 (first order, note range 1.6–2.5)",
                   paper: 2, tolerance: .absolute(0.5), quick: false) {
                try biasRatio(.oneSided, beta: 0.05)
            },
            result("symmetric-bias-order", "§1 Eq. 14; note §2.1 bias order",
                   "symmetric EP error quarters with β: e(β)/e(β/2) at β = 0.05 (second order, note range 3–5)",
                   paper: 4, tolerance: .absolute(1), quick: false) {
                try biasRatio(.symmetric, beta: 0.05)
            },
        ]
    }
}
