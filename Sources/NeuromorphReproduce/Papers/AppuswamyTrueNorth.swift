import NeuromorphLearning

/// Appuswamy et al. 2016, structured convolution matrices (symmetric kernels on TrueNorth).
/// Digest `bias-matching_stochastic-synapses_truenorth-kernels.md` §3; note `learning-rules.md`
/// §2.4. The seed text lost its numbers: the counts below are the note's [C] values under its
/// reconstruction K_ij = f(σ^i ρ^j(0)), computed here by enumeration (the "paper value" column
/// is the note's count, not a printed number).
enum AppuswamyTrueNorthResults: PaperResultGroup {
    static let paper = Paper(key: "appuswamy2016", citation: "Appuswamy et al. 2016, structured convolution matrices (TrueNorth)",
                             digest: "bias-matching_stochastic-synapses_truenorth-kernels.md")

    static var results: [PaperResult] {
        [
            result("commuting-pairs", "§3; note §2.4", "ordered commuting pairs (σ, ρ) in S₄ (24 × 5 conjugacy classes)",
                   paper: 120, tolerance: .exact) {
                Double(Permutation4.commutingPairs.count)
            },
            result("symmetric-kernels-2x2", "§3; note §2.4", "distinct trinary symmetric 2×2 kernels (all 81)",
                   paper: 81, tolerance: .exact) {
                Double(try SymmetricKernel.distinctTrinaryKernels(size: 2).count)
            },
            result("symmetric-kernels-3x3", "§3; note §2.4", "distinct trinary symmetric 3×3 kernels",
                   paper: 405, tolerance: .exact) {
                Double(try SymmetricKernel.distinctTrinaryKernels(size: 3).count)
            },
            result("symmetric-kernels-4x4", "§3; note §2.4", "distinct trinary symmetric 4×4 kernels",
                   paper: 561, tolerance: .exact) {
                Double(try SymmetricKernel.distinctTrinaryKernels(size: 4).count)
            },
        ]
    }
}
